/**
 * The pipeline's queues on SQS (standard queues; every consumer is idempotent, so a duplicate is harmless):
 * the `LeadQueue` adapter, and the one place handlers get their queues from, built once per container from
 * validated config. Apart from ./leads-table.ts so only handlers that send messages load the SQS client.
 */
import { SendMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import * as z from 'zod';
import type { LeadQueue } from '../agent/ports';
import { sqs } from './clients/sqs';
import { parseConfig, queueVar } from './config';

/** A queue of JSON messages of type `T` on the SQS queue at `queueUrl`. */
export const sqsJsonQueue = <T>(
  client: SQSClient,
  queueUrl: string,
): { send(message: T, options?: { delaySeconds?: number }): Promise<void> } => ({
  async send(message, options) {
    await client.send(
      new SendMessageCommand({
        QueueUrl: queueUrl,
        MessageBody: JSON.stringify(message),
        ...(options?.delaySeconds ? { DelaySeconds: options.delaySeconds } : {}),
      }),
    );
  },
});

/** A `LeadQueue` on the SQS queue at `queueUrl`. */
export const sqsLeadQueue = (client: SQSClient, queueUrl: string): LeadQueue =>
  sqsJsonQueue(client, queueUrl);

const queues = new Map<string, LeadQueue>();

/** The named pipeline queue (its URL from the function's configuration). */
export const leadQueue = (name: 'qualify' | 'draft' | 'send' | 'rescore'): LeadQueue => {
  let q = queues.get(name);
  if (!q) {
    const vars = queueVar(name);
    const [envVar] = Object.keys(vars);
    const url = parseConfig(z.object(vars), process.env)[envVar as string] as string;
    q = sqsLeadQueue(sqs, url);
    queues.set(name, q);
  }
  return q;
};
