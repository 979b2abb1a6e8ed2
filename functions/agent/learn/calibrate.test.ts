import { beforeAll, describe, expect, it } from 'vitest';
import { compileRules, scoreLead } from '../score/engine';
import { deriveFacts } from '../score/facts';
import { loadRules } from '../score/rules';
import { syntheticHistory, TRUE_ORDER } from '../testing/learn/synthetic';
import { makeEnrichment, makeLead } from '../testing/score-fixtures';
import { calibrate, factFeatures } from './calibrate';
import { parseCsv } from './csv';
import { backtestCsv, type CsvCalibrationResult, calibrateCsv } from './from-csv';
import { emptyFacts, HistoryError } from './history';
import { auc } from './metrics';

const NOW = new Date('2025-06-01T00:00:00Z');
const OUTCOME = { outcome: 'Outcome', positive: ['Meeting booked'] };

describe('calibrate on a synthetic history with a known true model', () => {
  let result: CsvCalibrationResult;
  beforeAll(() => {
    const history = syntheticHistory({ leads: 8000, seed: 1 });
    result = calibrateCsv(parseCsv(history.csv), {
      ...OUTCOME,
      exclude: ['Sales status'],
      now: NOW,
      seed: 7,
    });
  }, 120_000);

  it('recovers the true ranking of the facts, and gives a fact without effect (almost) nothing', () => {
    // Prepare / Act
    const learned = result.report.features.map((f) => f.label);
    const newsletter = result.report.features.find((f) => f.label === 'Newsletter');
    // Assess
    expect(learned.slice(0, 4)).toEqual(TRUE_ORDER.slice(0, 4));
    expect(newsletter?.pointsRange ?? 0).toBeLessThanOrEqual(3);
  });

  it('ranks new leads almost as well as the true model does', () => {
    // Prepare
    const fresh = syntheticHistory({ leads: 8000, seed: 2 });
    // Act
    const report = backtestCsv(parseCsv(fresh.csv), result.rules, OUTCOME);
    // Assess
    const truth = auc(fresh.probability, fresh.outcome);
    expect(report.auc).toBeGreaterThan(truth - 0.015);
    expect(report.auc).toBeLessThanOrEqual(truth + 0.005);
    // The report's own held-out part (2,400 leads) agrees within sampling noise.
    expect(Math.abs(result.report.holdout!.auc - report.auc)).toBeLessThan(0.035);
  });

  it('writes a rules file loadRules accepts, with whole points and reasons in words', () => {
    // Prepare / Act
    const file = loadRules(result.yaml);
    const reasons = file.rules.map((r) => r.reason);
    // Assess
    expect(file.rules.every((r) => Number.isInteger(r.points) && r.points !== 0)).toBe(true);
    expect(reasons).toContain('Lead Source is Referral');
    expect(reasons).toContain('Demo requested: yes');
    expect(file.customFacts?.leadSource).toEqual({
      kind: 'string',
      from: ['Lead Source'],
      label: 'Lead Source',
    });
    expect(file.version).toBe('learned-2025-06-01');
    expect(result.yaml).toMatch(/^# Every \d+ points double the odds|PDO \d+/m);
    const referral = file.rules.find((r) => r.reason === 'Lead Source is Referral')!;
    const coldList = file.rules.find((r) => r.reason === 'Lead Source is Cold list');
    expect(referral.points).toBeGreaterThan(coldList?.points ?? 0);
  });

  it('the points mean what the header says: even odds at the base, doubling every PDO points', () => {
    // Prepare
    const { pdo, base } = result.report.model;
    const cal = result.report.holdout!.calibration;
    // Act: predicted rates follow 1 / (1 + 2^((base − total) / PDO)) and match what happened, decile by decile
    const worst = Math.max(...cal.map((b) => Math.abs(b.predicted - b.observed)));
    // Assess
    expect(pdo).toBeGreaterThan(0);
    expect(base).toBeGreaterThan(0);
    expect(worst).toBeLessThan(0.08);
    expect(result.report.holdout!.brier).toBeLessThan(0.2);
  });

  it('proposes tiers that keep cold leads mostly unsuccessful and hot leads mostly successful', () => {
    // Prepare / Act
    const t = result.report.holdout!.tiers.tiers;
    // Assess
    expect(t.cold.positiveRate!).toBeLessThan(0.13);
    expect(t.hot.positiveRate!).toBeGreaterThan(0.55);
    expect(result.rules.tiers.warm[0]).toBe(result.rules.tiers.cold[1]! + 1);
  });

  it('leaves ids and free text out by itself, and says so', () => {
    // Prepare / Act
    const roles = Object.fromEntries(result.columns.map((c) => [c.column, c.role]));
    // Assess
    expect(roles).toMatchObject({
      'Lead ID': 'id',
      Notes: 'text',
      Created: 'date',
      'Sales status': 'excluded',
    });
    expect(result.report.warnings.join('\n')).toMatch(/"Lead ID" left out: a different value on every row/);
  });

  it('the written rules score a live lead from its form fields', () => {
    // Prepare: the same answers on a webform (lead.extra by label), size and country on the form
    const file = loadRules(result.yaml);
    const lead = (source: string) =>
      makeLead({
        company: { name: 'Voorbeeld BV', employees: 50, country: 'NL' },
        extra: {
          'Lead Source': source,
          'Time on site (s)': '600',
          'Demo requested': 'Yes',
          Newsletter: 'No',
        },
      });
    const score = (source: string) =>
      scoreLead(
        deriveFacts(lead(source), makeEnrichment(), NOW, file.settings, file.customFacts),
        compileRules(file),
        NOW,
      );
    // Act
    const referral = score('Referral');
    const coldList = score('Cold list');
    // Assess
    expect(referral.total).toBeGreaterThan(coldList.total);
    expect(referral.ledger.filter((e) => e.fired).map((e) => e.reason)).toEqual(
      expect.arrayContaining(['Lead Source is Referral', 'Demo requested: yes']),
    );
  });
});

describe('guards', () => {
  it('warns about a column that leaks the outcome', () => {
    // Prepare
    const history = syntheticHistory({ leads: 2500, seed: 3 });
    // Act
    const r = calibrateCsv(parseCsv(history.csv), { ...OUTCOME, now: NOW, combinations: 0 });
    // Assess
    expect(r.report.warnings.join('\n')).toMatch(
      /"Sales status" alone predicts the outcome almost perfectly .*--exclude/,
    );
  }, 60_000);

  it('warns about a small history and too few events per parameter', () => {
    // Prepare
    const history = syntheticHistory({ leads: 300, seed: 4 });
    // Act
    const r = calibrateCsv(parseCsv(history.csv), { ...OUTCOME, exclude: ['Sales status'], now: NOW });
    // Assess
    const w = r.report.warnings.join('\n');
    expect(w).toMatch(/only 300 leads with a known outcome \(fewer than 500\)/);
    expect(w).toMatch(/events per parameter/);
    expect(r.report.sampleSize.enough).toBe(false);
  }, 60_000);

  it.each([
    [{ outcome: 'Newsletter', positive: ['Nope'] }, /no row has outcome "Nope"/],
    [{ outcome: 'Stage' }, /Outcome column "Stage" is not in the history/],
    [{ ...OUTCOME, exclude: ['Budget'] }, /--exclude column "Budget" is not in the history/],
  ])('fails clearly for %j', (options, message) => {
    // Prepare
    const history = syntheticHistory({ leads: 200, seed: 5 });
    // Act / Assess
    expect(() => calibrateCsv(parseCsv(history.csv), { ...options, now: NOW })).toThrow(HistoryError);
    expect(() => calibrateCsv(parseCsv(history.csv), { ...options, now: NOW })).toThrow(message);
  });
});

describe('learning from stored leads (facts snapshots)', () => {
  it('learns from built-in and custom facts as they were scored', () => {
    // Prepare: 1,200 stored leads; success follows the demo request and the UTM source
    let seed = 17;
    const rnd = () => {
      seed = (seed * 16807) % 2147483647;
      return seed / 2147483647;
    };
    const leads = Array.from({ length: 1200 }, (_, i) => {
      const demo = rnd() < 0.3;
      const source = ['google', 'referral', 'linkedin'][i % 3]!;
      const p = 0.1 + (demo ? 0.4 : 0) + (source === 'referral' ? 0.3 : 0);
      return {
        id: `lead-${i}`,
        outcome: rnd() < p,
        facts: { ...emptyFacts(), demoRequest: demo, custom: { utmSource: source } },
      };
    });
    // Act
    const features = factFeatures(leads);
    const r = calibrate(
      { leads, features, customFacts: { utmSource: { kind: 'string', from: ['utm.source'] } } },
      { now: NOW },
    );
    // Assess
    expect(features.map((f) => f.fact)).toEqual(['demoRequest', 'custom.utmSource']);
    const reasons = r.rules.rules.map((x) => x.reason);
    expect(reasons).toEqual(expect.arrayContaining(['demoRequest: yes', 'utmSource is referral']));
    expect(r.report.holdout!.auc).toBeGreaterThan(0.7);
  }, 60_000);
});
