/**
 * The local stack: emulators provisioned from infra/data-plane.ts, the SQS poller, the HTTP gateway,
 * startLocalStack and orphan protection of DynamoDB Local.
 */
import { execFileSync, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  DescribeTableCommand,
  DescribeTimeToLiveCommand,
  GetItemCommand,
  PutItemCommand,
} from '@aws-sdk/client-dynamodb';
import { SESv2Client, SendEmailCommand } from '@aws-sdk/client-sesv2';
import { GetQueueAttributesCommand, SendMessageBatchCommand, SendMessageCommand } from '@aws-sdk/client-sqs';
import type {
  APIGatewayProxyEventV2,
  APIGatewayProxyEventV2WithJWTAuthorizer,
  SQSEvent,
  SQSRecord,
} from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { QUEUES, type QueueName, TABLES, type TableName } from '../infra/data-plane';
import { startEmulators } from '../local/emulators';
import { type RunningGateway, startHttpGateway } from '../local/http-gateway';
import { provisionDataPlane } from '../local/provision';
import { startSqsPollers } from '../local/sqs-poller';
import { type HealthReport, type LocalStack, startLocalStack } from '../local/start';
import {
  createTestQueue,
  dynamoClient,
  queueDepth,
  receiveAll,
  sesStore,
  sqsClient,
  waitFor,
} from './support/local-aws';
import './support/local-stack-context';

describe('local data plane equals infra/data-plane.ts', () => {
  it('has every table with its keys, GSIs and TTL', async () => {
    // Prepare
    const { tables } = inject('localStack');
    const ddb = dynamoClient();
    for (const [name, def] of Object.entries(TABLES) as [TableName, (typeof TABLES)[TableName]][]) {
      // Act
      const { Table } = await ddb.send(new DescribeTableCommand({ TableName: tables[name] }));
      const ttl = await ddb.send(new DescribeTimeToLiveCommand({ TableName: tables[name] }));
      // Assess
      expect(Table?.KeySchema).toEqual([
        { AttributeName: def.partitionKey.name, KeyType: 'HASH' },
        ...('sortKey' in def && def.sortKey ? [{ AttributeName: def.sortKey.name, KeyType: 'RANGE' }] : []),
      ]);
      const gsis = (Table?.GlobalSecondaryIndexes ?? [])
        .map((i) => ({
          indexName: i.IndexName,
          keys: i.KeySchema?.map((k) => `${k.AttributeName}:${k.KeyType}`),
          projection: i.Projection?.ProjectionType,
          attributes: [...(i.Projection?.NonKeyAttributes ?? [])].sort(),
        }))
        .sort((a, b) => String(a.indexName).localeCompare(String(b.indexName)));
      const expected = def.globalSecondaryIndexes
        .map((i) => ({
          indexName: i.indexName,
          keys: [
            `${i.partitionKey.name}:HASH`,
            ...('sortKey' in i && i.sortKey ? [`${i.sortKey.name}:RANGE`] : []),
          ],
          projection: i.projection.type,
          attributes: i.projection.type === 'INCLUDE' ? [...i.projection.attributes].sort() : [],
        }))
        .sort((a, b) => a.indexName.localeCompare(b.indexName));
      expect(gsis).toEqual(expected);
      const types = Object.fromEntries(
        (Table?.AttributeDefinitions ?? []).map((a) => [a.AttributeName, a.AttributeType]),
      );
      expect(types[def.partitionKey.name]).toBe(def.partitionKey.type);
      expect(ttl.TimeToLiveDescription?.AttributeName).toBe(def.timeToLiveAttribute);
      expect(ttl.TimeToLiveDescription?.TimeToLiveStatus).toBe('ENABLED');
      expect(process.env[def.envVar]).toBe(tables[name]);
    }
    ddb.destroy();
  });

  it('has every queue with its DLQ, redrive maxReceiveCount, visibility timeout and retention', async () => {
    // Prepare
    const { queueUrls, dlqUrls } = inject('localStack');
    const sqs = sqsClient();
    for (const [name, def] of Object.entries(QUEUES) as [QueueName, (typeof QUEUES)[QueueName]][]) {
      // Act
      const { Attributes = {} } = await sqs.send(
        new GetQueueAttributesCommand({ QueueUrl: queueUrls[name], AttributeNames: ['All'] }),
      );
      const dlq = await sqs.send(
        new GetQueueAttributesCommand({ QueueUrl: dlqUrls[name], AttributeNames: ['All'] }),
      );
      // Assess
      expect(queueUrls[name]).toMatch(new RegExp(`/${def.localName}$`));
      expect(Number(Attributes.VisibilityTimeout)).toBe(def.visibilityTimeoutSeconds);
      expect(Number(Attributes.MessageRetentionPeriod)).toBe(def.retentionDays * 86_400);
      const redrive = JSON.parse(Attributes.RedrivePolicy ?? '{}');
      expect(Number(redrive.maxReceiveCount)).toBe(def.maxReceiveCount);
      expect(redrive.deadLetterTargetArn).toBe(dlq.Attributes?.QueueArn);
      expect(Number(dlq.Attributes?.MessageRetentionPeriod)).toBe(def.dlqRetentionDays * 86_400);
      expect(process.env[def.envVar]).toBe(queueUrls[name]);
    }
    sqs.destroy();
  });

  it('gives SDK clients the SES v2 endpoint through the environment and shows sent mail in /store', async () => {
    // Prepare
    const ses = new SESv2Client({});
    const to = `store-${Date.now()}@example.test`;
    // Act
    await ses.send(
      new SendEmailCommand({
        FromEmailAddress: 'sales@example.test',
        Destination: { ToAddresses: [to] },
        Content: { Simple: { Subject: { Data: 'Hallo' }, Body: { Text: { Data: 'Bedankt' } } } },
      }),
    );
    // Assess
    const { emails } = await sesStore();
    expect(emails.filter((e) => e.destination.to.includes(to)).map((e) => e.subject)).toEqual(['Hallo']);
    ses.destroy();
  });
});

