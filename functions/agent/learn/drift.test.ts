import { describe, expect, it } from 'vitest';
import { makeFacts } from '../testing/score-fixtures';
import { driftAlerts, factDrift, monthOf, psi, psiLevel, scoreDrift } from './drift';
import { seededRng } from './random';

describe('psi', () => {
  it('matches the formula on a hand-computed example and is 0 for equal distributions', () => {
    // Prepare / Act
    const value = psi([50, 50], [60, 40]);
    // Assess: (0.6 − 0.5)·ln(0.6/0.5) + (0.4 − 0.5)·ln(0.4/0.5)
    expect(value).toBeCloseTo(0.1 * Math.log(1.2) + 0.1 * Math.log(1.25), 12);
    expect(psi([1, 2, 3], [2, 4, 6])).toBe(0);
  });

  it('reads the conventional levels', () => {
    // Prepare / Act / Assess
    expect([psiLevel(0.05), psiLevel(0.1), psiLevel(0.24), psiLevel(0.25)]).toEqual([
      'stable',
      'moderate',
      'moderate',
      'significant',
    ]);
  });

  it('stays finite when a bin is empty on one side', () => {
    // Prepare / Act / Assess
    expect(Number.isFinite(psi([10, 0], [5, 5]))).toBe(true);
  });
});

describe('month over month', () => {
  it('flags the month where scores shift and keeps stable months stable', () => {
    // Prepare: Jan and Feb alike, March shifted up by 20 points
    const rng = seededRng(1);
    const items = ['2025-01', '2025-02', '2025-03'].flatMap((month, m) =>
      Array.from({ length: 2000 }, () => ({ month, score: Math.round(rng() * 60 + (m === 2 ? 20 : 0)) })),
    );
    // Act
    const s = scoreDrift(items);
    // Assess
    expect(s.months).toEqual([
      { month: '2025-01', leads: 2000 },
      { month: '2025-02', leads: 2000 },
      { month: '2025-03', leads: 2000 },
    ]);
    expect(s.steps[0]!.level).toBe('stable');
    expect(s.steps[1]!.level).toBe('significant');
  });

  it('per fact: categorical values and numbers, missing counted as a value', () => {
    // Prepare
    const mk = (month: string, country: string | null, employees: number | null) => ({
      month,
      facts: makeFacts({ country, employees }),
    });
    const items = [
      ...Array.from({ length: 500 }, (_, i) => mk('2025-01', i % 2 ? 'NL' : 'BE', i)),
      ...Array.from({ length: 500 }, (_, i) => mk('2025-02', i % 5 ? null : 'NL', i)),
    ];
    // Act
    const d = factDrift(items, ['country', 'employees']);
    // Assess
    expect(d.country!.steps[0]!.level).toBe('significant');
    expect(d.employees!.steps[0]!.level).toBe('stable');
    expect(driftAlerts(scoreDrift([]), d).map((a) => a.what)).toEqual(['country']);
  });

  it('reads months from dates', () => {
    // Prepare / Act / Assess
    expect(monthOf('2025-03-31T23:30:00+02:00')).toBe('2025-03');
    expect(monthOf('March 3, 2025')).toBe('2025-03');
    expect(monthOf('not a date')).toBeNull();
  });
});
