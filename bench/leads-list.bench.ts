/**
 * The leads list at 10,000 leads: `npm run bench:leads-list` (or `npx tsx bench/leads-list.bench.ts`).
 *
 * Starts DynamoDB Local (in memory, free port) with the leads table of infra/data-plane.ts, writes BENCH_LEADS
 * (default 10,000) leads as the pipeline leaves them (full records with ledger and enrichment, the index keys
 * the product's writes set) over 7 reps, every status and tier, then times GET /leads's use case
 * (`listLeads` of functions/agent/pipeline/workspace.ts on the DynamoDB adapter) for a manager's and a rep's
 * pages, sorted and filtered, one request at a time. A recording middleware counts the DynamoDB calls of each
 * page: one Query, never a Scan. The floor, measured in the same run, is a BatchGetItem of the same 50 leads.
 *
 * Prints a table and writes bench/results/leads-list.json. Environment: BENCH_LEADS, BENCH_RUNS (default 40).
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { BatchGetCommand, BatchWriteCommand, DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { ulid } from 'ulid';
import type { Principal } from '../functions/agent/auth/principal';
import type { LeadRecord } from '../functions/agent/lead-record';
import { type LeadListParams, listLeads, type WorkspaceDeps } from '../functions/agent/pipeline/workspace';
import type { LeadStatus, Quadrant, Tier } from '../functions/agent/qualification';
import type { Person } from '../functions/agent/route/team';
import { sampleEnrichment, sampleLead, sampleRoute, sampleScore } from '../functions/agent/testing/samples';
import { leadKey, listIndexKeys, ownerIndexKeys } from '../functions/platform/lead-item';
import { DynamoWorkspaceStore } from '../functions/platform/lead-store-workspace';
import { LOCAL_CREDENTIALS, LOCAL_REGION } from '../local/aws';
import { startEmulators } from '../local/emulators';
import { provisionDataPlane } from '../local/provision';
import { formatTable, machineInfo, writeResult } from './support/report';
import { type LatencySummary, summarize } from './support/stats';

const LEADS = Number(process.env.BENCH_LEADS ?? 10_000);
const RUNS = Number(process.env.BENCH_RUNS ?? 40);
const WARMUP = 5;
const REPS = ['rep-a', 'rep-b', 'rep-c', 'rep-d', 'rep-e', 'rep-f', 'rep-g'];
const STATUSES: LeadStatus[] = [
  'routed',
  'drafted',
  'drafted',
  'sent',
  'meeting',
  'won',
  'lost',
  'nurture',
  'spam',
];
const TIERS: Tier[] = ['hot', 'warm', 'warm', 'cold', 'cold'];
const QUADRANTS: Quadrant[] = ['act_now', 'proactive_outreach', 'nurture', 'monitor'];
const WORDS = ['logistiek', 'bakery', 'retail', 'software', 'transport', 'zorg', 'bouw', 'energie'];

const people = new Map<string, Person>(
  [...REPS, 'mgr'].map((id) => [
    id,
    {
      id,
      name: `Person ${id}`,
      email: `${id}@example.com`,
      title: 'Bench',
      role: id === 'mgr' ? 'manager' : 'rep',
      languages: ['en'],
    } as Person,
  ]),
);
const manager: Principal = { personId: 'mgr', role: 'manager', name: 'Mgr', email: 'mgr@example.com' };
const rep: Principal = { personId: 'rep-c', role: 'sales', name: 'Rep', email: 'rep-c@example.com' };

const leadItem = (i: number): Record<string, unknown> => {
  const leadId = ulid();
  const status = STATUSES[i % STATUSES.length] as LeadStatus;
  const tier = TIERS[i % TIERS.length] as Tier;
  const base = sampleLead(i % 2 ? 'en' : 'nl');
  const nurture = status === 'nurture';
  const spam = status === 'spam';
  const ownerId = REPS[i % REPS.length] as string;
  const sla =
    tier === 'cold' ? undefined : new Date(Date.UTC(2026, 11, 1) + (i % 5000) * 60_000).toISOString();
  const route = spam
    ? undefined
    : nurture
      ? {
          ...sampleRoute(),
          kind: 'nurture' as const,
          ownerId: undefined,
          team: undefined,
          slaDueAt: undefined,
        }
      : { ...sampleRoute(), ownerId, team: i % 3 ? 'smb' : 'enterprise', slaDueAt: sla };
  const record: LeadRecord = {
    leadId,
    status,
    receivedAt: new Date(Date.UTC(2026, 10, 1) + i * 60_000).toISOString(),
    provider: 'json',
    dedupKey: leadId,
    lead: {
      ...base,
      company: { ...base.company, name: `${WORDS[i % WORDS.length]} company ${i}` },
    },
    raw: { contentType: 'application/json', body: '{}', isBase64Encoded: false },
    steps: {},
    ...(spam
      ? { spam: { reason: 'honeypot' } }
      : {
          enrichment: sampleEnrichment(),
          score: { ...sampleScore(), tier, quadrant: QUADRANTS[i % QUADRANTS.length] as Quadrant },
        }),
    ...(route ? { route } : {}),
  };
  return {
    ...leadKey(leadId),
    ...record,
    ...(route ? ownerIndexKeys(leadId, route.ownerId, route.slaDueAt) : {}),
    ...listIndexKeys(record),
  };
};

interface Calls {
  query: number;
  scan: number;
  other: number;
}

const main = async () => {
  const emulators = await startEmulators({ dataDir: null });
  try {
    const plane = await provisionDataPlane(emulators.endpoints);
    const table = plane.tables.leads;
    const ddb = new DynamoDBClient({
      endpoint: emulators.endpoints.dynamodb,
      region: LOCAL_REGION,
      credentials: LOCAL_CREDENTIALS,
    });
    const calls: Calls = { query: 0, scan: 0, other: 0 };
    ddb.middlewareStack.add(
      (next, context) => async (args) => {
        const name = context.commandName ?? '';
        if (name === 'QueryCommand') calls.query++;
        else if (name === 'ScanCommand') calls.scan++;
        else calls.other++;
        return next(args);
      },
      { step: 'initialize', name: 'countCalls' },
    );
    const db = DynamoDBDocumentClient.from(ddb, { marshallOptions: { removeUndefinedValues: true } });

    // Prepare: the leads, 25 per BatchWriteItem, 8 batches in flight.
    const started = Date.now();
    const items = Array.from({ length: LEADS }, (_, i) => leadItem(i));
    const batches: Record<string, unknown>[][] = [];
    for (let i = 0; i < items.length; i += 25) batches.push(items.slice(i, i + 25));
    let nextBatch = 0;
    await Promise.all(
      Array.from({ length: 8 }, async () => {
        while (nextBatch < batches.length) {
          let pending = batches[nextBatch++]!.map((Item) => ({ PutRequest: { Item } }));
          while (pending.length) {
            const out = await db.send(new BatchWriteCommand({ RequestItems: { [table]: pending } }));
            pending = (out.UnprocessedItems?.[table] ?? []) as typeof pending;
          }
        }
      }),
    );
    console.error(`[leads-list] ${LEADS} leads written in ${Math.round((Date.now() - started) / 1000)} s`);

    const deps: WorkspaceDeps = { store: new DynamoWorkspaceStore(db, table), people, now: () => new Date() };
    const variants: { name: string; who: Principal; params: LeadListParams; pages?: number }[] = [
      { name: 'manager, priority, page 1', who: manager, params: {} },
      { name: 'manager, SLA, page 1', who: manager, params: { sort: 'sla' } },
      { name: 'manager, priority, pages 1-5', who: manager, params: {}, pages: 5 },
      { name: 'rep, own leads, priority', who: rep, params: {} },
      { name: 'rep, own leads, SLA', who: rep, params: { sort: 'sla' } },
      { name: 'manager, tier=hot', who: manager, params: { tier: 'hot' } },
      { name: 'manager, status=nurture', who: manager, params: { status: 'nurture' } },
      { name: 'manager, q=bakery', who: manager, params: { q: 'bakery' } },
      { name: 'manager, team+quadrant', who: manager, params: { team: 'enterprise', quadrant: 'act_now' } },
    ];
    const rows: {
      variant: string;
      latencyMs: LatencySummary;
      itemsPerPage: number;
      queriesPerPage: number;
      scans: number;
    }[] = [];
    for (const v of variants) {
      const latencies: number[] = [];
      let pageCount = 0;
      let itemCount = 0;
      const before = { ...calls };
      for (let run = 0; run < WARMUP + RUNS; run++) {
        let cursor: string | undefined;
        for (let page = 0; page < (v.pages ?? 1); page++) {
          const t0 = performance.now();
          const out = await listLeads(deps, v.who, { ...v.params, ...(cursor ? { cursor } : {}) });
          const ms = performance.now() - t0;
          if (run >= WARMUP) {
            latencies.push(ms);
            pageCount++;
            itemCount += out.items.length;
          }
          cursor = out.nextCursor;
          if (!cursor) break;
        }
      }
      const totalPages = pageCount + WARMUP * (v.pages ?? 1);
      rows.push({
        variant: v.name,
        latencyMs: summarize(latencies),
        itemsPerPage: Math.round(itemCount / pageCount),
        queriesPerPage: Number(((calls.query - before.query) / totalPages).toFixed(2)),
        scans: calls.scan - before.scan,
      });
      console.error(`[leads-list] ${v.name} done`);
    }

    // Floor: the first page's 50 leads read by BatchGetItem (the cheapest way to fetch the same items).
    const firstPage = await deps.store.listLeads({ filter: {}, sort: 'priority', limit: 50 });
    const floor: number[] = [];
    for (let run = 0; run < WARMUP + RUNS; run++) {
      const t0 = performance.now();
      await db.send(
        new BatchGetCommand({
          RequestItems: { [table]: { Keys: firstPage.records.map((r) => leadKey(r.leadId)) } },
        }),
      );
      if (run >= WARMUP) floor.push(performance.now() - t0);
    }
    const floorMs = summarize(floor);

    const m = machineInfo();
    const result = {
      method:
        `${LEADS} leads on DynamoDB Local (in memory); listLeads (GET /leads's use case) on the DynamoDB adapter, ` +
        `one request at a time, ${RUNS} runs after ${WARMUP} warm-ups, 50 leads a page; floor: BatchGetItem of the same 50 leads`,
      leads: LEADS,
      onePageOneQuery: rows.every((r) => r.queriesPerPage === 1),
      noScan: rows.every((r) => r.scans === 0),
      floor: { p50Ms: floorMs.p50, p95Ms: floorMs.p95 },
      rows: rows.map((r) => ({
        variant: r.variant,
        p50Ms: r.latencyMs.p50,
        p95Ms: r.latencyMs.p95,
        p99Ms: r.latencyMs.p99,
        p95ToFloor: Number((r.latencyMs.p95 / floorMs.p95).toFixed(2)),
        itemsPerPage: r.itemsPerPage,
        queriesPerPage: r.queriesPerPage,
        scans: r.scans,
      })),
    };
    const path = writeResult('leads-list', result);
    console.log(
      `\nLeads list benchmark — ${LEADS} leads — ${m.cpu} × ${m.cores}, Node ${m.node}, load ${m.loadAvg1m}\n`,
    );
    console.log(
      formatTable(
        ['variant', 'p50 ms', 'p95 ms', 'p99 ms', 'p95/floor', 'items/page', 'queries/page', 'scans'],
        result.rows.map((r) => [
          r.variant,
          r.p50Ms,
          r.p95Ms,
          r.p99Ms,
          r.p95ToFloor,
          r.itemsPerPage,
          r.queriesPerPage,
          r.scans,
        ]),
      ),
    );
    console.log(`\nfloor (BatchGetItem of 50 leads): p50 ${floorMs.p50} ms, p95 ${floorMs.p95} ms`);
    console.log(`one query per page: ${result.onePageOneQuery}; no scan: ${result.noScan}\nwritten ${path}`);
    ddb.destroy();
  } finally {
    await emulators.stop();
  }
};

await main();
