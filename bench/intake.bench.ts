/**
 * Intake latency and throughput against its floor: `npx tsx bench/intake.bench.ts` (or `npm run bench:intake`).
 *
 * Starts the local stack in process (in memory, free ports, no pollers, stream consumers or schedules so
 * that only the intake path is measured), then POSTs unique leads to `/leads` over real HTTP with keep-alive
 * connections at concurrency 1, 10 and 50 (closed loop: each worker sends its next request when the previous
 * one answered), after a warm-up. Then, in the same run and on the same table (its stream and outbox index
 * included), it measures the floor: the one conditional PutItem of a lead-sized item that the intake makes,
 * on its own (through the store's own `create`, with a record the intake's own code built, so the item has the
 * same attributes and sits in the same indexes), closed loop at 1 and 50 in flight. Intake's one durable write is that PutItem, so the ratio
 * intake ÷ floor says what the HTTP edge, parsing and the handler cost on top of storage, whatever the machine.
 *
 * Prints a table and writes bench/results/intake.json. Environment: BENCH_SECONDS (per level, default 8),
 * BENCH_LEVELS (default "1,10,50"). Targets: at 50 concurrent, ≥ 80 % of the floor's writes per second and
 * a p99 within 2× the floor's p99.
 */
import { randomUUID } from 'node:crypto';
import { Worker } from 'node:worker_threads';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { LeadRecord } from '../functions/agent/lead-record';
import { receiveSubmission } from '../functions/agent/pipeline/accept-lead';
import type { LeadStore } from '../functions/agent/ports';
import { DynamoLeadStore } from '../functions/platform/lead-store-dynamodb';
import { memoryTokenBuckets } from '../functions/platform/rate-limit-memory';
import { shippedIntakeSettings } from '../functions/platform/shipped-intake';
import { shippedPrivacy } from '../functions/platform/shipped-privacy';
import { LOCAL_CREDENTIALS, LOCAL_REGION } from '../local/aws';
import { startLocalStack } from '../local/start';
import { formatTable, machineInfo, writeResult } from './support/report';
import { type LatencySummary, summarize } from './support/stats';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 8);
const LEVELS = (process.env.BENCH_LEVELS ?? '1,10,50').split(',').map(Number);
const WARMUP_SECONDS = 2;
/** Alternating intake / floor rounds per level. */
const ROUNDS = 4;
/** Intake req/s at 50 concurrent ÷ the floor's writes/s at 50 in flight. */
const TARGET_THROUGHPUT_RATIO = 0.8;
/** Intake p99 at 50 concurrent ÷ the floor's p99 at 50 in flight. */
const TARGET_P99_RATIO = 2;

let sequence = 0;
/** A unique, realistic lead each call, so exactly-once dedup never short-circuits the write path. */
const nextLead = (): string => leadBody(`f${sequence++}`);

const leadBody = (n: string): string =>
  JSON.stringify({
    email: `bench.${n}@acme-bench.nl`,
    firstName: 'Bench',
    lastName: `Lead ${n}`,
    company: `Acme Bench ${n}`,
    employees: '51-200',
    country: 'NL',
    formType: 'demo',
    message: `Benchmark request ${n}: demo for our sales team`,
  });

/**
 * The load generator, in a worker thread: the clients of a webform intake are other machines, so their
 * CPU must not be taken from the event loop that serves the requests. Closed loop, keep-alive, unique leads.
 */
const LOAD_WORKER = `
const { parentPort, workerData } = require('node:worker_threads');
const { Agent, request } = require('node:http');
const { url, concurrency, seconds, run } = workerData;
const agent = new Agent({ keepAlive: true, maxSockets: concurrency });
const latencies = [];
let non202 = 0, errors = 0, n = 0;
const body = (k) => JSON.stringify({
  email: 'bench.' + k + '@acme-bench.nl', firstName: 'Bench', lastName: 'Lead ' + k, company: 'Acme Bench ' + k,
  employees: '51-200', country: 'NL', formType: 'demo', message: 'Benchmark request ' + k + ': demo for our sales team',
});
const post = (text) => new Promise((resolve, reject) => {
  const started = performance.now();
  const req = request(url, { method: 'POST', agent, headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) } }, (res) => {
    res.resume();
    res.on('end', () => resolve({ status: res.statusCode, ms: performance.now() - started }));
    res.on('error', reject);
  });
  req.on('error', reject);
  req.end(text);
});
(async () => {
  const started = performance.now();
  const deadline = started + seconds * 1000;
  await Promise.all(Array.from({ length: concurrency }, async () => {
    while (performance.now() < deadline) {
      try {
        const a = await post(body(run + '-' + n++));
        latencies.push(a.ms);
        if (a.status !== 202) non202++;
      } catch { errors++; }
    }
  }));
  agent.destroy();
  parentPort.postMessage({ latencies, non202, errors, elapsed: (performance.now() - started) / 1000 });
})();
`;

