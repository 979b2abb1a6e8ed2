/**
 * CRM sync under rate limits: 1,000 leads (sharing 300 company domains) driven through the sync use case in
 * batches of 10 by 4 concurrent workers (like the crmSync Lambda), against the local HubSpot server that
 * answers 429 TEN_SECONDLY_ROLLING for the whole of every 10th second (plus its rolling 190/10 s limit), and
 * against the local Pipedrive server with a token budget that runs out every 2-second window. A job that is
 * not synced comes back after the delay the CRM asked for, as the queue would bring it back. Measures time
 * until every lead is synced, calls per lead, 429s, and duplicates found in the server's state (must be 0).
 * Run: `npm run bench:crm [N]`. Writes bench/results/crm.json.
 */
import { InMemoryCrmStore } from '../functions/agent/crm/memory';
import type { CrmPort } from '../functions/agent/crm/port';
import { type SyncItem, syncLeads } from '../functions/agent/crm/sync';
import { crmLeadRecord, testMapping } from '../functions/agent/testing/crm/fixtures';
import { HUBSPOT_TEST_TOKEN, startHubspotServer } from '../functions/agent/testing/crm/hubspot-server';
import { PIPEDRIVE_TEST_TOKEN, startPipedriveServer } from '../functions/agent/testing/crm/pipedrive-server';
import { HubspotCrm } from '../functions/platform/crm-hubspot';
import { PipedriveCrm } from '../functions/platform/crm-pipedrive';
import { machineInfo, writeResult } from './support/report';

const N = Number(process.argv[2] ?? 1000);
const WORKERS = 4;
const BATCH = 10;
const mapping = testMapping();
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

interface RunResult {
  leads: number;
  seconds: number;
  calls: number;
  callsPerLead: number;
  rateLimited: number;
  requeued: number;
  synced: number;
  duplicates: string[];
  objects: Record<string, number>;
}

const drive = async (
  crm: CrmPort,
  server: { calls: { status: number }[] },
): Promise<Omit<RunResult, 'duplicates' | 'objects'>> => {
  const store = new InMemoryCrmStore();
  const queue: { item: SyncItem; notBefore: number }[] = [];
  for (let n = 0; n < N; n++) {
    const record = crmLeadRecord(n, { companies: 300, sent: false });
    queue.push({ item: { record, job: { leadId: record.leadId, trigger: 'routed' } }, notBefore: 0 });
  }
  let synced = 0;
  let requeued = 0;
  const started = Date.now();
  const worker = async () => {
    while (synced < N) {
      const now = Date.now();
      const ready = queue.filter((q) => q.notBefore <= now).slice(0, BATCH);
      if (ready.length === 0) {
        await sleep(50);
        continue;
      }
      for (const r of ready) queue.splice(queue.indexOf(r), 1);
      const results = await syncLeads(
        ready.map((r) => r.item),
        { crm, store, mapping, now: () => new Date(), leadPageBaseUrl: 'https://leads.example.com/#/leads/' },
      );
      for (const [i, result] of results.entries()) {
        if (result.status === 'synced' || result.status === 'skipped') synced++;
        else {
          requeued++;
          // Back on the queue after the CRM's hint (capped for the benchmark: the queue caps at 15 minutes).
          const wait =
            result.status === 'deferred' ? 200 : Math.min(result.error?.retryAfterMs ?? 1_000, 10_000);
          queue.push({ item: ready[i]!.item, notBefore: Date.now() + wait });
        }
      }
    }
  };
  await Promise.all(Array.from({ length: WORKERS }, worker));
  const seconds = (Date.now() - started) / 1000;
  return {
    leads: N,
    seconds: Math.round(seconds * 10) / 10,
    calls: server.calls.length,
    callsPerLead: Math.round((server.calls.length / N) * 100) / 100,
    rateLimited: server.calls.filter((c) => c.status === 429).length,
    requeued,
    synced,
  };
};

const hubspot = await startHubspotServer({
  tenSecondlyLimit: 190,
  throttle: (now) => (Math.floor(now / 1000) % 10 === 9 ? 'TEN_SECONDLY_ROLLING' : undefined),
});
const hubspotResult: RunResult = await (async () => {
  try {
    const run = await drive(
      new HubspotCrm({ accessToken: HUBSPOT_TEST_TOKEN, baseUrl: hubspot.origin, mapping: mapping.hubspot! }),
      hubspot,
    );
    return {
      ...run,
      duplicates: hubspot.duplicates(),
      objects: Object.fromEntries([...hubspot.objects].map(([k, v]) => [k, v.size])),
    };
  } finally {
    await hubspot.close();
  }
})();

const pipedrive = await startPipedriveServer({
  budget: { tokens: 12_000, windowMs: 2_000 },
  burstPerTwoSeconds: 480,
});
const pipedriveResult: RunResult = await (async () => {
  try {
    const run = await drive(
      new PipedriveCrm({
        apiToken: PIPEDRIVE_TEST_TOKEN,
        baseUrl: pipedrive.origin,
        mapping: mapping.pipedrive!,
      }),
      pipedrive,
    );
    return {
      ...run,
      duplicates: pipedrive.duplicates(),
      objects: Object.fromEntries(Object.entries(pipedrive.items).map(([k, v]) => [k, v.size])),
    };
  } finally {
    await pipedrive.close();
  }
})();

const result = {
  name: 'crm',
  description: `${N} leads (300 companies) synced in batches of ${BATCH} by ${WORKERS} workers under scheduled 429s`,
  machine: machineInfo(),
  measuredAt: new Date().toISOString(),
  hubspot: {
    ...hubspotResult,
    throttling: '429 TEN_SECONDLY_ROLLING every 10th second + rolling 190 per 10 s',
  },
  pipedrive: {
    ...pipedriveResult,
    throttling: 'token budget 12,000 per 2 s window (search 40, write 10, list 20), 480 requests per 2 s',
  },
};
console.table({
  hubspot: {
    seconds: hubspotResult.seconds,
    callsPerLead: hubspotResult.callsPerLead,
    '429s': hubspotResult.rateLimited,
    synced: hubspotResult.synced,
    duplicates: hubspotResult.duplicates.length,
  },
  pipedrive: {
    seconds: pipedriveResult.seconds,
    callsPerLead: pipedriveResult.callsPerLead,
    '429s': pipedriveResult.rateLimited,
    synced: pipedriveResult.synced,
    duplicates: pipedriveResult.duplicates.length,
  },
});
writeResult('crm', result);
if (
  hubspotResult.duplicates.length ||
  pipedriveResult.duplicates.length ||
  hubspotResult.synced < N ||
  pipedriveResult.synced < N
) {
  console.error(
    'CRM benchmark failed: duplicates or unsynced leads',
    hubspotResult.duplicates,
    pipedriveResult.duplicates,
  );
  process.exitCode = 1;
}
