import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { auc, aucStandardError, brier, calibrationTable, logLoss, quantileSorted } from './metrics';

describe('auc', () => {
  it.each([
    // [scores, outcomes, hand-computed AUC]
    [[1, 2, 3, 4], [0, 0, 1, 1], 1],
    [[4, 3, 2, 1], [0, 0, 1, 1], 0],
    // pairs (pos, neg): (3>1) (3>2) (2=2 → ½) (2>1) → 3.5 / 4
    [[1, 2, 2, 3], [0, 0, 1, 1], 0.875],
    // all tied: every pair counts ½
    [[5, 5, 5, 5, 5], [1, 0, 1, 0, 0], 0.5],
    // positives 0.8, 0.4; negatives 0.6, 0.4, 0.2: (0.8 beats 3) + (0.4 ties 0.4 → ½, beats 0.2) = 4.5 / 6
    [[0.8, 0.6, 0.4, 0.4, 0.2], [1, 0, 1, 0, 0], 0.75],
  ])('scores %j with outcomes %j give %d', (scores, outcomes, expected) => {
    // Prepare / Act
    const a = auc(scores, outcomes);
    // Assess
    expect(a).toBeCloseTo(expected, 12);
  });

  it('is NaN with one class only', () => {
    // Prepare / Act / Assess
    expect(auc([1, 2], [1, 1])).toBeNaN();
  });

  it('equals the pair-counting definition on random data with many ties (fuzz)', () => {
    // Prepare
    const data = fc.array(fc.tuple(fc.integer({ min: 0, max: 5 }), fc.boolean()), {
      minLength: 2,
      maxLength: 60,
    });
    // Act / Assess
    fc.assert(
      fc.property(data, (rows) => {
        const pos = rows.filter(([, b]) => b).map(([s]) => s);
        const neg = rows.filter(([, b]) => !b).map(([s]) => s);
        fc.pre(pos.length > 0 && neg.length > 0);
        let wins = 0;
        for (const p of pos) for (const n of neg) wins += p > n ? 1 : p === n ? 0.5 : 0;
        const a = auc(
          rows.map(([s]) => s),
          rows.map(([, b]) => (b ? 1 : 0)),
        );
        expect(a).toBeCloseTo(wins / (pos.length * neg.length), 12);
      }),
    );
  });
});

describe('other metrics', () => {
  it('Brier and log loss of known predictions', () => {
    // Prepare
    const p = [0.9, 0.2, 0.5, 1];
    const y = [1, 0, 1, 1];
    // Act / Assess
    expect(brier(p, y)).toBeCloseTo((0.01 + 0.04 + 0.25 + 0) / 4, 12);
    expect(logLoss(p, y)).toBeCloseTo(
      -(Math.log(0.9) + Math.log(0.8) + Math.log(0.5) + Math.log(1 - 1e-15)) / 4,
      9,
    );
  });

  it('Hanley–McNeil standard error shrinks with more leads', () => {
    // Prepare / Act
    const small = aucStandardError(0.8, 50, 50);
    const large = aucStandardError(0.8, 5000, 5000);
    // Assess
    expect(small).toBeGreaterThan(0.04);
    expect(small).toBeLessThan(0.05);
    expect(large).toBeLessThan(small / 5);
  });

  it('calibration table: deciles that keep equal scores together and add up to every lead', () => {
    // Prepare
    const scores = Array.from({ length: 100 }, (_, i) => Math.floor(i / 4));
    const probs = scores.map((s) => s / 25);
    const y = scores.map((s, i) => (i % 25 < s ? 1 : 0));
    // Act
    const table = calibrationTable(scores, probs, y);
    // Assess
    expect(table.reduce((s, b) => s + b.leads, 0)).toBe(100);
    for (let i = 1; i < table.length; i++) expect(table[i]!.scoreMin).toBeGreaterThan(table[i - 1]!.scoreMax);
    expect(table[0]!.observed).toBeLessThan(table.at(-1)!.observed);
  });

  it('quantiles interpolate', () => {
    // Prepare / Act / Assess
    expect(quantileSorted([1, 2, 3, 4], 0.5)).toBe(2.5);
    expect(quantileSorted([1, 2, 3, 4], 1)).toBe(4);
  });
});
