import { describe, expect, it } from 'vitest';
import { loadRules } from '../score/rules';
import { makeFacts } from '../testing/score-fixtures';
import { backtest } from './backtest';
import type { HistoricalLead } from './history';

const HEADER = `axes: { fit: { cap: null }, intent: { cap: null }, engagement: { cap: null } }
tiers: { cold: [0, 30], warm: [31, 50], hot: [51, null] }
quadrant: { intentHigh: 1, engagementHigh: 1 }
customFacts:
  source: { kind: string, from: ["Lead Source"] }
`;
const candidate = loadRules(`version: new
${HEADER}rules:
  - { id: referral, axis: fit, points: 40, reason: Came by referral, when: { fact: custom.source, equals: Referral } }
  - { id: size, axis: fit, points: 20, reason: 10–200 employees, when: { fact: employees, between: [10, 200] } }
`);
const published = loadRules(`version: old
${HEADER}rules:
  - { id: size, axis: fit, points: 20, reason: 10–200 employees, when: { fact: employees, between: [10, 200] } }
`);

const lead = (
  id: string,
  source: string,
  employees: number | null,
  outcome: boolean,
  at: string,
): HistoricalLead => ({
  id,
  outcome,
  at,
  facts: { ...makeFacts({ employees }), custom: { source } },
});
// Totals under the candidate: 60, 40, 20, 0, 40, 20; under the published rules: 20, 0, 20, 0, 0, 20.
const history = [
  lead('L1', 'Referral', 50, true, '2025-01-05'),
  lead('L2', 'Referral', 5, true, '2025-01-09'),
  lead('L3', 'Google', 50, false, '2025-01-20'),
  lead('L4', 'Google', 5, false, '2025-02-02'),
  lead('L5', 'Referral', null, false, '2025-02-14'),
  lead('L6', 'Google', 100, true, '2025-02-27'),
];

describe('backtest', () => {
  const report = backtest(history, candidate, { compare: published });

  it('AUC from ranks with ties counted half, for both versions', () => {
    // Prepare / Act: see above. Assess: candidate 7 of 9 pairs, published 6 of 9
    expect(report.auc).toBeCloseTo(7 / 9, 4);
    expect(report.compare!.auc).toBeCloseTo(6 / 9, 4);
    expect(report.aucCi95[0]).toBeLessThan(report.auc);
    expect(report.aucCi95[1]).toBeGreaterThan(report.auc);
  });

  it('tier mix, success per tier, qualification→meeting ratio and false negatives', () => {
    // Prepare / Act / Assess
    expect(report.tiers.tiers.hot).toMatchObject({ leads: 1, positives: 1 });
    expect(report.tiers.tiers.warm).toMatchObject({ leads: 2, positives: 1 });
    expect(report.tiers.tiers.cold).toMatchObject({ leads: 3, positives: 1 });
    expect(report.tiers.qualification.ratio).toBeCloseTo(2 / 3, 6);
    expect(report.tiers.falseNegatives).toMatchObject({ rate: 1 / 3, alarm: true });
    expect(report.compare!.tiers.tiers.cold.leads).toBe(6);
  });

  it('which leads change tier, with examples for the better and for the worse', () => {
    // Prepare / Act / Assess
    expect(report.compare!.changes.cold).toEqual({ cold: 3, warm: 2, hot: 1 });
    expect(report.compare!.changed).toBe(3);
    expect(report.compare!.better.map((e) => [e.lead, e.from.tier, e.to.tier, e.gained])).toEqual([
      ['L1', 'cold', 'hot', ['referral']],
      ['L2', 'cold', 'warm', ['referral']],
    ]);
    expect(report.compare!.worse.map((e) => [e.lead, e.outcome, e.to.total])).toEqual([['L5', false, 40]]);
  });

  it('per rule: how often it fires and the success rate with and without it', () => {
    // Prepare / Act
    const referral = report.rules.find((r) => r.id === 'referral')!;
    // Assess: fires for L1, L2, L5 (2 of 3 succeed) vs L3, L4, L6 (1 of 3)
    expect(referral).toMatchObject({ fired: 3, firedShare: 0.5 });
    expect(referral.positiveRateWhenFired).toBeCloseTo(2 / 3, 4);
    expect(referral.lift).toBeCloseTo(2, 3);
  });

  it('maps totals to probabilities monotonically (Platt) for the Brier score', () => {
    // Prepare / Act / Assess
    expect(report.calibration.slope).toBeGreaterThan(0);
    expect(report.brier).toBeLessThan(0.25);
    expect(report.calibration.method).toMatch(/Platt/);
  });

  it('drift by month when leads carry a date', () => {
    // Prepare / Act / Assess
    expect(report.drift!.score.months.map((m) => m.month)).toEqual(['2025-01', '2025-02']);
    expect(Object.keys(report.drift!.facts).sort()).toEqual(['custom.source', 'employees']);
  });

  it('uses the facts given per lead for the compared version (point in time, its own custom facts)', () => {
    // Prepare: the published rules see every lead as 10–200 employees
    const compareFacts = history.map(() => makeFacts({ employees: 20 }));
    // Act
    const r = backtest(history, candidate, { compare: published, compareFacts });
    // Assess
    expect(r.compare!.meanScore).toBe(20);
  });
});
