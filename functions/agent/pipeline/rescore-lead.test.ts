/**
 * Events in, a living score out: a burst of events is one re-score, each version keeps its ledger, delta and
 * cause, and the final score depends only on the set of events (property test over orders and repeats).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { shippedRules } from '../../platform/shipped-rules';
import { DomainError } from '../errors';
import { EVENT_TYPES, type EventType } from '../events';
import type { LeadRecord } from '../lead-record';
import { scoreEnrichedLead } from '../score';
import { InMemoryLeadStore, RecordingQueue } from '../testing/memory-ports';
import { sampleEnrichment, sampleLead } from '../testing/samples';
import { ingestEvents, rescoreLead, withScoreHistory } from './rescore-lead';

const NOW = new Date('2026-03-20T10:00:00.000Z');
const rules = shippedRules();
const LEAD = '01JLEAD0000000000000000001';

/** A lead qualified on 2 March with the sample data, routed to a rep. */
const setup = () => {
  const store = new InMemoryLeadStore(() => NOW);
  const lead = { ...sampleLead(), activities: [] };
  const score = scoreEnrichedLead(lead, sampleEnrichment(), rules, new Date('2026-03-02T08:14:05.000Z'));
  const record: LeadRecord = {
    leadId: LEAD,
    status: 'drafted',
    receivedAt: '2026-03-02T08:14:01.000Z',
    provider: 'json',
    dedupKey: 'd1',
    lead,
    raw: { contentType: 'application/json', body: '{}', isBase64Encoded: false },
    enrichment: sampleEnrichment(),
    score,
    scoreVersion: 1,
    steps: {},
  };
  store.seed(record);
  const rescoreQueue = new RecordingQueue();
  const ingest = { store, rescoreQueue, now: () => NOW };
  const rescore = { store, rules: () => rules, now: () => NOW };
  return { store, rescoreQueue, ingest, rescore, score };
};

const event = (n: number, type: EventType, day = 10 + (n % 9)) => ({
  id: `evt-${n}`,
  type,
  occurredAt: `2026-03-${String(day).padStart(2, '0')}T09:00:00Z`,
  leadId: LEAD,
  ...(type === 'page_view' ? { url: `https://example.com/p/${n % 7}?utm_source=mail&e=x@y.nl` } : {}),
});

