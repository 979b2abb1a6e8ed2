/**
 * Local stand-in for Lambda's SQS event source mapping, one poll loop per consuming function:
 * - long polling, like the event source mapping: ReceiveMessage with `WaitTimeSeconds: 20` and
 *   `MaxNumberOfMessages: 1`, which returns as soon as one message is visible (local-aws-sqs answers a long
 *   poll only when the batch is full or the wait is over, so asking for one is what makes it answer at once),
 *   then short receives (`WaitTimeSeconds: 0`) fill the batch up to `batchSize` with what is already waiting.
 *   No idle back-off, so an idle queue adds no latency; all system and message attributes;
 * - `maxBatchingWindowSeconds` > 0: keeps receiving until the batch is full or the window has passed;
 * - a real `SQSEvent` per batch; up to `concurrency` batches in flight per function (default 2);
 * - ReportBatchItemFailures (on by default, as the CDK stack configures it): successes are deleted, failures
 *   stay and reappear after the visibility timeout; a thrown error, a timeout or an invalid response (an
 *   `itemIdentifier` that is empty or not in the batch) fails the whole batch. Without it, a resolved handler
 *   deletes the whole batch.
 * - Moving a message to the DLQ after `maxReceiveCount` receives is the emulator's job (RedrivePolicy).
 * - `retryVisibilitySeconds` (LOCAL-ONLY convenience, default off = real behaviour: the queue's visibility
 *   timeout): messages are received with `VisibilityTimeout = max(retryVisibilitySeconds, function timeout)`,
 *   so failed records come back after seconds instead of minutes. It is done on ReceiveMessage rather than
 *   with ChangeMessageVisibility because local-aws-sqs 2.0.2 counts a ChangeMessageVisibility as a receive
 *   (ApproximateReceiveCount + 1), which would send messages to the DLQ after fewer real attempts.
 */
import {
  DeleteMessageBatchCommand,
  GetQueueAttributesCommand,
  type Message,
  ReceiveMessageCommand,
  type SQSClient,
} from '@aws-sdk/client-sqs';
import type { SQSBatchResponse, SQSEvent, SQSMessageAttributes, SQSRecord } from 'aws-lambda';
import { FUNCTIONS, type FunctionDef, type QueueName } from '../infra/data-plane';
import { LOCAL_REGION, localSqs } from './aws';
import { createLambdaContext, withTimeout } from './lambda-context';
import { type AnyLambdaHandler, importHandler } from './load-handler';

export interface SqsConsumer {
  readonly functionName: string;
  readonly queueUrl: string;
  readonly handler: AnyLambdaHandler;
  readonly batchSize: number;
  readonly maxBatchingWindowSeconds?: number;
  /** Default true. */
  readonly reportBatchItemFailures?: boolean;
  readonly timeoutSeconds?: number;
  readonly memoryMb?: number;
  /** Batches in flight at once for this function (default 2). */
  readonly concurrency?: number;
}

export interface SqsPollerOptions {
  /** SQS endpoint (http URL of the emulator). */
  readonly sqsEndpoint: string;
  readonly consumers: readonly SqsConsumer[];
  /** LOCAL-ONLY: receive with this visibility timeout (≥ function timeout) so failures retry quickly. */
  readonly retryVisibilitySeconds?: number;
  /**
   * Short polling with an idle back-off (min doubling to max) instead of long polling: only for comparing the
   * two in a benchmark.
   */
  readonly idleBackoffMs?: { readonly min: number; readonly max: number };
  /** Long poll wait (default 20 s, the event source mapping's). */
  readonly waitTimeSeconds?: number;
  readonly log?: (line: string) => void;
}

export interface ConsumerStatus {
  readonly queueUrl: string;
  readonly running: boolean;
  readonly inFlight: number;
  readonly batches: number;
  readonly succeeded: number;
  readonly failed: number;
  /** Name of the last error receiving from SQS, cleared by the next successful receive. */
  readonly receiveError?: string;
}

export interface RunningPollers {
  status(): Record<string, ConsumerStatus>;
  /** Stops polling and waits for the batches in flight to finish. */
  stop(): Promise<void>;
}

/**
 * One consumer per function of FUNCTIONS with `consumes`, handlers imported from their `entry`.
 * Call only after the environment is set.
 */
export const loadFunctionConsumers = async (
  queueUrls: Record<QueueName, string>,
  functions: Record<string, FunctionDef> = FUNCTIONS,
  root: string = process.cwd(),
): Promise<SqsConsumer[]> => {
  const consumers: SqsConsumer[] = [];
  for (const def of Object.values(functions)) {
    if (!def.consumes) continue;
    consumers.push({
      functionName: def.id,
      queueUrl: queueUrls[def.consumes.queue],
      handler: await importHandler(def.entry, root),
      batchSize: def.consumes.batchSize,
      maxBatchingWindowSeconds: def.consumes.maxBatchingWindowSeconds,
      timeoutSeconds: def.timeoutSeconds,
      memoryMb: def.memoryMb,
    });
  }
  return consumers;
};

