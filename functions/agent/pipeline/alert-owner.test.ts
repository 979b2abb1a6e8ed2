/**
 * Thresholds that act on an owned lead: a re-score that raises its tier or makes it "act now" alerts its owner
 * once per cause (email in the owner's language, inbox mark until the owner opens the lead).
 */
import { describe, expect, it } from 'vitest';
import { shippedPeople } from '../../platform/shipped-routing';
import { shippedRules } from '../../platform/shipped-rules';
import type { LeadEvent } from '../events';
import type { LeadRecord } from '../lead-record';
import { type Mailer, MailerError, type OutgoingMail } from '../ports';
import { scoreEnrichedLead } from '../score';
import { InMemoryLeadStore, RecordingQueue } from '../testing/memory-ports';
import { sampleEnrichment, sampleLead } from '../testing/samples';
import { alertMarked, changedLedgerLines, seeAlert } from './alert-owner';
import { ingestEvents, rescoreLead } from './rescore-lead';

const NOW = new Date('2026-03-20T10:00:00.000Z');
const rules = shippedRules();
const people = shippedPeople();
const LEAD = '01JLEAD0000000000000000A01';

const recordingMailer = (failures: MailerError[] = []) => {
  const sent: OutgoingMail[] = [];
  const mailer: Mailer = {
    async send(mail) {
      const failure = failures.shift();
      if (failure) throw failure;
      sent.push(mail);
      return { messageId: `m-${sent.length}` };
    },
  };
  return { mailer, sent };
};

/** A lead scored warm (monitor) at qualification, owned by `ownerId` unless nurtured. */
const setup = (o: { ownerId?: string; status?: LeadRecord['status']; pinned?: boolean } = {}) => {
  const store = new InMemoryLeadStore(() => NOW);
  const lead = { ...sampleLead(), activities: [] };
  const computed = scoreEnrichedLead(lead, sampleEnrichment(), rules, new Date('2026-03-02T08:14:05.000Z'));
  // As qualification saw it: without the engagement that came later.
  const score = {
    ...computed,
    tier: 'warm' as const,
    quadrant: 'monitor' as const,
    total: computed.total - 40,
    ledger: computed.ledger.filter((l) => l.axis !== 'engagement'),
  };
  const status = o.status ?? 'drafted';
  const record: LeadRecord = {
    leadId: LEAD,
    status,
    receivedAt: '2026-03-02T08:14:01.000Z',
    provider: 'json',
    dedupKey: 'd1',
    lead,
    raw: { contentType: 'application/json', body: '{}', isBase64Encoded: false },
    enrichment: sampleEnrichment(),
    score,
    scoreVersion: 1,
    route:
      status === 'nurture'
        ? { kind: 'nurture', ruleId: 'threshold', reason: 'r', routingVersion: 't', assignedAt: 'x' }
        : {
            kind: 'owner',
            ownerId: o.ownerId ?? 'rep-anna',
            team: 'enterprise',
            ruleId: 'r',
            reason: 'r',
            routingVersion: 't',
            assignedAt: '2026-03-02T08:15:00.000Z',
            slaDueAt: '2026-03-02T09:15:00.000Z',
          },
    ...(o.pinned ? { override: { tier: 'warm', reason: 'knows them', by: 'mgr-sofie', at: 'x' } } : {}),
    steps: {},
  };
  store.seed(record);
  const { mailer, sent } = recordingMailer();
  const alerts = {
    store,
    mailer,
    fromAddress: 'sales@example.com',
    people,
    leadPageBaseUrl: 'https://leads.example.com/#lead/',
    newId: () => `a-${Math.random()}`,
  };
  const deps = { store, rules: () => rules, now: () => NOW, alerts, qualifyQueue: new RecordingQueue() };
  return { store, deps, sent, score };
};

const events: LeadEvent[] = (['pricing_page', 'download', 'webinar', 'email_reply'] as const).map(
  (type, n) => ({
    id: `evt-${n}`,
    type,
    occurredAt: '2026-03-19T09:00:00.000Z',
    source: 'site',
    receivedAt: '2026-03-19T09:00:00.000Z',
  }),
);
const addEvents = async (store: InMemoryLeadStore) => {
  for (const e of events) await store.addEvent(LEAD, e);
};

