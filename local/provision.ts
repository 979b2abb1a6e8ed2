/**
 * Creates the data plane of `infra/data-plane.ts` on the local emulators: every table (keys, GSIs, TTL) and
 * every queue with its DLQ, redrive policy and visibility timeout. Idempotent: existing tables and queues are
 * kept (missing GSIs / TTL are added, a GSI whose projection changed is built again, the indexes a defined one
 * took over from are deleted, queue attributes are re-applied), so a persisted `.local-data/` upgrades.
 */
import {
  type AttributeDefinition,
  CreateTableCommand,
  DescribeTableCommand,
  DescribeTimeToLiveCommand,
  type DynamoDBClient,
  type GlobalSecondaryIndex,
  type GlobalSecondaryIndexDescription,
  type KeySchemaElement,
  type Projection,
  ResourceInUseException,
  UpdateTableCommand,
  type UpdateTableCommandInput,
  UpdateTimeToLiveCommand,
} from '@aws-sdk/client-dynamodb';
import {
  CreateQueueCommand,
  GetQueueAttributesCommand,
  GetQueueUrlCommand,
  QueueDoesNotExist,
  SetQueueAttributesCommand,
  type SQSClient,
} from '@aws-sdk/client-sqs';
import {
  dlqLocalName,
  type IndexDef,
  type KeyDef,
  QUEUES,
  type QueueDef,
  type QueueName,
  TABLES,
  type TableDef,
  type TableName,
} from '../infra/data-plane';
import { type EmulatorEndpoints, LOCAL_CREDENTIALS, LOCAL_REGION, localDynamoDb, localSqs } from './aws';

export interface ProvisionedDataPlane {
  /** Table name per logical table. */
  readonly tables: Record<TableName, string>;
  readonly queueUrls: Record<QueueName, string>;
  readonly dlqUrls: Record<QueueName, string>;
  /** Environment for the functions: see `envFor`. */
  readonly env: Record<string, string>;
}

const DAY = 86_400;

const keySchema = (pk: KeyDef, sk?: KeyDef): KeySchemaElement[] => [
  { AttributeName: pk.name, KeyType: 'HASH' },
  ...(sk ? [{ AttributeName: sk.name, KeyType: 'RANGE' as const }] : []),
];

const projectionOf = (index: IndexDef): Projection =>
  index.projection.type === 'INCLUDE'
    ? { ProjectionType: 'INCLUDE', NonKeyAttributes: [...index.projection.attributes] }
    : { ProjectionType: index.projection.type };

/** A GSI of the definition as CreateTable / UpdateTable take it. */
export const gsi = (index: IndexDef): GlobalSecondaryIndex => ({
  IndexName: index.indexName,
  KeySchema: keySchema(index.partitionKey, index.sortKey),
  Projection: projectionOf(index),
});

/** Whether an existing index has the keys and projection the definition asks for. */
const sameIndex = (existing: GlobalSecondaryIndexDescription, index: IndexDef): boolean => {
  const wanted = gsi(index);
  const keys = (k: KeySchemaElement[] | undefined) => JSON.stringify(k ?? []);
  const attrs = (p: Projection | undefined) => [...(p?.NonKeyAttributes ?? [])].sort().join(',');
  return (
    keys(existing.KeySchema) === keys(wanted.KeySchema) &&
    existing.Projection?.ProjectionType === wanted.Projection?.ProjectionType &&
    attrs(existing.Projection) === attrs(wanted.Projection)
  );
};

/** Waits until the table and its indexes are ACTIVE again after an index change (DynamoDB Local: at once). */
const untilActive = async (ddb: DynamoDBClient, TableName: string): Promise<void> => {
  const deadline = Date.now() + 120_000;
  for (;;) {
    const { Table } = await ddb.send(new DescribeTableCommand({ TableName }));
    const busy =
      Table?.TableStatus !== 'ACTIVE' ||
      (Table.GlobalSecondaryIndexes ?? []).some((i) => i.IndexStatus !== 'ACTIVE');
    if (!busy) return;
    if (Date.now() > deadline) throw new Error(`${TableName}: indexes still changing after 120 s`);
    await new Promise((r) => setTimeout(r, 200));
  }
};

/**
 * Brings the indexes of an existing (persisted) table to the definition, one index per UpdateTable as DynamoDB
 * allows: every defined index created (or deleted and built again when its keys or projection differ), then the
 * former indexes the defined ones took over from deleted. Other indexes are left alone.
 */
