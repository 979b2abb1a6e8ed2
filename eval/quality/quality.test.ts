import { describe, expect, it } from 'vitest';
import { DISPOSITIONS } from '../../functions/agent/judge/disposition';
import { scoreEnrichedLead } from '../../functions/agent/score';
import { makeEnrichment, makeLead } from '../../functions/agent/testing/score-fixtures';
import { shippedDispositions } from '../../functions/platform/shipped-dispositions';
import { shippedIntakeSettings } from '../../functions/platform/shipped-intake';
import { shippedRouting } from '../../functions/platform/shipped-routing';
import { shippedRules } from '../../functions/platform/shipped-rules';
import { INJECTION_CORPUS } from '../../local/injection-corpus';
import { agreement, evaluate, readCases } from './evaluate';

const NOW = new Date('2025-12-02T09:30:00Z');
/** Measured 2025-12 on the set as shipped; the set may only be changed together with these floors. */
const FLOORS = { tier: 0.9, disposition: 0.95, language: 0.95, route: 0.9 } as const;

describe('judgement quality on the labelled leads (eval/quality/leads.jsonl)', () => {
  it('covers what it claims: 40+ leads, NL and EN, every tier and every disposition', () => {
    // Prepare
    const cases = readCases();
    // Assess
    expect(cases.length).toBeGreaterThanOrEqual(40);
    expect(new Set(cases.map((c) => c.expect.language))).toEqual(new Set(['nl', 'en']));
    expect(new Set(cases.flatMap((c) => c.expect.tier))).toEqual(new Set(['cold', 'warm', 'hot']));
    expect(new Set(cases.map((c) => c.expect.disposition))).toEqual(new Set(DISPOSITIONS));
  });

  it('agrees with the labels at least as well as when the floors were set', async () => {
    // Act
    const results = await evaluate(readCases(), {
      intake: shippedIntakeSettings(),
      rules: shippedRules(),
      routing: shippedRouting(),
      dispositions: shippedDispositions(),
      now: NOW,
    });
    // Assess
    for (const [field, floor] of Object.entries(FLOORS))
      expect({ field, agreement: agreement(results, field as keyof typeof FLOORS) }).toEqual({
        field,
        agreement: expect.toSatisfy((value: number) => value >= floor),
      });
  });

  it('injected instructions create no budget, timeline or stage facts and never make a lead hot', () => {
    // Prepare
    const rules = shippedRules();
    const lead = (message: string) =>
      makeLead({
        person: { email: 'someone@example.org' },
        company: {},
        message,
        formType: 'contact',
        submittedAt: NOW.toISOString(),
        activities: [{ type: 'form_submission', at: NOW.toISOString() }],
      });
    for (const injection of INJECTION_CORPUS) {
      // Act
      const score = scoreEnrichedLead(
        lead(injection.text),
        makeEnrichment({ geo: { country: null, sources: [] } }),
        rules,
        NOW,
      );
      // Assess
      const fired = score.ledger.filter((entry) => entry.fired).map((entry) => entry.ruleId);
      expect({ id: injection.id, fired }).toEqual({
        id: injection.id,
        fired: expect.not.arrayContaining([
          'budget-approved',
          'budget-and-near-timeline',
          'buying-stage',
          'bant-budget',
        ]),
      });
      expect({ id: injection.id, tier: score.tier }).not.toEqual({ id: injection.id, tier: 'hot' });
    }
  });
});
