/**
 * The scale curve of qualify + route: `npm run bench:scale [-- sizes]` (default sizes 1000,10000,100000;
 * e.g. `npm run bench:scale -- 1000,10000`).
 *
 * For each size N, against a fresh leads table on DynamoDB Local (in memory), in this one process:
 *   1. stores N leads as the intake does (its one conditional PutItem each, ids from the dedup key);
 *   2. qualifies them all with the production use case (functions/agent/pipeline/qualify-lead.ts) and the
 *      production DynamoDB adapters (lead store, round-robin rotation with per-rep loads), 10 at a time —
 *      what the qualify function does per lead, minus the outside world: enrichment is a fixed local result
 *      (a real one waits on websites and registries, which says nothing about our own scale) and the
 *      draft hand-off is counted instead of sent.
 * Every DynamoDB call asks for ReturnConsumedCapacity=INDEXES (table and each index), so the read and write
 * units per lead are DynamoDB's own accounting, from which the AWS cost per 1,000 leads follows (on-demand).
 * Per size: wall time and CPU time per lead, leads/s, heap retained per lead after a GC, peak RSS.
 * Writes bench/results/scale.json. Figures vary by machine; the units per lead do not.
 */
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { CreateTableCommand, DeleteTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { leadIdFor } from '../functions/agent/pipeline/accept-lead';
import { type QualifyDeps, qualifyLead } from '../functions/agent/pipeline/qualify-lead';
import type { LeadQueue } from '../functions/agent/ports';
import { loadRoutingSetup } from '../functions/agent/route/rules';
import { sampleEnrichment, sampleLead } from '../functions/agent/testing/samples';
import { DynamoLeadStore } from '../functions/platform/lead-store-dynamodb';
import { createRoundRobin } from '../functions/platform/round-robin-dynamodb';
import { shippedRules } from '../functions/platform/shipped-rules';
import { TABLES } from '../infra/data-plane';
import { LOCAL_CREDENTIALS, LOCAL_REGION } from '../local/aws';
import { startEmulators } from '../local/emulators';
import { gsi } from '../local/provision';
import { formatTable, machineInfo, writeResult } from './support/report';

const SIZES = (process.argv.find((a) => /^\d+(,\d+)*$/.test(a)) ?? '1000,10000,100000')
  .split(',')
  .map(Number);
const CONCURRENCY = 10;

/**
 * The shipped routing and team, with every rep's `maxOpenLeads` raised to the run's size: every lead then
 * takes the path of a team whose reps have room (their loads read and added to under the cap), as in a team
 * whose leads get worked and closed. With the shipped caps (25–60 open leads) all but the first few hundred
 * leads would go to the fallback owner, a cheaper path, and the curve would measure that instead.
 */
const roomyRouting = (leads: number) =>
  loadRoutingSetup(
    readFileSync('config/routing.yaml', 'utf8'),
    readFileSync('config/team.yaml', 'utf8').replace(
      /maxOpenLeads: \d+/g,
      `maxOpenLeads: ${Math.max(leads, 1000)}`,
    ),
  );

/**
 * DynamoDB on-demand prices used for the cost per 1,000 leads (USD, us-east-1 and eu-west-1 alike since the
 * price cut of November 2024): per million write request units and per million read request units.
 */
const PRICE_PER_MILLION = { write: 0.625, read: 0.125 } as const;

/** Operations that accept ReturnConsumedCapacity. */
const CAPACITY_OPS = new Set([
  'GetItemCommand',
  'PutItemCommand',
  'UpdateItemCommand',
  'DeleteItemCommand',
  'QueryCommand',
  'ScanCommand',
  'TransactWriteItemsCommand',
  'TransactGetItemsCommand',
  'BatchGetItemCommand',
  'BatchWriteItemCommand',
]);

interface Units {
  read: number;
  write: number;
  calls: number;
  /** Calls and capacity units by operation (reads and writes together: an operation does one or the other). */
  byOperation: Record<string, { calls: number; units: number }>;
  /** Capacity units by where they were spent: `table` or a global secondary index's name. */
  byTarget: Record<string, number>;
}

const newUnits = (): Units => ({ read: 0, write: 0, calls: 0, byOperation: {}, byTarget: {} });

interface ConsumedWire {
  ReadCapacityUnits?: number;
  WriteCapacityUnits?: number;
  CapacityUnits?: number;
  Table?: { CapacityUnits?: number };
  GlobalSecondaryIndexes?: Record<string, { CapacityUnits?: number }>;
}

/** A DynamoDB client that asks every call for its consumed capacity (per index) and adds it to `units`. */
const meteredClient = (endpoint: string, units: Units) => {
  const client = new DynamoDBClient({
    endpoint,
    region: LOCAL_REGION,
    credentials: LOCAL_CREDENTIALS,
    maxAttempts: 5,
  });
  client.middlewareStack.add(
    (next, context) => async (args) => {
      const input = args.input as Record<string, unknown>;
      const operation = (context.commandName ?? 'Unknown').replace(/Command$/, '');
      if (CAPACITY_OPS.has(context.commandName ?? '')) input.ReturnConsumedCapacity = 'INDEXES';
      const out = await next(args);
      const consumed = (out.output as { ConsumedCapacity?: unknown }).ConsumedCapacity;
      const list = (Array.isArray(consumed) ? consumed : consumed ? [consumed] : []) as ConsumedWire[];
      units.calls++;
      const op = units.byOperation[operation] ?? { calls: 0, units: 0 };
      units.byOperation[operation] = op;
      op.calls++;
      for (const c of list) {
        let read = c.ReadCapacityUnits ?? 0;
        let write = c.WriteCapacityUnits ?? 0;
        // Some answers carry only the total: a read operation's total is reads, a write's is writes.
        if (read === 0 && write === 0 && c.CapacityUnits) {
          if (/Get|Query|Scan/.test(operation)) read = c.CapacityUnits;
          else write = c.CapacityUnits;
        }
        units.read += read;
        units.write += write;
        op.units += read + write;
        if (c.Table?.CapacityUnits)
          units.byTarget.table = (units.byTarget.table ?? 0) + c.Table.CapacityUnits;
        for (const [name, index] of Object.entries(c.GlobalSecondaryIndexes ?? {}))
          units.byTarget[name] = (units.byTarget[name] ?? 0) + (index.CapacityUnits ?? 0);
      }
      return out;
    },
    { step: 'initialize', name: 'consumedCapacity' },
  );
  return client;
};

const createTable = async (ddb: DynamoDBClient, name: string) => {
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
      // No stream: this bench calls qualify itself, and a stream costs no capacity units on AWS. On DynamoDB
      // Local every write to a table with a stream looks up the stream's description with a query whose
      // cost grows with the stream records the emulator holds (its own 24 hours of them), so past ~10,000
      // leads the curve would measure that: intake of the 100,000 fell to ≈ 12 writes/s with it.
    }),
  );
};

