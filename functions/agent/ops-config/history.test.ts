import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { DomainError } from '../errors';
import type { LeadRecord } from '../lead-record';
import { compileRules, loadRules, type RulesFile, scoreEnrichedLead } from '../score';
import { sampleEnrichment, sampleLead } from '../testing/samples';
import { backtestVersions, historyOf, outcomeOf } from './history';

const SHIPPED_YAML = readFileSync(new URL('../../../config/scoring-rules.yaml', import.meta.url), 'utf8');
const SHIPPED = loadRules(SHIPPED_YAML);
const withPoints = (id: string, points: number): RulesFile => ({
  ...SHIPPED,
  version: `${SHIPPED.version}-draft`,
  rules: SHIPPED.rules.map((r) => (r.id === id ? { ...r, points } : r)),
});

/**
 * Leads scored with the shipped rules on 2 March 2026: 20 mid-size companies (45 employees, total 103) of
 * which 15 got a meeting, and 20 small ones (5 employees, total 88) of which 4 did.
 */
const history = (): LeadRecord[] => {
  const records: LeadRecord[] = [];
  const scoredAt = new Date('2026-03-02T10:00:00Z');
  for (let i = 0; i < 40; i++) {
    const midSize = i % 2 === 0;
    const lead = sampleLead();
    const enrichment = sampleEnrichment();
    const employees = midSize ? 45 : 5;
    const l = { ...lead, company: { ...lead.company, employees } };
    const e = { ...enrichment, registry: { ...enrichment.registry!, employees } };
    const meeting = midSize ? i % 8 !== 0 : i % 10 === 1;
    records.push({
      leadId: `L${String(i).padStart(3, '0')}`,
      status: meeting ? 'meeting' : 'lost',
      receivedAt: scoredAt.toISOString(),
      provider: 'json',
      dedupKey: `d${i}`,
      lead: l,
      raw: { contentType: 'application/json', body: '{}', isBase64Encoded: false },
      enrichment: e,
      score: scoreEnrichedLead(l, e, compileRules(SHIPPED), scoredAt),
      steps: {},
    } as LeadRecord);
  }
  // Not closed yet: left out.
  records.push({ ...records[0]!, leadId: 'OPEN', status: 'sent' });
  return records;
};

describe('own history for backtests', () => {
  it('counts a meeting or a win as success and lost or disqualified as a miss; open leads are unknown', () => {
    // Act
    const cases = [
      outcomeOf({ status: 'meeting' }),
      outcomeOf({ status: 'won' }),
      outcomeOf({ status: 'lost' }),
      outcomeOf({ status: 'disqualified' }),
      outcomeOf({ status: 'sent' }),
      outcomeOf({ status: 'lost', outcomes: [{ outcome: 'meeting_booked' }, { outcome: 'lost' }] } as never),
      outcomeOf({ status: 'sent', outcome: { outcome: 'no_response' } } as never),
    ];
    // Assess
    expect(cases).toEqual([true, true, false, false, undefined, true, undefined]);
  });

  it('derives the facts as they were when each lead was scored: the same rules give the stored scores', () => {
    // Prepare
    const records = history();
    // Act
    const leads = historyOf(records, SHIPPED);
    const report = backtestVersions(records, SHIPPED, SHIPPED);
    // Assess
    expect(leads).toHaveLength(40);
    expect(report.report.compare?.changed).toBe(0);
    expect(report.report.auc).toBe(report.report.compare?.auc);
    expect(leads.filter((l) => l.facts.employees === 45)).toHaveLength(20);
  });

  it('compares a draft with the published rules: tier mix, success per tier and the leads that change tier', () => {
    // Prepare: the draft makes hot start at 90 (the small companies score 88, the mid-size ones 103)
    const records = history();
    const draft: RulesFile = {
      ...SHIPPED,
      version: 'draft',
      tiers: { cold: [0, 30], warm: [31, 89], hot: [90, null] },
    };
    // Act
    const result = backtestVersions(records, draft, SHIPPED, { examples: 3 });
    // Assess
    expect(result).toMatchObject({ leads: 41, withOutcome: 40, positives: 19, qualifiedFrom: 'warm' });
    const { report } = result;
    expect(report.compare!.tiers.tiers.hot.leads).toBe(40);
    expect(report.tiers.tiers.hot).toMatchObject({ leads: 20, positives: 15 });
    expect(report.tiers.tiers.warm).toMatchObject({ leads: 20, positives: 4 });
    expect(report.compare!.changed).toBe(20);
    expect(report.compare!.changes.hot.warm).toBe(20);
    // Misses moved down are for the better, meetings moved down for the worse.
    expect(report.compare!.better).toHaveLength(3);
    expect(report.compare!.worse).toHaveLength(3);
    expect(report.compare!.worse.every((c) => c.outcome && c.to.tier === 'warm')).toBe(true);
    expect(report.compare!.better[0]!.lead).toMatch(/^L\d{3}$/);
  });

  it('ranks worse with a draft that counts the real signal against a lead', () => {
    // Prepare
    const records = history();
    const draft = withPoints('employees-10-200', -10);
    // Act
    const { report } = backtestVersions(records, draft, SHIPPED);
    // Assess
    expect(report.auc).toBeLessThan(0.5);
    expect(report.compare!.auc).toBeGreaterThan(0.7);
    expect(report.rules.find((r) => r.id === 'employees-10-200')).toMatchObject({ fired: 20, points: -10 });
  });

  it('refuses a history without both successes and misses', () => {
    // Prepare
    const allMeetings = history().map((r) => ({ ...r, status: 'meeting' as const }));
    // Act
    const act = () => backtestVersions(allMeetings, SHIPPED, SHIPPED);
    // Assess
    expect(act).toThrow(DomainError);
    expect(act).toThrow(/41 have a known outcome and 41 of those got a meeting/);
  });
});
