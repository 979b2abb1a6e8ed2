/**
 * Helpers for integration tests that run against the emulators started by test/global-setup.ts.
 * Clients read the endpoints from `process.env` (set by the global setup) unless one is passed.
 */
import { randomUUID } from 'node:crypto';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  CreateQueueCommand,
  DeleteMessageBatchCommand,
  GetQueueAttributesCommand,
  type Message,
  ReceiveMessageCommand,
  SQSClient,
} from '@aws-sdk/client-sqs';
import { LOCAL_CREDENTIALS, LOCAL_REGION } from '../../local/aws';

const requireEnv = (name: string): string => {
  const value = process.env[name];
  if (!value)
    throw new Error(`${name} is not set: is this test in the integration project (test/global-setup.ts)?`);
  return value;
};

export const sqsClient = (endpoint = requireEnv('AWS_ENDPOINT_URL_SQS')): SQSClient =>
  new SQSClient({ endpoint, region: LOCAL_REGION, credentials: LOCAL_CREDENTIALS });

export const dynamoClient = (endpoint = requireEnv('AWS_ENDPOINT_URL_DYNAMODB')): DynamoDBClient =>
  new DynamoDBClient({ endpoint, region: LOCAL_REGION, credentials: LOCAL_CREDENTIALS });

/** Polls `fn` until it returns a value other than `undefined`/`false` (or stops throwing); rejects on timeout. */
export const waitFor = async <T>(
  fn: () => T | Promise<T>,
  timeoutMs = 60_000,
  intervalMs = 50,
): Promise<Exclude<T, false | undefined>> => {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  for (;;) {
    try {
      const value = await fn();
      if (value !== undefined && value !== false) return value as Exclude<T, false | undefined>;
      lastError = undefined;
    } catch (error) {
      lastError = error;
    }
    if (Date.now() > deadline) {
      throw new Error(
        `waitFor timed out after ${timeoutMs} ms${lastError ? `: ${(lastError as Error).message}` : ''}`,
      );
    }
    await new Promise((r) => setTimeout(r, intervalMs));
  }
};

/**
 * Receives every currently visible message of a queue (WaitTimeSeconds 0: a long poll on local-aws-sqs waits
 * out its full time even with messages waiting and may return one twice), with
 * all system and message attributes. By default the messages are deleted; with `{ delete: false }` they stay
 * invisible for `visibilityTimeout` seconds (default 30) and count as a receive.
 */
export const receiveAll = async (
  queueUrl: string,
  options: { delete?: boolean; visibilityTimeout?: number; sqs?: SQSClient } = {},
): Promise<Message[]> => {
  const sqs = options.sqs ?? sqsClient();
  const all: Message[] = [];
  try {
    for (;;) {
      const { Messages = [] } = await sqs.send(
        new ReceiveMessageCommand({
          QueueUrl: queueUrl,
          MaxNumberOfMessages: 10,
          WaitTimeSeconds: 0,
          VisibilityTimeout: options.visibilityTimeout ?? 30,
          AttributeNames: ['All'],
          MessageAttributeNames: ['All'],
        }),
      );
      if (Messages.length === 0) return all;
      all.push(...Messages);
      if (options.delete !== false) {
        await sqs.send(
          new DeleteMessageBatchCommand({
            QueueUrl: queueUrl,
            Entries: Messages.map((m, i) => ({ Id: String(i), ReceiptHandle: m.ReceiptHandle })),
          }),
        );
      }
    }
  } finally {
    if (!options.sqs) sqs.destroy();
  }
};

/** ApproximateNumberOfMessages (+ NotVisible) of a queue. */
export const queueDepth = async (
  queueUrl: string,
  sqs: SQSClient = sqsClient(),
): Promise<{ visible: number; inFlight: number }> => {
  const { Attributes = {} } = await sqs.send(
    new GetQueueAttributesCommand({
      QueueUrl: queueUrl,
      AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'],
    }),
  );
  return {
    visible: Number(Attributes.ApproximateNumberOfMessages ?? 0),
    inFlight: Number(Attributes.ApproximateNumberOfMessagesNotVisible ?? 0),
  };
};

/**
 * A fresh queue (+ DLQ) for one test, so tests never compete with the pollers or tests that use the app's
 * queues. Names get a random suffix.
 */
export const createTestQueue = async (
  prefix: string,
  options: { visibilityTimeoutSeconds?: number; maxReceiveCount?: number; sqs?: SQSClient } = {},
): Promise<{ url: string; arn: string; dlqUrl: string; dlqArn: string; name: string }> => {
  const sqs = options.sqs ?? sqsClient();
  try {
    const name = `${prefix}-${randomUUID().slice(0, 8)}`;
    const { QueueUrl: dlqUrl } = await sqs.send(new CreateQueueCommand({ QueueName: `${name}-dlq` }));
    const arnOf = async (url: string) =>
      (await sqs.send(new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['QueueArn'] })))
        .Attributes?.QueueArn ?? '';
    const dlqArn = await arnOf(dlqUrl!);
    const { QueueUrl: url } = await sqs.send(
      new CreateQueueCommand({
        QueueName: name,
        Attributes: {
          VisibilityTimeout: String(options.visibilityTimeoutSeconds ?? 30),
          RedrivePolicy: JSON.stringify({
            deadLetterTargetArn: dlqArn,
            maxReceiveCount: options.maxReceiveCount ?? 3,
          }),
        },
      }),
    );
    return { url: url!, arn: await arnOf(url!), dlqUrl: dlqUrl!, dlqArn, name };
  } finally {
    if (!options.sqs) sqs.destroy();
  }
};

export interface SesStoredEmail {
  readonly messageId: string;
  readonly from: string;
  readonly replyTo?: string[];
  readonly destination: { to: string[]; cc: string[]; bcc: string[] };
  readonly subject: string;
  readonly body: { text?: string; html?: string };
  readonly at: number;
  readonly [key: string]: unknown;
}

/** The SES v2 emulator's mailbox (`GET <endpoint>/store`), optionally only mail sent since `sinceEpochSeconds`. */
export const sesStore = async (
  endpoint = requireEnv('AWS_ENDPOINT_URL_SESV2'),
  sinceEpochSeconds?: number,
): Promise<{ emails: SesStoredEmail[] }> => {
  const url = new URL('/store', endpoint);
  if (sinceEpochSeconds !== undefined) url.searchParams.set('since', String(Math.floor(sinceEpochSeconds)));
  const res = await fetch(url);
  if (!res.ok) throw new Error(`GET /store answered ${res.status}`);
  const body = (await res.json()) as { emails: SesStoredEmail[] };
  return { emails: body.emails };
};

/** Empties the SES v2 emulator's mailbox (shared by every test in the run: prefer filtering by recipient). */
export const clearSesStore = async (endpoint = requireEnv('AWS_ENDPOINT_URL_SESV2')): Promise<void> => {
  const res = await fetch(new URL('/clear-store', endpoint), { method: 'POST' });
  await res.arrayBuffer();
};
