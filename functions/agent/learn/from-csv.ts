/**
 * The CSV side of learning: a history exported from a CRM or spreadsheet, one lead per row, one column for
 * the outcome. Chooses which columns can be facts (ids, dates, free text and `exclude`d columns cannot),
 * declares a custom fact for every column that is not a built-in fact, and runs calibrate / backtest on
 * the facts read from the rows. Pure: text in, reports out.
 */
import { type CustomFactDeclarations, type CustomFactRef, isPlaceholder } from '../score/custom-facts';
import { FACT_KINDS, type FactName } from '../score/facts';
import type { RulesFile } from '../score/rules';
import { type BacktestOptions, type BacktestReport, backtest } from './backtest';
import { type CalibrateOptions, type CalibrationResult, calibrate } from './calibrate';
import type { CsvTable } from './csv';
import type { FeatureSpec } from './features';
import {
  builtinFactForColumn,
  type ColumnProfile,
  factNameForColumn,
  findColumn,
  type HistoricalLead,
  HistoryError,
  historyReader,
  isPersonalColumn,
  profileColumns,
  readOutcomes,
} from './history';

export interface CsvHistoryOptions {
  /** The outcome column. */
  readonly outcome: string;
  /** Values of the outcome column that count as success (default: a yes/no-like column). */
  readonly positive?: readonly string[];
  /** Columns to leave out (post-outcome data, anything you do not want to learn from). */
  readonly exclude?: readonly string[];
  /** Column with a non-personal lead id for examples (default: the first id-like column, else the row). */
  readonly id?: string;
  /** Column with the date each lead came in, for drift by month. */
  readonly date?: string;
}

export interface ColumnUse {
  readonly column: string;
  readonly role: ColumnProfile['role'];
  readonly kind: ColumnProfile['kind'];
  readonly filled: number;
  readonly distinct: number;
  /** The fact it became. */
  readonly fact?: string;
  readonly note?: string;
}

const UTM = /^utm[\s_.-]?(source|medium|campaign|term|content)$/i;

interface Prepared {
  readonly outcomeRows: number[];
  readonly y: Uint8Array;
  readonly columns: ColumnProfile[];
  readonly idColumn: number | undefined;
  readonly dateColumn: number | undefined;
  readonly unknownOutcomes: number;
  readonly positiveValues: string[];
}

/** The first column with a different value on every row (an id to show in examples), if any. */
function idLikeColumn(
  table: CsvTable,
  rows: readonly number[],
  skip: ReadonlySet<number>,
): number | undefined {
  for (let c = 0; c < table.header.length; c++) {
    if (skip.has(c)) continue;
    const sample = rows.slice(0, 200).map((r) => (table.rows[r]![c] ?? '').trim());
    if (isPersonalColumn(table.header[c]!, sample)) continue;
    const seen = new Set<string>();
    let unique = true;
    for (const r of rows) {
      const v = (table.rows[r]![c] ?? '').trim();
      if (v === '' || seen.has(v)) {
        unique = false;
        break;
      }
      seen.add(v);
    }
    if (unique && rows.length > 1) return c;
  }
  return undefined;
}

function prepare(table: CsvTable, o: CsvHistoryOptions, profile = true): Prepared {
  if (table.rows.length === 0) throw new HistoryError('the history has a header but no rows');
  const outcome = readOutcomes(table, o.outcome, o.positive);
  const outcomeCol = findColumn(table.header, o.outcome, 'Outcome');
  const exclude = new Set((o.exclude ?? []).map((c) => findColumn(table.header, c, '--exclude')));
  const idColumn = o.id !== undefined ? findColumn(table.header, o.id, '--id') : undefined;
  if (
    idColumn !== undefined &&
    isPersonalColumn(
      table.header[idColumn]!,
      outcome.rows.slice(0, 200).map((r) => table.rows[r]![idColumn] ?? ''),
    )
  )
    throw new HistoryError(
      `--id column ${JSON.stringify(table.header[idColumn])} holds personal data; pick a lead or CRM id`,
    );
  const dateColumn = o.date !== undefined ? findColumn(table.header, o.date, '--date') : undefined;
  if (idColumn !== undefined) exclude.add(idColumn);
  if (dateColumn !== undefined) exclude.add(dateColumn);
  // A backtest needs no profile of the columns, only an id to show.
  const columns = profile ? profileColumns(table, outcome.rows, { outcome: outcomeCol, exclude }) : [];
  return {
    outcomeRows: outcome.rows,
    y: outcome.y,
    columns,
    idColumn:
      idColumn ??
      (profile
        ? columns.find((c) => c.role === 'id')?.index
        : idLikeColumn(
            table,
            outcome.rows,
            new Set([outcomeCol, ...(dateColumn !== undefined ? [dateColumn] : [])]),
          )),
    dateColumn,
    unknownOutcomes: outcome.unknown,
    positiveValues: outcome.positiveValues,
  };
}