interface LevelResult {
  readonly concurrency: number;
  readonly seconds: number;
  readonly requests: number;
  readonly requestsPerSecond: number;
  readonly non202: number;
  readonly errors: number;
  readonly latencyMs: LatencySummary;
}

/** One closed-loop run's raw figures, to combine runs. */
interface Raw {
  readonly latencies: number[];
  readonly non202: number;
  readonly errors: number;
  readonly elapsed: number;
}

const combine = (concurrency: number, raws: readonly Raw[]): LevelResult => {
  const latencies = raws.flatMap((r) => r.latencies);
  const elapsed = raws.reduce((a, r) => a + r.elapsed, 0);
  return {
    concurrency,
    seconds: Number(elapsed.toFixed(2)),
    requests: latencies.length,
    requestsPerSecond: Number((latencies.length / elapsed).toFixed(1)),
    non202: raws.reduce((a, r) => a + r.non202, 0),
    errors: raws.reduce((a, r) => a + r.errors, 0),
    latencyMs: summarize(latencies),
  };
};

let runs = 0;
/** Closed loop: `concurrency` clients post back to back for `seconds` (from the load worker). */
const runLevel = async (url: URL, concurrency: number, seconds: number): Promise<Raw> =>
  new Promise<Raw>((resolve, reject) => {
    {
      const worker = new Worker(LOAD_WORKER, {
        eval: true,
        workerData: { url: url.toString(), concurrency, seconds, run: `${process.pid}-${runs++}` },
      });
      worker.once('message', resolve);
      worker.once('error', reject);
    }
  });

/** Runs `call` closed loop with `concurrency` in flight for `seconds`. */
const timeCall = async (seconds: number, concurrency: number, call: () => Promise<unknown>): Promise<Raw> => {
  const latencies: number[] = [];
  let errors = 0;
  const started = performance.now();
  const deadline = started + seconds * 1000;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (performance.now() < deadline) {
        const t0 = performance.now();
        try {
          await call();
          latencies.push(performance.now() - t0);
        } catch {
          errors++;
        }
      }
    }),
  );
  return { latencies, non202: 0, errors, elapsed: (performance.now() - started) / 1000 };
};

/**
 * The intake's own lead record for one submission: the real parse, privacy record and id derivation of
 * `receiveSubmission`, captured by a store that keeps what it is asked to create instead of writing it.
 */
const intakeRecord = async (body: string): Promise<LeadRecord> => {
  let captured: LeadRecord | undefined;
  const capture = {
    create: async (record: LeadRecord) => {
      captured = record;
      return { created: true, leadId: record.leadId };
    },
  } as unknown as LeadStore;
  await receiveSubmission(
    {
      body,
      isBase64Encoded: false,
      headers: { 'content-type': 'application/json' },
      query: {},
      method: 'POST',
      path: '/leads',
      url: 'https://bench.local/leads',
      receivedAt: new Date(),
    },
    {
      store: capture,
      rateLimiter: memoryTokenBuckets(),
      settings: shippedIntakeSettings(),
      secrets: {},
      requireSignature: false,
      rates: { perSource: 1e9, perClient: 1e9, spamPerSource: 1e9 },
      dedupWindowSeconds: 60,
      clock: () => performance.now(),
      privacy: shippedPrivacy(),
    },
  );
  if (!captured) throw new Error('the intake stored no lead for the floor template');
  return captured;
};

/**
 * A new lead record each call, shaped exactly as the intake stores it (the same attributes, so the same
 * indexes: outbox, leads list, e-mail, company domain, expiry), with its own id, address and arrival time.
 */
