import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { makeEnrichment, makeFacts, makeLead } from '../testing/score-fixtures';
import {
  customFactsFromLead,
  isPlaceholder,
  parseCustomValue,
  parseNumberText,
  readCustomFacts,
} from './custom-facts';
import { compileRules, firedRuleIds, scoreLead } from './engine';
import { deriveFacts } from './facts';
import { loadRules, RulesValidationError } from './rules';

const HEADER = `version: t
axes: { fit: { cap: null }, intent: { cap: null }, engagement: { cap: null } }
tiers: { cold: [0, 30], warm: [31, 70], hot: [71, null] }
quadrant: { intentHigh: 15, engagementHigh: 25 }
customFacts:
  leadSource: { kind: string, from: [utm.source, "Lead Source"], label: Lead Source }
  timeOnSite: { kind: number, from: ["Time on site"] }
  doNotEmail: { kind: boolean, from: ["Do Not Email"] }
rules:
`;

function issuesOf(yaml: string): string[] {
  try {
    loadRules(yaml);
  } catch (err) {
    expect(err).toBeInstanceOf(RulesValidationError);
    return (err as RulesValidationError).issues;
  }
  throw new Error('expected the rules to be rejected');
}

describe('customFacts in the rules file', () => {
  it.each([
    [
      '{ fact: custom.leadsource, equals: Google }',
      'rules[0] (r).when.fact: custom fact "leadsource" is not declared under customFacts (declared: leadSource, timeOnSite, doNotEmail)',
    ],
    [
      '{ all: [{ fact: custom.leadSource, gte: 3 }] }',
      'rules[0] (r).when.all[0].gte: fact custom.leadSource is a string, gte needs a number fact',
    ],
    [
      '{ fact: custom.timeOnSite, equals: "long" }',
      'rules[0] (r).when.equals: expected a number for fact custom.timeOnSite',
    ],
    [
      '{ not: { fact: custom.doNotEmail, in: [yes] } }',
      'rules[0] (r).when.not.in: expected boolean values for fact custom.doNotEmail',
    ],
    ['{ fact: leadSource, equals: Google }', 'rules[0] (r).when.fact: unknown fact "leadSource"'],
  ])('rejects %s naming the rule and field', (when, message) => {
    // Prepare
    const yaml = `${HEADER}  - { id: r, axis: fit, points: 1, reason: r, when: ${when} }\n`;
    // Act
    const issues = issuesOf(yaml);
    // Assess
    expect(issues.join('\n')).toContain(message);
  });

  it('rejects a bad declaration, naming the fact and field', () => {
    // Prepare
    const yaml = `${HEADER.replace('kind: number', 'kind: date').replace('from: ["Do Not Email"]', 'from: []')}  - { id: r, axis: fit, points: 1, reason: r, when: { fact: hasCrm, isTrue: true } }\n`;
    const badName = `${HEADER.replace('leadSource:', '"lead source":')}  - { id: r, axis: fit, points: 1, reason: r, when: { fact: hasCrm, isTrue: true } }\n`;
    // Act
    const issues = [...issuesOf(yaml), ...issuesOf(badName)];
    // Assess
    expect(issues).toEqual(
      expect.arrayContaining([
        'customFacts.timeOnSite.kind: expected string, number or boolean',
        expect.stringMatching(/^customFacts\.doNotEmail\.from: expected at least one source/),
        expect.stringMatching(/^customFacts\.lead source: expected a name that starts with a letter/),
      ]),
    );
  });

  it('a rules file without customFacts parses to the same object as before (same rules version)', () => {
    // Prepare
    const yaml = HEADER.replace(/customFacts:[\s\S]*?rules:/, 'rules:');
    // Act
    const file = loadRules(
      `${yaml}  - { id: r, axis: fit, points: 1, reason: r, when: { fact: hasCrm, isTrue: true } }\n`,
    );
    // Assess
    expect(Object.keys(file)).not.toContain('customFacts');
  });
});