describe('events and re-scores', () => {
  it('gathers a burst of 50 events into one queued re-score and one new version with ledger, delta and cause', async () => {
    // Prepare
    const { store, rescoreQueue, ingest, rescore, score } = setup();
    const burst = Array.from({ length: 50 }, (_, n) => event(n, EVENT_TYPES[n % EVENT_TYPES.length]!));
    // Act
    const answers = [];
    for (let i = 0; i < 50; i += 10)
      answers.push(await ingestEvents(ingest, 'site', { events: burst.slice(i, i + 10) }));
    const result = await rescoreLead(LEAD, rescore);
    const view = await withScoreHistory(store, (await store.get(LEAD))!);
    // Assess
    expect(answers.reduce((s, a) => s + a.accepted, 0)).toBe(50);
    expect(rescoreQueue.delivered).toEqual([{ message: { leadId: LEAD }, delaySeconds: 5 }]);
    expect(result).toMatchObject({ outcome: 'rescored', version: 2 });
    const [latest, first] = view.scoreHistory;
    expect(view.scoreHistory.map((v) => v.version)).toEqual([2, 1]);
    expect(first).toMatchObject({ cause: 'qualify', score: { total: score.total } });
    expect(latest?.cause).toMatch(/^events:50:[0-9a-f]{16}\+rules:/);
    expect(latest?.delta.total).toBe(latest!.score.total - score.total);
    expect(latest?.delta.engagement).toBeGreaterThan(0);
    expect(latest?.score.ledger.map((l) => l.ruleId)).toContain('pricing-page');
    expect((await store.listEvents(LEAD)).find((e) => e.type === 'page_view')?.page).toMatch(
      /^https:\/\/example\.com\/p\/\d$/,
    );
  });

  it('counts repeats and unknown leads without error and never re-scores a burst twice', async () => {
    // Prepare
    const { rescoreQueue, ingest, rescore } = setup();
    const batch = { events: [event(1, 'pricing_page'), event(2, 'download')] };
    // Act
    const first = await ingestEvents(ingest, 'site', batch);
    const again = await ingestEvents(ingest, 'site', {
      events: [...batch.events, { ...event(3, 'webinar'), leadId: '01JLEAD9999999999999999999' }],
    });
    const once = await rescoreLead(LEAD, rescore);
    const twice = await rescoreLead(LEAD, rescore);
    // Assess
    expect(first).toEqual({ accepted: 2, duplicates: 0, unknown: 0, rescoring: 1 });
    expect(again).toEqual({ accepted: 0, duplicates: 2, unknown: 1, rescoring: 0 });
    expect(rescoreQueue.sent).toHaveLength(1);
    expect(once.outcome).toBe('rescored');
    expect(twice.outcome).toBe('unchanged');
  });

  it('answers bad events with a 400 naming the field', async () => {
    // Prepare
    const { ingest } = setup();
    const bad = async (body: unknown) =>
      ingestEvents(ingest, 'site', body).then(
        () => 'accepted',
        (e: unknown) => (e instanceof DomainError ? `${e.kind}:${e.issues[0]?.field}` : 'other'),
      );
    // Act
    const results = [
      await bad({}),
      await bad({ events: [] }),
      await bad({ events: [{ ...event(1, 'download'), type: 'tweet' }] }),
      await bad({ events: [event(1, 'download'), { ...event(2, 'download'), occurredAt: 'today' }] }),
      await bad({ events: [{ id: 'x', type: 'download', occurredAt: '2026-03-10T09:00:00Z' }] }),
    ];
    // Assess
    expect(results).toEqual([
      'invalid:events',
      'invalid:events',
      'invalid:events[0].type',
      'invalid:events[1].occurredAt',
      'invalid:events[0].leadId',
    ]);
  });

  it('scores a machine email open like no event at all', async () => {
    // Prepare
    const withOpen = setup();
    const without = setup();
    await ingestEvents(withOpen.ingest, 'mail', { events: [{ ...event(1, 'email_open'), machine: true }] });
    await ingestEvents(without.ingest, 'mail', {
      events: [{ ...event(2, 'email_open'), leadId: '01JLEAD9999999999999999999' }],
    });
    // Act
    await rescoreLead(LEAD, withOpen.rescore);
    await rescoreLead(LEAD, without.rescore);
    // Assess
    expect((await withOpen.store.get(LEAD))?.score?.ledger).toEqual(
      (await without.store.get(LEAD))?.score?.ledger,
    );
  });
});

describe('replays', () => {
  it('the same events in any order, any number of times, give the same final score and unique causes', async () => {
    const types: EventType[] = ['page_view', 'pricing_page', 'download', 'webinar', 'email_click', 'form'];
    await fc.assert(
      fc.asyncProperty(
        fc.uniqueArray(fc.record({ n: fc.integer({ min: 0, max: 40 }), t: fc.constantFrom(...types) }), {
          selector: (e) => e.n,
          minLength: 1,
          maxLength: 12,
        }),
        fc.array(fc.nat(), { minLength: 1, maxLength: 30 }),
        fc.array(fc.boolean(), { minLength: 1, maxLength: 30 }),
        async (picked, order, rescoreAfter) => {
          // Prepare: the reference gets every event once, then one re-score
          const events = picked.map((e) => event(e.n, e.t));
          const reference = setup();
          await ingestEvents(reference.ingest, 'site', { events });
          await rescoreLead(LEAD, reference.rescore);
          const expected = (await reference.store.get(LEAD))?.score;
          // Act: the replay gets them in another order with repeats, re-scoring at random moments
          const replay = setup();
          const sequence = [...order.map((i) => events[i % events.length]!), ...events];
          for (const [i, e] of sequence.entries()) {
            await ingestEvents(replay.ingest, 'site', { events: [e] });
            if (rescoreAfter[i % rescoreAfter.length]) await rescoreLead(LEAD, replay.rescore);
          }
          await rescoreLead(LEAD, replay.rescore);
          await rescoreLead(LEAD, replay.rescore);
          // Assess
          const final = await replay.store.get(LEAD);
          expect(final?.score?.total).toBe(expected?.total);
          expect(final?.score?.ledger).toEqual(expected?.ledger);
          const causes = (await replay.store.scoreHistory(LEAD)).map((v) => v.cause);
          expect(new Set(causes).size).toBe(causes.length);
        },
      ),
      { numRuns: 60 },
    );
  });
});
