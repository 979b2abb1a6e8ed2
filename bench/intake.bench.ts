/**
 * Intake latency and throughput: `npx tsx bench/intake.bench.ts` (or `npm run bench:intake`).
 *
 * Starts the local stack in process (in memory, free ports, no pollers or schedules so that only the intake
 * path is measured), then POSTs unique leads to `/leads` over real HTTP with keep-alive connections at
 * concurrency 1, 10 and 50 (closed loop: each worker sends its next request when the previous one answered),
 * after a warm-up. Then it times the three storage/queue calls the intake makes — the rate-limit UpdateItem,
 * the 2-item TransactWrite and the SQS send — on their own, to show where the time goes.
 *
 * Prints a table and writes bench/results/intake.json. Environment: BENCH_SECONDS (per level, default 8),
 * BENCH_LEVELS (default "1,10,50"). Target from the issue: p99 ≤ 50 ms at 50 concurrent.
 */
import { Agent, request } from 'node:http';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { DynamoDBDocumentClient, TransactWriteCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { LOCAL_CREDENTIALS, LOCAL_REGION } from '../local/aws';
import { startLocalStack } from '../local/start';
import { formatTable, machineInfo, writeResult } from './support/report';
import { type LatencySummary, summarize } from './support/stats';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 8);
const LEVELS = (process.env.BENCH_LEVELS ?? '1,10,50').split(',').map(Number);
const WARMUP_SECONDS = 2;
const TARGET_P99_MS = 50;

let sequence = 0;
/** A unique, realistic lead each call, so exactly-once dedup never short-circuits the write path. */
const nextLead = (): string => {
  const n = sequence++;
  return JSON.stringify({
    email: `bench.${n}@acme-bench-${n % 97}.nl`,
    firstName: 'Bench',
    lastName: `Lead ${n}`,
    company: `Acme Bench ${n % 97}`,
    employees: '51-200',
    country: 'NL',
    formType: 'demo',
    message: `Benchmark request ${n}: demo for our sales team`,
  });
};

interface Answer {
  readonly status: number;
  readonly ms: number;
}

const post = (url: URL, agent: Agent, body: string): Promise<Answer> =>
  new Promise((resolve, reject) => {
    const started = performance.now();
    const req = request(
      url,
      {
        method: 'POST',
        agent,
        headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) },
      },
      (res) => {
        res.resume();
        res.on('end', () => resolve({ status: res.statusCode ?? 0, ms: performance.now() - started }));
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(body);
  });

interface LevelResult {
  readonly concurrency: number;
  readonly seconds: number;
  readonly requests: number;
  readonly requestsPerSecond: number;
  readonly non202: number;
  readonly errors: number;
  readonly latencyMs: LatencySummary;
}

/** Closed loop: `concurrency` workers post back to back for `seconds`. */
const runLevel = async (url: URL, concurrency: number, seconds: number): Promise<LevelResult> => {
  const agent = new Agent({ keepAlive: true, maxSockets: concurrency });
  const latencies: number[] = [];
  let non202 = 0;
  let errors = 0;
  const started = performance.now();
  const deadline = started + seconds * 1000;
  const worker = async () => {
    while (performance.now() < deadline) {
      try {
        const a = await post(url, agent, nextLead());
        latencies.push(a.ms);
        if (a.status !== 202) non202++;
      } catch {
        errors++;
      }
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  const elapsed = (performance.now() - started) / 1000;
  agent.destroy();
  return {
    concurrency,
    seconds: Number(elapsed.toFixed(2)),
    requests: latencies.length,
    requestsPerSecond: Number((latencies.length / elapsed).toFixed(1)),
    non202,
    errors,
    latencyMs: summarize(latencies),
  };
};

/** Times one backend call `n` times at `concurrency` in flight. */
const timeCall = async (n: number, concurrency: number, call: (i: number) => Promise<unknown>) => {
  const latencies: number[] = [];
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < n) {
        const i = next++;
        const t0 = performance.now();
        await call(i);
        latencies.push(performance.now() - t0);
      }
    }),
  );
  const elapsed = (performance.now() - started) / 1000;
  return { opsPerSecond: Number((n / elapsed).toFixed(1)), latencyMs: summarize(latencies) };
};