function leadsOf(table: CsvTable, p: Prepared, reader: ReturnType<typeof historyReader>): HistoricalLead[] {
  return p.outcomeRows.map((r, k) => {
    const row = table.rows[r]!;
    const id = p.idColumn !== undefined ? row[p.idColumn]?.trim() : undefined;
    const at = p.dateColumn !== undefined ? row[p.dateColumn]?.trim() : undefined;
    return {
      facts: reader.facts(row),
      outcome: p.y[k] === 1,
      id: id || `row ${r + 2}`,
      ...(at && !isPlaceholder(at) ? { at } : {}),
    };
  });
}

export interface CsvCalibrationResult extends CalibrationResult {
  readonly columns: ColumnUse[];
  readonly unknownOutcomes: number;
}

/** Learns a draft rules file from a CSV history; see the module comment and calibrate.ts. */
export function calibrateCsv(
  table: CsvTable,
  options: CsvHistoryOptions & CalibrateOptions,
): CsvCalibrationResult {
  const p = prepare(table, options);
  const customFacts: CustomFactDeclarations = {};
  const features: FeatureSpec[] = [];
  const factOf = new Map<number, string>();
  const taken = new Set<string>();
  for (const c of p.columns) {
    if (c.role !== 'feature') continue;
    const builtin = builtinFactForColumn(c.column);
    if (builtin && FACT_KINDS[builtin].kind === c.kind) {
      features.push({
        fact: builtin as FactName,
        label: c.column,
        kind: c.kind,
        ignoreCase: false,
        column: c.column,
      });
      factOf.set(c.index, builtin);
      continue;
    }
    let name = factNameForColumn(c.column);
    for (let k = 2; taken.has(name); k++) name = `${factNameForColumn(c.column)}${k}`;
    taken.add(name);
    const utm = UTM.exec(c.column);
    customFacts[name] = {
      kind: c.kind,
      from: utm ? [`utm.${utm[1]!.toLowerCase()}`] : [c.column],
      label: c.column,
    };
    const fact: CustomFactRef = `custom.${name}`;
    features.push({ fact, label: c.column, kind: c.kind, ignoreCase: c.kind === 'string', column: c.column });
    factOf.set(c.index, fact);
  }
  if (features.length === 0)
    throw new HistoryError(
      'no column can be learned from: every column is the outcome, excluded, an id, a date, free text or empty',
    );
  const reader = historyReader(table.header, customFacts);
  const leads = leadsOf(table, p, reader);
  const outcomeName = table.header[findColumn(table.header, options.outcome, 'Outcome')]!;
  const result = calibrate(
    {
      leads,
      features,
      customFacts,
      sourceNotes: [
        `Outcome: column ${JSON.stringify(outcomeName)}, success = ${p.positiveValues.map((v) => JSON.stringify(v)).join(' or ')}.`,
        ...(options.exclude?.length
          ? [`Excluded: ${options.exclude.map((c) => JSON.stringify(c)).join(', ')}.`]
          : []),
      ],
    },
    options,
  );
  const skipped = p.columns.filter((c) => c.role === 'id' || c.role === 'text' || c.role === 'personal');
  const warnings = [
    ...skipped.map((c) => `column ${JSON.stringify(c.column)} left out: ${c.note}`),
    ...(p.unknownOutcomes > 0 ? [`${p.unknownOutcomes} rows without an outcome left out`] : []),
    ...result.report.warnings,
  ];
  return {
    ...result,
    report: { ...result.report, warnings },
    columns: p.columns.map((c) => ({
      column: c.column,
      role: c.role,
      kind: c.kind,
      filled: c.filled,
      distinct: c.distinct,
      ...(factOf.has(c.index) ? { fact: factOf.get(c.index)! } : {}),
      ...(c.note ? { note: c.note } : {}),
    })),
    unknownOutcomes: p.unknownOutcomes,
  };
}

export interface CsvBacktestReport extends BacktestReport {
  /** Facts the rules read that the history has no column for, per rules file. */
  readonly unsupplied: string[];
  readonly compareUnsupplied?: string[];
  readonly unknownOutcomes: number;
}

/** Backtests a rules file (and optionally compares another) on a CSV history. */
export function backtestCsv(
  table: CsvTable,
  rules: RulesFile,
  options: CsvHistoryOptions & BacktestOptions,
): CsvBacktestReport {
  const p = prepare(table, options, false);
  const reader = historyReader(table.header, rules.customFacts);
  const leads = leadsOf(table, p, reader);
  let compareFacts: HistoricalLead['facts'][] | undefined;
  let compareUnsupplied: string[] | undefined;
  if (options.compare) {
    const other = historyReader(table.header, options.compare.customFacts);
    compareFacts = p.outcomeRows.map((r) => other.facts(table.rows[r]!));
    compareUnsupplied = other.unsupplied(options.compare);
  }
  const report = backtest(leads, rules, { ...options, ...(compareFacts ? { compareFacts } : {}) });
  return {
    ...report,
    unsupplied: reader.unsupplied(rules),
    ...(compareUnsupplied ? { compareUnsupplied } : {}),
    unknownOutcomes: p.unknownOutcomes,
  };
}