const floorRecord = (template: LeadRecord): LeadRecord => {
  const id = randomUUID();
  const at = new Date().toISOString();
  return {
    ...template,
    leadId: `floor-${id}`,
    dedupKey: `content:${id}`,
    receivedAt: at,
    lead: { ...template.lead, person: { ...template.lead.person, email: `floor.${id}@acme-bench.nl` } },
    steps: { intake: { ms: 1, at } },
  };
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
    streamConsumers: [],
    schedules: [],
    log: () => {},
  });
  const stackReadyMs = Math.round(performance.now() - startedAt);
  try {
    const url = new URL('/leads', stack.url);
    await runLevel(url, 10, WARMUP_SECONDS);

    // The floor: the intake's one durable write on its own, same table, same run.
    const ddb = DynamoDBDocumentClient.from(
      new DynamoDBClient({
        endpoint: stack.endpoints.dynamodb,
        region: LOCAL_REGION,
        credentials: LOCAL_CREDENTIALS,
      }),
      { marshallOptions: { removeUndefinedValues: true } },
    );
    // The store's own create: the one conditional PutItem the intake makes, of the item it makes.
    const store = new DynamoLeadStore(ddb, stack.env.LEADS_TABLE as string);
    const template = await intakeRecord(nextLead());
    const put = () => store.create(floorRecord(template), { dedupWindowSeconds: 60, pendingEnqueue: true });
    await timeCall(WARMUP_SECONDS, 10, put);

    // Each level: intake and floor in alternating rounds, so a shared machine's changing load hits both alike.
    const levels: LevelResult[] = [];
    const floors: LevelResult[] = [];
    for (const c of LEVELS) {
      const intakeRuns: Raw[] = [];
      const floorRuns: Raw[] = [];
      for (let r = 0; r < ROUNDS; r++) {
        intakeRuns.push(await runLevel(url, c, SECONDS / ROUNDS));
        floorRuns.push(await timeCall(SECONDS / ROUNDS, c, put));
      }
      levels.push(combine(c, intakeRuns));
      floors.push(combine(c, floorRuns));
    }
    ddb.destroy();
    const at50 = levels.find((l) => l.concurrency === 50);
    const floor50 = floors.find((f) => f.concurrency === 50);
    const throughputRatio =
      at50 && floor50 ? Number((at50.requestsPerSecond / floor50.requestsPerSecond).toFixed(2)) : null;
    const p99Ratio = at50 && floor50 ? Number((at50.latencyMs.p99 / floor50.latencyMs.p99).toFixed(2)) : null;
    const c1 = levels.find((l) => l.concurrency === 1);
    const result = {
      readme: {
        what: 'intake `POST /leads` against its floor (the one conditional PutItem, same table, same run)',
        command: 'npm run bench:intake',
        result: `1 concurrent: p50 ${c1?.latencyMs.p50} ms, ${c1?.requestsPerSecond} req/s; 50 concurrent: ${at50?.requestsPerSecond} req/s = **${throughputRatio} × the floor's** ${floor50?.requestsPerSecond} writes/s (target ≥ ${TARGET_THROUGHPUT_RATIO}), p99 ${at50?.latencyMs.p99} ms = **${p99Ratio} × the floor's** (target ≤ ${TARGET_P99_RATIO}); load average ${machineInfo().loadAvg1m} on ${machineInfo().cores} cores`,
      },
      method:
        'POST /leads over HTTP keep-alive to the local stack (in memory: DynamoDB Local), unique JSON leads, closed loop per concurrency level after a 2 s warm-up; pollers, stream consumers and schedules off. Floor: the store’s create (one conditional PutItem) of a record the intake’s own code built, same attributes and indexes, same table, closed loop, same run',
      stackReadyMs,
      levels,
      floor: floors,
      at50: {
        throughputRatio,
        p99Ratio,
        targetThroughputRatio: TARGET_THROUGHPUT_RATIO,
        targetP99Ratio: TARGET_P99_RATIO,
        meetsTargets:
          throughputRatio !== null &&
          p99Ratio !== null &&
          throughputRatio >= TARGET_THROUGHPUT_RATIO &&
          p99Ratio <= TARGET_P99_RATIO,
      },
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
    console.log(
      "\nThe floor: the intake's one conditional PutItem of the item it stores (DynamoDB Local, same table, same run):\n",
    );
    console.log(
      formatTable(
        ['in flight', 'writes/s', 'p50 ms', 'p95 ms', 'p99 ms', 'errors'],
        floors.map((f) => [
          f.concurrency,
          f.requestsPerSecond,
          f.latencyMs.p50,
          f.latencyMs.p95,
          f.latencyMs.p99,
          f.errors,
        ]),
      ),
    );
    console.log(
      `\nAt 50 concurrent: intake runs at ${throughputRatio} × the floor's writes/s (target ≥ ${TARGET_THROUGHPUT_RATIO}), p99 ${p99Ratio} × the floor's (target ≤ ${TARGET_P99_RATIO}): ${result.at50.meetsTargets ? 'met' : 'NOT met'}.`,
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
