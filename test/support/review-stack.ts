/**
 * An isolated draft → review → send stack for test/review-*.test.ts and test/send-*.test.ts, on the emulators
 * of test/global-setup.ts: a fresh leads table and queues, the real handlers of FUNCTIONS (draft, send, review,
 * lead read, dev login) with that environment, the local API Gateway with the local JWT authorizer hook, and
 * the draft + send pollers. Leads are seeded already routed (score, route, enrichment) and put on the draft
 * queue, so the chain from drafting on is the product's own.
 */
import { randomUUID } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CreateTableCommand, DeleteTableCommand } from '@aws-sdk/client-dynamodb';
import { SendMessageCommand } from '@aws-sdk/client-sqs';
import { DynamoDBDocumentClient, GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { ulid } from 'ulid';
import { vi } from 'vitest';
import type { LeadRecord } from '../../functions/agent/lead-record';
import type { Tier } from '../../functions/agent/qualification';
import {
  sampleEnrichment,
  sampleLead,
  sampleRoute,
  sampleScore,
} from '../../functions/agent/testing/samples';
import { listIndexKeys } from '../../functions/platform/lead-item';
import { createDevKey, DEV_KEY_ENV, verifyDevToken } from '../../functions/platform/local-jwt';
import { FUNCTIONS, TABLES } from '../../infra/data-plane';
import { loadFunctionRoutes, startHttpGateway } from '../../local/http-gateway';
import { importHandler } from '../../local/load-handler';
import { gsi } from '../../local/provision';
import { startSqsPollers } from '../../local/sqs-poller';
import { createTestQueue, dynamoClient, sesStore } from './local-aws';

export interface SeedOptions {
  readonly ownerId?: string;
  readonly team?: string;
  readonly tier?: Tier;
  readonly email?: string;
  readonly slaDueAt?: string;
  /**
   * Enrichment that corroborates the address (its domain has MX and is the fetched company website's), as an
   * automatic send requires. Default true; false seeds the sample enrichment of another company.
   */
  readonly corroborated?: boolean;
  /** The assignment took one unit of the owner's open load in the team (`loadTaken`), as the rotation does. */
  readonly takesLoad?: boolean;
  /** A cold lead in nurture (no owner, no draft) instead of a routed one; nothing is queued. */
  readonly nurture?: boolean;
}

const createTable = async (name: string) => {
  const ddb = dynamoClient();
  const def = TABLES.leads;
  const keys = [
    def.partitionKey,
    def.sortKey,
    ...def.globalSecondaryIndexes.flatMap((i) => [i.partitionKey, i.sortKey]),
  ];
  await ddb.send(
    new CreateTableCommand({
      TableName: name,
      BillingMode: 'PAY_PER_REQUEST',
      KeySchema: [
        { AttributeName: def.partitionKey.name, KeyType: 'HASH' },
        { AttributeName: def.sortKey.name, KeyType: 'RANGE' },
      ],
      AttributeDefinitions: [
        ...new Map(keys.map((k) => [k.name, { AttributeName: k.name, AttributeType: k.type }])).values(),
      ],
      GlobalSecondaryIndexes: def.globalSecondaryIndexes.map(gsi),
    }),
  );
  return ddb;
};

/**
 * `handoff` sets the handoff policy: every owner lead `auto` or `review`. `sendStuckAfterSeconds` (default 120)
 * is when a `sending` draft counts as a dead attempt (SEND_STUCK_AFTER_SECONDS of the send function).
 */
export const startReviewStack = async (options: {
  handoff: 'auto' | 'review';
  sendStuckAfterSeconds?: number;
  /** AUTO_SEND_DOMAIN_PER_DAY of the send function; default 1000 (tests share one test domain). */
  autoSendDomainPerDay?: number;
}) => {
  const table = `review-${randomUUID().slice(0, 8)}`;
  const ddb = await createTable(table);
  const db = DynamoDBDocumentClient.from(ddb, { marshallOptions: { removeUndefinedValues: true } });
  const [draftQ, sendQ, qualifyQ, rescoreQ] = await Promise.all([
    createTestQueue('draft', { visibilityTimeoutSeconds: 30, maxReceiveCount: 3 }),
    createTestQueue('send', { visibilityTimeoutSeconds: 30, maxReceiveCount: 3 }),
    createTestQueue('qualify'),
    createTestQueue('rescore', { visibilityTimeoutSeconds: 30, maxReceiveCount: 3 }),
  ]);
  const handoffFile = join(tmpdir(), `handoff-${randomUUID()}.yaml`);
  writeFileSync(handoffFile, `version: test@1\ndefault: ${options.handoff}\nrules: []\n`);
  const key = await createDevKey();
  Object.assign(process.env, {
    STAGE: 'local',
    LEADS_TABLE: table,
    QUALIFY_QUEUE_URL: qualifyQ.url,
    DRAFT_QUEUE_URL: draftQ.url,
    SEND_QUEUE_URL: sendQ.url,
    RESCORE_QUEUE_URL: rescoreQ.url,
    HANDOFF_FILE: handoffFile,
    OPENAI_API_KEY: '',
    SES_FROM_ADDRESS: 'sales@example.com',
    SEND_STUCK_AFTER_SECONDS: String(options.sendStuckAfterSeconds ?? 120),
    AUTO_SEND_DOMAIN_PER_DAY: String(options.autoSendDomainPerDay ?? 1000),
    [DEV_KEY_ENV]: JSON.stringify(key.privateJwk),
    LOG_LEVEL: process.env.LOCAL_STACK_DEBUG ? 'INFO' : 'ERROR',
  });
  delete process.env.OPENAI_API_KEY;
  vi.resetModules();

  const routes = await loadFunctionRoutes({
    review: FUNCTIONS.review,
    leadRead: FUNCTIONS.leadRead,
    authDev: FUNCTIONS.authDev,
    ops: FUNCTIONS.ops,
    events: FUNCTIONS.events,
    workspace: FUNCTIONS.workspace,
  });
  const gateway = await startHttpGateway({
    port: 0,
    routes,
    authorize: async (event) => {
      const claims = await verifyDevToken(key.publicJwk, event.headers.authorization);
      return claims ? { claims } : null;
    },
  });
  const consumer = async (
    def: typeof FUNCTIONS.draft | typeof FUNCTIONS.send | typeof FUNCTIONS.rescore,
    queueUrl: string,
  ) => ({
    functionName: def.id,
    queueUrl,
    handler: await importHandler(def.entry),
    batchSize: def.consumes.batchSize,
    maxBatchingWindowSeconds: def.consumes.maxBatchingWindowSeconds,
    timeoutSeconds: def.timeoutSeconds,
    memoryMb: def.memoryMb,
  });
  const pollers = startSqsPollers({
    sqsEndpoint: process.env.AWS_ENDPOINT_URL_SQS as string,
    consumers: [
      await consumer(FUNCTIONS.draft, draftQ.url),
      await consumer(FUNCTIONS.send, sendQ.url),
      await consumer(FUNCTIONS.rescore, rescoreQ.url),
    ],
    retryVisibilitySeconds: 1,
    log: () => {},
  });
  const sqs = (await import('./local-aws')).sqsClient();

  const lead = async (leadId: string) =>
    (
      await db.send(
        new GetCommand({ TableName: table, Key: { pk: `LEAD#${leadId}`, sk: 'LEAD' }, ConsistentRead: true }),
      )
    ).Item as (LeadRecord & Record<string, unknown>) | undefined;

  /** A routed lead, put on the draft queue; resolves once the draft is stored. */
  const seed = async (o: SeedOptions = {}): Promise<string> => {
    const leadId = ulid();
    const ownerId = o.ownerId ?? 'rep-bram';
    const slaDueAt = o.slaDueAt ?? '2030-01-01T10:00:00.000Z';
    const base = sampleLead('nl');
    const email = o.email ?? `lead-${leadId.toLowerCase()}@example.test`;
    const enrichment = sampleEnrichment();
    if (o.corroborated !== false) {
      const domain = email.slice(email.lastIndexOf('@') + 1);
      enrichment.email = { ...enrichment.email!, domain };
      enrichment.website = {
        ...enrichment.website!,
        url: `https://${domain}/`,
        finalUrl: `https://${domain}/`,
      };
    }
    const record: LeadRecord = {
      leadId,
      status: o.nurture ? 'nurture' : 'routed',
      receivedAt: new Date().toISOString(),
      provider: 'json',
      dedupKey: leadId,
      lead: {
        ...base,
        person: { ...base.person, email },
      },
      raw: { contentType: 'application/json', body: '{}', isBase64Encoded: false },
      enrichment,
      score: { ...sampleScore(), tier: o.tier ?? (o.nurture ? 'cold' : 'warm') },
      route: o.nurture
        ? {
            kind: 'nurture',
            ruleId: 'threshold',
            reason: 'Cold lead',
            routingVersion: 't',
            assignedAt: slaDueAt,
          }
        : { ...sampleRoute(), ownerId, team: o.team ?? 'smb', slaDueAt },
      steps: {},
    };
    if (o.nurture) {
      await db.send(
        new PutCommand({ TableName: table, Item: { pk: `LEAD#${leadId}`, sk: 'LEAD', ...record } }),
      );
      return leadId;
    }
    await db.send(
      new PutCommand({
        TableName: table,
        Item: {
          pk: `LEAD#${leadId}`,
          sk: 'LEAD',
          ownerPk: `OWNER#${ownerId}`,
          ownerSk: `${slaDueAt}#${leadId}`,
          ...(o.takesLoad ? { loadTaken: `${o.team ?? 'smb'}#${ownerId}` } : {}),
          ...record,
          ...listIndexKeys(record),
        },
      }),
    );
    if (o.takesLoad)
      await db.send(
        new UpdateCommand({
          TableName: table,
          Key: { pk: `LOAD#${o.team ?? 'smb'}#${ownerId}`, sk: 'LOAD' },
          UpdateExpression: 'ADD #load :one SET team = :team, rep = :rep',
          ExpressionAttributeNames: { '#load': 'load' },
          ExpressionAttributeValues: { ':one': 1, ':team': o.team ?? 'smb', ':rep': ownerId },
        }),
      );
    await sqs.send(new SendMessageCommand({ QueueUrl: draftQ.url, MessageBody: JSON.stringify({ leadId }) }));
    return leadId;
  };

  const token = async (personId: string): Promise<string> => {
    const res = await fetch(`${gateway.url}/auth/dev-login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ personId }),
    });
    if (!res.ok) throw new Error(`dev-login answered ${res.status}`);
    return ((await res.json()) as { token: string }).token;
  };

  const api = async (method: string, path: string, auth?: string, body?: unknown) => {
    const res = await fetch(`${gateway.url}${path}`, {
      method,
      headers: {
        ...(auth ? { authorization: `Bearer ${auth}` } : {}),
        ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
      },
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    });
    const text = await res.text();
    return { status: res.status, body: text ? (JSON.parse(text) as Record<string, unknown>) : {} };
  };

  /** The open-lead counter of `repId` in `team` (the rotation's load item). */
  const load = async (repId: string, team = 'smb') =>
    Number(
      (
        await db.send(
          new GetCommand({
            TableName: table,
            Key: { pk: `LOAD#${team}#${repId}`, sk: 'LOAD' },
            ConsistentRead: true,
          }),
        )
      ).Item?.load ?? 0,
    );

  const mailsTo = async (to: string) =>
    (await sesStore()).emails.filter((e) => e.destination.to.includes(to));

  return {
    url: gateway.url,
    table,
    queues: { draft: draftQ.url, send: sendQ.url, rescore: rescoreQ.url },
    db,
    lead,
    load,
    seed,
    token,
    api,
    mailsTo,
    sendMessage: (leadId: string) =>
      sqs.send(new SendMessageCommand({ QueueUrl: sendQ.url, MessageBody: JSON.stringify({ leadId }) })),
    sendStatus: () => pollers.status()[FUNCTIONS.send.id],
    stop: async () => {
      await pollers.stop();
      await gateway.stop();
      await ddb.send(new DeleteTableCommand({ TableName: table })).catch(() => {});
      sqs.destroy();
      db.destroy();
    },
  };
};
export type ReviewStack = Awaited<ReturnType<typeof startReviewStack>>;
