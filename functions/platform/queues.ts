/**
 * The pipeline's queues, built once per container from validated config: the one place handlers get their
 * queues from. Apart from ./leads-table.ts so only handlers that send messages load the SQS client.
 */
import * as z from 'zod';
import { sqs } from './clients/sqs';
import { parseConfig, queueVar } from './config';
import { sqsQueue } from './queue-sqs';

const queues = new Map<string, ReturnType<typeof sqsQueue>>();
export const queue = (name: 'qualify' | 'draft' | 'send') => {
  let q = queues.get(name);
  if (!q) {
    const vars = queueVar(name);
    const [envVar] = Object.keys(vars);
    const url = parseConfig(z.object(vars), process.env)[envVar as string] as string;
    q = sqsQueue(sqs, url);
    queues.set(name, q);
  }
  return q;
};
