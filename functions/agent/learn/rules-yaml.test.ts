import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { shippedRules } from '../../platform/shipped-rules';
import { loadRules, parseRules } from '../score/rules';
import { flowCondition, renderRulesYaml, yamlScalar } from './rules-yaml';

const DEFAULT_RULES = shippedRules().file;

describe('renderRulesYaml', () => {
  it('writes the shipped rules so that loadRules reads back the same rules', () => {
    // Prepare / Act
    const text = renderRulesYaml(DEFAULT_RULES, { header: ['A header line'] });
    // Assess
    expect(loadRules(text)).toEqual(DEFAULT_RULES);
    expect(text).toContain('# A header line');
  });

  it('round-trips any reason text and string value (fuzz)', () => {
    // Prepare
    const text = fc.string({ minLength: 1, maxLength: 30 }).filter((s) => s.trim().length > 0);
    // Act / Assess
    fc.assert(
      fc.property(text, text, fc.boolean(), (reason, value, negative) => {
        const file = parseRules({
          version: 'v',
          axes: { fit: { cap: null }, intent: { cap: 5 }, engagement: { cap: null } },
          tiers: { cold: [0, 9], warm: [10, 19], hot: [20, null] },
          quadrant: { intentHigh: 1, engagementHigh: 2 },
          customFacts: { src: { kind: 'string', from: [value, 'utm.source'], label: reason } },
          rules: [
            {
              id: 'r-1',
              axis: 'fit',
              points: negative ? -3 : 3,
              reason,
              reasonNl: reason,
              when: {
                all: [
                  { fact: 'custom.src', equals: value },
                  { not: { fact: 'custom.src', in: [value, 'x'] } },
                ],
              },
            },
          ],
        });
        expect(loadRules(renderRulesYaml(file, { beforeRule: new Map([['r-1', [reason]]]) }))).toEqual(file);
      }),
      { numRuns: 200 },
    );
  });

  it('quotes what YAML would misread', () => {
    // Prepare / Act / Assess
    expect(['Google', 'yes', '15', 'a: b', 'x #y', 'Null', ' lead'].map(yamlScalar)).toEqual([
      'Google',
      '"yes"',
      '"15"',
      '"a: b"',
      '"x #y"',
      '"Null"',
      '" lead"',
    ]);
    expect(flowCondition({ fact: 'employees', between: [10, null] })).toBe(
      '{ fact: employees, between: [10, null] }',
    );
  });
});