const updateIndexes = async (ddb: DynamoDBClient, def: TableDef): Promise<void> => {
  const TableName = def.localName;
  const { Table } = await ddb.send(new DescribeTableCommand({ TableName }));
  const existing = new Map((Table?.GlobalSecondaryIndexes ?? []).map((i) => [i.IndexName, i]));
  const change = async (
    update: NonNullable<UpdateTableCommandInput['GlobalSecondaryIndexUpdates']>[number],
    index?: IndexDef,
  ) => {
    await ddb.send(
      new UpdateTableCommand({
        TableName,
        ...(index ? { AttributeDefinitions: attributeDefinitions([index.partitionKey, index.sortKey]) } : {}),
        GlobalSecondaryIndexUpdates: [update],
      }),
    );
    await untilActive(ddb, TableName);
  };
  for (const index of def.globalSecondaryIndexes) {
    const found = existing.get(index.indexName);
    if (found && sameIndex(found, index)) continue;
    if (found) await change({ Delete: { IndexName: index.indexName } });
    await change({ Create: gsi(index) }, index);
  }
  for (const index of def.globalSecondaryIndexes) {
    const former = index.formerly?.indexName;
    if (former && former !== index.indexName && existing.has(former))
      await change({ Delete: { IndexName: former } });
  }
};

const attributeDefinitions = (keys: readonly (KeyDef | undefined)[]): AttributeDefinition[] => {
  const byName = new Map<string, AttributeDefinition>();
  for (const key of keys) if (key) byName.set(key.name, { AttributeName: key.name, AttributeType: key.type });
  return [...byName.values()];
};

/** The table's stream as CreateTable / UpdateTable take it (none when the definition has no stream). */
export const streamSpecification = (def: Pick<TableDef, 'stream'>) =>
  def.stream ? { StreamSpecification: { StreamEnabled: true, StreamViewType: def.stream } } : {};

export const ensureTable = async (ddb: DynamoDBClient, def: TableDef): Promise<string> => {
  const TableName = def.localName;
  try {
    await ddb.send(
      new CreateTableCommand({
        TableName,
        BillingMode: 'PAY_PER_REQUEST',
        KeySchema: keySchema(def.partitionKey, def.sortKey),
        AttributeDefinitions: attributeDefinitions([
          def.partitionKey,
          def.sortKey,
          ...def.globalSecondaryIndexes.flatMap((i) => [i.partitionKey, i.sortKey]),
        ]),
        ...(def.globalSecondaryIndexes.length > 0
          ? { GlobalSecondaryIndexes: def.globalSecondaryIndexes.map(gsi) }
          : {}),
        ...streamSpecification(def),
      }),
    );
  } catch (error) {
    if (!(error instanceof ResourceInUseException)) throw error;
    // Existing (persisted) table: the stream, and the indexes as the definition has them now.
    const { Table } = await ddb.send(new DescribeTableCommand({ TableName }));
    if (def.stream && !Table?.StreamSpecification?.StreamEnabled)
      await ddb.send(new UpdateTableCommand({ TableName, ...streamSpecification(def) }));
    await updateIndexes(ddb, def);
  }
  if (def.timeToLiveAttribute) {
    const { TimeToLiveDescription } = await ddb.send(new DescribeTimeToLiveCommand({ TableName }));
    const enabled =
      TimeToLiveDescription?.TimeToLiveStatus === 'ENABLED' ||
      TimeToLiveDescription?.TimeToLiveStatus === 'ENABLING';
    if (!enabled) {
      await ddb.send(
        new UpdateTimeToLiveCommand({
          TableName,
          TimeToLiveSpecification: { AttributeName: def.timeToLiveAttribute, Enabled: true },
        }),
      );
    }
  }
  return TableName;
};

const ensureQueue = async (
  sqs: SQSClient,
  name: string,
  attributes: Record<string, string>,
): Promise<string> => {
  try {
    const { QueueUrl } = await sqs.send(new GetQueueUrlCommand({ QueueName: name }));
    if (!QueueUrl) throw new Error(`GetQueueUrl returned no URL for ${name}`);
    await sqs.send(new SetQueueAttributesCommand({ QueueUrl, Attributes: attributes }));
    return QueueUrl;
  } catch (error) {
    if (!(error instanceof QueueDoesNotExist) && (error as Error).name !== 'QueueDoesNotExist') throw error;
  }
  const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: name, Attributes: attributes }));
  if (!QueueUrl) throw new Error(`CreateQueue returned no URL for ${name}`);
  return QueueUrl;
};

