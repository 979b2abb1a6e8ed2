/**
 * The outbox sweeper: a lead stays in the outbox until drafted, so a lost or dead-lettered message at any step
 * (a crash that could not record an error) is re-queued; a lead that never finishes ends failed, visibly.
 */
import { describe, expect, it } from 'vitest';
import { shipped } from '../../platform/shipped-files';
import type { LeadRecord } from '../lead-record';
import { InMemoryLeadStore, memoryRotation, RecordingQueue } from '../testing/memory-ports';
import { sampleEnrichment, sampleLead } from '../testing/samples';
import { MAX_OUTBOX_SWEEPS, sweepOutbox } from './accept-lead';
import { qualifyLead } from './qualify-lead';

const received = (leadId: string): LeadRecord => ({
  leadId,
  status: 'received',
  receivedAt: new Date().toISOString(),
  provider: 'json',
  dedupKey: `dedup-${leadId}`,
  lead: sampleLead(),
  raw: { contentType: 'application/json', body: '{}', isBase64Encoded: false },
  steps: {},
});

const pipeline = () => {
  const store = new InMemoryLeadStore();
  const qualifyQueue = new RecordingQueue();
  const draftQueue = new RecordingQueue();
  const routing = shipped.routing();
  const deps = {
    store,
    enrich: async () => sampleEnrichment(),
    rules: shipped.rules(),
    routing,
    assign: memoryRotation(store, routing, () => new Date()).assign,
    draftQueue,
    now: () => new Date(),
    clock: () => performance.now(),
  };
  return { store, qualifyQueue, draftQueue, deps };
};

describe('sweepOutbox', () => {
  it('re-queues a routed lead whose draft message was dead-lettered, and qualification hands it to drafting again', async () => {
    // Prepare: stored (in the outbox), qualified and routed; the draft message is then lost
    const { store, qualifyQueue, draftQueue, deps } = pipeline();
    await store.create(received('L1'), { dedupWindowSeconds: 600, pendingEnqueue: true });
    await qualifyLead('L1', deps);
    draftQueue.sent.length = 0;

    // Act: the sweeper runs (threshold 0 = anything in the outbox), then the qualify message is processed
    const queued = await sweepOutbox({ store, qualifyQueue }, { olderThanSeconds: 0, limit: 10 });
    await qualifyLead('L1', deps);

    // Assess
    expect(queued).toBe(1);
    expect(qualifyQueue.sent).toEqual([{ leadId: 'L1' }]);
    expect(draftQueue.sent).toEqual([{ leadId: 'L1' }]);
    expect((await store.get('L1'))?.route).toBeDefined();
  });

  it('leaves drafted leads alone and marks a lead that never finishes as failed with the reason', async () => {
    // Prepare
    const { store, qualifyQueue } = pipeline();
    await store.create(received('L2'), { dedupWindowSeconds: 600, pendingEnqueue: true });

    // Act: sweep more often than allowed without the lead ever finishing
    const counts: number[] = [];
    for (let i = 0; i <= MAX_OUTBOX_SWEEPS; i++)
      counts.push(await sweepOutbox({ store, qualifyQueue }, { olderThanSeconds: 0, limit: 10 }));
    const after = await sweepOutbox({ store, qualifyQueue }, { olderThanSeconds: 0, limit: 10 });

    // Assess
    expect(counts).toEqual([...Array(MAX_OUTBOX_SWEEPS).fill(1), 0]);
    expect(after).toBe(0);
    const lead = await store.get('L2');
    expect(lead?.status).toBe('failed');
    expect(lead?.error?.message).toContain('StuckLead');
  });
});
