/**
 * Routing throughput under a burst: `npm run bench:routing` (or `npx tsx bench/routing.bench.ts`).
 *
 * Starts DynamoDB Local (in memory, free port) with the leads table of infra/data-plane.ts, then for 1,000 and
 * 10,000 leads assigns every lead of one team with 50 assignments in flight (closed loop) through
 * `createRoundRobin`, the code the qualify function runs. The floor is the same number of plain
 * `UpdateItem ADD` calls on one item at the same concurrency in the same run (half measured before the
 * assignments, half after, so that a change in the machine's load hits both). A recording middleware counts
 * every call per assignment: rotation writes (on `RR#…`), route transactions and their items, reads.
 *
 * Variants: "capped" (every rep has `maxOpenLeads`, as in config/team.yaml: the lead and the loads are read
 * in one BatchGetItem; caps high enough never to be reached) and "uncapped" (no load read; 1,000 only).
 * "route store only" is what storing a route costs without any rotation (the lead read plus the 2-item
 * transaction), to show what the rotation itself adds; "rotation step only" is the ticket write and the pure
 * pick on their own (what used to retry under contention).
 *
 * Prints a table and writes bench/results/routing.json. Environment: BENCH_SIZES (default "1000,10000"),
 * BENCH_CONCURRENCY (default 50). Goal: assignments/s ≥ 80 % of the floor, exactly one rotation write per
 * assignment.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  TransactWriteCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import type { RouteMatch } from '../functions/agent/route/match';
import { decideRoute } from '../functions/agent/route/route';
import { parseRoutingSetup } from '../functions/agent/route/rules';
import { memberForTicket, rotationPlan } from '../functions/agent/route/wrr';
import { createRoundRobin, sequenceKey } from '../functions/platform/round-robin-dynamodb';
import { LOCAL_CREDENTIALS, LOCAL_REGION } from '../local/aws';
import { startEmulators } from '../local/emulators';
import { provisionDataPlane } from '../local/provision';
import { formatTable, machineInfo, writeResult } from './support/report';
import { type LatencySummary, summarize } from './support/stats';

const SIZES = (process.env.BENCH_SIZES ?? '1000,10000').split(',').map(Number);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 50);
const GOAL_RATIO = 0.8;

const REPS = { 'rep-a': 3, 'rep-b': 2, 'rep-c': 1, 'rep-d': 1 } as const;

const setupFor = (team: string, cap: number | null) =>
  parseRoutingSetup(
    {
      version: 'bench',
      threshold: { minTier: 'warm' },
      nurture: { owner: 'mkt' },
      fallback: { owner: 'mgr' },
      sla: { hot: { hours: 1 }, warm: { businessDays: 1 }, cold: null },
      rules: [{ id: 'all', to: { team } }],
    },
    {
      version: 'bench',
      calendar: {
        timeZone: 'Europe/Amsterdam',
        workingDays: [1, 2, 3, 4, 5, 6, 7],
        hours: { start: '00:00', end: '23:59' },
      },
      fallbackOwner: 'mgr',
      people: ['mkt', 'mgr', ...Object.keys(REPS)].map((id) => ({
        id,
        name: `Person ${id}`,
        email: `${id}@example.com`,
        title: 'Bench',
        role: 'rep',
        languages: ['en'],
      })),
      teams: [
        {
          id: team,
          name: 'Bench team',
          members: Object.entries(REPS).map(([person, weight]) => ({ person, weight, maxOpenLeads: cap })),
        },
      ],
    },
  );

interface Calls {
  rotationWrites: number;
  otherUpdates: number;
  transactions: number;
  transactionItems: number;
  gets: number;
  batchGets: number;
}
const noCalls = (): Calls => ({
  rotationWrites: 0,
  otherUpdates: 0,
  transactions: 0,
  transactionItems: 0,
  gets: 0,
  batchGets: 0,
});

/** A document client on DynamoDB Local that counts what it sends into `calls`. */
const recordingClient = (endpoint: string, calls: { current: Calls }) => {
  const db = DynamoDBDocumentClient.from(
    new DynamoDBClient({ endpoint, region: LOCAL_REGION, credentials: LOCAL_CREDENTIALS }),
  );
  db.middlewareStack.add(
    (next, context) => async (args) => {
      const c = calls.current;
      const input = args.input as { Key?: { pk?: string }; TransactItems?: unknown[] };
      switch (context.commandName) {
        case 'UpdateItemCommand':
          if (String(input.Key?.pk).startsWith('RR#')) c.rotationWrites++;
          else c.otherUpdates++;
          break;
        case 'TransactWriteItemsCommand':
          c.transactions++;
          c.transactionItems += input.TransactItems?.length ?? 0;
          break;
        case 'GetItemCommand':
          c.gets++;
          break;
        case 'BatchGetItemCommand':
          c.batchGets++;
          break;
      }
      return next(args);
    },
    { step: 'initialize', name: 'countCalls' },
  );
  return db;
};

