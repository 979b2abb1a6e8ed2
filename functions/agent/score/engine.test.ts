import { describe, expect, it } from 'vitest';
import { shippedRules } from '../../platform/shipped-rules';
import { ScoreSchema } from '../qualification';
import { makeEnrichment, makeFacts, makeLead } from '../testing/score-fixtures';
import { compileRules, FLOOR_RULE_ID, firedRuleIds, quadrantOf, scoreLead } from './engine';
import { deriveFacts, type Facts } from './facts';
import { type Condition, parseRules, type RulesFile } from './rules';

const DEFAULT_RULES = shippedRules().file;

const NOW = new Date('2025-02-21T12:00:00Z');

/** A rules file around the given rules, with generous caps unless told otherwise. */
function file(rules: unknown[], extra: Record<string, unknown> = {}): RulesFile {
  return parseRules({
    version: 'test',
    axes: { fit: { cap: null }, intent: { cap: null }, engagement: { cap: null } },
    tiers: { cold: [0, 30], warm: [31, 70], hot: [71, null] },
    quadrant: { intentHigh: 15, engagementHigh: 25 },
    rules,
    ...extra,
  });
}

function fires(when: Condition, facts: Facts): boolean {
  return firedRuleIds(file([{ id: 'r', axis: 'fit', points: 1, reason: 'r', when }]), facts).length === 1;
}

describe('operators', () => {
  it.each<[string, Condition, Partial<Facts>, boolean]>([
    ['equals match', { fact: 'formType', equals: 'pricing' }, { formType: 'pricing' }, true],
    ['equals miss', { fact: 'formType', equals: 'pricing' }, { formType: 'contact' }, false],
    ['in match', { fact: 'country', in: ['NL', 'BE'] }, { country: 'BE' }, true],
    ['in on null', { fact: 'country', in: ['NL', 'BE'] }, { country: null }, false],
    ['between inclusive low', { fact: 'employees', between: [10, 200] }, { employees: 10 }, true],
    ['between inclusive high', { fact: 'employees', between: [10, 200] }, { employees: 200 }, true],
    ['between outside', { fact: 'employees', between: [10, 200] }, { employees: 201 }, false],
    ['between open max', { fact: 'employees', between: [10, null] }, { employees: 5000 }, true],
    ['between on null', { fact: 'employees', between: [null, 200] }, { employees: null }, false],
    ['gte', { fact: 'pageViews', gte: 3 }, { pageViews: 3 }, true],
    ['gt', { fact: 'pageViews', gt: 3 }, { pageViews: 3 }, false],
    ['lte', { fact: 'timelineMonths', lte: 3 }, { timelineMonths: 3 }, true],
    ['lt', { fact: 'timelineMonths', lt: 3 }, { timelineMonths: 3 }, false],
    ['lte on null', { fact: 'timelineMonths', lte: 3 }, { timelineMonths: null }, false],
    ['isTrue', { fact: 'hasCrm', isTrue: true }, { hasCrm: true }, true],
    ['isTrue on false', { fact: 'hasCrm', isTrue: true }, { hasCrm: false }, false],
    ['isFalse', { fact: 'marketingOptIn', isFalse: true }, { marketingOptIn: false }, true],
    ['isFalse on null', { fact: 'emailMx', isFalse: true }, { emailMx: null }, false],
    ['exists', { fact: 'employees', exists: true }, { employees: 0 }, true],
    ['exists false', { fact: 'employees', exists: false }, { employees: null }, true],
    ['contains', { fact: 'crm', contains: 'hubspot' }, { crm: ['hubspot', 'pipedrive'] }, true],
    ['contains miss', { fact: 'crm', contains: 'salesforce' }, { crm: ['hubspot'] }, false],
    [
      'all',
      {
        all: [
          { fact: 'hasCrm', isTrue: true },
          { fact: 'country', equals: 'NL' },
        ],
      },
      { hasCrm: true, country: 'BE' },
      false,
    ],
    [
      'any',
      {
        any: [
          { fact: 'hasCrm', isTrue: true },
          { fact: 'country', equals: 'NL' },
        ],
      },
      { hasCrm: false, country: 'NL' },
      true,
    ],
    ['not', { not: { fact: 'country', in: ['NL', 'BE'] } }, { country: 'DE' }, true],
  ])('%s', (_name, when, overrides, expected) => {
    // Prepare
    const facts = makeFacts(overrides);
    // Act
    const result = fires(when, facts);
    // Assess
    expect(result).toBe(expected);
  });
});

