/** LeadQueue on SQS (standard queue; consumers are idempotent, so duplicates are harmless). */
import { SendMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import type { LeadQueue } from '../agent/ports';

export const sqsQueue = (client: SQSClient, queueUrl: string): LeadQueue => ({
  async send(body, options) {
    await client.send(
      new SendMessageCommand({
        QueueUrl: queueUrl,
        MessageBody: JSON.stringify(body),
        ...(options?.delaySeconds ? { DelaySeconds: options.delaySeconds } : {}),
      }),
    );
  },
});