/** Closed loop: `concurrency` workers run `task(i)` for i = 0 … n − 1; returns the wall time and latencies. */
const closedLoop = async (n: number, concurrency: number, task: (i: number) => Promise<unknown>) => {
  const latencies: number[] = [];
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < n) {
        const i = next++;
        const t = performance.now();
        await task(i);
        latencies.push(performance.now() - t);
      }
    }),
  );
  return { ms: performance.now() - started, latencies };
};

const perSecond = (n: number, ms: number) => Math.round((n / ms) * 1000 * 10) / 10;
const per = (count: number, n: number) => Math.round((count / n) * 1000) / 1000;

interface Row {
  readonly size: number;
  readonly variant: string;
  readonly perSecond: number;
  readonly floorPerSecond: number;
  readonly ratioToFloor: number;
  readonly latencyMs: LatencySummary;
  readonly perAssignment: Record<string, number>;
  readonly check: string;
}

const main = async () => {
  const emulators = await startEmulators({ dataDir: null });
  const plane = await provisionDataPlane(emulators.endpoints);
  const table = plane.tables.leads;
  const calls = { current: noCalls() };
  const db = recordingClient(emulators.endpoints.dynamodb, calls);
  const rows: Row[] = [];
  const run = Date.now().toString(36);

  const plainAdd = (item: string) => () =>
    db.send(
      new UpdateCommand({
        TableName: table,
        Key: { pk: `BENCH#${item}`, sk: 'FLOOR' },
        UpdateExpression: 'ADD seq :one',
        ExpressionAttributeValues: { ':one': 1 },
        ReturnValues: 'UPDATED_NEW',
      }),
    );
  const createLeads = async (prefix: string, n: number) => {
    await closedLoop(n, CONCURRENCY, (i) =>
      db.send(
        new PutCommand({
          TableName: table,
          Item: { pk: `LEAD#${prefix}-${i}`, sk: 'LEAD', leadId: `${prefix}-${i}`, status: 'queued' },
        }),
      ),
    );
  };
  const match = (team: string): RouteMatch => ({ kind: 'team', ruleId: 'all', reason: 'Hot lead', team });

  /** Assigns n fresh leads in a fresh team; the floor is measured around it (n/2 plain ADDs before and after). */
  const measure = async (
    n: number,
    variant: 'capped' | 'uncapped' | 'route store only' | 'rotation step only',
  ): Promise<Row> => {
    const tag = `${variant.replace(/ /g, '-')}-${n}-${run}`;
    if (variant !== 'rotation step only') await createLeads(tag, n);
    const floorA = await closedLoop(Math.floor(n / 2), CONCURRENCY, plainAdd(`floor-${tag}`));
    calls.current = noCalls();
    let measured: { ms: number; latencies: number[] };
    let check: string;
    /** Calls made by the measured loop (not by the checks after it). */
    let counted: Calls | undefined;
    if (variant === 'route store only') {
      // The same reads and writes as an uncapped assignment (the real route, owner keys, load), minus the ticket.
      const team = `bench-${tag}`;
      const setup = setupFor(team, null);
      measured = await closedLoop(n, CONCURRENCY, async (i) => {
        const key = { pk: `LEAD#${tag}-${i}`, sk: 'LEAD' };
        await db.send(
          new GetCommand({
            TableName: table,
            Key: key,
            ConsistentRead: true,
            ProjectionExpression: 'pk, #route',
            ExpressionAttributeNames: { '#route': 'route' },
          }),
        );
        const now = new Date();
        const { route, load } = decideRoute(match(team), setup, {
          tier: 'hot',
          submittedAt: now.toISOString(),
          now,
          ticket: i + 1,
        });
        await db.send(
          new TransactWriteCommand({
            TransactItems: [
              {
                Update: {
                  TableName: table,
                  Key: key,
                  UpdateExpression:
                    'SET #route = :route, ownerPk = :opk, ownerSk = :osk, #status = :status, loadTaken = :taken, rotationTicket = :ticket',
                  ConditionExpression: 'attribute_exists(pk) AND attribute_not_exists(#route)',
                  ExpressionAttributeNames: { '#route': 'route', '#status': 'status' },
                  ExpressionAttributeValues: {
                    ':route': route,
                    ':opk': `OWNER#${route.ownerId}`,
                    ':osk': `${route.slaDueAt}#${tag}-${i}`,
                    ':status': 'routed',
                    ':taken': `${team}#${load?.repId}`,
                    ':ticket': `none#${i + 1}`,
                  },
                },
              },
              {
                Update: {
                  TableName: table,
                  Key: { pk: `LOAD#${team}#${load?.repId}`, sk: 'LOAD' },
                  UpdateExpression: 'ADD #load :one SET team = :team, rep = :rep',
                  ExpressionAttributeNames: { '#load': 'load' },
                  ExpressionAttributeValues: { ':one': 1, ':team': team, ':rep': load?.repId },
                },
              },
            ],
          }),
        );
      });
      check = 'no rotation';
    } else if (variant === 'rotation step only') {
      const team = `bench-${tag}`;
      const setup = setupFor(team, null);
      const teamDef = setup.teams.teams.get(team)!;
      const owners: Record<string, number> = {};
      measured = await closedLoop(n, CONCURRENCY, async () => {
        const { set } = rotationPlan(teamDef, { loads: {}, now: new Date() });
        const out = await db.send(
          new UpdateCommand({
            TableName: table,
            Key: sequenceKey(team, set!.key),
            UpdateExpression: 'ADD seq :one SET members = :members',
            ExpressionAttributeValues: { ':one': 1, ':members': set!.label },
            ReturnValues: 'UPDATED_NEW',
          }),
        );
        const rep = memberForTicket(set!, Number(out.Attributes?.seq)).person.id;
        owners[rep] = (owners[rep] ?? 0) + 1;
      });
      check = `tickets only: ${JSON.stringify(owners)}`;
    } else {
      const team = `bench-${tag}`;
      const rr = createRoundRobin({ db, table, setup: setupFor(team, variant === 'capped' ? n : null) });
      const owners: Record<string, number> = {};
      measured = await closedLoop(n, CONCURRENCY, async (i) => {
        const route = await rr.assignOwner({
          leadId: `${tag}-${i}`,
          match: match(team),
          tier: 'hot',
          submittedAt: new Date().toISOString(),
        });
        owners[route.ownerId as string] = (owners[route.ownerId as string] ?? 0) + 1;
      });
      counted = { ...calls.current };
      const state = await rr.readState(team);
      const W = Object.values(REPS).reduce((s, w) => s + w, 0);
      const worst = Math.max(
        ...Object.entries(REPS).map(([rep, w]) => Math.abs((owners[rep] ?? 0) - (n * w) / W)),
      );
      const ok = state.tickets === n && Object.values(owners).reduce((s, k) => s + k, 0) === n;
      check = `${ok ? 'ok' : 'MISMATCH'}: ${state.tickets} tickets, worst deviation ${worst.toFixed(2)} lead`;
    }
    counted ??= calls.current;
    const floorB = await closedLoop(n - Math.floor(n / 2), CONCURRENCY, plainAdd(`floor-${tag}`));
    const floorPerSecond = perSecond(n, floorA.ms + floorB.ms);
    const rate = perSecond(n, measured.ms);
    return {
      size: n,
      variant,
      perSecond: rate,
      floorPerSecond,
      ratioToFloor: Math.round((rate / floorPerSecond) * 1000) / 1000,
      latencyMs: summarize(measured.latencies),
      perAssignment: {
        rotationWrites: per(counted.rotationWrites, n),
        routeTransactions: per(counted.transactions, n),
        transactionItems: per(counted.transactionItems, n),
        otherUpdates: per(counted.otherUpdates, n),
        reads: per(counted.gets + counted.batchGets, n),
        writeCalls: per(counted.rotationWrites + counted.otherUpdates + counted.transactions, n),
        itemsWritten: per(counted.rotationWrites + counted.otherUpdates + counted.transactionItems, n),
      },
      check,
    };
  };

  try {
    // Warm-up: DynamoDB Local's JIT and the SDK's connection pool.
    await closedLoop(1000, CONCURRENCY, plainAdd(`warmup-${run}`));
    await measure(300, 'capped');

    for (const n of SIZES) {
      rows.push(await measure(n, 'capped'));
      if (n <= 1000) {
        rows.push(await measure(n, 'uncapped'));
        rows.push(await measure(n, 'route store only'));
        rows.push(await measure(n, 'rotation step only'));
      }
      console.error(`[routing] ${n} done`);
    }

    const m = machineInfo();
    const assignments = rows.filter((r) => r.variant === 'capped' || r.variant === 'uncapped');
    const result = {
      method:
        `${CONCURRENCY} assignments in flight (closed loop) through createRoundRobin on DynamoDB Local (in memory); ` +
        'floor: the same number of plain UpdateItem ADD calls on one item at the same concurrency, half before and half after',
      goal: `assignments/s ≥ ${GOAL_RATIO * 100} % of the floor; exactly 1 rotation write per assignment`,
      oneRotationWritePerAssignment: assignments.every((r) => r.perAssignment.rotationWrites === 1),
      meetsThroughputGoal: assignments.every((r) => r.ratioToFloor >= GOAL_RATIO),
      rotationStepMeetsGoal: rows
        .filter((r) => r.variant === 'rotation step only')
        .every((r) => r.ratioToFloor >= GOAL_RATIO),
      rows: rows.map((r) => ({
        size: r.size,
        variant: r.variant,
        perSecond: r.perSecond,
        floorPerSecond: r.floorPerSecond,
        ratioToFloor: r.ratioToFloor,
        p50Ms: r.latencyMs.p50,
        p99Ms: r.latencyMs.p99,
        ...r.perAssignment,
        check: r.check,
      })),
    };
    const path = writeResult('routing', result);
    console.log(`\nRouting benchmark — ${m.cpu} × ${m.cores}, Node ${m.node}, load ${m.loadAvg1m}\n`);
    console.log(
      formatTable(
        [
          'size',
          'variant',
          '/s',
          'floor /s',
          'ratio',
          'p50 ms',
          'p99 ms',
          'rotation w',
          'tx',
          'tx items',
          'reads',
        ],
        rows.map((r) => [
          r.size,
          r.variant,
          r.perSecond,
          r.floorPerSecond,
          r.ratioToFloor,
          r.latencyMs.p50,
          r.latencyMs.p99,
          r.perAssignment.rotationWrites!,
          r.perAssignment.routeTransactions!,
          r.perAssignment.transactionItems!,
          r.perAssignment.reads!,
        ]),
      ),
    );
    for (const r of rows) console.log(`${r.size} ${r.variant}: ${r.check}`);
    console.log(`\nWrote ${path}`);
    if (!result.oneRotationWritePerAssignment || rows.some((r) => r.check.startsWith('MISMATCH')))
      process.exitCode = 1;
  } finally {
    db.destroy();
    await emulators.stop();
  }
};

await main();
