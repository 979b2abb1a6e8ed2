import { describe, expect, it } from 'vitest';
import type { LeadRecord } from '../lead-record';
import type { Tier } from '../qualification';
import type { FactName, LeadFacts } from '../score';
import { sampleLead, sampleRoute, sampleScore } from '../testing/samples';
import { computeInsights, isoWeek, LEAD_IDS_MAX, lastWeeks } from './insights';

const NOW = new Date('2026-03-13T12:00:00Z'); // Friday of 2026-W11

interface Spec {
  id: string;
  submitted: string;
  sentAfterMinutes?: number;
  slaHours?: number;
  tier?: Tier;
  total?: number;
  status?: LeadRecord['status'];
  nurture?: boolean;
  rulesVersion?: string;
  demo?: boolean;
}

const record = (s: Spec): LeadRecord => {
  const score = sampleScore();
  const sent =
    s.sentAfterMinutes === undefined
      ? undefined
      : new Date(Date.parse(s.submitted) + s.sentAfterMinutes * 60_000).toISOString();
  return {
    leadId: s.id,
    status: s.status ?? (sent ? 'sent' : 'drafted'),
    receivedAt: s.submitted,
    provider: 'json',
    dedupKey: s.id,
    lead: { ...sampleLead(), submittedAt: s.submitted },
    raw: { contentType: 'application/json', body: '{}', isBase64Encoded: false },
    score: {
      ...score,
      tier: s.tier ?? 'warm',
      total: s.total ?? score.total,
      rulesVersion: s.rulesVersion ?? 'v1',
      scoredAt: s.submitted,
      ledger: score.ledger.map((e) => (e.ruleId === 'eng.demo' ? { ...e, fired: s.demo ?? true } : e)),
    },
    route: {
      ...sampleRoute(),
      kind: s.nurture ? 'nurture' : 'owner',
      slaDueAt: new Date(Date.parse(s.submitted) + (s.slaHours ?? 4) * 3_600_000).toISOString(),
    },
    ...(sent ? { draft: { send: { attemptId: 'a', startedAt: sent, sentAt: sent } } } : {}),
    steps: {},
  } as LeadRecord;
};

