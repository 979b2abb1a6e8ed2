import { describe, expect, it } from 'vitest';
import { loadRules } from '../score/rules';
import { parseCsv } from './csv';
import { backtestCsv } from './from-csv';
import {
  columnKind,
  factNameForColumn,
  HistoryError,
  historyReader,
  profileColumns,
  readOutcomes,
} from './history';

const table = parseCsv(
  [
    'Lead ID,Employees,Free mail,utm_source,Lead Source,Stage,Notes,Created',
    'A1,40,no,google,Referral,Won,call back about pricing,2025-01-03',
    'A2,,yes,Select,Google,Lost,wants a demo next week,2025-01-09',
    'A3,"1,200",no,linkedin,-- select --,Won,asked about integrations,2025-02-01',
    'A4,7,no,,Referral,,,2025-02-11',
  ].join('\n'),
);

describe('historyReader', () => {
  it('fills built-in facts from loosely named columns and custom facts from their sources', () => {
    // Prepare
    const rules = loadRules(`version: t
axes: { fit: { cap: null }, intent: { cap: null }, engagement: { cap: null } }
tiers: { cold: [0, 30], warm: [31, 70], hot: [71, null] }
quadrant: { intentHigh: 1, engagementHigh: 1 }
customFacts:
  source: { kind: string, from: [utm.source] }
  leadSource: { kind: string, from: ["Lead Source"] }
rules:
  - { id: a, axis: fit, points: 1, reason: r, when: { fact: custom.source, equals: google } }
  - { id: b, axis: fit, points: 1, reason: r, when: { fact: hasCrm, isTrue: true } }
`);
    const reader = historyReader(table.header, rules.customFacts);
    // Act
    const rows = table.rows.map((r) => reader.facts(r));
    // Assess
    expect(rows.map((f) => f.employees)).toEqual([40, null, 1200, 7]);
    expect(rows.map((f) => f.freeMail)).toEqual([false, true, false, false]);
    expect(rows.map((f) => f.custom)).toEqual([
      { source: 'google', leadSource: 'Referral' },
      { source: null, leadSource: 'Google' },
      { source: 'linkedin', leadSource: null },
      { source: null, leadSource: 'Referral' },
    ]);
    expect(rows[0]!.industry).toBe('other');
    expect(reader.unsupplied(rules)).toEqual(['hasCrm']);
  });
});

describe('readOutcomes', () => {
  it('maps the success values and leaves out rows without an outcome', () => {
    // Prepare / Act
    const o = readOutcomes(table, 'stage', ['won']);
    // Assess
    expect([...o.y]).toEqual([1, 0, 1]);
    expect(o.rows).toEqual([0, 1, 2]);
    expect(o.unknown).toBe(1);
    expect(o.positiveValues).toEqual(['Won']);
  });

  it('reads won/lost without --positive', () => {
    // Prepare / Act / Assess
    expect([...readOutcomes(table, 'Stage').y]).toEqual([1, 0, 1]);
  });

  it.each([
    [['Outcome', undefined], /Outcome column "Outcome" is not in the history; its columns are "Lead ID"/],
    [['Lead Source', undefined], /not yes\/no-like .*--positive/],
    [
      ['Stage', ['Maybe']],
      /no row has outcome "Maybe" in column "Stage"; its values are "Won" \(2\), "Lost" \(1\)/,
    ],
    [['Free mail', ['no', 'yes']], /one class only \(every row is a success/],
  ] as const)('explains what is wrong with %j', ([column, positive], message) => {
    // Prepare / Act / Assess
    expect(() => readOutcomes(table, column, positive as string[] | undefined)).toThrow(HistoryError);
    expect(() => readOutcomes(table, column, positive as string[] | undefined)).toThrow(message);
  });
});

describe('columns', () => {
  it('tells ids, dates, free text and features apart', () => {
    // Prepare
    const rows = Array.from({ length: 60 }, (_, i) => [
      `id-${i}`,
      String(i % 7),
      `2025-0${1 + (i % 9)}-1${i % 10}`,
      `note number ${i} about things`,
      i % 2 ? 'Yes' : 'No',
      'same',
      i % 3 ? 'Won' : 'Lost',
    ]);
    const t = { header: ['Id', 'Visits', 'Created', 'Notes', 'Demo', 'Constant', 'Stage'], rows };
    // Act
    const p = profileColumns(t, [...rows.keys()], { outcome: 6, exclude: new Set() });
    // Assess
    expect(p.map((c) => [c.column, c.role, c.kind])).toEqual([
      ['Id', 'id', 'string'],
      ['Visits', 'feature', 'number'],
      ['Created', 'date', 'string'],
      ['Notes', 'text', 'string'],
      ['Demo', 'feature', 'boolean'],
      ['Constant', 'constant', 'string'],
      ['Stage', 'outcome', 'string'],
    ]);
  });

  it('column kinds and fact names', () => {
    // Prepare / Act / Assess
    expect(columnKind(['0', '1', '1'])).toBe('boolean');
    expect(columnKind(['1', '2,5', '3'])).toBe('number');
    expect(columnKind(['a', '2'])).toBe('string');
    expect(factNameForColumn('Total Time Spent on Website')).toBe('totalTimeSpentOnWebsite');
    expect(factNameForColumn('2nd call (ja/nee)')).toBe('f2ndCallJaNee');
  });
});

describe('personal data in a history', () => {
  const csv = parseCsv(
    [
      'Email,First name,Phone,CRM id,Lead Source,Won',
      ...Array.from({ length: 40 }, (_, i) =>
        [
          `person${i}@example.com`,
          ['Jan', 'Piet', 'Anna'][i % 3],
          `+31 6 1234 ${String(5000 + i)}`,
          `crm-${i}`,
          i % 2 ? 'Referral' : 'Google',
          i % 3 ? 'yes' : 'no',
        ].join(','),
      ),
    ].join('\n'),
  );

  it('never learns from names, e-mail addresses or phone numbers', () => {
    // Prepare / Act
    const p = profileColumns(csv, [...csv.rows.keys()], { outcome: 5, exclude: new Set() });
    // Assess
    expect(p.map((c) => [c.column, c.role])).toEqual([
      ['Email', 'personal'],
      ['First name', 'personal'],
      ['Phone', 'personal'],
      ['CRM id', 'id'],
      ['Lead Source', 'feature'],
      ['Won', 'outcome'],
    ]);
  });

  it('shows a CRM id in backtest examples, never an e-mail address', () => {
    // Prepare
    const rules = loadRules(`version: t
axes: { fit: { cap: null }, intent: { cap: null }, engagement: { cap: null } }
tiers: { cold: [0, 30], warm: [31, 70], hot: [71, null] }
quadrant: { intentHigh: 1, engagementHigh: 1 }
customFacts: { source: { kind: string, from: [Lead Source] } }
rules:
  - { id: referral, axis: fit, points: 80, reason: Referral, when: { fact: custom.source, equals: Referral } }
`);
    // Act
    const report = backtestCsv(csv, rules, {
      outcome: 'Won',
      compare: { ...rules, rules: [{ ...rules.rules[0]!, points: 1 }] },
    });
    // Assess
    const ids = [...report.compare!.better, ...report.compare!.worse].map((e) => e.lead);
    expect(ids.length).toBeGreaterThan(0);
    expect(ids.every((id) => /^crm-\d+$/.test(id))).toBe(true);
  });
});
