/** The SQS client, created once per container at module scope (see ./dynamodb.ts for why one module each). */
import { SQSClient } from '@aws-sdk/client-sqs';
import { clientOptions, SQS_TIMEOUTS } from './timeouts';

export const sqs = new SQSClient(clientOptions(SQS_TIMEOUTS));