describe('decay', () => {
  const rules = file([
    {
      id: 'demo',
      axis: 'engagement',
      points: 40,
      reason: 'Demo',
      when: { fact: 'demoRequest', isTrue: true },
      decay: { halfLifeDays: 30 },
    },
    {
      id: 'click',
      axis: 'engagement',
      points: 10,
      reason: 'Click',
      when: { fact: 'emailClick', isTrue: true },
      decay: { afterDays: 30, factor: 0.5 },
    },
  ]);

  it('halves the points every half-life and says so in the ledger', () => {
    // Prepare
    const facts = makeFacts({ demoRequest: true, demoRequestAgeDays: 30 });
    // Act
    const score = scoreLead(facts, rules, NOW);
    // Assess
    const demo = score.ledger.find((e) => e.ruleId === 'demo')!;
    expect(demo).toMatchObject({
      fired: true,
      points: 40,
      awarded: 20,
      observed: true,
      note: 'decayed 50% (30 days old)',
    });
    expect(score.engagement).toBe(20);
  });

  it('gives full points to a fresh activity and none to a very old one', () => {
    // Prepare
    const fresh = makeFacts({ demoRequest: true, demoRequestAgeDays: 0 });
    const ancient = makeFacts({ demoRequest: true, demoRequestAgeDays: 400 });
    // Act
    const a = scoreLead(fresh, rules, NOW);
    const b = scoreLead(ancient, rules, NOW);
    // Assess
    expect(a.engagement).toBe(40);
    expect(a.ledger[0]!.note).toBeUndefined();
    expect(b.engagement).toBe(0);
  });

  it('steps down once older than afterDays', () => {
    // Prepare
    const day30 = makeFacts({ emailClick: true, emailClickAgeDays: 30 });
    const day31 = makeFacts({ emailClick: true, emailClickAgeDays: 31 });
    // Act / Assess
    expect(scoreLead(day30, rules, NOW).engagement).toBe(10);
    expect(scoreLead(day31, rules, NOW).engagement).toBe(5);
  });
});

describe('axis caps', () => {
  it('caps the positive points per axis in file order; negatives still count', () => {
    // Prepare
    const rules = file(
      [
        { id: 'size', axis: 'fit', points: 20, reason: 'Size', when: { fact: 'employees', gte: 10 } },
        { id: 'crm', axis: 'fit', points: 20, reason: 'CRM', when: { fact: 'hasCrm', isTrue: true } },
        { id: 'nl', axis: 'fit', points: 10, reason: 'NL', when: { fact: 'country', equals: 'NL' } },
        {
          id: 'free',
          axis: 'fit',
          points: -15,
          reason: 'Free mail',
          when: { fact: 'freeMail', isTrue: true },
        },
      ],
      { axes: { fit: { cap: 30 }, intent: { cap: null }, engagement: { cap: null } } },
    );
    const facts = makeFacts({ employees: 50, hasCrm: true, country: 'NL', freeMail: true });
    // Act
    const score = scoreLead(facts, rules, NOW);
    // Assess
    expect(score.ledger.map((e) => [e.ruleId, e.awarded, e.note])).toEqual([
      ['size', 20, undefined],
      ['crm', 10, 'axis cap 30 reached'],
      ['nl', 0, 'axis cap 30 reached'],
      ['free', -15, undefined],
    ]);
    expect(score.fit).toBe(15);
  });
});

describe('total, floor, tiers and quadrant', () => {
  const rules = file([
    { id: 'size', axis: 'fit', points: 31, reason: 'Size', when: { fact: 'employees', gte: 10 } },
    { id: 'hot', axis: 'intent', points: 40, reason: 'Funding', when: { fact: 'funding', isTrue: true } },
    {
      id: 'demo',
      axis: 'engagement',
      points: 30,
      reason: 'Demo',
      when: { fact: 'demoRequest', isTrue: true },
    },
    {
      id: 'disposable',
      axis: 'fit',
      points: -30,
      reason: 'Disposable',
      when: { fact: 'disposableEmail', isTrue: true },
    },
  ]);

  it.each<[Partial<Facts>, string, number]>([
    [{}, 'cold', 0],
    [{ employees: 20 }, 'warm', 31],
    [{ employees: 20, funding: true }, 'hot', 71],
  ])('tiers %o as %s', (overrides, tier, total) => {
    // Prepare / Act
    const score = scoreLead(makeFacts(overrides), rules, NOW);
    // Assess
    expect([score.tier, score.total]).toEqual([tier, total]);
  });

  it('floors the total at 0 with a ledger line so the ledger still sums to the total', () => {
    // Prepare
    const facts = makeFacts({ disposableEmail: true });
    // Act
    const score = scoreLead(facts, rules, NOW);
    // Assess
    expect(score.fit).toBe(-30);
    expect(score.total).toBe(0);
    const floor = score.ledger.at(-1)!;
    expect(floor).toMatchObject({ ruleId: FLOOR_RULE_ID, axis: 'fit', awarded: 30 });
    expect(score.ledger.reduce((s, e) => s + e.awarded, 0)).toBe(0);
  });

  it.each([
    [40, 30, 'act_now'],
    [40, 0, 'proactive_outreach'],
    [0, 30, 'nurture'],
    [0, 0, 'monitor'],
  ])('intent %i × engagement %i is %s', (intent, engagement, quadrant) => {
    // Prepare / Act / Assess
    expect(quadrantOf(intent, engagement, { intentHigh: 15, engagementHigh: 25 })).toBe(quadrant);
  });

  it('reports the quadrant from the scored axes', () => {
    // Prepare
    const facts = makeFacts({ funding: true });
    // Act
    const score = scoreLead(facts, rules, NOW);
    // Assess
    expect(score.quadrant).toBe('proactive_outreach');
  });
});