describe('insights', () => {
  it('names ISO weeks the way calendars do', () => {
    // Act + Assess
    expect(isoWeek('2026-01-01T10:00:00Z')).toBe('2026-W01');
    expect(isoWeek('2025-12-29T10:00:00Z')).toBe('2026-W01');
    expect(isoWeek('2026-03-13T10:00:00Z')).toBe('2026-W11');
    expect(lastWeeks(NOW, 3)).toEqual(['2026-W09', '2026-W10', '2026-W11']);
  });

  it('measures speed to lead per week: p50, p90 and SLA breaches, with the ids of the leads behind them', () => {
    // Prepare: week 11 — first emails after 10, 20, 30 … 100 minutes; the last one after its 1-hour SLA
    const records = Array.from({ length: 10 }, (_, i) =>
      record({
        id: `W11-${i}`,
        submitted: '2026-03-10T09:00:00Z',
        sentAfterMinutes: (i + 1) * 10,
        slaHours: i === 9 ? 1 : 4,
      }),
    );
    // … and one never contacted, its SLA long past
    records.push(record({ id: 'W11-late', submitted: '2026-03-10T09:00:00Z', slaHours: 2 }));
    // Act
    const insights = computeInsights(records, { now: NOW, weeks: 4 });
    // Assess
    const w11 = insights.speed.weeks.find((w) => w.week === '2026-W11')!;
    expect(w11).toMatchObject({ leads: 11, contacted: 10, p50Minutes: 50, p90Minutes: 90, slaBreaches: 2 });
    expect(w11.breachIds).toEqual({ ids: ['W11-9', 'W11-late'], total: 2 });
    expect(w11.leadIds.total).toBe(11);
    expect(insights.speed.weeks.find((w) => w.week === '2026-W10')).toMatchObject({
      leads: 0,
      p50Minutes: null,
    });
  });

  it('shows qualification → meeting per tier and rules version with the 40 % alarm, the funnel, and rule effects', () => {
    // Prepare: rules v1 — 4 warm leads closed, 1 meeting (25 %: alarm); v2 — 2 hot leads, both meetings
    const records = [
      record({
        id: 'a',
        submitted: '2026-03-09T09:00:00Z',
        status: 'meeting',
        rulesVersion: 'v1',
        demo: true,
      }),
      record({ id: 'b', submitted: '2026-03-09T09:00:00Z', status: 'lost', rulesVersion: 'v1', demo: false }),
      record({ id: 'c', submitted: '2026-03-09T09:00:00Z', status: 'lost', rulesVersion: 'v1', demo: false }),
      record({
        id: 'd',
        submitted: '2026-03-09T09:00:00Z',
        status: 'disqualified',
        rulesVersion: 'v1',
        demo: false,
      }),
      record({
        id: 'e',
        submitted: '2026-03-10T09:00:00Z',
        status: 'won',
        tier: 'hot',
        rulesVersion: 'v2',
        demo: true,
        sentAfterMinutes: 5,
      }),
      record({
        id: 'f',
        submitted: '2026-03-10T09:00:00Z',
        status: 'meeting',
        tier: 'hot',
        rulesVersion: 'v2',
        demo: true,
        sentAfterMinutes: 5,
      }),
      record({ id: 'g', submitted: '2026-03-10T09:00:00Z', tier: 'cold', nurture: true }),
    ];
    // Act
    const insights = computeInsights(records, { now: NOW });
    // Assess
    const q = insights.qualification;
    expect(q.overall).toMatchObject({ n: 6, successes: 3, rate: 0.5, alarm: false });
    expect(q.perRulesVersion).toEqual([
      expect.objectContaining({ rulesVersion: 'v1', n: 4, successes: 1, rate: 0.25, alarm: true }),
      expect.objectContaining({ rulesVersion: 'v2', n: 2, successes: 2, rate: 1, alarm: false }),
    ]);
    expect(q.perTier.find((t) => t.tier === 'hot')).toMatchObject({ n: 2, successes: 2 });
    expect(insights.funnel.map((f) => [f.stage, f.leads])).toEqual([
      ['routed', 7],
      ['contacted', 3],
      ['meeting', 3],
      ['won', 1],
    ]);
    const demo = insights.rules.find((r) => r.id === 'eng.demo')!;
    expect(demo).toMatchObject({
      fired: 4,
      withRule: { n: 3, successes: 3 },
      withoutRule: { n: 3, successes: 0 },
    });
    expect(demo.withRule.ci95![0]).toBeGreaterThan(0.4);
    expect(demo.withoutRule.ci95![1]).toBeLessThan(0.6);
    expect(demo.leadIds).toEqual({ ids: ['e', 'f', 'g', 'a'], total: 4 });
    expect(q.perRulesVersion[0]?.leadIds).toEqual({ ids: ['a', 'b', 'c', 'd'], total: 4 });
    expect(insights.funnel.find((f) => f.stage === 'won')?.leadIds).toEqual({ ids: ['e'], total: 1 });
    const w11 = insights.mix.find((m) => m.week === '2026-W11')!;
    expect(w11).toMatchObject({ tiers: { cold: 1, warm: 4, hot: 2 }, owner: 6, nurture: 1 });
    expect(w11.tierIds.hot).toEqual({ ids: ['e', 'f'], total: 2 });
    expect(w11.nurtureIds).toEqual({ ids: ['g'], total: 1 });
  });

  it('warns about drift when this month’s scores moved away from last month’s', () => {
    // Prepare: February scores around 20, March around 80
    const records = [
      ...Array.from({ length: 30 }, (_, i) =>
        record({ id: `f${i}`, submitted: '2026-02-10T09:00:00Z', total: 15 + (i % 10) }),
      ),
      ...Array.from({ length: 30 }, (_, i) =>
        record({ id: `m${i}`, submitted: '2026-03-10T09:00:00Z', total: 75 + (i % 10) }),
      ),
    ];
    const stable = [
      ...Array.from({ length: 30 }, (_, i) =>
        record({ id: `f${i}`, submitted: '2026-02-10T09:00:00Z', total: 15 + (i % 10) }),
      ),
      ...Array.from({ length: 30 }, (_, i) =>
        record({ id: `m${i}`, submitted: '2026-03-10T09:00:00Z', total: 15 + (i % 10) }),
      ),
    ];
    // Act
    const moved = computeInsights(records, { now: NOW }).drift;
    const same = computeInsights(stable, { now: NOW }).drift;
    // Assess
    expect(moved.warning).toBe(true);
    expect(moved.alerts[0]?.step).toMatchObject({ from: '2026-02', to: '2026-03', level: 'significant' });
    expect(same.warning).toBe(false);
  });

  it('warns about drift of a fact the rules read even when the scores stay put', () => {
    // Prepare: same scores both months, but the company size the rules read jumps
    const records = [
      ...Array.from({ length: 30 }, (_, i) =>
        record({ id: `f${i}`, submitted: '2026-02-10T09:00:00Z', total: 15 + (i % 10) }),
      ),
      ...Array.from({ length: 30 }, (_, i) =>
        record({ id: `m${i}`, submitted: '2026-03-10T09:00:00Z', total: 15 + (i % 10) }),
      ),
    ];
    const facts = {
      of: (r: LeadRecord) =>
        ({ employees: r.leadId.startsWith('f') ? 10 + (r.leadId.length % 3) : 900 }) as unknown as LeadFacts,
      names: ['employees'] as FactName[],
    };
    // Act
    const drift = computeInsights(records, { now: NOW, facts }).drift;
    // Assess
    expect(drift.score.steps[0]?.level).toBe('stable');
    expect(drift.facts.employees?.steps[0]).toMatchObject({
      from: '2026-02',
      to: '2026-03',
      level: 'significant',
    });
    expect(drift.warning).toBe(true);
    expect(drift.alerts[0]?.what).toBe('employees');
  });

  it('caps the ids behind a figure at LEAD_IDS_MAX, newest first, and still counts them all', () => {
    // Prepare: more leads in one week than a link carries
    const records = Array.from({ length: LEAD_IDS_MAX + 50 }, (_, i) =>
      record({
        id: `L${i}`,
        submitted: new Date(Date.parse('2026-03-10T09:00:00Z') + i * 60_000).toISOString(),
        sentAfterMinutes: 5,
      }),
    );
    // Act
    const w11 = computeInsights(records, { now: NOW }).speed.weeks.find((w) => w.week === '2026-W11')!;
    // Assess
    expect(w11.leads).toBe(LEAD_IDS_MAX + 50);
    expect(w11.leadIds.total).toBe(LEAD_IDS_MAX + 50);
    expect(w11.leadIds.ids).toHaveLength(LEAD_IDS_MAX);
    expect(w11.leadIds.ids[0]).toBe(`L${LEAD_IDS_MAX + 49}`); // newest first
    expect(w11.leadIds.ids).not.toContain('L0');
  });
});