describe('owner alerts', () => {
  it('emails the owner once in Dutch with the tier change, the changed ledger lines and the lead link, and marks the inbox', async () => {
    // Prepare
    const { store, deps, sent } = setup();
    await addEvents(store);
    // Act
    const first = await rescoreLead(LEAD, deps);
    const again = await rescoreLead(LEAD, deps);
    const record = await store.get(LEAD);
    // Assess
    expect(first).toMatchObject({ outcome: 'rescored', version: 2, alerted: 'sent' });
    expect(again.outcome).toBe('unchanged');
    expect(sent).toHaveLength(1);
    const mail = sent[0]!;
    expect(mail.to).toBe('anna.devries@example.com');
    expect(mail.subject).toContain('Lead gestegen');
    expect(mail.subject).toContain('warm → hot');
    expect(mail.text).toContain(`Lead-id: ${LEAD}`);
    expect(mail.text).toContain('Kwadrant: monitor → act_now');
    expect(mail.text).toMatch(/- .+: 0 → \+\d+/);
    expect(mail.text).toContain(`https://leads.example.com/#lead/${LEAD}`);
    expect(record?.alert).toMatchObject({
      version: 2,
      ownerId: 'rep-anna',
      fromTier: 'warm',
      toTier: 'hot',
      reasons: ['tier_up', 'act_now'],
      email: 'sent',
      messageId: 'm-1',
    });
    expect(alertMarked(record!, 'rep-anna')).toBe(true);
  });

  it('writes English to an owner whose first language is not Dutch', async () => {
    // Prepare
    const { store, deps, sent } = setup({ ownerId: 'rep-jonas' });
    await addEvents(store);
    // Act
    await rescoreLead(LEAD, deps);
    // Assess
    expect(sent.map((m) => m.to)).toEqual(['jonas.weber@example.com']);
    expect(sent[0]?.subject).toMatch(/^Lead raised: .+\(warm → hot\)$/);
    expect(sent[0]?.text).toContain('What changed in the score:');
  });

  it('tries a throttled email again on the next delivery and still sends it only once', async () => {
    // Prepare
    const { store, deps, sent } = setup();
    const flaky = recordingMailer([new MailerError('Throttling', 'retryable')]);
    const throttled = { ...deps, alerts: { ...deps.alerts, mailer: flaky.mailer } };
    await addEvents(store);
    // Act
    const first = await rescoreLead(LEAD, throttled).catch((e: unknown) => e);
    const marked = (await store.get(LEAD))?.alert?.email;
    const redelivered = await rescoreLead(LEAD, throttled);
    const third = await rescoreLead(LEAD, throttled);
    // Assess
    expect(first).toBeInstanceOf(MailerError);
    expect(marked).toBe('throttled');
    expect(redelivered.outcome).toBe('unchanged');
    expect(third.outcome).toBe('unchanged');
    expect(flaky.sent).toHaveLength(1);
    expect(sent).toHaveLength(0);
    expect((await store.get(LEAD))?.alert?.email).toBe('sent');
  });

  it('never retries an email whose outcome is unknown', async () => {
    // Prepare
    const { store, deps } = setup();
    const lost = recordingMailer([new MailerError('socket hang up', 'unknown')]);
    await addEvents(store);
    // Act
    const first = await rescoreLead(LEAD, { ...deps, alerts: { ...deps.alerts, mailer: lost.mailer } });
    await rescoreLead(LEAD, { ...deps, alerts: { ...deps.alerts, mailer: lost.mailer } });
    // Assess
    expect(first).toMatchObject({ outcome: 'rescored', alerted: 'failed' });
    expect(lost.sent).toHaveLength(0);
    expect((await store.get(LEAD))?.alert).toMatchObject({ email: 'failed', error: 'socket hang up' });
  });

  it('alerts nobody for a nurtured lead (it is routed again) or a tier a person pinned', async () => {
    // Prepare
    const nurtured = setup({ status: 'nurture' });
    const pinned = setup({ pinned: true });
    await addEvents(nurtured.store);
    await addEvents(pinned.store);
    // Act
    const n = await rescoreLead(LEAD, nurtured.deps);
    const p = await rescoreLead(LEAD, pinned.deps);
    // Assess
    expect(n).toMatchObject({ outcome: 'rescored', rerouted: true });
    expect(p.outcome).toBe('rescored');
    expect([...nurtured.sent, ...pinned.sent]).toHaveLength(0);
    expect((await nurtured.store.get(LEAD))?.alert).toBeUndefined();
    expect((await pinned.store.get(LEAD))?.alert).toBeUndefined();
  });

  it('alerts on a daily re-score too, once per day however often the job runs', async () => {
    // Prepare
    const { store, deps, sent } = setup();
    await addEvents(store);
    const { runDailyRescore } = await import('./rescore-lead');
    // Act
    const runs = [
      await runDailyRescore({ ...deps, ownerIds: ['rep-anna'] }),
      await runDailyRescore({ ...deps, ownerIds: ['rep-anna'] }),
    ];
    // Assess
    expect(runs.map((r) => r.rescored)).toEqual([1, 0]);
    expect(sent).toHaveLength(1);
    expect((await store.get(LEAD))?.alert?.cause).toBe('daily:2026-03-20');
  });

  it('clears the inbox mark when the owner opens the lead, not when a manager does', async () => {
    // Prepare
    const { store, deps } = setup();
    await addEvents(store);
    await rescoreLead(LEAD, deps);
    const record = (await store.get(LEAD))!;
    // Act
    const byManager = await seeAlert(store, record, 'mgr-sofie', NOW);
    const byOwner = await seeAlert(store, record, 'rep-anna', NOW);
    const stored = await store.get(LEAD);
    // Assess
    expect(alertMarked(byManager)).toBe(true);
    expect(alertMarked(byOwner)).toBe(false);
    expect(stored?.alert?.seenAt).toBe(NOW.toISOString());
    expect(alertMarked(stored!)).toBe(false);
  });

  it('lists the ledger lines whose awarded points changed, biggest change first', () => {
    // Prepare
    const { score } = setup();
    const after = {
      ...score,
      ledger: [
        ...score.ledger.map((l, i) => (i === 0 ? { ...l, awarded: l.awarded + 2 } : l)),
        { ...score.ledger[1]!, ruleId: 'new-rule', reason: 'New rule', awarded: 9 },
      ],
    };
    // Act
    const lines = changedLedgerLines(score, after);
    // Assess
    expect(lines.map((l) => l.ruleId)).toEqual(['new-rule', score.ledger[0]!.ruleId]);
    expect(lines[0]).toMatchObject({ before: 0, after: 9 });
  });
});

describe('events feed the alert', () => {
  it('an event batch for an owned lead ends in one alert after its debounced re-score', async () => {
    // Prepare
    const { store, deps, sent } = setup();
    const rescoreQueue = new RecordingQueue();
    // Act
    await ingestEvents({ store, rescoreQueue, now: () => NOW }, 'site', {
      events: events.map(({ source: _s, receivedAt: _r, ...e }) => ({ ...e, leadId: LEAD })),
    });
    await rescoreLead(LEAD, deps);
    // Assess
    expect(rescoreQueue.sent).toHaveLength(1);
    expect(sent).toHaveLength(1);
  });
});