const ensureQueueWithDlq = async (
  sqs: SQSClient,
  def: QueueDef,
): Promise<{ url: string; dlqUrl: string }> => {
  const dlqUrl = await ensureQueue(sqs, dlqLocalName(def), {
    MessageRetentionPeriod: String(def.dlqRetentionDays * DAY),
  });
  const { Attributes } = await sqs.send(
    new GetQueueAttributesCommand({ QueueUrl: dlqUrl, AttributeNames: ['QueueArn'] }),
  );
  const dlqArn = Attributes?.QueueArn;
  if (!dlqArn) throw new Error(`No ARN for ${dlqLocalName(def)}`);
  const url = await ensureQueue(sqs, def.localName, {
    VisibilityTimeout: String(def.visibilityTimeoutSeconds),
    MessageRetentionPeriod: String(def.retentionDays * DAY),
    RedrivePolicy: JSON.stringify({ deadLetterTargetArn: dlqArn, maxReceiveCount: def.maxReceiveCount }),
  });
  return { url, dlqUrl };
};

/**
 * The environment every function sees on the local stack: each `TABLES[x].envVar` → table name, each
 * `QUEUES[x].envVar` → queue URL, the service endpoints (the SDK reads `AWS_ENDPOINT_URL_*` itself), region and
 * dummy credentials.
 */
export const envFor = (
  endpoints: EmulatorEndpoints,
  provisioned: Pick<ProvisionedDataPlane, 'tables' | 'queueUrls'>,
): Record<string, string> => {
  const env: Record<string, string> = {
    AWS_REGION: LOCAL_REGION,
    AWS_DEFAULT_REGION: LOCAL_REGION,
    AWS_ACCESS_KEY_ID: LOCAL_CREDENTIALS.accessKeyId,
    AWS_SECRET_ACCESS_KEY: LOCAL_CREDENTIALS.secretAccessKey,
    AWS_ENDPOINT_URL_DYNAMODB: endpoints.dynamodb,
    AWS_ENDPOINT_URL_SQS: endpoints.sqs,
    AWS_ENDPOINT_URL_SESV2: endpoints.sesv2,
  };
  for (const [name, def] of Object.entries(TABLES) as [TableName, TableDef][]) {
    env[def.envVar] = provisioned.tables[name];
  }
  for (const [name, def] of Object.entries(QUEUES) as [QueueName, QueueDef][]) {
    env[def.envVar] = provisioned.queueUrls[name];
  }
  return env;
};

/**
 * `url` with the scheme, host and port of `endpoint`. The SQS emulator names its queues by its own address;
 * clients must reach them through the endpoint they were given (a fault proxy may stand in between), and the
 * SDK sends queue operations to the QueueUrl's host.
 */
const atEndpoint = (url: string, endpoint: string): string => {
  const u = new URL(url);
  const e = new URL(endpoint);
  u.protocol = e.protocol;
  u.host = e.host;
  return u.toString();
};

export const provisionDataPlane = async (endpoints: EmulatorEndpoints): Promise<ProvisionedDataPlane> => {
  const ddb = localDynamoDb(endpoints.dynamodb);
  const sqs = localSqs(endpoints.sqs);
  try {
    const tableEntries = await Promise.all(
      (Object.entries(TABLES) as [TableName, TableDef][]).map(
        async ([name, def]) => [name, await ensureTable(ddb, def)] as const,
      ),
    );
    const queueEntries = await Promise.all(
      (Object.entries(QUEUES) as [QueueName, QueueDef][]).map(
        async ([name, def]) => [name, await ensureQueueWithDlq(sqs, def)] as const,
      ),
    );
    const tables = Object.fromEntries(tableEntries) as Record<TableName, string>;
    const queueUrls = Object.fromEntries(
      queueEntries.map(([n, q]) => [n, atEndpoint(q.url, endpoints.sqs)]),
    ) as Record<QueueName, string>;
    const dlqUrls = Object.fromEntries(
      queueEntries.map(([n, q]) => [n, atEndpoint(q.dlqUrl, endpoints.sqs)]),
    ) as Record<QueueName, string>;
    return { tables, queueUrls, dlqUrls, env: envFor(endpoints, { tables, queueUrls }) };
  } finally {
    ddb.destroy();
    sqs.destroy();
  }
};
