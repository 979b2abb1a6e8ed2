/**
 * The CRM webhook function on DynamoDB Local: HubSpot (signature v3) and Pipedrive (basic auth) notifications
 * become outcome / erasure events stored once; forged, stale, replayed or wrongly authenticated requests get
 * 401 and leave nothing behind.
 */
import { createHmac, randomUUID } from 'node:crypto';
import { DynamoDBDocumentClient, GetCommand, PutCommand, ScanCommand } from '@aws-sdk/lib-dynamodb';
import type { APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';
import { ulid } from 'ulid';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { saltedEmailHash } from '../functions/agent/privacy/links';
import { sampleLead } from '../functions/agent/testing/samples';
import { createLambdaContext } from '../local/lambda-context';
import { dynamoClient } from './support/local-aws';

const SECRET = 'hubspot-client-secret-for-tests';
const BASE = 'https://api.example.test';
const PRIVACY_SECRET_FOR_TEST = 'privacy-secret-for-the-crm-webhook-test-0001';
const db = DynamoDBDocumentClient.from(dynamoClient());
const table = () => process.env.LEADS_TABLE!;
type Handler = (event: unknown, context: Context) => Promise<APIGatewayProxyStructuredResultV2>;

const loadHandler = async (env: Record<string, string>): Promise<Handler> => {
  vi.resetModules();
  Object.assign(process.env, env);
  return (await import('../functions/crm-webhook-http')).handler as unknown as Handler;
};

const httpEvent = (path: string, body: string, headers: Record<string, string>) => ({
  version: '2.0',
  routeKey: `POST ${path}`,
  rawPath: path,
  rawQueryString: '',
  headers: { 'content-type': 'application/json', ...headers },
  body,
  isBase64Encoded: false,
  requestContext: {
    accountId: '000000000000',
    apiId: 'local',
    domainName: 'api.example.test',
    domainPrefix: 'api',
    http: { method: 'POST', path, protocol: 'HTTP/1.1', sourceIp: '127.0.0.1', userAgent: 'test' },
    requestId: randomUUID(),
    routeKey: `POST ${path}`,
    stage: '$default',
    time: new Date().toUTCString(),
    timeEpoch: Date.now(),
  },
});
const context = () =>
  createLambdaContext({ functionName: 'CrmWebhookFunction', timeoutSeconds: 10, memoryMb: 256 });

const signHubspot = (body: string, timestamp = Date.now()) => {
  const source = `POST${BASE}/crm/hubspot/webhook${body}${timestamp}`;
  return {
    'x-hubspot-signature-v3': createHmac('sha256', SECRET).update(source).digest('base64'),
    'x-hubspot-request-timestamp': String(timestamp),
  };
};

const eventItems = async (prefix: string) =>
  (
    await db.send(
      new ScanCommand({
        TableName: table(),
        FilterExpression: 'begins_with(pk, :p)',
        ExpressionAttributeValues: { ':p': prefix },
      }),
    )
  ).Items ?? [];

describe('HubSpot webhooks', () => {
  let handler: Handler;
  const leadId = `lead-${randomUUID()}`;
  const dealId = String(Math.floor(Math.random() * 1e9));
  const contactId = String(Math.floor(Math.random() * 1e9));

  beforeAll(async () => {
    handler = await loadHandler({
      CRM: 'hubspot',
      HUBSPOT_ACCESS_TOKEN: 'pat-test',
      HUBSPOT_WEBHOOK_SECRET: SECRET,
      CRM_WEBHOOK_BASE_URL: BASE,
      PRIVACY_SECRET: PRIVACY_SECRET_FOR_TEST,
    });
    // A lead we synced earlier: its deal and contact refer back to it.
    const { DynamoCrmStore } = await import('../functions/platform/crm-store-dynamodb');
    await new DynamoCrmStore(db, table()).save({
      leadId,
      crm: 'hubspot',
      contactId,
      recordId: dealId,
      recordType: 'deal',
      activities: {},
    });
  });

  const dealStage = (stage: string, eventId: number) =>
    JSON.stringify([
      {
        eventId,
        subscriptionId: 42,
        portalId: 12345678,
        appId: 987654,
        occurredAt: Date.now(),
        subscriptionType: 'deal.propertyChange',
        attemptNumber: 0,
        objectId: Number(dealId),
        propertyName: 'dealstage',
        propertyValue: stage,
        changeSource: 'CRM_UI',
      },
    ]);

  it('records a deal won once, even when HubSpot retries the event with a new signature', async () => {
    // Prepare
    const body = dealStage('closedwon', 1001);
    // Act
    const first = await handler(httpEvent('/crm/hubspot/webhook', body, signHubspot(body)), context());
    const retry = await handler(
      httpEvent('/crm/hubspot/webhook', body, signHubspot(body, Date.now() + 1)),
      context(),
    );
    // Assess
    expect(first.statusCode).toBe(200);
    expect(JSON.parse(first.body!)).toMatchObject({ recorded: 1, duplicates: 0 });
    expect(JSON.parse(retry.body!)).toMatchObject({ recorded: 0, duplicates: 1 });
    const item = (
      await db.send(
        new GetCommand({
          TableName: table(),
          Key: { pk: `CRMEVT#hubspot:deal:${dealId}:dealstage=closedwon`, sk: 'EVENT' },
        }),
      )
    ).Item;
    expect(item).toMatchObject({
      kind: 'outcome',
      outcome: 'won',
      leadId,
      source: 'hubspot:webhook',
      sourceEventId: '1001',
    });
  });

  it('records a privacy deletion as an erasure of every lead of that contact', async () => {
    // Prepare
    const body = JSON.stringify([
      {
        eventId: 2002,
        subscriptionType: 'contact.privacyDeletion',
        objectId: Number(contactId),
        occurredAt: Date.now(),
        portalId: 1,
      },
    ]);
    // Act
    const res = await handler(httpEvent('/crm/hubspot/webhook', body, signHubspot(body)), context());
    // Assess
    expect(res.statusCode).toBe(200);
    const item = (
      await db.send(
        new GetCommand({
          TableName: table(),
          Key: { pk: `CRMEVT#hubspot:contact:${contactId}:privacyDeletion`, sk: 'EVENT' },
        }),
      )
    ).Item;
    expect(item).toMatchObject({ kind: 'erasure', contactId, leadIds: [leadId] });
  });

  it('erases the person here too when the CRM deleted them for privacy reasons', async () => {
    // Prepare: a stored lead synced to a second contact
    const erasedLead = ulid();
    const erasedContact = String(Math.floor(Math.random() * 1e9));
    const email = `crm-deleted-${erasedLead.toLowerCase()}@example.test`;
    const base = sampleLead('nl');
    await db.send(
      new PutCommand({
        TableName: table(),
        Item: {
          pk: `LEAD#${erasedLead}`,
          sk: 'LEAD',
          leadId: erasedLead,
          status: 'routed',
          receivedAt: new Date().toISOString(),
          provider: 'json',
          dedupKey: `dedup-${erasedLead}`,
          lead: { ...base, person: { ...base.person, email } },
          raw: { contentType: 'application/json', body: '{}', isBase64Encoded: false },
          steps: {},
        },
      }),
    );
    const { DynamoCrmStore } = await import('../functions/platform/crm-store-dynamodb');
    await new DynamoCrmStore(db, table()).save({
      leadId: erasedLead,
      crm: 'hubspot',
      contactId: erasedContact,
      activities: {},
    });
    const body = JSON.stringify([
      {
        eventId: 2003,
        subscriptionType: 'contact.privacyDeletion',
        objectId: Number(erasedContact),
        occurredAt: Date.now(),
        portalId: 1,
      },
    ]);
    // Act
    const res = await handler(httpEvent('/crm/hubspot/webhook', body, signHubspot(body)), context());
    // Assess
    expect(res.statusCode).toBe(200);
    const get = async (pk: string, sk: string) =>
      (await db.send(new GetCommand({ TableName: table(), Key: { pk, sk }, ConsistentRead: true }))).Item;
    expect(await get(`LEAD#${erasedLead}`, 'LEAD')).toBeUndefined();
    expect(await get(`CRM#${erasedLead}`, 'CRM')).toBeUndefined();
    expect(
      await get(`SUPPRESS#${saltedEmailHash(PRIVACY_SECRET_FOR_TEST, email)}`, 'SUPPRESS'),
    ).toMatchObject({
      reason: 'erasure',
    });
  });

  it.each([
    [
      'a bad signature',
      (body: string) => ({
        ...signHubspot(body),
        'x-hubspot-signature-v3': `AAAA${signHubspot(body)['x-hubspot-signature-v3'].slice(4)}`,
      }),
    ],
    ['a timestamp older than 5 minutes', (body: string) => signHubspot(body, Date.now() - 6 * 60_000)],
    ['no signature', () => ({})],
    ['a signature for another body', () => signHubspot(dealStage('closedwon', 1))],
  ])('answers 401 to %s and records nothing', async (_name, headersFor) => {
    // Prepare
    const body = dealStage('closedlost', Math.floor(Math.random() * 1e9));
    const before = (await eventItems(`CRMEVT#hubspot:deal:${dealId}:dealstage=closedlost`)).length;
    // Act
    const res = await handler(httpEvent('/crm/hubspot/webhook', body, headersFor(body)), context());
    // Assess
    expect(res.statusCode).toBe(401);
    expect(await eventItems(`CRMEVT#hubspot:deal:${dealId}:dealstage=closedlost`)).toHaveLength(before);
  });

  it('answers 401 to a verbatim replay of a signed request, after recording the original once', async () => {
    // Prepare
    const body = dealStage('presentationscheduled', 3003);
    const headers = signHubspot(body);
    // Act
    const original = await handler(httpEvent('/crm/hubspot/webhook', body, headers), context());
    const replay = await handler(httpEvent('/crm/hubspot/webhook', body, headers), context());
    // Assess
    expect(original.statusCode).toBe(200);
    expect(replay.statusCode).toBe(401);
    expect(await eventItems(`CRMEVT#hubspot:deal:${dealId}:dealstage=presentationscheduled`)).toHaveLength(1);
  });

  it('answers 400 naming the field for a signed but malformed body', async () => {
    // Prepare
    const body = JSON.stringify([{ eventId: 1, subscriptionType: 'deal.propertyChange' }]);
    // Act
    const res = await handler(httpEvent('/crm/hubspot/webhook', body, signHubspot(body)), context());
    // Assess
    expect(res.statusCode).toBe(400);
    expect(JSON.parse(res.body!).issues[0].field).toBe('0.objectId');
  });
});

describe('Pipedrive webhooks', () => {
  let handler: Handler;
  const leadId = `lead-${randomUUID()}`;
  const dealId = String(Math.floor(Math.random() * 1e9));
  const auth = (user: string, password: string) =>
    `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;
  const payload = (status: string, previous: string) =>
    JSON.stringify({
      meta: {
        action: 'change',
        entity: 'deal',
        entity_id: dealId,
        id: randomUUID(),
        timestamp: new Date().toISOString(),
        version: '2.0',
        attempt: 1,
        host: 'company.pipedrive.com',
        change_source: 'app',
      },
      data: {
        id: Number(dealId),
        status,
        lost_reason: status === 'lost' ? 'Te duur' : null,
        value: 5000,
        stage_id: 2,
      },
      previous: { status: previous },
    });

  beforeAll(async () => {
    handler = await loadHandler({
      CRM: 'pipedrive',
      PIPEDRIVE_API_TOKEN: 'pd-test',
      PIPEDRIVE_WEBHOOK_USER: 'lq-hooks',
      PIPEDRIVE_WEBHOOK_PASSWORD: 'correct horse battery',
    });
    const { DynamoCrmStore } = await import('../functions/platform/crm-store-dynamodb');
    await new DynamoCrmStore(db, table()).save({
      leadId,
      crm: 'pipedrive',
      recordId: dealId,
      recordType: 'deal',
      activities: {},
    });
  });

  it('records a deal lost with its reason and value', async () => {
    // Act
    const res = await handler(
      httpEvent('/crm/pipedrive/webhook', payload('lost', 'open'), {
        authorization: auth('lq-hooks', 'correct horse battery'),
      }),
      context(),
    );
    // Assess
    expect(res.statusCode).toBe(200);
    const item = (
      await db.send(
        new GetCommand({
          TableName: table(),
          Key: { pk: `CRMEVT#pipedrive:deal:${dealId}:status=lost`, sk: 'EVENT' },
        }),
      )
    ).Item;
    expect(item).toMatchObject({ outcome: 'lost', reason: 'Te duur', value: 5000, leadId });
  });

  it.each([
    ['a wrong password', auth('lq-hooks', 'wrong password!')],
    ['a wrong user', auth('someone', 'correct horse battery')],
    ['no credentials', undefined],
  ])('answers 401 to %s and records nothing', async (_name, authorization) => {
    // Act
    const res = await handler(
      httpEvent('/crm/pipedrive/webhook', payload('won', 'open'), authorization ? { authorization } : {}),
      context(),
    );
    // Assess
    expect(res.statusCode).toBe(401);
    expect(await eventItems(`CRMEVT#pipedrive:deal:${dealId}:status=won`)).toHaveLength(0);
  });

  it('answers 404 on the HubSpot path when this deployment uses Pipedrive', async () => {
    // Act
    const res = await handler(httpEvent('/crm/hubspot/webhook', '[]', {}), context());
    // Assess
    expect(res.statusCode).toBe(404);
  });
});