const main = async () => {
  const startedAt = performance.now();
  const stack = await startLocalStack({
    dataDir: null,
    port: 0,
    emulatorPorts: { dynamodb: 0, sqs: 0, sesv2: 0 },
    env: {
      INTAKE_RATE_PER_MINUTE: '100000000',
      INTAKE_CLIENT_RATE_PER_MINUTE: '100000000',
      LOG_LEVEL: 'ERROR',
    },
    consumers: [],
    schedules: [],
    log: () => {},
  });
  const stackReadyMs = Math.round(performance.now() - startedAt);
  try {
    const url = new URL('/leads', stack.url);
    await runLevel(url, 10, WARMUP_SECONDS);

    const levels: LevelResult[] = [];
    for (const c of LEVELS) levels.push(await runLevel(url, c, SECONDS));

    // Where the time goes: the intake's three backend calls on their own, sequential and 50 in flight.
    const ddb = DynamoDBDocumentClient.from(
      new DynamoDBClient({
        endpoint: stack.endpoints.dynamodb,
        region: LOCAL_REGION,
        credentials: LOCAL_CREDENTIALS,
      }),
    );
    const sqs = new SQSClient({
      endpoint: stack.endpoints.sqs,
      region: LOCAL_REGION,
      credentials: LOCAL_CREDENTIALS,
    });
    const table = stack.env.LEADS_TABLE as string;
    const queueUrl = stack.env.QUALIFY_QUEUE_URL as string;
    const rate = () =>
      ddb.send(
        new UpdateCommand({
          TableName: table,
          Key: { pk: 'RATE#bench#0', sk: 'RATE' },
          UpdateExpression: 'ADD hits :one',
          ExpressionAttributeValues: { ':one': 1 },
        }),
      );
    const tx = (i: number) =>
      ddb.send(
        new TransactWriteCommand({
          TransactItems: [
            {
              Put: {
                TableName: table,
                Item: { pk: `DEDUP#bench-${i}-${Math.random()}`, sk: 'DEDUP', leadId: `b${i}` },
                ConditionExpression: 'attribute_not_exists(pk)',
              },
            },
            {
              Put: {
                TableName: table,
                Item: { pk: `BENCH#${i}-${Math.random()}`, sk: 'LEAD', body: nextLead() },
                ConditionExpression: 'attribute_not_exists(pk)',
              },
            },
          ],
        }),
      );
    const send = (i: number) =>
      sqs.send(
        new SendMessageCommand({ QueueUrl: queueUrl, MessageBody: JSON.stringify({ leadId: `b${i}` }) }),
      );
    const backend = {
      rateLimitUpdateItem: { c1: await timeCall(300, 1, rate), c50: await timeCall(1000, 50, rate) },
      leadTransactWrite: { c1: await timeCall(300, 1, tx), c50: await timeCall(1000, 50, tx) },
      sqsSendMessage: { c1: await timeCall(300, 1, send), c50: await timeCall(1000, 50, send) },
    };
    ddb.destroy();
    sqs.destroy();

    const at50 = levels.find((l) => l.concurrency === 50);
    const result = {
      method:
        'POST /leads over HTTP keep-alive to the local stack (in memory: DynamoDB Local, local-aws-sqs), unique JSON leads, closed loop per concurrency level after a 2 s warm-up; pollers and schedules off',
      stackReadyMs,
      targetP99Ms: TARGET_P99_MS,
      meetsTargetAt50: at50 ? at50.latencyMs.p99 <= TARGET_P99_MS : null,
      levels,
      backend,
    };
    const path = writeResult('intake', result);

    const m = machineInfo();
    console.log(`\nIntake benchmark — ${m.cpu} × ${m.cores}, Node ${m.node}, load ${m.loadAvg1m}\n`);
    console.log(
      formatTable(
        ['concurrency', 'requests', 'req/s', 'p50 ms', 'p95 ms', 'p99 ms', 'max ms', 'non-202', 'errors'],
        levels.map((l) => [
          l.concurrency,
          l.requests,
          l.requestsPerSecond,
          l.latencyMs.p50,
          l.latencyMs.p95,
          l.latencyMs.p99,
          l.latencyMs.max,
          l.non202,
          l.errors,
        ]),
      ),
    );
    console.log('\nBackend calls on their own (DynamoDB Local / local-aws-sqs):\n');
    console.log(
      formatTable(
        ['call', 'in flight', 'ops/s', 'p50 ms', 'p99 ms'],
        Object.entries(backend).flatMap(([name, r]) => [
          [name, 1, r.c1.opsPerSecond, r.c1.latencyMs.p50, r.c1.latencyMs.p99],
          [name, 50, r.c50.opsPerSecond, r.c50.latencyMs.p50, r.c50.latencyMs.p99],
        ]),
      ),
    );
    console.log(
      `\nTarget p99 ≤ ${TARGET_P99_MS} ms at 50 concurrent: ${result.meetsTargetAt50 ? 'met' : 'NOT met'} (local emulators).`,
    );
    console.log(`Wrote ${path}`);
  } finally {
    await stack.stop();
  }
};

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(`Intake benchmark failed: ${(error as Error)?.stack ?? String(error)}`);
    process.exit(1);
  },
);