const toBase64 = (v: Uint8Array | undefined) => (v ? Buffer.from(v).toString('base64') : undefined);

/** An SQS `Message` (SDK shape) as the record Lambda puts in an `SQSEvent`. */
export const toSqsRecord = (
  m: Message,
  eventSourceARN: string,
  awsRegion: string = LOCAL_REGION,
): SQSRecord => {
  const messageAttributes: SQSMessageAttributes = {};
  for (const [name, a] of Object.entries(m.MessageAttributes ?? {})) {
    messageAttributes[name] = {
      ...(a.StringValue !== undefined ? { stringValue: a.StringValue } : {}),
      ...(a.BinaryValue !== undefined ? { binaryValue: toBase64(a.BinaryValue) } : {}),
      stringListValues: a.StringListValues ?? [],
      binaryListValues: (a.BinaryListValues ?? []).map((b) => toBase64(b) ?? ''),
      dataType: a.DataType ?? 'String',
    };
  }
  const attrs = (m.Attributes ?? {}) as Record<string, string>;
  return {
    messageId: m.MessageId ?? '',
    receiptHandle: m.ReceiptHandle ?? '',
    body: m.Body ?? '',
    attributes: {
      ...attrs,
      ApproximateReceiveCount: attrs.ApproximateReceiveCount ?? '1',
      SentTimestamp: attrs.SentTimestamp ?? String(Date.now()),
      SenderId: attrs.SenderId ?? 'local',
      ApproximateFirstReceiveTimestamp: attrs.ApproximateFirstReceiveTimestamp ?? String(Date.now()),
    },
    messageAttributes,
    md5OfBody: m.MD5OfBody ?? '',
    ...(m.MD5OfMessageAttributes ? { md5OfMessageAttributes: m.MD5OfMessageAttributes } : {}),
    eventSource: 'aws:sqs',
    eventSourceARN,
    awsRegion,
  } as SQSRecord;
};

/**
 * Which records of a batch failed, per Lambda's ReportBatchItemFailures rules: `'all'` when the response is
 * invalid (an item identifier that is empty or not in the batch, or a malformed `batchItemFailures`).
 */
export const failedRecords = (response: unknown, messageIds: readonly string[]): Set<string> | 'all' => {
  if (response === null || response === undefined || typeof response !== 'object') return new Set();
  const failures = (response as Partial<SQSBatchResponse>).batchItemFailures;
  if (failures === undefined || failures === null) return new Set();
  if (!Array.isArray(failures)) return 'all';
  const ids = new Set(messageIds);
  const failed = new Set<string>();
  for (const f of failures) {
    const id = (f as { itemIdentifier?: unknown } | null)?.itemIdentifier;
    if (typeof id !== 'string' || !id || !ids.has(id)) return 'all';
    failed.add(id);
  }
  return failed;
};

class ConsumerLoop {
  running = true;
  inFlight = new Set<Promise<void>>();
  batches = 0;
  succeeded = 0;
  failed = 0;
  receiveError: string | undefined;
  private loop: Promise<void> | undefined;
  private wake: (() => void) | undefined;
  private arn = '';
  /** Set only with `retryVisibilitySeconds` (never shorter than the function timeout, like Lambda requires). */
  private readonly visibilityTimeout: number | undefined;

  constructor(
    private readonly sqs: SQSClient,
    private readonly c: SqsConsumer,
    private readonly options: SqsPollerOptions,
  ) {
    const retry = options.retryVisibilitySeconds;
    this.visibilityTimeout = retry === undefined ? undefined : Math.max(retry, c.timeoutSeconds ?? 0);
  }

  start() {
    this.loop = this.run();
  }

  private log(line: string) {
    this.options.log?.(`[sqs:${this.c.functionName}] ${line}`);
  }

  /** Aborts a long poll in flight when the loop stops. */
  private readonly abort = new AbortController();

  private async receive(max: number, waitSeconds = 0): Promise<Message[]> {
    const { Messages = [] } = await this.sqs.send(
      new ReceiveMessageCommand({
        QueueUrl: this.c.queueUrl,
        MaxNumberOfMessages: Math.min(10, Math.max(1, max)),
        WaitTimeSeconds: waitSeconds,
        AttributeNames: ['All'],
        MessageSystemAttributeNames: ['All'],
        MessageAttributeNames: ['All'],
        ...(this.visibilityTimeout !== undefined ? { VisibilityTimeout: this.visibilityTimeout } : {}),
      }),
      { abortSignal: this.abort.signal },
    );
    return Messages;
  }

  /** The first message(s) of a batch: a long poll for one, or (back-off mode) a short poll for a batch. */
  private first(): Promise<Message[]> {
    if (this.options.idleBackoffMs) return this.receive(this.c.batchSize);
    return this.receive(1, this.options.waitTimeSeconds ?? 20);
  }