const SIZES_RAW = ['1-10', '11-50', '51-200', '201-500', '1000+'] as const;
const EMPLOYEES = [5, 30, 120, 350, 2000] as const;
const COUNTRIES = ['NL', 'NL', 'BE', 'DE', 'GB'] as const;

/** Lead `i`: a distinct person and company, sizes and countries varied so routes differ. */
const leadRecord = (i: number, run: string) => {
  const base = sampleLead(i % 2 === 0 ? 'nl' : 'en');
  const domain = `company-${run}-${i}.example`;
  const receivedAt = new Date();
  const lead = {
    ...base,
    // Submitted now: an old submission decays to cold and goes to nurture without touching the rotation.
    submittedAt: receivedAt.toISOString(),
    activities: [{ type: 'demo_request' as const, at: receivedAt.toISOString() }],
    person: { ...base.person, email: `person${i}@${domain}` },
    company: {
      ...base.company,
      name: `Company ${i}`,
      domain,
      website: `https://${domain}`,
      employees: EMPLOYEES[i % 5],
      employeesRaw: SIZES_RAW[i % 5],
      country: COUNTRIES[(i >> 2) % 5],
    },
  };
  const dedupKey = `content:${run}:${i}`;
  return {
    leadId: leadIdFor(dedupKey, 600, receivedAt),
    status: 'received' as const,
    receivedAt: receivedAt.toISOString(),
    provider: 'json' as const,
    dedupKey,
    lead,
    raw: { contentType: 'application/json', body: JSON.stringify(lead), isBase64Encoded: false },
    steps: { intake: { ms: 1, at: receivedAt.toISOString() } },
  };
};

/** Runs `work(i)` for i in [0, n) with `concurrency` in flight. */
const pool = async (n: number, concurrency: number, work: (i: number) => Promise<unknown>) => {
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < n) await work(next++);
    }),
  );
};

const gc = () => (globalThis as { gc?: () => void }).gc?.();

