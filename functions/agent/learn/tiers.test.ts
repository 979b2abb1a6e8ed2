import { describe, expect, it } from 'vitest';
import { seededRng } from './random';
import { proposeTiers, tierStats, wilson } from './tiers';

describe('tierStats', () => {
  it('counts leads, success per tier, the qualification→meeting ratio and false negatives', () => {
    // Prepare
    const tiers = ['cold', 'cold', 'cold', 'cold', 'warm', 'warm', 'hot', 'hot'] as const;
    const scores = [5, 10, 12, 20, 40, 50, 80, 90];
    const y = [0, 0, 1, 0, 1, 0, 1, 1];
    // Act
    const s = tierStats([...tiers], scores, y);
    // Assess
    expect(s.tiers.cold).toMatchObject({
      leads: 4,
      positives: 1,
      positiveRate: 0.25,
      minScore: 5,
      maxScore: 20,
    });
    expect(s.tiers.hot).toMatchObject({ leads: 2, positives: 2, positiveRate: 1 });
    expect(s.qualification).toMatchObject({ qualified: 4, positives: 3, ratio: 0.75, alarm: false });
    expect(s.falseNegatives).toMatchObject({
      notQualified: 4,
      positives: 1,
      rate: 0.25,
      missedShare: 0.25,
      alarm: true,
    });
  });

  it('raises the qualification alarm under 40 %', () => {
    // Prepare / Act
    const s = tierStats(['warm', 'warm', 'warm'], [40, 40, 40], [1, 0, 0], 'warm');
    // Assess
    expect(s.qualification.alarm).toBe(true);
  });
});

describe('proposeTiers', () => {
  it('meets the targets on a score that separates well, with margin for the next leads', () => {
    // Prepare: chance of success rises with the score (0…100)
    const rng = seededRng(2);
    const scores: number[] = [];
    const y: number[] = [];
    for (let i = 0; i < 20_000; i++) {
      const s = Math.floor(rng() * 101);
      scores.push(s);
      y.push(rng() < 1 / (1 + Math.exp(-(s - 60) / 8)) ? 1 : 0);
    }
    // Act
    const { tiers, notes } = proposeTiers(scores, y);
    // Assess: cold converts at ≤ 10 %, qualified at ≥ 40 %, hot from a 60 % chance (score ≈ 63)
    const warm = tiers.warm[0];
    const cold = scores.map((s, i) => [s, y[i]!] as const).filter(([s]) => s < warm);
    const coldRate = cold.reduce((a, [, v]) => a + v, 0) / cold.length;
    expect(coldRate).toBeLessThanOrEqual(0.1);
    expect(tiers.cold[0]).toBe(0);
    expect(tiers.warm[0]).toBe(tiers.cold[1]! + 1);
    expect(tiers.hot[0]).toBe(tiers.warm[1]! + 1);
    expect(tiers.hot[0]).toBeGreaterThanOrEqual(60);
    expect(tiers.hot[0]).toBeLessThanOrEqual(67);
    expect(notes.join('\n')).toMatch(/warm starts at \d+/);
  });

  it('says so when no threshold meets both targets, and still returns valid tiers', () => {
    // Prepare: a weak score with a 5 % base rate
    const rng = seededRng(4);
    const scores = Array.from({ length: 5000 }, () => Math.floor(rng() * 50));
    const y = scores.map((s) => (rng() < 0.03 + s / 1000 ? 1 : 0));
    // Act
    const { tiers, notes } = proposeTiers(scores, y);
    // Assess
    expect(notes.join('\n')).toMatch(/no threshold meets both targets/);
    expect(notes.join('\n')).toMatch(/no score reaches a 60\.0 % chance/);
    expect(tiers.warm[0]).toBeGreaterThan(0);
    expect(tiers.hot[0]).toBeGreaterThan(tiers.warm[0]);
  });

  it('Wilson bounds bracket the rate and narrow with more leads', () => {
    // Prepare / Act / Assess
    expect(wilson(10, 100, -1)).toBeLessThan(0.1);
    expect(wilson(10, 100, 1)).toBeGreaterThan(0.1);
    expect(wilson(1000, 10_000, 1) - wilson(1000, 10_000, -1)).toBeLessThan(
      wilson(10, 100, 1) - wilson(10, 100, -1),
    );
  });
});
