/**
 * Local stand-in for Lambda's DynamoDB Streams event source mapping, one poll loop per consuming function,
 * on DynamoDB Local's streams API (DescribeStream, GetShardIterator, GetRecords):
 * - every shard of the table's latest stream is read in order, up to `parallelizationFactor` batches in
 *   flight per shard (records of one item key never in two batches at once, so they stay in order); new
 *   shards are picked up as the emulator rolls them over; a closed shard is finished before it is dropped;
 * - GetRecords again at once while records come, and every `pollIntervalMs` when a shard is idle (Lambda polls
 *   each shard four times a second: default 250 ms);
 * - records that do not match the function's filter pattern are skipped, as Lambda's event filtering does;
 * - a real `DynamoDBStreamEvent` per batch of up to `batchSize` matching records;
 * - ReportBatchItemFailures: the batch is retried from the first failed record (`itemIdentifier` = its
 *   sequence number) up to `retryAttempts` times, with a back-off; then the failed part is described on the
 *   on-failure queue (an SQS DLQ, with Lambda's `DDBStreamBatchInfo`) and its keys are released.
 * The starting position is TRIM_HORIZON (the whole stream the emulator still holds) unless `LATEST` is asked.
 *
 * A GetRecords answered with TrimmedDataAccessException takes a fresh iterator for that shard, after the last
 * record read (or at the trim horizon when none was read, or when that record is gone too), as Lambda resumes
 * at the trim horizon. DynamoDB Local needs this for more than real trimming: its sequence numbers are shared
 * by every table, and an iterator taken on an empty shard points at the shard's starting number, so once another
 * table's writes have moved the counter, the shard's first record lies past it and the emulator calls the
 * iterator trimmed — for ever, if it is not replaced.
 */
import { SendMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import type { DynamoDBRecord, DynamoDBStreamEvent } from 'aws-lambda';
import {
  FUNCTIONS,
  type FunctionDef,
  type QueueName,
  type StreamFilter,
  type TableName,
} from '../infra/data-plane';
import { LOCAL_CREDENTIALS, LOCAL_REGION, localSqs } from './aws';
import { createLambdaContext, withTimeout } from './lambda-context';
import { type AnyLambdaHandler, importHandler } from './load-handler';

export interface StreamConsumer {
  readonly functionName: string;
  readonly tableName: string;
  readonly handler: AnyLambdaHandler;
  readonly batchSize: number;
  readonly maxBatchingWindowSeconds?: number;
  readonly retryAttempts: number;
  /** Batches in flight per shard (Lambda's ParallelizationFactor); records of one key stay in order. */
  readonly parallelizationFactor?: number;
  readonly filter?: StreamFilter;
  /** SQS queue URL that receives the description of a batch that failed every attempt. */
  readonly onFailureQueueUrl?: string;
  readonly timeoutSeconds?: number;
  readonly memoryMb?: number;
}

export interface StreamPollerOptions {
  /** DynamoDB endpoint (http URL of the emulator; its streams API is served there too). */
  readonly dynamodbEndpoint: string;
  /** SQS endpoint, for the on-failure queues. */
  readonly sqsEndpoint?: string;
  readonly consumers: readonly StreamConsumer[];
  /** Wait between GetRecords calls on an idle shard. Default 250 ms (Lambda: four polls a second). */
  readonly pollIntervalMs?: number;
  readonly startingPosition?: 'TRIM_HORIZON' | 'LATEST';
  readonly log?: (line: string) => void;
}

export interface StreamConsumerStatus {
  readonly tableName: string;
  readonly running: boolean;
  readonly shards: number;
  readonly batches: number;
  readonly succeeded: number;
  readonly failed: number;
  /** Batches given up after every retry and described on the on-failure queue. */
  readonly discarded: number;
  /** Matching records read but not processed yet (0 and idle: caught up with the stream). */
  readonly pending: number;
  readonly pollError?: string;
}

export interface RunningStreamPollers {
  status(): Record<string, StreamConsumerStatus>;
  /** Stops polling and waits for the batches in flight to finish. */
  stop(): Promise<void>;
}

interface StreamRecordWire {
  readonly eventID?: string;
  readonly eventName?: 'INSERT' | 'MODIFY' | 'REMOVE';
  readonly eventVersion?: string;
  readonly eventSource?: string;
  readonly awsRegion?: string;
  readonly dynamodb?: DynamoDBRecord['dynamodb'];
}

interface GetRecordsOutput {
  readonly Records?: StreamRecordWire[];
  readonly NextShardIterator?: string;
}

/** One call of DynamoDB Local's streams API (JSON 1.0; the emulator does not check the signature). */
const streamsCall = async <T>(endpoint: string, operation: string, body: unknown): Promise<T> => {
  const service = operation.startsWith('DescribeTable') ? 'DynamoDB_20120810' : 'DynamoDBStreams_20120810';
  const res = await fetch(endpoint, {
    method: 'POST',
    headers: {
      'content-type': 'application/x-amz-json-1.0',
      'x-amz-target': `${service}.${operation}`,
      authorization: `AWS4-HMAC-SHA256 Credential=${LOCAL_CREDENTIALS.accessKeyId}/20260101/${LOCAL_REGION}/dynamodb/aws4_request, SignedHeaders=host, Signature=local`,
    },
    body: JSON.stringify(body),
    // A stalled emulator must not hang the loop: the call fails and is tried again.
    signal: AbortSignal.timeout(10_000),
  });
  const text = await res.text();
  if (!res.ok) {
    const type = (() => {
      try {
        return String((JSON.parse(text) as { __type?: string }).__type ?? '')
          .split('#')
          .pop();
      } catch {
        return '';
      }
    })();
    const error = new Error(`${operation} failed: ${res.status} ${type}`);
    error.name = type || `Http${res.status}`;
    throw error;
  }
  return JSON.parse(text) as T;
};

/** Whether `value` matches a filter pattern leaf or object (the subset Lambda filters use here). */
const matches = (pattern: unknown, value: unknown): boolean => {
  if (Array.isArray(pattern)) return pattern.includes(value as never);
  if (pattern && typeof pattern === 'object') {
    if (!value || typeof value !== 'object') return false;
    return Object.entries(pattern).every(([k, p]) => matches(p, (value as Record<string, unknown>)[k]));
  }
  return pattern === value;
};

/** Whether a stream record passes the function's filter (none: every record). */
export const matchesFilter = (filter: StreamFilter | undefined, record: StreamRecordWire): boolean =>
  filter === undefined || matches(filter, record);

interface ShardState {
  iterator: string | undefined;
  /**
   * Sequence number of the last record read from the shard (filtered out or not); cleared when the iterator is
   * renewed after it, so a second trim before the next record renews at the trim horizon.
   */
  lastSequence?: string;
  /** Records read but not handed to the function yet. */
  pending: DynamoDBRecord[];
  closed: boolean;
  /** Batches of this shard in flight. */
  inFlight: Set<Promise<void>>;
}

/** The item key of a stream record (its partition and sort key values). */
const keyOf = (r: DynamoDBRecord) => JSON.stringify(r.dynamodb?.Keys ?? {});

class StreamLoop {
  running = true;
  batches = 0;
  succeeded = 0;
  failed = 0;
  discarded = 0;
  pollError: string | undefined;
  private readonly shards = new Map<string, ShardState>();
  private readonly done = new Set<string>();
  /** Item keys with a record in a batch in flight. */
  private readonly busyKeys = new Set<string>();
  private inFlightRecords = 0;
  private streamArn = '';
  private loop: Promise<void> | undefined;
  private wake: (() => void) | undefined;
  private lastDescribe = 0;

  constructor(
    private readonly c: StreamConsumer,
    private readonly options: StreamPollerOptions,
    private readonly sqs: SQSClient | undefined,
  ) {}

  get shardCount() {
    return this.shards.size;
  }

  get pending() {
    let n = 0;
    for (const shard of this.shards.values()) n += shard.pending.length;
    return n + this.inFlightRecords;
  }

  start() {
    this.loop = this.run();
  }

  private log(line: string) {
    this.options.log?.(`[stream:${this.c.functionName}] ${line}`);
  }

  private call<T>(operation: string, body: unknown) {
    return streamsCall<T>(this.options.dynamodbEndpoint, operation, body);
  }

  /** Finds the table's stream and its shards; new shards start at TRIM_HORIZON (children of read shards). */
  private async describe(first: boolean) {
    if (!this.streamArn) {
      const { Table } = await this.call<{ Table?: { LatestStreamArn?: string } }>('DescribeTable', {
        TableName: this.c.tableName,
      });
      this.streamArn = Table?.LatestStreamArn ?? '';
      if (!this.streamArn) throw Object.assign(new Error('table has no stream'), { name: 'NoStream' });
    }
    const shards: { ShardId: string; ParentShardId?: string }[] = [];
    let start: string | undefined;
    do {
      const out = await this.call<{
        StreamDescription?: { Shards?: { ShardId: string }[]; LastEvaluatedShardId?: string };
      }>('DescribeStream', { StreamArn: this.streamArn, ...(start ? { ExclusiveStartShardId: start } : {}) });
      shards.push(...(out.StreamDescription?.Shards ?? []));
      start = out.StreamDescription?.LastEvaluatedShardId;
    } while (start);
    for (const shard of shards) {
      if (this.shards.has(shard.ShardId) || this.done.has(shard.ShardId)) continue;
      const type = first && this.options.startingPosition === 'LATEST' ? 'LATEST' : 'TRIM_HORIZON';
      this.shards.set(shard.ShardId, {
        iterator: await this.shardIterator(shard.ShardId, type),
        pending: [],
        closed: false,
        inFlight: new Set(),
      });
    }
    this.lastDescribe = Date.now();
  }

  private async run() {
    const interval = this.options.pollIntervalMs ?? 250;
    let first = true;
    while (this.running) {
      try {
        if (first || Date.now() - this.lastDescribe > 1_000) {
          await this.describe(first);
          first = false;
        }
        let busy = false;
        for (const [shardId, shard] of this.shards) {
          if (!this.running) break;
          busy = (await this.pollShard(shardId, shard)) || busy;
        }
        this.pollError = undefined;
        if (!busy) await this.idle(interval);
      } catch (error) {
        this.pollError = (error as Error)?.name ?? 'Error';
        this.log(`poll failed: ${this.pollError}`);
        // An expired iterator or a stream that changed: start over from the stream's description.
        if (this.pollError === 'ExpiredIteratorException' || this.pollError === 'ResourceNotFoundException') {
          this.shards.clear();
          this.streamArn = '';
          first = true;
        }
        await this.idle(Math.max(interval, 500));
      }
    }
  }

  /** Reads what the shard has and hands batches to the function; true when there was work. */
  private async pollShard(shardId: string, shard: ShardState): Promise<boolean> {
    const factor = Math.max(1, this.c.parallelizationFactor ?? 1);
    let read = false;
    if (shard.pending.length < this.c.batchSize * factor && shard.iterator && !shard.closed) {
      const deadline = Date.now() + (this.c.maxBatchingWindowSeconds ?? 0) * 1000;
      do {
        const out: GetRecordsOutput = await this.call<GetRecordsOutput>('GetRecords', {
          ShardIterator: shard.iterator,
          Limit: 100,
        }).catch(async (error: Error) => {
          if (error.name === 'TrimmedDataAccessException') await this.renewIterator(shardId, shard);
          throw error;
        });
        shard.iterator = out.NextShardIterator;
        if (!shard.iterator) shard.closed = true;
        const records = out.Records ?? [];
        if (records.length > 0) read = true;
        shard.lastSequence = records.at(-1)?.dynamodb?.SequenceNumber ?? shard.lastSequence;
        for (const r of records)
          if (matchesFilter(this.c.filter, r))
            shard.pending.push({ ...r, eventSourceARN: this.streamArn } as DynamoDBRecord);
        if (records.length === 0 && Date.now() >= deadline) break;
        if (records.length === 0) await this.idle(Math.min(50, deadline - Date.now()));
      } while (this.running && shard.iterator && shard.pending.length < this.c.batchSize);
    }
    let launched = false;
    while (shard.inFlight.size < factor) {
      const batch = this.takeBatch(shard);
      if (batch.length === 0) break;
      launched = true;
      const p: Promise<void> = this.runBatch(shardId, batch).finally(() => shard.inFlight.delete(p));
      shard.inFlight.add(p);
    }
    if (shard.pending.length === 0 && shard.closed && shard.inFlight.size === 0) {
      this.shards.delete(shardId);
      this.done.add(shardId);
    }
    // At capacity with more waiting: go on when a batch finishes, not after the idle wait.
    if (!launched && shard.inFlight.size >= factor && shard.pending.length > 0)
      await Promise.race(shard.inFlight);
    return read || launched;
  }

  /**
   * A new iterator for a shard whose iterator was called trimmed: after the last record read, or at the trim
   * horizon when none was read or that record was trimmed too.
   */
  private async renewIterator(shardId: string, shard: ShardState) {
    const after = shard.lastSequence;
    shard.iterator = after
      ? await this.shardIterator(shardId, 'AFTER_SEQUENCE_NUMBER', after).catch(() =>
          this.shardIterator(shardId, 'TRIM_HORIZON'),
        )
      : await this.shardIterator(shardId, 'TRIM_HORIZON');
    shard.lastSequence = undefined;
    this.log(`shard iterator renewed (${after ? 'after the last record read' : 'at the trim horizon'})`);
  }

  /** GetShardIterator for one shard of the stream. */
  private async shardIterator(
    shardId: string,
    type: 'TRIM_HORIZON' | 'LATEST' | 'AFTER_SEQUENCE_NUMBER',
    sequenceNumber?: string,
  ): Promise<string | undefined> {
    const { ShardIterator } = await this.call<{ ShardIterator?: string }>('GetShardIterator', {
      StreamArn: this.streamArn,
      ShardId: shardId,
      ShardIteratorType: type,
      ...(sequenceNumber ? { SequenceNumber: sequenceNumber } : {}),
    });
    return ShardIterator;
  }

  /** Up to `batchSize` pending records, in order, none of whose keys is in a batch in flight. */
  private takeBatch(shard: ShardState): DynamoDBRecord[] {
    const batch: DynamoDBRecord[] = [];
    const blocked = new Set<string>();
    const rest: DynamoDBRecord[] = [];
    for (const r of shard.pending) {
      const key = keyOf(r);
      if (batch.length < this.c.batchSize && !this.busyKeys.has(key) && !blocked.has(key)) batch.push(r);
      else {
        // A later record of a key that waits must wait too (per-key order).
        blocked.add(key);
        rest.push(r);
      }
    }
    shard.pending = rest;
    for (const r of batch) this.busyKeys.add(keyOf(r));
    this.inFlightRecords += batch.length;
    return batch;
  }

  /** One batch to the end: retried from the first failed record, then described on the on-failure queue. */
  private async runBatch(shardId: string, records: DynamoDBRecord[]) {
    let batch = records;
    try {
      for (let attempt = 1; this.running || attempt === 1; attempt++) {
        const failedFrom = await this.invoke(batch);
        if (failedFrom === undefined) return;
        batch = batch.slice(failedFrom);
        if (attempt > this.c.retryAttempts) {
          this.discarded++;
          await this.describeFailure(shardId, batch);
          return;
        }
        // Back off before the retry (0.5 s, doubling), so an outage of a few seconds does not use up the retries.
        await new Promise((r) => setTimeout(r, 500 * 2 ** (attempt - 1)));
      }
    } finally {
      for (const r of records) this.busyKeys.delete(keyOf(r));
      this.inFlightRecords -= records.length;
    }
  }

  /** Invokes the function; the index of the first failed record, or undefined when all succeeded. */
  private async invoke(records: DynamoDBRecord[]): Promise<number | undefined> {
    this.batches++;
    const event: DynamoDBStreamEvent = { Records: records };
    const context = createLambdaContext({
      functionName: this.c.functionName,
      timeoutSeconds: this.c.timeoutSeconds,
      memoryMb: this.c.memoryMb,
    });
    let firstFailed: number | undefined;
    try {
      const response = (await withTimeout(
        Promise.resolve(this.c.handler(event, context)),
        this.c.timeoutSeconds,
      )) as { batchItemFailures?: { itemIdentifier?: string }[] } | undefined;
      const failures = response?.batchItemFailures ?? [];
      const sequence = records.map((r) => r.dynamodb?.SequenceNumber);
      for (const f of failures) {
        const at = sequence.indexOf(f.itemIdentifier);
        // An identifier that is not in the batch fails the whole batch, as Lambda does.
        const index = at < 0 ? 0 : at;
        firstFailed = firstFailed === undefined ? index : Math.min(firstFailed, index);
      }
    } catch (error) {
      this.log(`batch of ${records.length} failed: ${(error as Error)?.name ?? 'Error'}`);
      firstFailed = 0;
    }
    const ok = firstFailed ?? records.length;
    this.succeeded += ok;
    this.failed += records.length - ok;
    return firstFailed;
  }

  private async describeFailure(shardId: string, records: DynamoDBRecord[]) {
    this.log(`${records.length} record(s) failed every attempt; described on the on-failure queue`);
    if (!this.sqs || !this.c.onFailureQueueUrl) return;
    const info = {
      requestContext: { condition: 'RetryAttemptsExhausted', functionArn: this.c.functionName },
      DDBStreamBatchInfo: {
        shardId,
        startSequenceNumber: records[0]?.dynamodb?.SequenceNumber,
        endSequenceNumber: records.at(-1)?.dynamodb?.SequenceNumber,
        batchSize: records.length,
        streamArn: this.streamArn,
      },
    };
    await this.sqs
      .send(new SendMessageCommand({ QueueUrl: this.c.onFailureQueueUrl, MessageBody: JSON.stringify(info) }))
      .catch((e: unknown) => this.log(`on-failure send failed: ${(e as Error)?.name ?? 'Error'}`));
  }

  private idle(ms: number) {
    return new Promise<void>((r) => {
      const t = setTimeout(r, Math.max(0, ms));
      this.wake = () => {
        clearTimeout(t);
        r();
      };
    });
  }

  async stop() {
    this.running = false;
    this.wake?.();
    await this.loop;
    await Promise.allSettled([...this.shards.values()].flatMap((s) => [...s.inFlight]));
  }
}

export const startStreamPollers = (options: StreamPollerOptions): RunningStreamPollers => {
  const sqs = options.sqsEndpoint ? localSqs(options.sqsEndpoint) : undefined;
  const loops = options.consumers.map((c) => [c, new StreamLoop(c, options, sqs)] as const);
  for (const [, loop] of loops) loop.start();
  let stopping: Promise<void> | undefined;
  return {
    status() {
      return Object.fromEntries(
        loops.map(([c, l]) => [
          c.functionName,
          {
            tableName: c.tableName,
            running: l.running,
            shards: l.shardCount,
            batches: l.batches,
            succeeded: l.succeeded,
            failed: l.failed,
            discarded: l.discarded,
            pending: l.pending,
            ...(l.pollError ? { pollError: l.pollError } : {}),
          },
        ]),
      );
    },
    stop() {
      stopping ??= (async () => {
        await Promise.all(loops.map(([, l]) => l.stop()));
        sqs?.destroy();
      })();
      return stopping;
    },
  };
};

/**
 * One stream consumer per function of FUNCTIONS with `consumesStream`, handlers imported from their `entry`.
 * Call only after the environment is set.
 */
export const loadStreamConsumers = async (
  tables: Record<TableName, string>,
  dlqUrls: Partial<Record<QueueName, string>>,
  functions: Record<string, FunctionDef> = FUNCTIONS,
  root: string = process.cwd(),
): Promise<StreamConsumer[]> => {
  const consumers: StreamConsumer[] = [];
  for (const def of Object.values(functions)) {
    const source = def.consumesStream;
    if (!source) continue;
    const onFailure = dlqUrls[source.onFailure];
    consumers.push({
      functionName: def.id,
      tableName: tables[source.table],
      handler: await importHandler(def.entry, root),
      batchSize: source.batchSize,
      maxBatchingWindowSeconds: source.maxBatchingWindowSeconds,
      retryAttempts: source.retryAttempts,
      parallelizationFactor: source.parallelizationFactor,
      filter: source.filter,
      ...(onFailure ? { onFailureQueueUrl: onFailure } : {}),
      timeoutSeconds: def.timeoutSeconds,
      memoryMb: def.memoryMb,
    });
  }
  return consumers;
};