/* ------------------------------------------------------------------ SQS poller ---------------------------- */

describe('SQS poller (event source mapping)', () => {
  it('delivers a message as an SQS event to a handler that writes to DynamoDB, then deletes it', async () => {
    // Prepare
    const { tables } = inject('localStack');
    const queue = await createTestQueue('roundtrip');
    const ddb = dynamoClient();
    const seen: SQSRecord[] = [];
    const id = randomUUID();
    const pollers = startSqsPollers({
      sqsEndpoint: process.env.AWS_ENDPOINT_URL_SQS!,
      consumers: [
        {
          functionName: 'TestWriter',
          queueUrl: queue.url,
          batchSize: 10,
          handler: async (event: SQSEvent) => {
            for (const record of event.Records) {
              seen.push(record);
              const body = JSON.parse(record.body) as { id: string };
              await ddb.send(
                new PutItemCommand({
                  TableName: tables.leads,
                  Item: { pk: { S: `TEST#${body.id}` }, sk: { S: 'LEAD' }, via: { S: 'poller' } },
                }),
              );
            }
            return { batchItemFailures: [] };
          },
        },
      ],
    });
    const sqs = sqsClient();
    // Act
    await sqs.send(
      new SendMessageCommand({
        QueueUrl: queue.url,
        MessageBody: JSON.stringify({ id }),
        MessageAttributes: { kind: { DataType: 'String', StringValue: 'test' } },
      }),
    );
    const item = await waitFor(async () => {
      const { Item } = await ddb.send(
        new GetItemCommand({ TableName: tables.leads, Key: { pk: { S: `TEST#${id}` }, sk: { S: 'LEAD' } } }),
      );
      return Item;
    });
    await pollers.stop();
    // Assess
    expect(item.via?.S).toBe('poller');
    expect(seen).toHaveLength(1);
    const record = seen[0]!;
    expect(record).toMatchObject({
      eventSource: 'aws:sqs',
      eventSourceARN: queue.arn,
      awsRegion: 'eu-west-1',
      body: JSON.stringify({ id }),
      messageAttributes: { kind: { stringValue: 'test', dataType: 'String' } },
    });
    expect(record.attributes.ApproximateReceiveCount).toBe('1');
    expect(Number(record.attributes.SentTimestamp)).toBeGreaterThan(0);
    expect(record.md5OfBody).toMatch(/^[0-9a-f]{32}$/);
    expect(await queueDepth(queue.url, sqs)).toEqual({ visible: 0, inFlight: 0 });
    sqs.destroy();
    ddb.destroy();
  });

  it('redelivers only the failed record of a batch until it lands in the DLQ after maxReceiveCount', async () => {
    // Prepare
    const queue = await createTestQueue('partial', { maxReceiveCount: 3, visibilityTimeoutSeconds: 30 });
    const deliveries: { body: string; receiveCount: string }[] = [];
    const pollers = startSqsPollers({
      sqsEndpoint: process.env.AWS_ENDPOINT_URL_SQS!,
      retryVisibilitySeconds: 1,
      consumers: [
        {
          functionName: 'TestPartial',
          queueUrl: queue.url,
          batchSize: 10,
          concurrency: 1,
          handler: async (event: SQSEvent) => {
            for (const r of event.Records) {
              deliveries.push({ body: r.body, receiveCount: r.attributes.ApproximateReceiveCount });
            }
            return {
              batchItemFailures: event.Records.filter((r) => r.body === 'bad').map((r) => ({
                itemIdentifier: r.messageId,
              })),
            };
          },
        },
      ],
    });
    const sqs = sqsClient();
    // Act
    await sqs.send(
      new SendMessageBatchCommand({
        QueueUrl: queue.url,
        Entries: ['good-1', 'bad', 'good-2'].map((b, i) => ({ Id: String(i), MessageBody: b })),
      }),
    );
    const dead = await waitFor(async () => {
      const depth = await queueDepth(queue.dlqUrl, sqs);
      return depth.visible > 0 ? depth : undefined;
    });
    await pollers.stop();
    // Assess
    expect(dead.visible).toBe(1);
    expect((await receiveAll(queue.dlqUrl, { sqs })).map((m) => m.Body)).toEqual(['bad']);
    expect(deliveries.filter((d) => d.body.startsWith('good')).map((d) => d.receiveCount)).toEqual([
      '1',
      '1',
    ]);
    expect(deliveries.filter((d) => d.body === 'bad').map((d) => d.receiveCount)).toEqual(['1', '2', '3']);
    expect(await queueDepth(queue.url, sqs)).toEqual({ visible: 0, inFlight: 0 });
    sqs.destroy();
  });

  it('treats a thrown error and an unknown itemIdentifier as a failure of the whole batch', async () => {
    // Prepare
    const queue = await createTestQueue('wholebatch', { maxReceiveCount: 5 });
    let calls = 0;
    const receiveCounts: string[] = [];
    const pollers = startSqsPollers({
      sqsEndpoint: process.env.AWS_ENDPOINT_URL_SQS!,
      retryVisibilitySeconds: 1,
      consumers: [
        {
          functionName: 'TestWhole',
          queueUrl: queue.url,
          batchSize: 10,
          concurrency: 1,
          handler: async (event: SQSEvent) => {
            calls++;
            receiveCounts.push(...event.Records.map((r) => r.attributes.ApproximateReceiveCount));
            if (calls === 1) throw new Error('boom');
            if (calls === 2) return { batchItemFailures: [{ itemIdentifier: 'not-in-this-batch' }] };
            return undefined;
          },
        },
      ],
    });
    const sqs = sqsClient();
    // Act
    await sqs.send(
      new SendMessageBatchCommand({
        QueueUrl: queue.url,
        Entries: ['a', 'b'].map((b, i) => ({ Id: String(i), MessageBody: b })),
      }),
    );
    await waitFor(() => calls >= 3 && pollers.status().TestWhole?.inFlight === 0);
    await pollers.stop();
    // Assess
    expect(receiveCounts.sort()).toEqual(['1', '1', '2', '2', '3', '3']);
    expect(await queueDepth(queue.url, sqs)).toEqual({ visible: 0, inFlight: 0 });
    sqs.destroy();
  });
});

