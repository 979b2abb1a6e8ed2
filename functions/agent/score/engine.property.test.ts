import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { shippedRules } from '../../platform/shipped-rules';
import { factsArb } from '../testing/score-arbitraries';
import { makeEnrichment, makeLead } from '../testing/score-fixtures';
import { FLOOR_RULE_ID, scoreLead } from './engine';
import { deriveFacts, type Facts } from './facts';
import { parseRules, type RulesFile } from './rules';

const DEFAULT_RULES = shippedRules().file;

const NOW = new Date('2025-02-21T12:00:00Z');
const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);

/** The shipped rules with random points (including negatives) and random caps. */
const rulesArb: fc.Arbitrary<RulesFile> = fc
  .record({
    points: fc.array(fc.integer({ min: -40, max: 40 }), {
      minLength: DEFAULT_RULES.rules.length,
      maxLength: DEFAULT_RULES.rules.length,
    }),
    caps: fc.tuple(...[0, 1, 2].map(() => fc.option(fc.integer({ min: 1, max: 80 }), { nil: null }))),
  })
  .map(({ points, caps }) =>
    parseRules({
      ...structuredClone(DEFAULT_RULES),
      axes: { fit: { cap: caps[0] }, intent: { cap: caps[1] }, engagement: { cap: caps[2] } },
      rules: DEFAULT_RULES.rules.map((r, i) => ({ ...structuredClone(r), points: points[i]! })),
    }),
  );

/** A stronger version of one positive engagement signal: newer/more of it. */
const improvementArb = fc.oneof(
  fc.integer({ min: 0, max: 400 }).map(
    (a) =>
      (f: Facts): Facts => ({
        ...f,
        demoRequest: true,
        demoRequestAgeDays:
          f.demoRequest && f.demoRequestAgeDays === null ? null : Math.min(f.demoRequestAgeDays ?? a, a),
        lastActivityAgeDays: Math.min(f.lastActivityAgeDays, a),
      }),
  ),
  fc.integer({ min: 0, max: 400 }).map(
    (a) =>
      (f: Facts): Facts => ({
        ...f,
        pricingPageVisit: true,
        pricingPageVisitAgeDays:
          f.pricingPageVisit && f.pricingPageVisitAgeDays === null
            ? null
            : Math.min(f.pricingPageVisitAgeDays ?? a, a),
        lastActivityAgeDays: Math.min(f.lastActivityAgeDays, a),
      }),
  ),
  fc.integer({ min: 1, max: 10 }).map(
    (n) =>
      (f: Facts): Facts => ({ ...f, pageViews: f.pageViews + n }),
  ),
  fc.integer({ min: 0, max: 400 }).map(
    (a) =>
      (f: Facts): Facts => ({
        ...f,
        hiring: true,
        // an undated signal already counts in full (null age = not decayed)
        hiringAgeDays: f.hiring && f.hiringAgeDays === null ? null : Math.min(f.hiringAgeDays ?? a, a),
      }),
  ),
  fc.constant((f: Facts): Facts => ({ ...f, hasCrm: true })),
  fc.constant((f: Facts): Facts => ({ ...f, hasBudget: true })),
  fc.constant((f: Facts): Facts => ({ ...f, submittedInOfficeHours: true })),
);

describe('scoring properties', () => {
  it('(a) the ledger awarded points sum exactly to the total, and per axis to the axis score', () => {
    fc.assert(
      fc.property(factsArb, rulesArb, (facts, rules) => {
        // Prepare / Act
        const score = scoreLead(facts, rules, NOW);
        // Assess
        expect(sum(score.ledger.map((e) => e.awarded))).toBe(score.total);
        expect(score.total).toBeGreaterThanOrEqual(0);
        for (const axis of ['fit', 'intent', 'engagement'] as const) {
          const lines = score.ledger.filter((e) => e.axis === axis && e.ruleId !== FLOOR_RULE_ID);
          expect(sum(lines.map((e) => e.awarded))).toBe(score[axis]);
          const cap = rules.axes[axis].cap;
          if (cap !== null) expect(sum(lines.map((e) => Math.max(0, e.awarded)))).toBeLessThanOrEqual(cap);
        }
        for (const e of score.ledger)
          if (e.awarded !== e.points) expect(e.fired ? e.note : 'unfired').toBeTruthy();
      }),
      { numRuns: 300 },
    );
  });

  it('(b) a stronger positive signal never lowers the total (shipped rules)', () => {
    fc.assert(
      fc.property(factsArb, improvementArb, (facts, improve) => {
        // Prepare
        const before = scoreLead(facts, DEFAULT_RULES, NOW);
        // Act
        const after = scoreLead(improve(facts), DEFAULT_RULES, NOW);
        // Assess
        expect(after.total).toBeGreaterThanOrEqual(before.total);
      }),
      { numRuns: 500 },
    );
  });

  it('(b) adding a demo-request activity to a lead never lowers its total', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 300 }),
        fc.array(
          fc.record({
            type: fc.constantFrom(
              'page_view' as const,
              'download' as const,
              'email_click' as const,
              'demo_request' as const,
            ),
            daysAgo: fc.integer({ min: 0, max: 300 }),
          }),
          { maxLength: 6 },
        ),
        (daysAgo, history) => {
          // Prepare
          const at = (d: number) => new Date(NOW.getTime() - d * 86_400_000).toISOString();
          const lead = makeLead({
            submittedAt: at(200),
            activities: history.map((h) => ({ type: h.type, at: at(h.daysAgo) })),
          });
          const withDemo = {
            ...lead,
            activities: [...lead.activities, { type: 'demo_request' as const, at: at(daysAgo) }],
          };
          // Act
          const before = scoreLead(deriveFacts(lead, makeEnrichment(), NOW), DEFAULT_RULES, NOW);
          const after = scoreLead(deriveFacts(withDemo, makeEnrichment(), NOW), DEFAULT_RULES, NOW);
          // Assess
          expect(after.total).toBeGreaterThanOrEqual(before.total);
          expect(after.engagement).toBeGreaterThanOrEqual(before.engagement);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('(c) the same input gives the same output', () => {
    fc.assert(
      fc.property(factsArb, rulesArb, (facts, rules) => {
        // Prepare
        const first = scoreLead(facts, rules, NOW);
        // Act
        const again = scoreLead(
          structuredClone(facts),
          parseRules(structuredClone(rules)),
          new Date(NOW.getTime()),
        );
        // Assess
        expect(again).toEqual(first);
      }),
      { numRuns: 200 },
    );
  });

  it('(d) every rule appears exactly once in the ledger, in file order', () => {
    fc.assert(
      fc.property(factsArb, rulesArb, (facts, rules) => {
        // Prepare / Act
        const ids = scoreLead(facts, rules, NOW)
          .ledger.map((e) => e.ruleId)
          .filter((id) => id !== FLOOR_RULE_ID);
        // Assess
        expect(ids).toEqual(rules.rules.map((r) => r.id));
      }),
      { numRuns: 200 },
    );
  });
});
