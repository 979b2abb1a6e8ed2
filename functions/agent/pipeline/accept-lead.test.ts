/**
 * Intake, after the HTTP edge: parse, signature, rate limit, store once and queue, thank the prospect. And
 * the outbox sweeper: a lead stays in the outbox until drafted, so a lost or dead-lettered message at any
 * step (a crash that could not record an error) is re-queued; a lead that never finishes ends failed, visibly.
 */
import { describe, expect, it } from 'vitest';
import { memoryTokenBuckets } from '../../platform/rate-limit-memory';
import { shippedRouting } from '../../platform/shipped-routing';
import { shippedRules } from '../../platform/shipped-rules';
import { DomainError } from '../errors';
import { signGeneric } from '../intake';
import type { LeadRecord } from '../lead-record';
import { fixture, RECEIVED_AT, TEST_SETTINGS } from '../testing/intake-requests';
import { InMemoryLeadStore, memoryRotation, RecordingQueue } from '../testing/memory-ports';
import { sampleEnrichment, sampleLead } from '../testing/samples';
import {
  type IntakeDeps,
  leadIdFor,
  receiveSubmission,
  reservationFor,
  type SubmissionRequest,
  THANKS,
} from './accept-lead';
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
    const deps: IntakeDeps = {
      store,
      rateLimiter: memoryTokenBuckets(),
      settings: TEST_SETTINGS,
      secrets: {},
      rates: { perSource: 100, perClient: 100, spamPerSource: 100 },
      dedupWindowSeconds: 600,
      clock: () => performance.now(),
      ...overrides,
    };
    return { store, deps };
  };
  const ULID = /^[0-9A-HJKMNP-TV-Z]{26}$/;

  it('stores the lead in the outbox and thanks the prospect in their language; a resubmission is the same lead', async () => {
    // Prepare
    const { store, deps } = intake();
    // Act
    const first = await receiveSubmission(submission(), deps);
    const again = await receiveSubmission(
      submission({ receivedAt: new Date(RECEIVED_AT.getTime() + 30_000) }),
      deps,
    );
    // Assess
    expect(first).toMatchObject({ kind: 'accepted', status: 'received', duplicate: false });
    expect(first.leadId).toMatch(ULID);
    expect(first.kind === 'accepted' && first.message).toBe(THANKS.nl);
    expect(again).toMatchObject({ kind: 'accepted', leadId: first.leadId, duplicate: true });
    expect(store.records.size).toBe(1);
    expect(store.outbox.has(first.leadId)).toBe(true);
    expect((await store.get(first.leadId))?.dedupKey).toMatch(/^content:[0-9a-f]{64}$/);
  });

  it('a retry that falls into the next dedup bucket answers with the first lead once its bucket is reserved', async () => {
    // Prepare: the first submission 10 s before a bucket boundary; its reservation written (the stream does it)
    const { store, deps } = intake({ dedupWindowSeconds: 60 });
    const boundary = Math.ceil(RECEIVED_AT.getTime() / 60_000) * 60_000 + 60_000;
    const first = await receiveSubmission(submission({ receivedAt: new Date(boundary - 10_000) }), deps);
    const stored = await store.get(first.leadId);
    const reservation = reservationFor(stored!, 60);
    await store.reserveLeadId(reservation!.leadId, first.leadId, reservation!.expiresAtSeconds);
    // Act: the retry 20 s later, in the next bucket; and the same content two buckets later
    const retry = await receiveSubmission(submission({ receivedAt: new Date(boundary + 10_000) }), deps);
    const later = await receiveSubmission(submission({ receivedAt: new Date(boundary + 70_000) }), deps);
    // Assess
    expect(retry).toMatchObject({ leadId: first.leadId, duplicate: true });
    expect(later).toMatchObject({ duplicate: false });
    expect(later.leadId).not.toBe(first.leadId);
    expect(store.records.size).toBe(2);
  });

  it('derives a ULID-shaped lead id from the dedup key and its time bucket', () => {
    // Prepare
    const at = new Date('2026-11-23T10:00:30.000Z');
    // Act
    const id = leadIdFor('content:abc', 600, at);
    const sameBucket = leadIdFor('content:abc', 600, new Date('2026-11-23T10:09:59.000Z'));
    const nextBucket = leadIdFor('content:abc', 600, new Date('2026-11-23T10:10:00.000Z'));
    const otherKey = leadIdFor('content:abd', 600, at);
    // Assess
    expect(id).toMatch(ULID);
    expect(sameBucket).toBe(id);
    expect(nextBucket).not.toBe(id);
    expect(otherKey).not.toBe(id);
    expect(leadIdFor('content:abc', 600, at, 1)).toBe(nextBucket);
  });

  it('requires a signature from every source when asked to, even one without a secret', async () => {
    // Prepare
    const { store, deps } = intake({ requireSignature: true });
    // Act
    const refused = await receiveSubmission(submission(), deps).catch((e: unknown) => e);
    // Assess
    expect(refused).toMatchObject({ kind: 'unauthorized', issues: [{ field: 'signature' }] });
    expect(store.records.size).toBe(0);
  });

  it('limits each client on its own budget, and spam on a budget apart from real leads', async () => {
    // Prepare
    const { store, deps } = intake({ rates: { perSource: 100, perClient: 2, spamPerSource: 1 } });
    const lead = (i: number, extra: Record<string, string> = {}) =>
      JSON.stringify({ email: `person${i}@acme.nl`, message: `Vraag ${i}`, ...extra });
    const from = (ip: string, text: string) => submission({ body: text, clientIp: ip });
    // Act
    const client = [];
    for (let i = 0; i < 3; i++)
      client.push(await receiveSubmission(from('203.0.113.1', lead(i)), deps).catch((e: unknown) => e));
    const spam = [];
    for (let i = 10; i < 12; i++)
      spam.push(
        await receiveSubmission(from(`198.51.100.${i}`, lead(i, { _gotcha: 'x' })), deps).catch(
          (e: unknown) => e,
        ),
      );
    const realAfterSpam = await receiveSubmission(from('198.51.100.99', lead(99)), deps);
    // Assess
    expect(client.slice(0, 2).map((a) => (a as { kind: string }).kind)).toEqual(['accepted', 'accepted']);
    expect(client[2]).toMatchObject({ kind: 'too_many' });
    expect(spam[0]).toMatchObject({ kind: 'accepted', status: 'spam' });
    expect(spam[1]).toMatchObject({ kind: 'too_many' });
    expect(realAfterSpam).toMatchObject({ kind: 'accepted', status: 'received' });
    expect(store.records.size).toBe(4);
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
    const { store, deps } = intake({ rates: { perSource: 1, perClient: 100, spamPerSource: 100 } });
    await receiveSubmission(submission(), deps);
    // Act
    const refused = await receiveSubmission(
      submission({ body: body.replace('Graag een demo', 'Nog een vraag') }),
      deps,
    ).catch((e: unknown) => e);
    // Assess
    expect(refused).toBeInstanceOf(DomainError);
    expect(refused).toMatchObject({ kind: 'too_many' });
    // One request a minute: the next token is a minute away.
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