/* ------------------------------------------------------------------ HTTP gateway -------------------------- */

describe('HTTP gateway (API Gateway HTTP API, payload 2.0)', () => {
  const captured: APIGatewayProxyEventV2[] = [];
  const echo = async (event: APIGatewayProxyEventV2) => {
    captured.push(event);
    return {
      statusCode: 201,
      headers: { 'x-route': event.routeKey },
      body: 'ok',
      cookies: ['a=1', 'b=2; Path=/'],
    };
  };
  let gateway: RunningGateway;

  beforeAll(async () => {
    gateway = await startHttpGateway({
      maxBodyBytes: 64 * 1024,
      routes: [
        { method: 'POST', path: '/leads', handler: echo },
        { method: 'GET', path: '/leads/{id}', public: false, handler: echo },
        { method: 'GET', path: '/leads/special', handler: async () => ({ special: true }) },
        { method: 'GET', path: '/files/{path+}', handler: echo },
        {
          method: 'GET',
          path: '/boom',
          handler: async () => {
            throw new TypeError('secret@example.test should not be logged');
          },
        },
      ],
      authorize: (event) =>
        event.headers.authorization === 'Bearer good'
          ? { claims: { sub: 'rep-1' }, scopes: ['leads:read'] }
          : null,
    });
  });
  afterAll(async () => {
    await gateway.stop();
  });
  const last = () => captured[captured.length - 1]!;

  it('passes a JSON body as text with the v2 envelope and maps a structured result back', async () => {
    // Prepare
    const body = JSON.stringify({ email: 'jan@example.nl', naam: 'Jan' });
    // Act
    const res = await fetch(`${gateway.url}/leads?src=web`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'X-Custom': 'x1', 'user-agent': 'vitest-agent' },
      body,
    });
    // Assess
    expect(res.status).toBe(201);
    expect(await res.text()).toBe('ok');
    expect(res.headers.get('x-route')).toBe('POST /leads');
    expect(res.headers.getSetCookie()).toEqual(['a=1', 'b=2; Path=/']);
    const e = last();
    expect(e).toMatchObject({
      version: '2.0',
      routeKey: 'POST /leads',
      rawPath: '/leads',
      rawQueryString: 'src=web',
      queryStringParameters: { src: 'web' },
      body,
      isBase64Encoded: false,
      requestContext: {
        http: {
          method: 'POST',
          path: '/leads',
          protocol: 'HTTP/1.1',
          sourceIp: '127.0.0.1',
          userAgent: 'vitest-agent',
        },
        routeKey: 'POST /leads',
        stage: '$default',
      },
    });
    expect(e.headers['x-custom']).toBe('x1');
    expect(e.headers['content-type']).toBe('application/json');
    expect(e.requestContext.requestId).toBe(res.headers.get('apigw-requestid'));
    expect(e.requestContext.time).toMatch(/^\d{2}\/[A-Z][a-z]{2}\/\d{4}:\d{2}:\d{2}:\d{2} \+0000$/);
    expect(Math.abs(e.requestContext.timeEpoch - Date.now())).toBeLessThan(10_000);
  });

  it('base64-encodes urlencoded and multipart bodies like API Gateway', async () => {
    // Prepare
    const form = new FormData();
    form.set('email', 'piet@example.nl');
    form.set('cv', new Blob([Buffer.from([0, 1, 2, 255])]), 'cv.bin');
    // Act
    await fetch(`${gateway.url}/leads`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'email=piet%40example.nl&naam=Piet+de+Vries',
    });
    const urlencoded = last();
    await fetch(`${gateway.url}/leads`, { method: 'POST', body: form });
    const multipart = last();
    // Assess
    expect(urlencoded.isBase64Encoded).toBe(true);
    expect(Buffer.from(urlencoded.body!, 'base64').toString('utf8')).toBe(
      'email=piet%40example.nl&naam=Piet+de+Vries',
    );
    expect(multipart.isBase64Encoded).toBe(true);
    expect(multipart.headers['content-type']).toMatch(/^multipart\/form-data; boundary=/);
    const raw = Buffer.from(multipart.body!, 'base64');
    expect(raw.includes(Buffer.from('piet@example.nl'))).toBe(true);
    expect(raw.includes(Buffer.from([0, 1, 2, 255]))).toBe(true);
  });

  it('fills path parameters, repeated query parameters, cookies and the JWT claims from the authorizer', async () => {
    // Act
    const res = await fetch(`${gateway.url}/leads/01H%20X?tag=a&tag=b&q=x%20y`, {
      headers: { cookie: 'session=abc; theme=dark', authorization: 'Bearer good' },
    });
    // Assess
    expect(res.status).toBe(201);
    const e = last() as APIGatewayProxyEventV2WithJWTAuthorizer;
    expect(e.routeKey).toBe('GET /leads/{id}');
    expect(e.pathParameters).toEqual({ id: '01H X' });
    expect(e.rawPath).toBe('/leads/01H%20X');
    expect(e.rawQueryString).toBe('tag=a&tag=b&q=x%20y');
    expect(e.queryStringParameters).toEqual({ tag: 'a,b', q: 'x y' });
    expect(e.cookies).toEqual(['session=abc', 'theme=dark']);
    expect(e.headers.cookie).toBeUndefined();
    expect(e.body).toBeUndefined();
    expect(e.requestContext.authorizer.jwt).toEqual({ claims: { sub: 'rep-1' }, scopes: ['leads:read'] });
  });

  it('answers 401 for a non-public route the authorizer rejects, without calling the handler', async () => {
    // Prepare
    const before = captured.length;
    // Act
    const res = await fetch(`${gateway.url}/leads/1`);
    // Assess
    expect(res.status).toBe(401);
    expect(await res.json()).toEqual({ message: 'Unauthorized' });
    expect(captured.length).toBe(before);
  });

  it('prefers a literal route over a parameter, supports greedy paths and maps a bare object to 200 JSON', async () => {
    // Act
    const special = await fetch(`${gateway.url}/leads/special`);
    const greedy = await fetch(`${gateway.url}/files/a/b/c.txt`);
    // Assess
    expect(special.status).toBe(200);
    expect(special.headers.get('content-type')).toBe('application/json');
    expect(await special.json()).toEqual({ special: true });
    expect(greedy.status).toBe(201);
    expect(last().pathParameters).toEqual({ path: 'a/b/c.txt' });
  });

  it('answers 404 for unknown routes, 500 when a handler throws and 413 over the body limit', async () => {
    // Act
    const unknown = await fetch(`${gateway.url}/nope`);
    const wrongMethod = await fetch(`${gateway.url}/leads`, { method: 'DELETE' });
    const boom = await fetch(`${gateway.url}/boom`);
    const big = await fetch(`${gateway.url}/leads`, {
      method: 'POST',
      headers: { 'content-type': 'text/plain' },
      body: 'x'.repeat(64 * 1024 + 1),
    });
    // Assess
    expect(unknown.status).toBe(404);
    expect(await unknown.json()).toEqual({ message: 'Not Found' });
    expect(wrongMethod.status).toBe(404);
    expect(boom.status).toBe(500);
    expect(await boom.json()).toEqual({ message: 'Internal Server Error' });
    expect(big.status).toBe(413);
  });
});