const runSize = async (endpoint: string, n: number) => {
  const table = `scale-${n}-${randomUUID().slice(0, 8)}`;
  const intakeUnits = newUnits();
  const qualifyUnits = newUnits();
  const intakeClient = meteredClient(endpoint, intakeUnits);
  const qualifyClient = meteredClient(endpoint, qualifyUnits);
  await createTable(intakeClient, table);
  const run = randomUUID().slice(0, 6);
  try {
    // 1. the intake's writes
    const intakeStore = new DynamoLeadStore(DynamoDBDocumentClient.from(intakeClient), table);
    const ids: string[] = new Array(n);
    const intakeStarted = performance.now();
    await pool(n, CONCURRENCY, async (i) => {
      const record = leadRecord(i, run);
      ids[i] = record.leadId;
      await intakeStore.create(record, { dedupWindowSeconds: 600, pendingEnqueue: true });
    });
    const intakeSeconds = (performance.now() - intakeStarted) / 1000;

    // 2. qualify + route
    const db = DynamoDBDocumentClient.from(qualifyClient, {
      marshallOptions: { removeUndefinedValues: true, convertClassInstanceToMap: true },
    });
    const store = new DynamoLeadStore(db, table);
    const routing = roomyRouting(n);
    const rotation = createRoundRobin({ db, table, setup: routing });
    let handedOn = 0;
    const draftQueue: LeadQueue = {
      async send() {
        handedOn++;
      },
    };
    const enrichment = sampleEnrichment();
    const deps: QualifyDeps = {
      store,
      enrich: async () => enrichment,
      rules: shippedRules(),
      routing,
      assign: (input) => rotation.assignOwner(input),
      draftQueue,
      now: () => new Date(),
      clock: () => performance.now(),
    };
    const outcomes: Record<string, number> = {};
    /** Leads per owner (or `nurture`): the reps of the teams, not their fallback owner, take them. */
    const owners: Record<string, number> = {};
    gc();
    const heapBefore = process.memoryUsage().heapUsed;
    let peakRss = process.memoryUsage().rss;
    const rssTimer = setInterval(() => {
      peakRss = Math.max(peakRss, process.memoryUsage().rss);
    }, 200);
    const cpuBefore = process.cpuUsage();
    const started = performance.now();
    await pool(n, CONCURRENCY, async (i) => {
      const result = await qualifyLead(ids[i] as string, deps);
      outcomes[result.outcome] = (outcomes[result.outcome] ?? 0) + 1;
      if ('route' in result) {
        const to = result.route.ownerId ?? result.route.kind;
        owners[to] = (owners[to] ?? 0) + 1;
      }
    });
    const seconds = (performance.now() - started) / 1000;
    const cpu = process.cpuUsage(cpuBefore);
    clearInterval(rssTimer);
    gc();
    const heapAfter = process.memoryUsage().heapUsed;
    const perLead = (x: number) => Number((x / n).toFixed(3));
    return {
      leads: n,
      intake: {
        seconds: Number(intakeSeconds.toFixed(1)),
        writeUnitsPerLead: perLead(intakeUnits.write),
        readUnitsPerLead: perLead(intakeUnits.read),
        callsPerLead: perLead(intakeUnits.calls - 1),
      },
      qualify: {
        seconds: Number(seconds.toFixed(1)),
        leadsPerSecond: Number((n / seconds).toFixed(1)),
        msPerLead: Number(((seconds * 1000) / n).toFixed(2)),
        cpuMsPerLead: Number(((cpu.user + cpu.system) / 1000 / n).toFixed(2)),
        heapRetainedBytesPerLead: Math.round((heapAfter - heapBefore) / n),
        peakRssMiB: Math.round(peakRss / 2 ** 20),
        writeUnitsPerLead: perLead(qualifyUnits.write),
        readUnitsPerLead: perLead(qualifyUnits.read),
        callsPerLead: perLead(qualifyUnits.calls),
        draftHandOffsPerLead: perLead(handedOn),
        /** Per lead, by operation: calls and capacity units (the table's and its indexes' together). */
        perOperation: Object.fromEntries(
          Object.entries(qualifyUnits.byOperation).map(([k, v]) => [
            k,
            { calls: perLead(v.calls), units: perLead(v.units) },
          ]),
        ),
        /** Capacity units per lead by where they were spent: the table or an index. */
        perTarget: Object.fromEntries(Object.entries(qualifyUnits.byTarget).map(([k, v]) => [k, perLead(v)])),
        outcomes,
        owners,
      },
    };
  } finally {
    await intakeClient.send(new DeleteTableCommand({ TableName: table })).catch(() => {});
    intakeClient.destroy();
    qualifyClient.destroy();
  }
};

type SizeResult = Awaited<ReturnType<typeof runSize>>;

