/**
 * Events on the in-process local stack: (1) events ingested per second over `POST /events` (batches of 50, 2
 * requests in flight, spread over 200 drafted leads); (2) one event → its new score version visible, p50/p95
 * (includes the 5 s debounce that gathers a burst into one re-score); (3) the daily job's wall time over 10,000
 * open leads (each re-scored as of today). Run: `npm run bench:events [leads for the daily job]`.
 * Writes bench/results/events.json. Figures vary by machine and load.
 */
import { ulid } from 'ulid';
import type { LeadRecord } from '../functions/agent/lead-record';
import { sampleEnrichment, sampleLead, sampleRoute, sampleScore } from '../functions/agent/testing/samples';
import { startLocalStack } from '../local/start';
import { writeResult } from './support/report';
import { summarize } from './support/stats';

const DAILY_LEADS = Number(process.argv[2] ?? 10_000);
const INGEST_LEADS = 200;
const INGEST_EVENTS = 4_000;
const LATENCY_SAMPLES = 10;

const stack = await startLocalStack({
  dataDir: null,
  port: 0,
  emulatorPorts: { dynamodb: 0, sqs: 0, sesv2: 0 },
  idleBackoffMs: { min: 5, max: 50 },
  log: process.env.BENCH_DEBUG ? (m: string) => console.error(m) : () => {},
  env: { LOG_LEVEL: 'ERROR' },
});
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
try {
  const { DynamoDBClient } = await import('@aws-sdk/client-dynamodb');
  const { BatchWriteCommand, DynamoDBDocumentClient } = await import('@aws-sdk/lib-dynamodb');
  const { NodeHttpHandler } = await import('@smithy/node-http-handler');
  const { DynamoLeadStore } = await import('../functions/platform/lead-store-dynamodb');
  const { runDailyRescore } = await import('../functions/agent/pipeline/rescore-lead');
  const { shippedRules } = await import('../functions/platform/shipped-rules');
  const { shippedPeople } = await import('../functions/platform/shipped-routing');
  const table = stack.env.LEADS_TABLE as string;
  // The bench's own client: seeding and the in-process daily job get generous timeouts on a busy machine.
  const dynamo = DynamoDBDocumentClient.from(
    new DynamoDBClient({
      endpoint: stack.endpoints.dynamodb,
      region: 'eu-west-1',
      credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
      requestHandler: new NodeHttpHandler({ requestTimeout: 60_000, connectionTimeout: 10_000 }),
    }),
    { marshallOptions: { removeUndefinedValues: true } },
  );
  const store = new DynamoLeadStore(dynamo, table);
  const owners = [...shippedPeople().values()].filter((p) => p.role === 'rep').map((p) => p.id);

  /** N drafted leads owned round the reps, qualified 40 days ago, written 25 per BatchWriteItem. */
  const seed = async (n: number): Promise<string[]> => {
    const ids: string[] = [];
    const at = new Date(Date.now() - 40 * 86_400_000).toISOString();
    const items = Array.from({ length: n }, (_, i) => {
      const leadId = ulid();
      ids.push(leadId);
      const ownerId = owners[i % owners.length] as string;
      const record: LeadRecord = {
        leadId,
        status: 'drafted',
        receivedAt: at,
        provider: 'json',
        dedupKey: leadId,
        lead: { ...sampleLead(), submittedAt: at, activities: [] },
        raw: { contentType: 'application/json', body: '{}', isBase64Encoded: false },
        enrichment: sampleEnrichment(),
        score: { ...sampleScore(), scoredAt: at },
        scoreVersion: 1,
        route: { ...sampleRoute(), ownerId, slaDueAt: at },
        steps: {},
      };
      return {
        pk: `LEAD#${leadId}`,
        sk: 'LEAD',
        ownerPk: `OWNER#${ownerId}`,
        ownerSk: `${at}#${leadId}`,
        ...record,
      };
    });
    const batches: Record<string, unknown>[][] = [];
    for (let i = 0; i < items.length; i += 25) batches.push(items.slice(i, i + 25));
    let next = 0;
    await Promise.all(
      Array.from({ length: 8 }, async () => {
        while (next < batches.length) {
          let request: Record<string, unknown>[] | undefined = (batches[next++] ?? []).map((Item) => ({
            PutRequest: { Item },
          }));
          while (request && request.length > 0) {
            const out = await dynamo.send(
              new BatchWriteCommand({ RequestItems: { [table]: request as never } }),
            );
            request = out.UnprocessedItems?.[table] as Record<string, unknown>[] | undefined;
          }
        }
      }),
    );
    return ids;
  };

  /** Posts a batch like a client would: a 503 (storage too slow on a busy machine) is retried after a pause. */
  let retries = 0;
  const post = async (events: unknown[]) => {
    for (let attempt = 1; ; attempt++) {
      const res = await fetch(`${stack.url}/events?source=bench`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ events }),
      });
      if (res.status === 200) return (await res.json()) as { accepted: number; duplicates: number };
      await res.arrayBuffer();
      if (res.status !== 503 || attempt >= 10) throw new Error(`POST /events answered ${res.status}`);
      retries++;
      // Back off like a client would: 1 s doubling to 8 s.
      await sleep(Math.min(8_000, 1000 * 2 ** (attempt - 1)));
    }
  };
  const types = ['page_view', 'pricing_page', 'download', 'webinar', 'email_click', 'email_open'];

  // (1) Ingest: 4,000 events over 200 leads, batches of 50, 2 requests in flight.
  const ingestLeads = await seed(INGEST_LEADS);
  const all = Array.from({ length: INGEST_EVENTS }, (_, i) => ({
    id: `bench-${i}`,
    type: types[i % types.length],
    occurredAt: new Date(Date.now() - (i % 600) * 60_000).toISOString(),
    leadId: ingestLeads[i % ingestLeads.length],
    ...(i % types.length === 0 ? { url: `https://example.com/page/${i % 13}` } : {}),
  }));
  // Warm-up: one small batch (the emulator's JIT and the handler's first load are not measured).
  await post(all.slice(0, 20).map((e) => ({ ...e, id: `warm-${e.id}` })));
  const batches: unknown[][] = [];
  for (let i = 0; i < all.length; i += 50) batches.push(all.slice(i, i + 50));
  let nextBatch = 0;
  let accepted = 0;
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: 2 }, async () => {
      while (nextBatch < batches.length) {
        // Read the answer first: `accepted += await …` would add to a stale total from before the await.
        const answer = await post(batches[nextBatch++] as unknown[]);
        // Events a failed try (503) already kept come back as duplicates: all of them were ingested.
        accepted += answer.accepted + answer.duplicates;
      }
    }),
  );
  const ingestSeconds = (performance.now() - t0) / 1000;
  const eventsPerSecond = Math.round(accepted / ingestSeconds);
  console.log(`ingest: ${accepted} events in ${ingestSeconds.toFixed(2)} s → ${eventsPerSecond} events/s`);

  // (2) One event → its score version visible (each on a fresh lead, one at a time).
  const latencyLeads = await seed(LATENCY_SAMPLES);
  const latencies: number[] = [];
  for (const [i, leadId] of latencyLeads.entries()) {
    const start = performance.now();
    await post([{ id: `lat-${i}`, type: 'pricing_page', occurredAt: new Date().toISOString(), leadId }]);
    for (let t = 0; ; t++) {
      if (((await store.get(leadId))?.scoreVersion ?? 1) > 1) break;
      if (t > 3_000) throw new Error(`no new score version for ${leadId}`);
      await sleep(10);
    }
    latencies.push(performance.now() - start);
  }
  const latency = summarize(latencies, 0);
  console.log('event → new score version visible (ms):', latency);

  // (3) The daily job over DAILY_LEADS open leads (plus the ones above).
  await seed(DAILY_LEADS);
  const d0 = performance.now();
  const daily = await runDailyRescore({
    store,
    rules: shippedRules,
    now: () => new Date(),
    ownerIds: [...shippedPeople().keys()],
  });
  const dailySeconds = (performance.now() - d0) / 1000;
  console.log(`daily job: ${JSON.stringify(daily)} in ${dailySeconds.toFixed(1)} s`);

  writeResult('events', {
    ingest: { events: accepted, seconds: Math.round(ingestSeconds * 100) / 100, eventsPerSecond, retries },
    eventToScoreMs: latency,
    daily: {
      ...daily,
      seconds: Math.round(dailySeconds * 10) / 10,
      msPerLead: Math.round((dailySeconds * 1000 * 100) / Math.max(1, daily.leads)) / 100,
    },
    method:
      'in-process local stack on DynamoDB Local and local SQS; events over HTTP (batches of 50, 2 in flight, after a warm-up batch); latency from POST to the lead showing a new score version (5 s debounce included); daily job called in-process: owner-index pages (next page read ahead), 16 leads of a page at a time, the listed item saving the first read',
  });
} finally {
  await stack.stop();
}
