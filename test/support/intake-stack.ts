/**
 * An isolated intake stack for the `test/intake-*.test.ts` files, on the emulators of test/global-setup.ts:
 * a fresh leads table (same keys, GSIs as infra/data-plane.ts) and fresh queues per stack, the real handlers
 * of FUNCTIONS loaded with that environment, served by the local API Gateway on a free port, plus (optionally)
 * the qualify consumers (the table's stream, as on AWS, and the qualify queue the sweeper fills) and the outbox
 * sweeper. Starting one takes milliseconds (no second DynamoDB Local), and
 * nothing is shared with other test files (counters, dedup items, queues).
 *
 * Handlers read their configuration at module load: `startIntakeStack` calls `vi.resetModules()` first, so
 * each stack in one file gets its own module instances with its own `env`.
 */
import { randomUUID } from 'node:crypto';
import { CreateTableCommand, DeleteTableCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { CreateQueueCommand, DeleteQueueCommand } from '@aws-sdk/client-sqs';
import { DynamoDBDocumentClient, GetCommand, ScanCommand } from '@aws-sdk/lib-dynamodb';
import { vi } from 'vitest';
import { FUNCTIONS, TABLES } from '../../infra/data-plane';
import { type GatewayRoute, loadFunctionRoutes, startHttpGateway } from '../../local/http-gateway';
import { createLambdaContext } from '../../local/lambda-context';
import { type AnyLambdaHandler, importHandler } from '../../local/load-handler';
import { gsi, streamSpecification } from '../../local/provision';
import { type RunningPollers, startSqsPollers } from '../../local/sqs-poller';
import { type RunningStreamPollers, startStreamPollers } from '../../local/stream-poller';
import { createTestQueue, dynamoClient, sqsClient } from './local-aws';

export interface IntakeStackOptions {
  /** Extra function environment (INTAKE_SECRETS, INTAKE_RATE_PER_MINUTE, DEDUP_WINDOW_SECONDS, …). */
  readonly env?: Record<string, string>;
  /** Run the qualify consumer (enrich, score, route) on the table's stream and the qualify queue. Default false. */
  readonly qualify?: boolean;
}

export interface TableItems {
  readonly leads: Record<string, unknown>[];
  /** Lead ids of the next dedup bucket, reserved for a stored lead (`reservedFor`). */
  readonly reservations: Record<string, unknown>[];
  readonly other: Record<string, unknown>[];
}

export interface IntakeStack {
  /** API base URL (POST /leads, GET /leads/{id}). */
  readonly url: string;
  readonly table: string;
  readonly queues: { readonly qualify: string; readonly draft: string; readonly send: string };
  readonly db: DynamoDBDocumentClient;
  /** The intake handler itself, for in-process calls with built events. */
  readonly intake: AnyLambdaHandler;
  readonly pollers: RunningPollers | undefined;
  readonly streams: RunningStreamPollers | undefined;
  /** Runs the outbox sweeper handler once. */
  sweep(): Promise<{ queued: number }>;
  /** Every item of the stack's table, split by kind. */
  items(): Promise<TableItems>;
  lead(leadId: string): Promise<Record<string, unknown> | undefined>;
  /** How many qualify messages and stream records were processed successfully so far. */
  qualified(): number;
  /** Drops the table (a storage outage); `restoreTable` creates it again, empty. */
  dropTable(): Promise<void>;
  restoreTable(): Promise<void>;
  /** Deletes the qualify queue (an SQS outage); `restoreQualifyQueue` creates it again under the same URL. */
  dropQualifyQueue(): Promise<void>;
  restoreQualifyQueue(): Promise<void>;
  stop(): Promise<void>;
}

const createLeadsTable = async (ddb: DynamoDBClient, name: string) => {
  const def = TABLES.leads;
  const keys = [
    def.partitionKey,
    def.sortKey,
    ...def.globalSecondaryIndexes.flatMap((i) => [i.partitionKey, i.sortKey]),
  ];
  const attrs = new Map(keys.map((k) => [k.name, { AttributeName: k.name, AttributeType: k.type }]));
  await ddb.send(
    new CreateTableCommand({
      TableName: name,
      BillingMode: 'PAY_PER_REQUEST',
      KeySchema: [
        { AttributeName: def.partitionKey.name, KeyType: 'HASH' },
        { AttributeName: def.sortKey.name, KeyType: 'RANGE' },
      ],
      AttributeDefinitions: [...attrs.values()],
      GlobalSecondaryIndexes: def.globalSecondaryIndexes.map(gsi),
      ...streamSpecification(def),
    }),
  );
};

export const startIntakeStack = async (options: IntakeStackOptions = {}): Promise<IntakeStack> => {
  const suffix = randomUUID().slice(0, 8);
  const table = `intake-test-${suffix}`;
  const ddb = dynamoClient();
  const sqs = sqsClient();
  await createLeadsTable(ddb, table);
  const [qualify, draft, send] = await Promise.all(
    ['qualify', 'draft', 'send'].map((q) =>
      createTestQueue(`intake-${q}`, { visibilityTimeoutSeconds: 5, maxReceiveCount: 3, sqs }),
    ),
  );
  const queues = { qualify: qualify!.url, draft: draft!.url, send: send!.url };
  Object.assign(process.env, {
    STAGE: 'local',
    LEADS_TABLE: table,
    QUALIFY_QUEUE_URL: queues.qualify,
    DRAFT_QUEUE_URL: queues.draft,
    SEND_QUEUE_URL: queues.send,
    // Defaults a test may override; reset so a previous stack's env does not leak into this one.
    INTAKE_SECRETS: '',
    INTAKE_RATE_PER_MINUTE: '100000',
    INTAKE_CLIENT_RATE_PER_MINUTE: '100000',
    DEDUP_WINDOW_SECONDS: '600',
    ALLOWED_ORIGINS: '',
    LOG_LEVEL: process.env.LOCAL_STACK_DEBUG ? 'INFO' : 'ERROR',
    REDIRECT_ORIGINS: '',
    ...(options.env ?? {}),
  });
  vi.resetModules();

  const routes: GatewayRoute[] = await loadFunctionRoutes({
    intake: FUNCTIONS.intake,
    leadRead: FUNCTIONS.leadRead,
  });
  const gateway = await startHttpGateway({
    port: 0,
    routes,
    authorize: () => ({ claims: { sub: 'test-manager', 'cognito:groups': ['managers'] } }),
  });
  const intake = await importHandler(FUNCTIONS.intake.entry);
  const sweeper = await importHandler(FUNCTIONS.outboxSweeper.entry);
  let pollers: RunningPollers | undefined;
  let streams: RunningStreamPollers | undefined;
  if (options.qualify) {
    const def = FUNCTIONS.qualify;
    const handler = await importHandler(def.entry);
    streams = startStreamPollers({
      dynamodbEndpoint: process.env.AWS_ENDPOINT_URL_DYNAMODB as string,
      consumers: [
        {
          functionName: def.id,
          tableName: table,
          handler,
          batchSize: def.consumesStream.batchSize,
          retryAttempts: def.consumesStream.retryAttempts,
          parallelizationFactor: def.consumesStream.parallelizationFactor,
          filter: def.consumesStream.filter,
          timeoutSeconds: def.timeoutSeconds,
          memoryMb: def.memoryMb,
        },
      ],
      pollIntervalMs: 100,
      log: () => {},
    });
    pollers = startSqsPollers({
      sqsEndpoint: process.env.AWS_ENDPOINT_URL_SQS as string,
      consumers: [
        {
          functionName: def.id,
          queueUrl: queues.qualify,
          handler,
          batchSize: def.consumes.batchSize,
          maxBatchingWindowSeconds: def.consumes.maxBatchingWindowSeconds,
          timeoutSeconds: def.timeoutSeconds,
          memoryMb: def.memoryMb,
        },
      ],
      retryVisibilitySeconds: 1,
      log: () => {},
    });
  }
  const db = DynamoDBDocumentClient.from(ddb);

  const items = async (): Promise<TableItems> => {
    const all: Record<string, unknown>[] = [];
    let start: Record<string, unknown> | undefined;
    do {
      const out = await db.send(
        new ScanCommand({ TableName: table, ConsistentRead: true, ExclusiveStartKey: start }),
      );
      all.push(...(out.Items ?? []));
      start = out.LastEvaluatedKey;
    } while (start);
    const kind = (i: Record<string, unknown>) =>
      'reservedFor' in i ? 'RESERVED' : String(i.pk).split('#')[0];
    return {
      leads: all.filter((i) => kind(i) === 'LEAD'),
      reservations: all.filter((i) => kind(i) === 'RESERVED'),
      other: all.filter((i) => kind(i) !== 'LEAD' && kind(i) !== 'RESERVED'),
    };
  };

  return {
    url: gateway.url,
    table,
    queues,
    db,
    intake,
    pollers,
    streams,
    sweep: async () =>
      (await sweeper({}, createLambdaContext({ functionName: FUNCTIONS.outboxSweeper.id }))) as {
        queued: number;
      },
    items,
    lead: async (leadId) =>
      (
        await db.send(
          new GetCommand({
            TableName: table,
            Key: { pk: `LEAD#${leadId}`, sk: 'LEAD' },
            ConsistentRead: true,
          }),
        )
      ).Item,
    qualified: () =>
      (pollers?.status()[FUNCTIONS.qualify.id]?.succeeded ?? 0) +
      (streams?.status()[FUNCTIONS.qualify.id]?.succeeded ?? 0),
    dropTable: async () => {
      await ddb.send(new DeleteTableCommand({ TableName: table }));
    },
    restoreTable: () => createLeadsTable(ddb, table),
    dropQualifyQueue: async () => {
      await sqs.send(new DeleteQueueCommand({ QueueUrl: queues.qualify }));
    },
    restoreQualifyQueue: async () => {
      await sqs.send(
        new CreateQueueCommand({ QueueName: qualify!.name, Attributes: { VisibilityTimeout: '5' } }),
      );
    },
    stop: async () => {
      await streams?.stop();
      await pollers?.stop();
      await gateway.stop();
      await ddb.send(new DeleteTableCommand({ TableName: table })).catch(() => {});
      db.destroy();
      sqs.destroy();
    },
  };
};

/** POSTs to `/leads` and returns status, headers and the parsed JSON body (or text). */
export const postLead = async (
  url: string,
  body: string,
  headers: Record<string, string> = {},
  path = '/leads',
): Promise<{ status: number; headers: Headers; body: Record<string, unknown> & { leadId?: string } }> => {
  const res = await fetch(new URL(path, url), { method: 'POST', body, headers, redirect: 'manual' });
  const text = await res.text();
  let parsed: Record<string, unknown> = {};
  try {
    parsed = text ? (JSON.parse(text) as Record<string, unknown>) : {};
  } catch {
    parsed = { text };
  }
  return { status: res.status, headers: res.headers, body: parsed };
};

/**
 * POSTs to `/leads` as a form client does: a 503 (the emulator briefly overloaded; `Retry-After`) is retried a
 * few times, the same body each time, so a slow machine does not turn into a missing lead. Any other answer
 * is returned as it is.
 */
export const postLeadRetrying = async (
  url: string,
  body: string,
  headers: Record<string, string> = {},
): Promise<Awaited<ReturnType<typeof postLead>>> => {
  for (let attempt = 0; ; attempt++) {
    const res = await postLead(url, body, headers);
    if (res.status !== 503 || attempt >= 4) return res;
    await new Promise((r) => setTimeout(r, 200 * 2 ** attempt));
  }
};
