import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { rulesFrom, shippedRules } from '../../platform/shipped-rules';
import { rulesJsonSchema } from './json-schema';
import { loadRules, RulesValidationError } from './rules';

const DEFAULT_RULES = shippedRules().file;

const HEADER = `version: t
axes: { fit: { cap: 50 }, intent: { cap: 40 }, engagement: { cap: 50 } }
tiers: { cold: [0, 30], warm: [31, 70], hot: [71, null] }
quadrant: { intentHigh: 15, engagementHigh: 25 }
rules:
  - { id: a, axis: fit, points: 1, reason: r, when: { fact: employees, gte: 1 } }
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

describe('loadRules validation messages', () => {
  it('names the rule index, id and field', () => {
    // Prepare
    const yaml = `${HEADER}  - { id: office-hours, axis: engagement, points: 5, reason: r, when: { fact: messageLength, between: [1] } }\n`;
    // Act
    const issues = issuesOf(yaml);
    // Assess
    expect(issues).toEqual([
      'rules[1] (office-hours).when.between: expected two numbers [min, max] (null for open)',
    ]);
  });

  it.each([
    ['{ fact: nope, isTrue: true }', 'rules[1] (b).when.fact: unknown fact "nope"'],
    [
      '{ fact: freeMail, gte: 3 }',
      'rules[1] (b).when.gte: fact freeMail is a boolean, gte needs a number fact',
    ],
    ['{ fact: employees, between: [9, 3] }', 'rules[1] (b).when.between: min 9 is greater than max 3'],
    ['{ fact: employees }', 'rules[1] (b).when: expected exactly one operator'],
    ['{ fact: hasCrm, isTrue: true, isFalse: true }', 'found isTrue, isFalse'],
    ['{ all: [{ fact: crm, contains: 3 }] }', 'rules[1] (b).when.all[0].contains: expected a string'],
    ['{ fact: industry, in: [saas, 3] }', 'rules[1] (b).when.in: expected string values for fact industry'],
    ['{ not: { fact: employees, gte: 1 }, fact: employees }', 'use exactly one of all/any/not'],
  ])('rejects when %s', (when, message) => {
    // Prepare
    const yaml = `${HEADER}  - { id: b, axis: intent, points: 1, reason: r, when: ${when} }\n`;
    // Act
    const issues = issuesOf(yaml);
    // Assess
    expect(issues.join('\n')).toContain(message);
  });

  it('rejects bad points, unknown fields, bad decay and broken tiers', () => {
    // Prepare
    const yaml = `${HEADER.replace('[31, 70]', '[35, 70]')}  - { id: a, axis: fit, points: 2.5, reason: r, when: { fact: hasCrm, isTrue: true }, colour: red }
  - { id: c, axis: fit, points: 2, reason: r, when: { fact: hiring, isTrue: true }, decay: { halfLifeDays: 3 } }
  - { id: d, axis: intent, points: 2, reason: r, when: { fact: hasCrm, isTrue: true }, decay: { halfLifeDays: 3 } }
  - { id: e, axis: intent, points: 2, reason: r, when: { fact: hiring, isTrue: true }, decay: { afterDays: 3 } }
`;
    // Act
    const issues = issuesOf(yaml);
    // Assess
    expect(issues).toEqual(
      expect.arrayContaining([
        'rules[1] (a).points: expected a whole number (may be negative)',
        'rules[1] (a): unknown field(s): colour',
        'rules[2] (c).decay: fit rules do not decay',
        'rules[3] (d).decay.ageFact: cannot infer which age to decay by from the condition; set ageFact',
        'rules[4] (e).decay.factor: afterDays and factor go together',
        'tiers.warm: warm must start right after cold ends',
      ]),
    );
  });

  it('rejects duplicate rule ids, naming both places', () => {
    // Prepare
    const yaml = `${HEADER}  - { id: a, axis: fit, points: 2, reason: r, when: { fact: hasCrm, isTrue: true } }\n`;
    // Act
    const issues = issuesOf(yaml);
    // Assess
    expect(issues).toEqual(['rules[1] (a).id: duplicate id (also rules[0])']);
  });

  it('reports YAML syntax errors clearly', () => {
    // Prepare / Act
    const issues = issuesOf('version: [unclosed');
    // Assess
    expect(issues[0]).toMatch(/^YAML: /);
  });

  it('fills in default settings when the file omits them', () => {
    // Prepare / Act
    const rules = loadRules(HEADER);
    // Assess
    expect(rules.settings.timeZone).toBe('Europe/Amsterdam');
    expect(rules.settings.officeHours).toEqual({ days: [1, 2, 3, 4, 5], start: '09:00', end: '17:30' });
  });
});

describe('the shipped config/scoring-rules.yaml', () => {
  it('loads, and contains the example rules with their points', () => {
    // Prepare
    const byId = new Map(DEFAULT_RULES.rules.map((r) => [r.id, r]));
    // Act
    const seed = [
      'employees-10-200',
      'industry-target',
      'country-nl-be',
      'uses-crm',
      'office-hours',
      'free-mail',
    ].map((id) => [id, byId.get(id)?.axis, byId.get(id)?.points]);
    // Assess
    expect(seed).toEqual([
      ['employees-10-200', 'fit', 20],
      ['industry-target', 'fit', 15],
      ['country-nl-be', 'fit', 10],
      ['uses-crm', 'fit', 10],
      ['office-hours', 'engagement', 5],
      ['free-mail', 'fit', -15],
    ]);
    expect(DEFAULT_RULES.tiers).toEqual({ cold: [0, 30], warm: [31, 70], hot: [71, null] });
  });

  it('points its editor at the schema, and the schema file is up to date with RulesFileSchema', () => {
    // Prepare
    const yamlText = readFileSync(new URL('../../../config/scoring-rules.yaml', import.meta.url), 'utf8');
    const schemaFile = new URL('../../../config/scoring-rules.schema.json', import.meta.url);
    // Act
    const onDisk = JSON.parse(readFileSync(schemaFile, 'utf8'));
    // Assess
    expect(yamlText.split('\n')[0]).toBe('# yaml-language-server: $schema=./scoring-rules.schema.json');
    expect(onDisk, 'run: npx tsx scripts/generate-rules-schema.ts').toEqual(rulesJsonSchema());
  });

  it('honours RULES_FILE and complains when it points nowhere', () => {
    // Prepare
    const own = join(mkdtempSync(join(tmpdir(), 'rules-')), 'rules.yaml');
    const text = readFileSync(new URL('../../../config/scoring-rules.yaml', import.meta.url), 'utf8');
    writeFileSync(own, text.replace(/^version: .*$/m, 'version: own-rules'));
    // Act
    const replaced = rulesFrom(() => ({ RULES_FILE: own }))();
    const missing = () => rulesFrom(() => ({ RULES_FILE: '/nonexistent/rules.yaml' }))();
    // Assess
    expect(replaced.file.version).toBe('own-rules');
    expect(missing).toThrow(/RULES_FILE/);
  });
});
