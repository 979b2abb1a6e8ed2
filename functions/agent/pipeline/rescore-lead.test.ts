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
import { InMemoryLeadStore, RecordingCrmNotifier, RecordingQueue } from '../testing/memory-ports';
import { sampleEnrichment, sampleLead } from '../testing/samples';
import {
  addressKey,
  attachParkedEvents,
  ingestEvents,
  rescoreLead,
  runDailyRescore,
  withScoreHistory,
} from './rescore-lead';

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
    // Every kind but an unsubscribe (a stop that lowers engagement, tested on its own).
    const kinds = EVENT_TYPES.filter((t) => t !== 'unsubscribe');
    const burst = Array.from({ length: 50 }, (_, n) => event(n, kinds[n % kinds.length]!));
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

  it('shows the history as of the lead it read: a version written after that read is not its newest entry', async () => {
    // Prepare: the lead page read the lead, then a re-score stored version 2 before the history was read
    const { store, ingest, rescore, score } = setup();
    const readBefore = (await store.get(LEAD))!;
    await ingestEvents(ingest, 'site', { events: [event(1, 'pricing_page'), event(2, 'email_reply')] });
    await rescoreLead(LEAD, rescore);
    // Act
    const stale = await withScoreHistory(store, readBefore);
    const fresh = await withScoreHistory(store, (await store.get(LEAD))!);
    // Assess
    expect(stale.scoreHistory.map((v) => v.version)).toEqual([1]);
    expect(stale.scoreHistory[0]?.score.total).toBe(score.total);
    expect(fresh.scoreHistory.map((v) => v.version)).toEqual([2, 1]);
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
    expect(first).toEqual({ accepted: 2, duplicates: 0, unknown: 0, parked: 0, rescoring: 1 });
    expect(again).toEqual({ accepted: 0, duplicates: 2, unknown: 1, parked: 0, rescoring: 0 });
    expect(rescoreQueue.sent).toHaveLength(1);
    expect(once.outcome).toBe('rescored');
    expect(twice.outcome).toBe('unchanged');
  });

  it('tells the CRM sync of each new score version, not of a re-score that changes nothing', async () => {
    // Prepare
    const { ingest, rescore } = setup();
    const crm = new RecordingCrmNotifier();
    await ingestEvents(ingest, 'site', { events: [event(1, 'pricing_page'), event(2, 'download')] });

    // Act
    const once = await rescoreLead(LEAD, { ...rescore, crm });
    const twice = await rescoreLead(LEAD, { ...rescore, crm });

    // Assess
    expect([once.outcome, twice.outcome]).toEqual(['rescored', 'unchanged']);
    expect(crm.notices).toEqual([{ leadId: LEAD, trigger: 'rescored' }]);
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

describe('email engagement', () => {
  const ledgerLine = async (store: InMemoryLeadStore, ruleId: string) =>
    (await store.get(LEAD))?.score?.ledger.find((l) => l.ruleId === ruleId);

  it('scores a reply strongly and a person’s open weakly, each with the event as evidence', async () => {
    // Prepare
    const { store, ingest, rescore } = setup();
    // Act
    await ingestEvents(ingest, 'mailchimp', {
      events: [
        { ...event(1, 'email_open', 18), machine: false },
        { ...event(2, 'email_open', 19), machine: true },
        event(3, 'email_reply', 19),
      ],
    });
    const result = await rescoreLead(LEAD, rescore);
    // Assess
    expect(result).toMatchObject({ outcome: 'rescored' });
    const open = await ledgerLine(store, 'email-open');
    const reply = await ledgerLine(store, 'email-reply');
    expect(open).toMatchObject({
      fired: true,
      evidence: { source: 'event', at: '2026-03-18T09:00:00.000Z' },
    });
    expect(open?.evidence?.quote).toBe('email_open via mailchimp');
    expect(reply).toMatchObject({
      fired: true,
      evidence: { source: 'event', quote: 'email_reply via mailchimp' },
    });
    expect(reply!.awarded).toBeGreaterThan(open!.awarded);
  });

  it('an unsubscribe lowers engagement with its evidence and puts the address on the suppression list', async () => {
    // Prepare
    const { store, ingest, rescore, score } = setup();
    const suppressed: string[] = [];
    const deps = { ...ingest, suppress: async (email: string) => void suppressed.push(email) };
    const address = (await store.get(LEAD))!.lead.person.email!;
    // Act
    const known = await ingestEvents(deps, 'mail', { events: [event(1, 'unsubscribe', 19)] });
    const stranger = await ingestEvents(deps, 'mail', {
      events: [
        { id: 'u-2', type: 'unsubscribe', occurredAt: '2026-03-19T09:00:00Z', email: 'nobody@example.org' },
      ],
    });
    await rescoreLead(LEAD, rescore);
    // Assess
    expect(known).toMatchObject({ accepted: 1 });
    expect(stranger).toMatchObject({ accepted: 0 });
    expect(suppressed).toEqual([address, 'nobody@example.org']);
    const line = await ledgerLine(store, 'unsubscribed');
    expect(line).toMatchObject({ fired: true, awarded: -30, evidence: { source: 'event' } });
    expect((await store.get(LEAD))?.score?.engagement).toBeLessThan(score.engagement);
  });

  it('an unsubscribe does not count as activity against the inactivity rules', async () => {
    // Prepare: qualified on 2 March, nothing since; scored on 20 May (inactive for more than 30 days)
    const { store, ingest } = setup();
    const later = { store, rules: () => rules, now: () => new Date('2026-05-20T10:00:00.000Z') };
    // Act
    await ingestEvents(ingest, 'mail', { events: [event(1, 'unsubscribe', 19)] });
    await rescoreLead(LEAD, later);
    // Assess
    expect(await ledgerLine(store, 'inactive-30-days')).toMatchObject({ fired: true });
  });
});

describe('events that arrive before their lead', () => {
  const SECRET = 'unit-test-privacy-secret-0123456789abcdef';
  const ADDRESS = 'Pieter@BakkerLogistiek.nl';
  /** A store without the lead yet; `arrive` stores the qualified lead of the address. */
  const parkingSetup = () => {
    const base = setup();
    const lead = base.store.records.get(LEAD)!;
    base.store.records.delete(LEAD);
    const rescoreQueue = new RecordingQueue();
    const ingest = { ...base.ingest, rescoreQueue, parking: { secret: SECRET, days: 30 } };
    const parking = { store: base.store, rescoreQueue, secret: SECRET, now: () => NOW };
    const arrive = () => {
      base.store.seed(lead);
      return lead;
    };
    return { ...base, rescoreQueue, ingest, parking, arrive };
  };
  const byAddress = (n: number, type: EventType, email = ADDRESS) => {
    const { leadId: _leadId, ...rest } = event(n, type);
    return { ...rest, email };
  };

  it('parks them under a salted hash of the address and attaches them once when the lead arrives, then re-scores', async () => {
    // Prepare
    const { store, ingest, parking, arrive, rescore, rescoreQueue } = parkingSetup();
    // Act
    const first = await ingestEvents(ingest, 'site', {
      events: [byAddress(1, 'pricing_page'), byAddress(2, 'webinar')],
    });
    const replayed = await ingestEvents(ingest, 'site', { events: [byAddress(1, 'pricing_page')] });
    const record = arrive();
    const attached = await attachParkedEvents(parking, record);
    const again = await attachParkedEvents(parking, record);
    const result = await rescoreLead(LEAD, rescore);
    // Assess
    expect(first).toMatchObject({ parked: 2, unknown: 0, accepted: 0 });
    expect(replayed).toMatchObject({ parked: 0, duplicates: 1 });
    const keys = [...store.parked.keys()];
    expect(keys).toEqual([addressKey(SECRET, ADDRESS)]);
    expect(keys[0]).not.toContain('pieter');
    expect(keys[0]).toBe(addressKey(SECRET, 'pieter@bakkerlogistiek.nl'));
    expect([attached, again]).toEqual([2, 0]);
    expect((await store.listEvents(LEAD)).map((e) => e.id).sort()).toEqual(['evt-1', 'evt-2']);
    expect(await store.parkedEvents(keys[0]!, NOW)).toEqual([]);
    expect(rescoreQueue.delivered).toEqual([{ message: { leadId: LEAD }, delaySeconds: 5 }]);
    expect(result).toMatchObject({ outcome: 'rescored', version: 2 });
    expect((await store.get(LEAD))?.score?.ledger.find((l) => l.ruleId === 'webinar')?.fired).toBe(true);
  });

  it('gives an event by address to the lead of that address when it exists', async () => {
    // Prepare
    const { store, ingest, arrive } = parkingSetup();
    arrive();
    // Act
    const answer = await ingestEvents(ingest, 'site', {
      events: [byAddress(3, 'download', ADDRESS.toLowerCase())],
    });
    // Assess
    expect(answer).toMatchObject({ accepted: 1, parked: 0, rescoring: 1 });
    expect((await store.listEvents(LEAD)).map((e) => e.id)).toEqual(['evt-3']);
  });

  it('attaches nothing after the parking window, and nothing to a person who objected to profiling', async () => {
    // Prepare
    const { store, ingest, parking, arrive, rescoreQueue } = parkingSetup();
    await ingestEvents(ingest, 'site', { events: [byAddress(4, 'download')] });
    const record = arrive();
    // Act
    const late = await attachParkedEvents(
      { ...parking, now: () => new Date(NOW.getTime() + 31 * 86_400_000) },
      record,
    );
    const objected = await attachParkedEvents(parking, {
      ...record,
      unscored: { reason: 'profiling_objection', at: NOW.toISOString() },
    });
    // Assess
    expect([late, objected]).toEqual([0, 0]);
    expect(await store.listEvents(LEAD)).toEqual([]);
    expect(rescoreQueue.delivered).toEqual([]);
  });

  it('counts an event by address as unknown when parking is not configured', async () => {
    // Prepare
    const { ingest, store } = parkingSetup();
    const { parking: _off, ...withoutParking } = ingest;
    // Act
    const answer = await ingestEvents(withoutParking, 'site', { events: [byAddress(5, 'download')] });
    // Assess
    expect(answer).toMatchObject({ unknown: 1, parked: 0 });
    expect(store.parked.size).toBe(0);
  });
});

describe('replays', () => {
  it('the same events in any order, any number of times, give the same final score and unique causes', async () => {
    const types: EventType[] = [
      'page_view',
      'pricing_page',
      'download',
      'webinar',
      'email_click',
      'form',
      'email_open',
      'email_reply',
      'unsubscribe',
    ];
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

describe('the daily job', () => {
  it('re-scores open leads as time passes (inactivity, decay), once per day, and leaves closed leads alone', async () => {
    // Prepare: the same lead open and won, both qualified on 2 March; the job runs in late April
    const { store } = setup();
    const won = structuredClone((await store.get(LEAD))!);
    store.seed({ ...won, leadId: '01JLEAD0000000000000000002', status: 'won' });
    const april = new Date('2026-04-25T03:00:00.000Z');
    const deps = { store, rules: () => rules, now: () => april, ownerIds: ['rep-anna', 'rep-bram'] };
    store.records.get(LEAD)!.route = { ...store.records.get(LEAD)!.route!, ownerId: 'rep-bram' } as never;
    // Act
    const first = await runDailyRescore(deps);
    // Later the same day (hourly ages may have moved on): the day's cause is taken, nothing new is written
    const second = await runDailyRescore({ ...deps, now: () => new Date('2026-04-25T22:30:00.000Z') });
    // Assess
    expect(first).toMatchObject({ day: '2026-04-25', leads: 1, rescored: 1 });
    expect(second).toMatchObject({ leads: 1, rescored: 0 });
    const [latest] = await store.scoreHistory(LEAD);
    expect(latest?.cause).toBe('daily:2026-04-25');
    expect(latest?.delta.total).toBeLessThan(0);
    expect(latest?.score.ledger.find((l) => l.ruleId === 'inactive-30-days')?.awarded).toBe(-5);
    expect(await store.scoreHistory('01JLEAD0000000000000000002')).toEqual([]);
  });
});

describe('thresholds that act', () => {
  it('a nurtured lead whose re-score rises to warm or hot goes back to routing; a pinned tier stays put', async () => {
    // Prepare: two nurtured leads scored cold earlier; the second one's tier a manager pinned to cold
    const { store } = setup();
    const base = (await store.get(LEAD))!;
    const nurtured = {
      ...base,
      status: 'nurture' as const,
      score: { ...base.score!, tier: 'cold' as const, total: 12 },
      route: {
        kind: 'nurture' as const,
        ruleId: 'threshold',
        reason: 'cold',
        routingVersion: 't',
        assignedAt: base.receivedAt,
      },
    };
    const pinned = '01JLEAD0000000000000000002';
    store.seed(nurtured);
    store.seed({
      ...nurtured,
      leadId: pinned,
      override: { tier: 'cold', reason: 'student', by: 'mgr-sofie', at: base.receivedAt },
    });
    const qualifyQueue = new RecordingQueue();
    const deps = { store, rules: () => rules, now: () => NOW, qualifyQueue };
    // Act
    const raised = await rescoreLead(LEAD, deps);
    const kept = await rescoreLead(pinned, deps);
    // Assess
    expect(raised).toMatchObject({ outcome: 'rescored', rerouted: true });
    expect(kept).not.toHaveProperty('rerouted');
    expect(qualifyQueue.sent).toEqual([{ leadId: LEAD }]);
    const lead = await store.get(LEAD);
    expect(lead?.status).toBe('received');
    expect(lead?.route).toBeUndefined();
    expect(lead?.audit?.at(-1)).toMatchObject({ action: 'reroute', by: 'system' });
    expect((await store.get(pinned))?.status).toBe('nurture');
  });
});
