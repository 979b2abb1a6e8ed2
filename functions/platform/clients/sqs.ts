/** The SQS client, created once per container at module scope (see ./dynamodb.ts for why one module each). */
import { SQSClient } from '@aws-sdk/client-sqs';
import { clientOptions, SQS_NOTICE_TIMEOUTS, SQS_TIMEOUTS } from './timeouts';

export const sqs = new SQSClient(clientOptions(SQS_TIMEOUTS));

let notices: SQSClient | undefined;
/** A client with short timeouts for CRM sync triggers (./timeouts.ts), created on first use. */
export const sqsForNotices = (): SQSClient => {
  notices ??= new SQSClient(clientOptions(SQS_NOTICE_TIMEOUTS));
  return notices;
};