describe('scoreLead on the shipped rules', () => {
  it('scores a good Dutch SaaS demo request hot, act now, with reasons and a valid Score', () => {
    // Prepare
    const lead = makeLead({
      formType: 'demo_request',
      company: { employees: 45, country: 'NL' },
      qualifying: { budget: '€20k', timeline: 'binnen 2 maanden', need: 'Sneller opvolgen', authority: 'Ik' },
    });
    const enrichment = makeEnrichment({
      registry: { source: 'kvk', legalName: 'X B.V.', sbiCodes: ['6201'], industry: 'saas', employees: 45 },
      website: {
        url: 'https://x.nl',
        finalUrl: 'https://x.nl/',
        status: 200,
        technologies: [],
        crm: ['HubSpot'],
        marketingAutomation: [],
        ecommerce: [],
      },
      intent: {
        signals: [{ type: 'hiring', detail: 'Sales manager', at: '2025-02-14T00:00:00Z', source: 'jobs' }],
      },
      confidence: 0.8,
    });
    const facts = deriveFacts(lead, enrichment, NOW, DEFAULT_RULES.settings);
    // Act
    const score = scoreLead(facts, DEFAULT_RULES, NOW);
    // Assess
    expect(ScoreSchema.parse(score)).toEqual(score);
    expect(score.tier).toBe('hot');
    expect(score.quadrant).toBe('act_now');
    expect(score.bant).toEqual({ budget: true, authority: true, need: true, timing: true });
    expect(score.dataConfidence).toBe(0.8);
    expect(score.scoredAt).toBe(NOW.toISOString());
    expect(score.rulesVersion).toMatch(/^2025\.3\+[0-9a-f]{8}$/);
    const fired = score.ledger.filter((e) => e.fired).map((e) => e.ruleId);
    expect(fired).toEqual(
      expect.arrayContaining([
        'employees-10-200',
        'industry-target',
        'country-nl-be',
        'uses-crm',
        'hiring',
        'demo-request',
      ]),
    );
    expect(score.ledger.find((e) => e.ruleId === 'employees-10-200')).toMatchObject({
      reason: '10–200 employees',
      observed: 45,
    });
  });

  it('penalises a free-mail, disposable lead from outside the ICP to cold / monitor', () => {
    // Prepare
    const lead = makeLead({
      company: { country: 'US' },
      submittedAt: '2025-02-15T22:00:00Z',
      activities: [],
    });
    const enrichment = makeEnrichment({
      email: {
        domain: 'x.com',
        freeMail: true,
        disposable: true,
        roleAddress: false,
        businessDomain: false,
        mx: true,
      },
    });
    // Act
    const score = scoreLead(deriveFacts(lead, enrichment, NOW), DEFAULT_RULES, NOW);
    // Assess
    expect(score.total).toBe(0);
    expect(score.tier).toBe('cold');
    expect(score.quadrant).toBe('monitor');
    expect(score.fit).toBeLessThan(0);
  });

  it('writes Dutch reasons on request', () => {
    // Prepare
    const facts = makeFacts({ employees: 50 });
    // Act
    const score = scoreLead(facts, DEFAULT_RULES, NOW, { language: 'nl' });
    // Assess
    expect(score.ledger[0]!.reason).toBe('10–200 medewerkers');
  });

  it('compiles once per rules file and changes the version hash when the content changes', () => {
    // Prepare
    const copy = parseRules(structuredClone(DEFAULT_RULES));
    const changed = parseRules({
      ...structuredClone(DEFAULT_RULES),
      quadrant: { intentHigh: 20, engagementHigh: 25 },
    });
    // Act / Assess
    expect(compileRules(DEFAULT_RULES)).toBe(compileRules(DEFAULT_RULES));
    expect(compileRules(copy).rulesVersion).toBe(compileRules(DEFAULT_RULES).rulesVersion);
    expect(compileRules(changed).rulesVersion).not.toBe(compileRules(DEFAULT_RULES).rulesVersion);
  });
});
