/**
 * Intake, after the HTTP edge: parse, signature, rate limit, store once and queue, thank the prospect. And
 * the outbox sweeper: a lead stays in the outbox until drafted, so a lost or dead-lettered message at any
 * step (a crash that could not record an error) is re-queued; a lead that never finishes ends failed, visibly.
 */
import { describe, expect, it } from 'vitest';
import { shippedRouting } from '../../platform/shipped-routing';
import { shippedRules } from '../../platform/shipped-rules';
import { DomainError } from '../errors';
import { signGeneric } from '../intake';
import type { LeadRecord } from '../lead-record';
import { fixture, RECEIVED_AT, TEST_SETTINGS } from '../testing/intake-requests';
import {
  InMemoryLeadStore,
  memoryRateLimiter,
  memoryRotation,
  RecordingQueue,
} from '../testing/memory-ports';
import { sampleEnrichment, sampleLead } from '../testing/samples';
import { type IntakeDeps, receiveSubmission, type SubmissionRequest, THANKS } from './accept-lead';
import { qualifyLead } from './qualify-lead';
import { MAX_OUTBOX_SWEEPS, sweepOutbox } from './sweep-outbox';

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
  const routing = shippedRouting();
  const deps = {
    store,
    enrich: async () => sampleEnrichment(),
    rules: shippedRules(),
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

describe('receiveSubmission', () => {
  const body = fixture('json-demo-nl.json');
  const submission = (overrides: Partial<SubmissionRequest> = {}): SubmissionRequest => ({
    body,
    isBase64Encoded: false,
    headers: { 'content-type': 'application/json' },
    query: {},
    method: 'POST',
    path: '/leads',
    url: 'https://api.example.com/leads',
    receivedAt: RECEIVED_AT,
    ...overrides,
  });
  const intake = (overrides: Partial<IntakeDeps> = {}) => {
    const store = new InMemoryLeadStore();
    const qualifyQueue = new RecordingQueue();
    let n = 0;
    const deps: IntakeDeps = {
      store,
      qualifyQueue,
      rateLimiter: memoryRateLimiter(),
      settings: TEST_SETTINGS,
      secrets: {},
      ratePerMinute: 100,
      newLeadId: () => `L${++n}`,
      dedupWindowSeconds: 600,
      clock: () => performance.now(),
      ...overrides,
    };
    return { store, qualifyQueue, deps };
  };

  it('stores, queues and thanks the prospect in their language; a resubmission is the same lead', async () => {
    // Prepare
    const { store, qualifyQueue, deps } = intake();
    // Act
    const first = await receiveSubmission(submission(), deps);
    const again = await receiveSubmission(submission(), deps);
    // Assess
    expect(first).toMatchObject({ kind: 'accepted', leadId: 'L1', status: 'received', duplicate: false });
    expect(first.kind === 'accepted' && first.message).toBe(THANKS.nl);
    expect(again).toMatchObject({ kind: 'accepted', leadId: 'L1', duplicate: true });
    expect(qualifyQueue.sent).toEqual([{ leadId: 'L1' }]);
    expect((await store.get('L1'))?.dedupKey).toMatch(/^content:[0-9a-f]{64}$/);
  });

  it('refuses an unsigned or wrongly signed webhook when the source has a secret, and accepts a signed one', async () => {
    // Prepare
    const { deps } = intake({ secrets: { json: 'shh' } });
    const signed = submission({
      headers: { 'content-type': 'application/json', 'x-signature': signGeneric(body, 'shh') },
    });
    // Act
    const unsigned = await receiveSubmission(submission(), deps).catch((e: unknown) => e);
    const forged = await receiveSubmission(
      submission({
        headers: { 'content-type': 'application/json', 'x-signature': signGeneric(body, 'guess') },
      }),
      deps,
    ).catch((e: unknown) => e);
    const accepted = await receiveSubmission(signed, deps);
    // Assess
    expect(unsigned).toMatchObject({ kind: 'unauthorized', issues: [{ field: 'signature' }] });
    expect(forged).toMatchObject({
      kind: 'unauthorized',
      issues: [{ field: 'signature', message: 'invalid signature' }],
    });
    expect(accepted.kind).toBe('accepted');
  });

  it('refuses a source over its rate with the seconds to wait, and stores nothing', async () => {
    // Prepare
    const { store, deps } = intake({ ratePerMinute: 1 });
    await receiveSubmission(submission(), deps);
    // Act
    const refused = await receiveSubmission(
      submission({ body: body.replace('Graag een demo', 'Nog een vraag') }),
      deps,
    ).catch((e: unknown) => e);
    // Assess
    expect(refused).toBeInstanceOf(DomainError);
    expect(refused).toMatchObject({ kind: 'too_many' });
    expect((refused as DomainError).retryAfterSeconds).toBe(60);
    expect(store.records.size).toBe(1);
  });

  it('names the fields at fault in Dutch for a Dutch browser', async () => {
    // Prepare
    const { deps } = intake();
    // Act
    const refused = await receiveSubmission(
      submission({
        body: JSON.stringify({ name: 'Jan' }),
        headers: { 'content-type': 'application/json', 'accept-language': 'nl-NL,nl;q=0.9' },
      }),
      deps,
    ).catch((e: unknown) => e);
    // Assess
    expect(refused).toMatchObject({ kind: 'unprocessable' });
    const issues = (refused as DomainError).issues;
    expect(issues.length).toBeGreaterThan(0);
    expect(issues.map((i) => i.message).join(' ')).toMatch(/[Ee]-?mail|telefoon/);
  });
});