/* ------------------------------------------------------------------ whole stack & processes --------------- */

const dynamoProcesses = (port: string): string[] =>
  execFileSync('ps', ['-eo', 'pid=,args='], { encoding: 'utf8' })
    .split('\n')
    .filter((l) => /^\s*\d+ java /.test(l) && l.includes('DynamoDBLocal.jar') && l.includes(`-port ${port}`));

describe('startLocalStack', () => {
  it('answers /health with every component up, refuses to restart an in-memory DynamoDB and leaves no process behind after stop', async () => {
    // Prepare
    const stack = await startLocalStack({
      dataDir: null,
      port: 0,
      emulatorPorts: { dynamodb: 0, sqs: 0, sesv2: 0 },
      routes: [],
      consumers: [],
      schedules: [],
      log: () => {},
    });
    const dynamoPort = new URL(stack.endpoints.dynamodb).port;
    // Act
    const res = await fetch(`${stack.url}/health`);
    const report = (await res.json()) as HealthReport;
    // In memory, a restarted DynamoDB Local would come back empty: refused, and it keeps running.
    const restart = await stack.restartEmulator('dynamodb').catch((error: Error) => error);
    const afterRefusal = await stack.health();
    await stack.stop();
    // Assess
    expect(String(restart)).toMatch(/needs a data directory/);
    expect(afterRefusal.components.dynamodb.ok).toBe(true);
    expect(res.status).toBe(200);
    expect(report.status).toBe('ok');
    expect(report.components.dynamodb.ok && report.components.sqs.ok && report.components.ses.ok).toBe(true);
    await expect(fetch(`${stack.url}/health`)).rejects.toThrow();
    await waitFor(() => dynamoProcesses(dynamoPort).length === 0, 30_000);
  });
});

