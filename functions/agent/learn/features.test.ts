import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compileRules } from '../score/engine';
import { parseRules } from '../score/rules';
import { makeFacts } from '../testing/score-fixtures';
import { buildFeature, chiSquare95, type Feature, type FeatureSpec } from './features';
import { seededRng } from './random';

const numberSpec: FeatureSpec = { fact: 'custom.visits', label: 'Visits', kind: 'number', ignoreCase: false };
const stringSpec: FeatureSpec = {
  fact: 'custom.source',
  label: 'Lead Source',
  kind: 'string',
  ignoreCase: true,
};

/** Which level of a feature fires for a value, by the scoring engine itself. */
function levelsFiring(f: Feature, value: unknown): string[] {
  const name = f.spec.fact.slice('custom.'.length);
  const file = parseRules({
    version: 't',
    axes: { fit: { cap: null }, intent: { cap: null }, engagement: { cap: null } },
    tiers: { cold: [0, 30], warm: [31, 70], hot: [71, null] },
    quadrant: { intentHigh: 1, engagementHigh: 1 },
    customFacts: { [name]: { kind: f.spec.kind, from: ['x'] } },
    rules: f.levels.map((l, k) => ({ id: `l${k}`, axis: 'fit', points: 1, reason: l.reason, when: l.when })),
  });
  const facts = { ...makeFacts(), custom: { [name]: value as string | number | boolean | null } };
  return compileRules(file)
    .rules.filter((r) => r.test(facts))
    .map((r) => f.levels[Number(r.rule.id.slice(1))]!.slug);
}

describe('numeric levels', () => {
  it('cuts at quantiles, merges neighbours that do not differ, keeps missing apart, names bins in words', () => {
    // Prepare: success jumps at 5 visits; 10 % unknown
    const rng = seededRng(3);
    const values: (number | null)[] = [];
    const y: number[] = [];
    for (let i = 0; i < 5000; i++) {
      const v = rng() < 0.1 ? null : Math.floor(rng() * 12);
      values.push(v);
      y.push(rng() < (v === null ? 0.2 : v >= 5 ? 0.6 : 0.1) ? 1 : 0);
    }
    // Act
    const f = buildFeature(numberSpec, values, y);
    // Assess
    expect(f.levels.map((l) => l.reason)).toEqual(['Visits at most 4', 'Visits 5 or more', 'Visits unknown']);
    expect(f.levels.map((l) => l.reasonNl)).toEqual([
      'Visits hoogstens 4',
      'Visits 5 of meer',
      'Visits onbekend',
    ]);
    expect(f.levels.reduce((s, l) => s + l.leads, 0)).toBe(5000);
    expect(levelsFiring(f, 4)).toEqual(['max-4']);
    expect(levelsFiring(f, 4.5)).toEqual(['over-4']);
    expect(levelsFiring(f, null)).toEqual(['missing']);
  });

  it('keeps bins apart when their rates differ, merging only small bins', () => {
    // Prepare: three clearly different bands, one tiny group of huge values
    const values: number[] = [];
    const y: number[] = [];
    const rng = seededRng(9);
    for (let i = 0; i < 6000; i++) {
      const v = i < 10 ? 10_000 + i : rng() * 300;
      values.push(v);
      y.push(rng() < (v < 100 ? 0.1 : v < 200 ? 0.5 : 0.2) ? 1 : 0);
    }
    // Act
    const f = buildFeature(numberSpec, values, y);
    // Assess: the 10 huge values never get a level of their own; the three bands stay distinct
    expect(f.levels.length).toBeGreaterThanOrEqual(3);
    expect(f.levels.every((l) => l.leads >= 60)).toBe(true);
    const rates = f.levels.map((l) => l.positives / l.leads);
    expect(Math.max(...rates) - Math.min(...rates)).toBeGreaterThan(0.3);
  });

  it('every number lands in exactly one level (fuzz, engine-evaluated)', () => {
    // Prepare
    const data = fc.array(
      fc.tuple(fc.option(fc.double({ min: -1e6, max: 1e6, noNaN: true }), { nil: null }), fc.boolean()),
      {
        minLength: 30,
        maxLength: 300,
      },
    );
    // Act / Assess
    fc.assert(
      fc.property(
        data,
        fc.option(fc.double({ min: -2e6, max: 2e6, noNaN: true }), { nil: null }),
        (rows, probe) => {
          const f = buildFeature(
            numberSpec,
            rows.map(([v]) => v),
            rows.map(([, b]) => (b ? 1 : 0)),
            { minLevelLeads: 5 },
          );
          const hasMissing = f.levels.some((l) => l.slug === 'missing');
          const fired = levelsFiring(f, probe);
          expect(fired.length).toBe(probe === null && !hasMissing ? 0 : 1);
        },
      ),
      { numRuns: 40 },
    );
  });

  it('chi-square 95 % points are close to the table values', () => {
    // Prepare / Act / Assess
    expect(chiSquare95(1)).toBeCloseTo(3.84, 1);
    expect(chiSquare95(5)).toBeCloseTo(11.07, 1);
    expect(chiSquare95(20)).toBeCloseTo(31.41, 1);
    expect(chiSquare95(40)).toBeCloseTo(55.76, 1);
  });
});

describe('string and yes/no levels', () => {
  it('groups rare values as another value, ignores case for custom facts, keeps missing as a level', () => {
    // Prepare
    const values = [
      ...Array(300).fill('Google'),
      ...Array(20).fill('google'),
      ...Array(200).fill('Referral'),
      ...Array(5).fill('Podcast'),
      ...Array(4).fill('Fair'),
      ...Array(50).fill(null),
    ];
    const y = values.map((_, i) => (i % 3 === 0 ? 1 : 0));
    // Act
    const f = buildFeature(stringSpec, values, y);
    // Assess
    expect(f.levels.map((l) => [l.reason, l.leads])).toEqual([
      ['Lead Source is Google', 320],
      ['Lead Source is Referral', 200],
      ['Lead Source is another value', 9],
      ['Lead Source unknown', 50],
    ]);
    expect(levelsFiring(f, 'GOOGLE')).toEqual(['google']);
    expect(levelsFiring(f, 'Fair')).toEqual(['other']);
    expect(levelsFiring(f, 'Never seen before')).toEqual(['other']);
    expect(levelsFiring(f, null)).toEqual(['missing']);
  });

  it('yes/no facts get yes, no and unknown', () => {
    // Prepare
    const spec: FeatureSpec = { fact: 'custom.demo', label: 'Demo', kind: 'boolean', ignoreCase: false };
    // Act
    const f = buildFeature(spec, [true, false, null, true], [1, 0, 0, 1]);
    // Assess
    expect(f.levels.map((l) => l.reason)).toEqual(['Demo: yes', 'Demo: no', 'Demo unknown']);
    expect(levelsFiring(f, false)).toEqual(['no']);
  });
});
