import { describe, expect, it } from 'vitest';
import { handoffFrom } from '../../platform/shipped-handoff';
import type { Calendar } from '../business-time';
import { DomainError } from '../errors';
import type { LeadRecord } from '../lead-record';
import { sampleEnrichment, sampleLead, sampleRoute, sampleScore } from '../testing/samples';
import { decideHandoff, parseHandoffPolicy, parseHandoffYaml } from './policy';

const record = (over: { tier?: 'cold' | 'warm' | 'hot'; confidence?: number; team?: string } = {}) =>
  ({
    leadId: '01JTESTLEAD0000000000000000',
    status: 'routed',
    receivedAt: '2026-03-02T08:14:00.000Z',
    provider: 'json',
    dedupKey: 'k',
    lead: sampleLead(),
    raw: { contentType: 'application/json', body: '{}', isBase64Encoded: false },
    enrichment: sampleEnrichment(),
    score: { ...sampleScore(), tier: over.tier ?? 'warm', dataConfidence: over.confidence ?? 0.9 },
    route: { ...sampleRoute(), team: over.team ?? 'smb' },
    steps: {},
  }) as LeadRecord;

const drafting = (passed = true) => ({
  draft: {
    subject: 'Hallo',
    body: 'Tekst',
    language: 'nl' as const,
    guardrail: { passed, issues: passed ? [] : ['link'] },
    provider: 'template' as const,
    promptVersion: 't@1',
    createdAt: '2026-03-02T08:14:06.000Z',
  },
  humanReviewRequired: !passed,
});

const calendar: Calendar = {
  timeZone: 'Europe/Amsterdam',
  workingDays: [1, 2, 3, 4, 5],
  hours: { start: '09:00', end: '17:30' },
};
const MONDAY_10 = new Date('2026-03-02T09:00:00.000Z'); // 10:00 in Amsterdam
const SUNDAY = new Date('2026-03-01T12:00:00.000Z');

const policy = parseHandoffPolicy({
  version: 'handoff@7',
  default: 'review',
  rules: [
    { id: 'hot', when: { tier: ['hot'] }, mode: 'review' },
    {
      id: 'warm-smb',
      when: { tier: ['warm'], team: ['smb'], country: ['NL'] },
      mode: 'auto',
      businessHoursOnly: true,
    },
    { id: 'cold', when: { tier: ['cold'] }, mode: 'none' },
  ],
});

describe('decideHandoff', () => {
  it('takes the first matching rule and names it with the version', () => {
    // Prepare / Act
    const decision = decideHandoff(record(), drafting(), policy, MONDAY_10, { calendar: () => calendar });
    // Assess
    expect(decision).toMatchObject({ mode: 'auto', version: 'handoff@7', ruleId: 'warm-smb' });
    expect(decision.reason).toContain('warm-smb');
  });

  it('falls back to the default when no rule matches', () => {
    // Prepare / Act
    const decision = decideHandoff(record({ team: 'enterprise' }), drafting(), policy, MONDAY_10);
    // Assess
    expect(decision).toMatchObject({ mode: 'review', version: 'handoff@7' });
    expect(decision.ruleId).toBeUndefined();
  });

  it('never sends automatically when the draft needs human review', () => {
    // Prepare / Act
    const decision = decideHandoff(record(), drafting(false), policy, MONDAY_10, {
      calendar: () => calendar,
    });
    // Assess
    expect(decision.mode).toBe('review');
    expect(decision.reason).toContain('guardrail');
  });

  it('schedules a business-hours-only auto for the next opening when decided outside business hours', () => {
    // Prepare / Act
    const outside = decideHandoff(record(), drafting(), policy, SUNDAY, { calendar: () => calendar });
    const inside = decideHandoff(record(), drafting(), policy, MONDAY_10, { calendar: () => calendar });
    // Assess
    expect(outside.mode).toBe('auto');
    expect(outside.reason).toContain('scheduled');
    expect(Date.parse(outside.sendAfter ?? '')).toBeGreaterThan(SUNDAY.getTime());
    expect(new Date(outside.sendAfter ?? '').getUTCDay()).toBe(1);
    expect(inside.sendAfter).toBeUndefined();
  });

  it('answers none when no draft was written, and none for a none rule', () => {
    // Prepare / Act
    const noDraft = decideHandoff(record(), { humanReviewRequired: false }, policy, MONDAY_10);
    const cold = decideHandoff(record({ tier: 'cold' }), drafting(), policy, MONDAY_10);
    // Assess
    expect(noDraft.mode).toBe('none');
    expect(cold).toMatchObject({ mode: 'none', ruleId: 'cold' });
  });

  it('matches data confidence thresholds', () => {
    // Prepare
    const p = parseHandoffPolicy({
      version: 'v',
      default: 'auto',
      rules: [{ id: 'thin', when: { dataConfidenceBelow: 0.5 }, mode: 'review' }],
    });
    // Act / Assess
    expect(decideHandoff(record({ confidence: 0.4 }), drafting(), p, MONDAY_10).mode).toBe('review');
    expect(decideHandoff(record({ confidence: 0.5 }), drafting(), p, MONDAY_10).mode).toBe('auto');
  });
});

describe('handoff policy validation', () => {
  it('names the rule and the field at fault', () => {
    // Prepare
    const bad = {
      version: 'v',
      rules: [
        { id: 'ok', when: {}, mode: 'review' },
        { id: 'typo', when: { tier: ['luke'] }, mode: 'send' },
      ],
    };
    // Act
    let error: unknown;
    try {
      parseHandoffPolicy(bad);
    } catch (e) {
      error = e;
    }
    // Assess
    expect(error).toBeInstanceOf(DomainError);
    expect((error as DomainError).kind).toBe('invalid');
    const issues = (error as DomainError).issues.map((i) => `${i.field} ${i.message}`).join('\n');
    expect(issues).toContain('rules[1] (typo).when.tier[0]');
    expect(issues).toContain('rules[1] (typo).mode');
    expect((error as DomainError).issues.map((i) => i.field)).toContain('rules[1].mode');
  });

  it('rejects unknown fields, duplicate ids and businessHoursOnly on review', () => {
    // Prepare
    const yaml = `version: v\nrules:\n  - { id: a, when: { tiers: [hot] }, mode: review }\n  - { id: a, when: {}, mode: review, businessHoursOnly: true }\n`;
    // Act / Assess
    expect(() => parseHandoffYaml(yaml)).toThrow(/unknown field\(s\): tiers/);
    expect(() => parseHandoffYaml(yaml)).toThrow(/duplicate rule id "a"/);
    expect(() => parseHandoffYaml(yaml)).toThrow(/businessHoursOnly: only applies to mode auto/);
  });

  it('ships a valid config/handoff.yaml whose default is review', () => {
    // Prepare / Act
    const shipped = handoffFrom(() => ({}))();
    // Assess
    expect(shipped.default).toBe('review');
    expect(shipped.rules.length).toBeGreaterThan(0);
  });

  it('ships no automatic sending: a brand-new deployment mails nobody before a person read the draft', () => {
    // Prepare / Act
    const shipped = handoffFrom(() => ({}))();
    // Assess
    expect(shipped.rules.filter((r) => r.mode === 'auto').map((r) => r.id)).toEqual([]);
    expect(shipped.default).not.toBe('auto');
  });
});