describe('emulators', () => {
  it('kill DynamoDB Local when the Node process that started them is SIGKILLed', async () => {
    // Prepare
    const child = spawn(process.execPath, ['--import', 'tsx', 'test/support/emulators-child.ts'], {
      stdio: ['ignore', 'pipe', 'ignore'],
    });
    const line = await new Promise<string>((resolveLine, reject) => {
      let out = '';
      child.stdout.on('data', (d: Buffer) => {
        out += d.toString();
        if (out.includes('\n')) resolveLine(out.split('\n')[0]!);
      });
      child.once('exit', () => reject(new Error('child exited before it was ready')));
    });
    try {
      const { endpoints } = JSON.parse(line) as { endpoints: { dynamodb: string } };
      const port = new URL(endpoints.dynamodb).port;
      expect(dynamoProcesses(port)).toHaveLength(1);
      // Act
      child.kill('SIGKILL');
      // Assess
      await waitFor(() => dynamoProcesses(port).length === 0, 30_000);
      await expect(fetch(endpoints.dynamodb)).rejects.toThrow();
    } finally {
      child.kill('SIGKILL');
    }
  });
});

/* ------------------------------------------------------------------ outages and restarts ------------------ */

describe('the local stack on disk: outages, restarts and a graceful stop', () => {
  let stack: LocalStack;
  let dataDir: string;
  let ddb: ReturnType<typeof dynamoClient>;
  let sqs: ReturnType<typeof sqsClient>;
  /** Message ids the consumer stored in DynamoDB (it fails while DynamoDB cannot be reached). */
  const stored = new Set<string>();

  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'lq-outage-'));
    let handlerDb: ReturnType<typeof dynamoClient> | undefined;
    stack = await startLocalStack({
      dataDir,
      port: 0,
      emulatorPorts: { dynamodb: 0, sqs: 0, sesv2: 0 },
      faults: true,
      retryVisibilitySeconds: 1,
      routes: [],
      schedules: [],
      log: () => {},
      consumers: [],
      // A consumer of the qualify queue (its URL is known once provisioned) that stores each message's id.
      wrapConsumers: (_none, provisioned) => [
        {
          functionName: 'OutageWriter',
          queueUrl: provisioned.queueUrls.qualify,
          batchSize: 5,
          // A failed message is received again after 10 s: after each outage below, long before its DLQ.
          timeoutSeconds: 10,
          handler: async (event: SQSEvent) => {
            handlerDb ??= dynamoClient(stack.endpoints.dynamodb);
            const failures: { itemIdentifier: string }[] = [];
            for (const record of event.Records) {
              const { id } = JSON.parse(record.body) as { id: string };
              try {
                await handlerDb.send(
                  new PutItemCommand({
                    TableName: stack.provisioned.tables.leads,
                    Item: { pk: { S: `OUTAGE#${id}` }, sk: { S: 'X' } },
                  }),
                );
                stored.add(id);
              } catch {
                failures.push({ itemIdentifier: record.messageId });
              }
            }
            return { batchItemFailures: failures };
          },
        },
      ],
    });
    ddb = dynamoClient(stack.endpoints.dynamodb);
    sqs = sqsClient(stack.endpoints.sqs);
  }, 120_000);

  afterAll(async () => {
    ddb?.destroy();
    sqs?.destroy();
    await stack?.stop();
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  });

  const send = (ids: readonly string[]) =>
    sqs.send(
      new SendMessageBatchCommand({
        QueueUrl: stack.provisioned.queueUrls.qualify,
        Entries: ids.map((id, i) => ({ Id: String(i), MessageBody: JSON.stringify({ id }) })),
      }),
    );
  const ids = (tag: string, n: number) => Array.from({ length: n }, (_, i) => `${tag}-${i}`);

  it('rides out DynamoDB and SQS being unreachable (fault proxy): pollers resume, every message is handled', async () => {
    // Prepare
    const faults = stack.faults!;
    await send(ids('before', 3));
    await waitFor(() => ids('before', 3).every((id) => stored.has(id)), 60_000);

    // Act: SQS refuses connections; the pollers notice, then resume when it is back
    await faults.sqs.set('refuse');
    const sawSqsDown = await waitFor(async () => {
      const health = await stack.health();
      return !health.components.sqs.ok && !health.components.pollers.ok ? health : undefined;
    }, 30_000);
    await faults.sqs.set('pass');
    await send(ids('after-sqs', 3));
    // DynamoDB refuses connections while messages arrive: the handler fails, SQS redelivers
    await faults.dynamodb.set('refuse');
    await send(ids('during-dynamodb', 3));
    const healthDuringOutage = await stack.health();
    await new Promise((r) => setTimeout(r, 1_000));
    const storedWhileDown = ids('during-dynamodb', 3).filter((id) => stored.has(id));
    await faults.dynamodb.set('pass');
    // DynamoDB answers, but every answer is lost on the way back: the writes land, the handler retries them
    await faults.dynamodb.set({ mode: 'reset', resetOn: 'response' });
    await send(ids('lost-answers', 2));
    await new Promise((r) => setTimeout(r, 1_500));
    await faults.dynamodb.set('pass');

    // Assess
    expect(sawSqsDown.components.pollers.ok).toBe(false);
    expect(healthDuringOutage.components.dynamodb.ok).toBe(false);
    expect(storedWhileDown).toEqual([]);
    const all = [...ids('after-sqs', 3), ...ids('during-dynamodb', 3), ...ids('lost-answers', 2)];
    await waitFor(() => all.every((id) => stored.has(id)), 60_000);
    const health = await waitFor(async () => {
      const h = await stack.health();
      return h.status === 'ok' ? h : undefined;
    }, 30_000);
    expect(health.components.pollers.ok).toBe(true);
    expect(await queueDepth(stack.provisioned.dlqUrls.qualify, sqs)).toEqual({ visible: 0, inFlight: 0 });
    expect(faults.dynamodb.stats().broken).toBeGreaterThan(0);
  }, 180_000);

  it('brings every emulator back on the same endpoint after a restart, and the pollers pick up again', async () => {
    // Prepare
    const endpoints = { ...stack.endpoints };
    // Act
    const outages = [];
    for (const name of ['dynamodb', 'sqs', 'sesv2'] as const)
      outages.push(await stack.restartEmulator(name, { downMs: 300 }));
    await send(ids('after-restart', 3));
    // Assess
    expect(stack.endpoints).toEqual(endpoints);
    expect(outages.every((o) => o.unavailableMs >= 300)).toBe(true);
    await waitFor(() => ids('after-restart', 3).every((id) => stored.has(id)), 60_000);
    const health = await waitFor(async () => {
      const h = await stack.health();
      return h.status === 'ok' ? h : undefined;
    }, 30_000);
    expect(health.components.dynamodb.endpoint).toBe(endpoints.dynamodb);
  }, 180_000);
  it('keeps DynamoDB items and queued SQS messages across a graceful stop, in its data directory', async () => {
    // Prepare: an item, and a message on a queue nobody consumes in this stack
    await ddb.send(
      new PutItemCommand({
        TableName: stack.provisioned.tables.leads,
        Item: { pk: { S: 'LEAD#persist' }, sk: { S: 'LEAD' } },
      }),
    );
    await sqs.send(
      new SendMessageCommand({
        QueueUrl: stack.provisioned.queueUrls.draft,
        MessageBody: '{"leadId":"persist"}',
        MessageAttributes: { source: { DataType: 'String', StringValue: 'webform' } },
      }),
    );
    // Act
    await stack.stop();
    const second = await startEmulators({ dataDir });
    try {
      const p2 = await provisionDataPlane(second.endpoints);
      const ddb2 = dynamoClient(second.endpoints.dynamodb);
      const { Item } = await ddb2.send(
        new GetItemCommand({
          TableName: p2.tables.leads,
          Key: { pk: { S: 'LEAD#persist' }, sk: { S: 'LEAD' } },
        }),
      );
      ddb2.destroy();
      const sqs2 = sqsClient(second.endpoints.sqs);
      const messages = await receiveAll(p2.queueUrls.draft, { sqs: sqs2 });
      const redrive = await sqs2.send(
        new GetQueueAttributesCommand({ QueueUrl: p2.queueUrls.draft, AttributeNames: ['RedrivePolicy'] }),
      );
      sqs2.destroy();
      // Assess
      expect(Item?.pk?.S).toBe('LEAD#persist');
      expect(second.restoredMessages).toBe(1);
      expect(messages.map((m) => [m.Body, m.MessageAttributes?.source?.StringValue])).toEqual([
        ['{"leadId":"persist"}', 'webform'],
      ]);
      expect(JSON.parse(redrive.Attributes?.RedrivePolicy ?? '{}').maxReceiveCount).toBe(
        QUEUES.draft.maxReceiveCount,
      );
    } finally {
      await second.stop();
    }
  });
});