  private async run() {
    const longPoll = !this.options.idleBackoffMs;
    const { min, max } = this.options.idleBackoffMs ?? { min: 50, max: 500 };
    let backoff = min;
    const concurrency = Math.max(1, this.c.concurrency ?? 2);
    while (this.running) {
      try {
        if (!this.arn) {
          const { Attributes } = await this.sqs.send(
            new GetQueueAttributesCommand({ QueueUrl: this.c.queueUrl, AttributeNames: ['QueueArn'] }),
          );
          this.arn = Attributes?.QueueArn ?? '';
        }
        if (this.inFlight.size >= concurrency) {
          await Promise.race(this.inFlight);
          continue;
        }
        const batch = await this.first();
        this.receiveError = undefined;
        if (batch.length === 0) {
          // A long poll that found nothing polls again at once; short polls back off.
          if (longPoll) continue;
          await this.idle(backoff);
          backoff = Math.min(max, backoff * 2);
          continue;
        }
        backoff = min;
        // Fill the batch with what is already waiting (short receives, no waiting).
        while (this.running && longPoll && batch.length < this.c.batchSize) {
          const more = await this.receive(this.c.batchSize - batch.length);
          batch.push(...more);
          if (more.length === 0) break;
        }
        const windowMs = (this.c.maxBatchingWindowSeconds ?? 0) * 1000;
        const deadline = Date.now() + windowMs;
        while (this.running && batch.length < this.c.batchSize) {
          const more = await this.receive(this.c.batchSize - batch.length);
          batch.push(...more);
          if (more.length === 0) {
            if (Date.now() >= deadline) break;
            await this.idle(Math.min(min, deadline - Date.now()));
          }
        }
        const p: Promise<void> = this.invoke(batch).finally(() => this.inFlight.delete(p));
        this.inFlight.add(p);
      } catch (error) {
        if (!this.running) break;
        this.receiveError = (error as Error)?.name ?? 'Error';
        this.log(`receive failed: ${this.receiveError}`);
        await this.idle(max);
      }
    }
  }

  private idle(ms: number) {
    return new Promise<void>((r) => {
      const t = setTimeout(r, ms);
      this.wake = () => {
        clearTimeout(t);
        r();
      };
    });
  }

  private async invoke(messages: Message[]) {
    this.batches++;
    const records = messages.map((m) => toSqsRecord(m, this.arn));
    const event: SQSEvent = { Records: records };
    const context = createLambdaContext({
      functionName: this.c.functionName,
      timeoutSeconds: this.c.timeoutSeconds,
      memoryMb: this.c.memoryMb,
    });
    let failed: Set<string> | 'all';
    try {
      const response = await withTimeout(
        Promise.resolve(this.c.handler(event, context)),
        this.c.timeoutSeconds,
      );
      failed =
        this.c.reportBatchItemFailures === false
          ? new Set()
          : failedRecords(
              response,
              records.map((r) => r.messageId),
            );
      if (failed === 'all') this.log(`invalid batch response: whole batch of ${records.length} failed`);
    } catch (error) {
      this.log(`batch of ${records.length} failed: ${(error as Error)?.name ?? 'Error'}`);
      failed = 'all';
    }
    const failedSet = failed === 'all' ? new Set(records.map((r) => r.messageId)) : failed;
    const succeeded = records.filter((r) => !failedSet.has(r.messageId));
    const retry = records.filter((r) => failedSet.has(r.messageId));
    this.succeeded += succeeded.length;
    this.failed += retry.length;
    if (failedSet.size > 0 && failed !== 'all')
      this.log(`${retry.length}/${records.length} record(s) failed`);
    try {
      for (let i = 0; i < succeeded.length; i += 10) {
        await this.sqs.send(
          new DeleteMessageBatchCommand({
            QueueUrl: this.c.queueUrl,
            Entries: succeeded
              .slice(i, i + 10)
              .map((r, j) => ({ Id: String(j), ReceiptHandle: r.receiptHandle })),
          }),
        );
      }
    } catch (error) {
      this.log(`delete failed: ${(error as Error)?.name ?? 'Error'}`);
    }
  }

  async stop() {
    this.running = false;
    this.wake?.();
    this.abort.abort();
    await this.loop;
    await Promise.allSettled([...this.inFlight]);
  }
}

export const startSqsPollers = (options: SqsPollerOptions): RunningPollers => {
  const sqs = localSqs(options.sqsEndpoint);
  const loops = options.consumers.map((c) => [c, new ConsumerLoop(sqs, c, options)] as const);
  for (const [, loop] of loops) loop.start();
  let stopping: Promise<void> | undefined;
  return {
    status() {
      return Object.fromEntries(
        loops.map(([c, l]) => [
          c.functionName,
          {
            queueUrl: c.queueUrl,
            running: l.running,
            inFlight: l.inFlight.size,
            batches: l.batches,
            succeeded: l.succeeded,
            failed: l.failed,
            ...(l.receiveError ? { receiveError: l.receiveError } : {}),
          },
        ]),
      );
    },
    stop() {
      stopping ??= (async () => {
        await Promise.all(loops.map(([, l]) => l.stop()));
        sqs.destroy();
      })();
      return stopping;
    },
  };
};