/** The result file for the sizes measured so far (written after each size, so a long run keeps what it has). */
const summarize = (sizes: SizeResult[]) => {
  const last = sizes.at(-1);
  const units = last
    ? {
        write: last.intake.writeUnitsPerLead + last.qualify.writeUnitsPerLead,
        read: last.intake.readUnitsPerLead + last.qualify.readUnitsPerLead,
      }
    : { write: 0, read: 0 };
  const costPer1000 = (units.write * PRICE_PER_MILLION.write + units.read * PRICE_PER_MILLION.read) / 1000;
  const table = sizes
    .map(
      (x) =>
        `${x.leads.toLocaleString('en')}: ${x.qualify.leadsPerSecond} leads/s, ${x.qualify.cpuMsPerLead} CPU ms and ${x.qualify.heapRetainedBytesPerLead} B retained per lead, peak RSS ${x.qualify.peakRssMiB} MiB`,
    )
    .join('; ');
  return {
    readme: {
      what: 'scale curve of qualify + route on DynamoDB Local, and DynamoDB units per lead',
      command: 'npm run bench:scale',
      result: `${table}. Per lead: intake ${last?.intake.writeUnitsPerLead} WCU; qualify + route ${last?.qualify.writeUnitsPerLead} WCU + ${last?.qualify.readUnitsPerLead} RCU (${last?.qualify.callsPerLead} calls) → DynamoDB ≈ $${costPer1000.toFixed(4)} per 1,000 leads on demand`,
    },
    method:
      'In process against DynamoDB Local (in memory): N leads stored as intake does, then qualify + route with the production use case and DynamoDB adapters, 10 at a time; fixed local enrichment; shipped teams with caps raised to N; table without a stream; ReturnConsumedCapacity=INDEXES on every call',
    pricePerMillionRequestUnits: PRICE_PER_MILLION,
    sizes,
    dynamodbPer1000Leads: {
      writeUnits: Number((units.write * 1000).toFixed(0)),
      readUnits: Number((units.read * 1000).toFixed(0)),
      usd: Number(costPer1000.toFixed(5)),
    },
  };
};

const main = async () => {
  const emulators = await startEmulators({ dataDir: null, ports: { dynamodb: 0, sqs: 0, sesv2: 0 } });
  try {
    const sizes: SizeResult[] = [];
    for (const n of SIZES) {
      console.log(`[scale] ${n} leads …`);
      sizes.push(await runSize(emulators.endpoints.dynamodb, n));
      writeResult('scale', summarize(sizes));
      const s = sizes.at(-1) as SizeResult;
      console.log(
        `[scale] ${n} leads: ${s.qualify.leadsPerSecond} leads/s, ${s.qualify.cpuMsPerLead} CPU ms/lead, peak RSS ${s.qualify.peakRssMiB} MiB`,
      );
    }
    const result = summarize(sizes);
    const last = sizes.at(-1);
    const path = writeResult('scale', result);
    const m = machineInfo();
    console.log(
      `\nScale curve, qualify + route — ${m.cpu} × ${m.cores}, Node ${m.node}, load ${m.loadAvg1m}\n`,
    );
    console.log(
      formatTable(
        [
          'leads',
          'leads/s',
          'ms/lead',
          'CPU ms/lead',
          'heap B/lead',
          'peak RSS MiB',
          'WCU/lead',
          'RCU/lead',
          'calls/lead',
        ],
        sizes.map((s) => [
          s.leads,
          s.qualify.leadsPerSecond,
          s.qualify.msPerLead,
          s.qualify.cpuMsPerLead,
          s.qualify.heapRetainedBytesPerLead,
          s.qualify.peakRssMiB,
          s.qualify.writeUnitsPerLead,
          s.qualify.readUnitsPerLead,
          s.qualify.callsPerLead,
        ]),
      ),
    );
    console.log(
      `\nIntake: ${last?.intake.writeUnitsPerLead} WCU, ${last?.intake.readUnitsPerLead} RCU per lead. DynamoDB per 1,000 leads (intake + qualify + route): ${result.dynamodbPer1000Leads.writeUnits} WCU, ${result.dynamodbPer1000Leads.readUnits} RCU ≈ $${result.dynamodbPer1000Leads.usd} on demand.`,
    );
    if (last) {
      const list = (o: Record<string, unknown>) =>
        Object.entries(o)
          .map(([k, v]) => `${k} ${typeof v === 'object' ? JSON.stringify(v) : v}`)
          .join(', ');
      console.log(`Qualify + route per lead, by operation: ${list(last.qualify.perOperation)}`);
      console.log(`… and by where the units went: ${list(last.qualify.perTarget)}`);
    }
    console.log(`Wrote ${path}`);
  } finally {
    await emulators.stop();
  }
};

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(`Scale benchmark failed: ${(error as Error)?.stack ?? String(error)}`);
    process.exit(1);
  },
);