describe('scoring on custom facts', () => {
  const rules =
    loadRules(`${HEADER}  - { id: reference, axis: fit, points: 23, reason: Lead Source is Reference, when: { fact: custom.leadSource, equals: Reference } }
  - { id: search, axis: fit, points: 7, reason: Lead Source is a search engine, when: { fact: custom.leadSource, in: [Google, Bing] } }
  - { id: no-source, axis: fit, points: -4, reason: Lead Source unknown, when: { fact: custom.leadSource, exists: false } }
  - { id: long-visit, axis: engagement, points: 12, reason: Over 10 minutes on site, when: { fact: custom.timeOnSite, gt: 600 } }
  - { id: mid-visit, axis: engagement, points: 5, reason: 2-10 minutes on site, when: { fact: custom.timeOnSite, between: [120, 600] } }
  - { id: do-not-email, axis: engagement, points: -10, reason: Asked not to be emailed, when: { fact: custom.doNotEmail, isTrue: true } }
`);

  it.each([
    [{ leadSource: 'reference', timeOnSite: 601, doNotEmail: false }, ['reference', 'long-visit']],
    [{ leadSource: 'GOOGLE', timeOnSite: 120, doNotEmail: true }, ['search', 'mid-visit', 'do-not-email']],
    [{ leadSource: null, timeOnSite: null, doNotEmail: null }, ['no-source']],
    [{}, ['no-source']],
  ])('custom values %j fire %j', (custom, expected) => {
    // Prepare
    const facts = { ...makeFacts(), custom };
    // Act
    const fired = firedRuleIds(rules, facts);
    // Assess
    expect(fired).toEqual(expected);
  });

  it('shows the custom value in the ledger and sums points like any rule', () => {
    // Prepare
    const facts = { ...makeFacts(), custom: { leadSource: 'Reference', timeOnSite: 900, doNotEmail: true } };
    // Act
    const score = scoreLead(facts, compileRules(rules), new Date('2025-03-01T00:00:00Z'));
    // Assess
    expect(score.total).toBe(23 + 12 - 10);
    expect(score.ledger.find((e) => e.ruleId === 'reference')).toMatchObject({
      fired: true,
      awarded: 23,
      observed: 'Reference',
    });
  });

  it('deriveFacts reads UTM values, form fields by label and ignores placeholders', () => {
    // Prepare
    const lead = makeLead({
      utm: { source: '  Reference ' },
      extra: { 'time on site?': '1.234,5', 'Do Not Email': 'Select', 'Lead Source': 'Google' },
    });
    // Act
    const facts = deriveFacts(
      lead,
      makeEnrichment(),
      new Date('2025-02-12T00:00:00Z'),
      undefined,
      rules.customFacts,
    );
    // Assess
    expect(facts.custom).toEqual({ leadSource: 'Reference', timeOnSite: 1234.5, doNotEmail: null });
    expect(firedRuleIds(rules, facts)).toEqual(['reference', 'long-visit']);
  });

  it('deriveFacts without declarations adds nothing', () => {
    // Prepare / Act
    const facts = deriveFacts(makeLead(), makeEnrichment(), new Date('2025-02-12T00:00:00Z'));
    // Assess
    expect(facts).not.toHaveProperty('custom');
  });

  it('falls back to the next source when the first is a placeholder', () => {
    // Prepare
    const lead = makeLead({ utm: { source: '(not set)' }, extra: { 'Lead Source': 'Bing' } });
    // Act
    const values = customFactsFromLead(lead, rules.customFacts!);
    // Assess
    expect(values.leadSource).toBe('Bing');
  });
});

describe('raw answers', () => {
  it.each([
    ['Select', true],
    ['-- Please select --', true],
    ['  ', true],
    ['n/a', true],
    ['NaN', true],
    ['Kies...', true],
    ['None', false],
    ['Selection committee', false],
    ['Unknown', false],
  ])('%j is a placeholder: %s', (raw, expected) => {
    // Prepare / Act / Assess
    expect(isPlaceholder(raw)).toBe(expected);
  });

  it.each([
    ['12', 12],
    ['-3.5', -3.5],
    ['1,5', 1.5],
    ['1.234,5', 1234.5],
    ['1,234.5', 1234.5],
    ['12 %', 12],
    ['€ 1.000,00', 1000],
    ['1e3', 1000],
    ['12 visits', null],
    ['', null],
    ['1.2.3', null],
  ])('number %j → %j', (raw, expected) => {
    // Prepare / Act / Assess
    expect(parseNumberText(raw)).toBe(expected);
  });

  it('never throws and always answers the declared kind or null (fuzz)', () => {
    // Prepare
    const kinds = fc.constantFrom('string' as const, 'number' as const, 'boolean' as const);
    // Act / Assess
    fc.assert(
      fc.property(fc.option(fc.string(), { nil: undefined }), kinds, (raw, kind) => {
        const v = parseCustomValue(raw, kind);
        expect(v === null || typeof v === kind).toBe(true);
        if (typeof v === 'number') expect(Number.isFinite(v)).toBe(true);
        if (typeof v === 'string') expect(v).toBe(v.trim());
      }),
    );
  });

  it('reads each declared fact from the first source with an answer', () => {
    // Prepare
    const record: Record<string, string> = { a: 'Select', b: 'yes' };
    // Act
    const values = readCustomFacts({ flag: { kind: 'boolean', from: ['a', 'b'] } }, (k) => record[k]);
    // Assess
    expect(values).toEqual({ flag: true });
  });
});
