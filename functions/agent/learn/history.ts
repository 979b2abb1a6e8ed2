/**
 * A lead history as the learning code sees it: facts per lead plus a known outcome. For this system's own
 * leads the facts are the snapshot stored with each score version (point in time); for an imported CSV
 * they are read from the row by `historyReader`:
 *   - a column whose name matches a built-in fact (loosely: "Employees", "free_mail") fills that fact;
 *   - a declared custom fact reads the column(s) named in its `from` (`utm.source` also matches a
 *     "utm_source" or "UTM Source" column);
 *   - every other built-in fact takes its "nothing known" value (false, 0, null, 'other').
 * Pure: no I/O.
 */
import {
  type CustomFactDeclarations,
  type CustomFactRef,
  type CustomFactValue,
  customFactName,
  isCustomFactRef,
  isPlaceholder,
  looseKey,
  parseBooleanText,
  parseNumberText,
  readCustomFacts,
} from '../score/custom-facts';
import { FACT_KINDS, FACT_NAMES, type FactName, type Facts, type LeadFacts } from '../score/facts';
import { conditionFacts, type RulesFile } from '../score/rules';
import type { CsvTable } from './csv';

/** One lead of known outcome. */
export interface HistoricalLead {
  /** Facts as they were when the lead was scored. */
  readonly facts: LeadFacts;
  /** true: meeting booked / won (whatever the history calls success). */
  readonly outcome: boolean;
  /** A non-personal identifier to show in examples (lead id, CRM id, row number). */
  readonly id?: string;
  /** When the lead was scored (ISO 8601), for drift by month. */
  readonly at?: string;
}

export class HistoryError extends Error {
  override readonly name = 'HistoryError';
}

const NEUTRAL_STRINGS: Partial<Record<FactName, string>> = {
  industry: 'other',
  industrySource: 'none',
  formType: 'other',
  language: 'en',
};

const EMPTY_FACTS: Readonly<Record<string, unknown>> = (() => {
  const out: Record<string, unknown> = {};
  for (const name of FACT_NAMES) {
    const { kind, nullable } = FACT_KINDS[name];
    if (nullable) out[name] = null;
    else if (kind === 'boolean') out[name] = false;
    else if (kind === 'number') out[name] = 0;
    else if (kind === 'string[]') out[name] = Object.freeze([]);
    else out[name] = NEUTRAL_STRINGS[name] ?? '';
  }
  return Object.freeze(out);
})();

/** The facts of a lead nobody knows anything about: nullable facts null, flags false, counts 0. */
export function emptyFacts(): Facts {
  return { ...EMPTY_FACTS } as unknown as Facts;
}

/** The value of a built-in or custom fact. */
export function factValue(facts: LeadFacts, ref: FactName | CustomFactRef): unknown {
  if (isCustomFactRef(ref)) return facts.custom?.[customFactName(ref)] ?? null;
  return facts[ref];
}

function parseBuiltin(name: FactName, raw: string): unknown {
  const { kind, nullable } = FACT_KINDS[name];
  const empty = isPlaceholder(raw);
  switch (kind) {
    case 'number': {
      const n = empty ? null : parseNumberText(raw);
      return n ?? (nullable ? null : 0);
    }
    case 'boolean': {
      const b = empty ? null : parseBooleanText(raw);
      return b ?? (nullable ? null : false);
    }
    case 'string[]':
      return empty
        ? []
        : raw
            .split(/[;,|]/)
            .map((s) => s.trim().toLowerCase())
            .filter(Boolean)
            .sort();
    default:
      return empty ? (nullable ? null : (NEUTRAL_STRINGS[name] ?? '')) : raw.replace(/\s+/g, ' ').trim();
  }
}

const BUILTIN_BY_KEY = new Map(FACT_NAMES.map((n) => [looseKey(n), n]));

/** The built-in fact a column name stands for ("Employees", "free mail", "pageViews"), if any. */
export const builtinFactForColumn = (column: string): FactName | undefined =>
  BUILTIN_BY_KEY.get(looseKey(column));

export interface HistoryReader {
  /** Built-in facts the history has a column for. */
  readonly builtinColumns: ReadonlyMap<FactName, number>;
  /** The facts of one row. */
  facts(row: readonly string[]): LeadFacts;
  /** Facts the rules read that this history has no column for (those conditions see "nothing known"). */
  unsupplied(rules: RulesFile): string[];
}

/** Reads facts from rows with this header; see the module comment. */
export function historyReader(
  header: readonly string[],
  customFacts: CustomFactDeclarations = {},
): HistoryReader {
  const builtinColumns = new Map<FactName, number>();
  header.forEach((column, i) => {
    const fact = builtinFactForColumn(column);
    if (fact && !builtinColumns.has(fact)) builtinColumns.set(fact, i);
  });
  const exact = new Map<string, number>();
  const loose = new Map<string, number>();
  header.forEach((column, i) => {
    if (!exact.has(column)) exact.set(column, i);
    const k = looseKey(column);
    if (k && !loose.has(k)) loose.set(k, i);
  });
  const columnOf = (from: string): number | undefined =>
    exact.get(from) ?? loose.get(looseKey(from.replace(/^(utm|source)\./, '$1 ')));
  const sources = new Map<string, number | undefined>();
  for (const d of Object.values(customFacts)) for (const f of d.from) sources.set(f, columnOf(f));
  const hasCustom = Object.keys(customFacts).length > 0;

  return {
    builtinColumns,
    facts(row) {
      const facts = emptyFacts() as unknown as Record<string, unknown>;
      for (const [name, i] of builtinColumns) facts[name] = parseBuiltin(name, row[i] ?? '');
      const out = facts as unknown as LeadFacts;
      if (hasCustom)
        out.custom = readCustomFacts(customFacts, (from) => {
          const i = sources.get(from);
          return i === undefined ? undefined : row[i];
        });
      return out;
    },
    unsupplied(rules) {
      const missing = new Set<string>();
      for (const r of rules.rules)
        for (const f of conditionFacts(r.when)) {
          if (isCustomFactRef(f)) {
            const d = rules.customFacts?.[customFactName(f)];
            if (!d || d.from.every((from) => columnOf(from) === undefined)) missing.add(f);
          } else if (!builtinColumns.has(f)) missing.add(f);
        }
      return [...missing];
    },
  };
}

// --- outcomes -----------------------------------------------------------------------------------------

export interface Outcomes {
  /** 1 for a positive outcome, 0 otherwise, per kept row (`rows[i]` is its row index in the table). */
  readonly y: Uint8Array;
  readonly rows: number[];
  readonly positiveValues: string[];
  readonly negativeValues: string[];
  /** Rows left out because their outcome is empty. */
  readonly unknown: number;
}

const describeValues = (counts: Map<string, number>): string =>
  [...counts]
    .sort((a, b) => b[1] - a[1])
    .slice(0, 8)
    .map(([v, n]) => `${JSON.stringify(v)} (${n})`)
    .join(', ');

/** Finds a column by exact, then case-insensitive, then loose name; a clear error names close candidates. */
export function findColumn(header: readonly string[], name: string, what: string): number {
  let i = header.indexOf(name);
  if (i < 0) i = header.findIndex((h) => h.toLowerCase() === name.toLowerCase());
  if (i < 0) i = header.findIndex((h) => looseKey(h) === looseKey(name) && looseKey(name) !== '');
  if (i >= 0) return i;
  const shown = header.slice(0, 40).map((h) => JSON.stringify(h));
  throw new HistoryError(
    `${what} column ${JSON.stringify(name)} is not in the history; its columns are ${shown.join(', ')}${header.length > 40 ? ', …' : ''}`,
  );
}

/**
 * Reads the outcome column. `positive` lists the values that count as success (case-insensitive); without
 * it the column must be yes/no-like (1/0, yes/no, true/false, ja/nee, won/lost). Rows with an empty outcome
 * are left out. Throws `HistoryError` for a missing column, an unreadable outcome or a single class.
 */
export function readOutcomes(table: CsvTable, column: string, positive?: readonly string[]): Outcomes {
  const col = findColumn(table.header, column, 'Outcome');
  const name = table.header[col]!;
  const counts = new Map<string, number>();
  for (const row of table.rows) {
    const v = (row[col] ?? '').trim();
    if (v !== '') counts.set(v, (counts.get(v) ?? 0) + 1);
  }
  if (counts.size === 0) throw new HistoryError(`outcome column ${JSON.stringify(name)} is empty`);
  let isPositive: (v: string) => boolean;
  if (positive && positive.length > 0) {
    const want = new Set(positive.map((p) => p.trim().toLowerCase()));
    if (![...counts.keys()].some((v) => want.has(v.toLowerCase())))
      throw new HistoryError(
        `no row has outcome ${positive.map((p) => JSON.stringify(p)).join(' or ')} in column ${JSON.stringify(name)}; its values are ${describeValues(counts)}`,
      );
    isPositive = (v) => want.has(v.toLowerCase());
  } else {
    const parsed = [...counts.keys()].map((v) => [v, parseBooleanText(v) ?? wonLost(v)] as const);
    const unreadable = parsed.filter(([, b]) => b === null).map(([v]) => v);
    if (unreadable.length > 0)
      throw new HistoryError(
        `outcome column ${JSON.stringify(name)} is not yes/no-like (values ${describeValues(counts)}); say which values count as success with --positive <value>`,
      );
    isPositive = (v) => (parseBooleanText(v) ?? wonLost(v)) === true;
  }
  const y: number[] = [];
  const rows: number[] = [];
  let unknown = 0;
  table.rows.forEach((row, i) => {
    const v = (row[col] ?? '').trim();
    if (v === '') {
      unknown++;
      return;
    }
    rows.push(i);
    y.push(isPositive(v) ? 1 : 0);
  });
  const positiveValues = [...counts.keys()].filter(isPositive);
  const negativeValues = [...counts.keys()].filter((v) => !isPositive(v));
  const positives = y.reduce((s, v) => s + v, 0);
  if (positives === 0 || positives === y.length)
    throw new HistoryError(
      `outcome column ${JSON.stringify(name)} has one class only (${positives === 0 ? 'no' : 'every'} row is a success: values ${describeValues(counts)}); learning and backtesting need both successes and failures`,
    );
  return { y: Uint8Array.from(y), rows, positiveValues, negativeValues, unknown };
}

function wonLost(v: string): boolean | null {
  const k = v.trim().toLowerCase();
  if (['won', 'win', 'converted', 'gewonnen', 'success', 'positive', 'qualified'].includes(k)) return true;
  if (['lost', 'loss', 'not converted', 'verloren', 'failure', 'negative', 'unqualified'].includes(k))
    return false;
  return null;
}

// --- columns ------------------------------------------------------------------------------------------

export type ColumnKind = 'number' | 'boolean' | 'string';
export type ColumnRole =
  | 'feature'
  | 'outcome'
  | 'excluded'
  | 'personal'
  | 'id'
  | 'date'
  | 'text'
  | 'constant'
  | 'empty';

/** Column names that hold personal data: never learned from, never shown as an example's id. */
const PERSONAL_HEADER =
  /^(e-?mail|e-?mail ?address|mail|email ?adres|phone|phone ?number|telephone|tel|mobile|mobile ?phone|gsm|telefoon|telefoonnummer|mobiel|first ?name|last ?name|full ?name|surname|given ?name|family ?name|name|naam|voornaam|achternaam|contact|contact ?name|contact ?person|contactpersoon|address|adres|street|straat|house ?number|huisnummer|postcode|postal ?code|zip|zip ?code|ip|ip ?address|date ?of ?birth|birthday|birth ?date|geboortedatum|linkedin|linkedin ?url)$/i;

/** Whether a column holds personal data, by its name or by its values (e-mail addresses, phone numbers). */
export function isPersonalColumn(header: string, values: readonly string[]): boolean {
  if (PERSONAL_HEADER.test(header.trim().replace(/[_\-.]+/g, ' '))) return true;
  const sample = values.slice(0, 200);
  if (sample.length === 0) return false;
  const emails = sample.filter((v) => /^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(v)).length;
  const phones = sample.filter(
    (v) => !DATE.test(v) && /^\+?[\d\s().-]{9,}$/.test(v) && /\d{6,}|\d+[\s.-]\d+[\s.-]\d+/.test(v),
  ).length;
  return emails >= 0.5 * sample.length || phones >= 0.8 * sample.length;
}

export interface ColumnProfile {
  readonly column: string;
  readonly index: number;
  readonly kind: ColumnKind;
  readonly role: ColumnRole;
  /** Rows with a value (placeholders such as "Select" count as empty). */
  readonly filled: number;
  readonly distinct: number;
  /** Why a column is not a feature, in words. */
  readonly note?: string;
}

const DATE =
  /^\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?)?$|^\d{1,2}[-/.]\d{1,2}[-/.]\d{4}( \d{1,2}:\d{2}(:\d{2})?)?$/;

/** What kind of values a column holds, from its non-empty values. */
export function columnKind(values: readonly string[]): ColumnKind {
  if (values.length === 0) return 'string';
  const counts = new Map<string, number>();
  for (const v of values) counts.set(v, (counts.get(v) ?? 0) + 1);
  const lower = new Set<string>();
  let booleans = 0;
  let numbers = 0;
  for (const [v, n] of counts) {
    if (parseBooleanText(v) !== null) booleans += n;
    if (parseNumberText(v) !== null) numbers += n;
    if (lower.size <= 3) lower.add(v.trim().toLowerCase());
  }
  if (booleans === values.length && lower.size <= 2) return 'boolean';
  if (numbers >= 0.98 * values.length) return 'number';
  return 'string';
}

/**
 * Profiles the columns on the given rows: kind, fill, distinct values, and the role each can play.
 * Id-like columns (a different value on every row) and dates are not lead attributes; long free text with a
 * different value on most rows cannot be grouped into levels.
 */
export function profileColumns(
  table: CsvTable,
  rows: readonly number[],
  roles: { outcome: number; exclude: ReadonlySet<number> },
): ColumnProfile[] {
  return table.header.map((column, index): ColumnProfile => {
    const values: string[] = [];
    for (const r of rows) {
      const v = table.rows[r]![index] ?? '';
      if (!isPlaceholder(v)) values.push(v.trim());
    }
    const distinctSet = new Set(values);
    const kind = columnKind(values);
    const base = { column, index, kind, filled: values.length, distinct: distinctSet.size };
    if (index === roles.outcome) return { ...base, role: 'outcome' };
    if (roles.exclude.has(index)) return { ...base, role: 'excluded', note: 'excluded with --exclude' };
    if (isPersonalColumn(column, values))
      return {
        ...base,
        role: 'personal',
        note: 'personal data (name, e-mail, phone, address): never learned from',
      };
    if (values.length === 0) return { ...base, role: 'empty', note: 'no values' };
    if (distinctSet.size === 1 && values.length === rows.length)
      return { ...base, role: 'constant', note: `the same value on every row` };
    if (kind === 'string' && values.filter((v) => DATE.test(v)).length >= 0.9 * values.length)
      return { ...base, role: 'date', note: 'a date: not a lead attribute (use it for drift with --date)' };
    const wordy = kind === 'string' && values.filter((v) => v.includes(' ')).length >= 0.5 * values.length;
    if (wordy && distinctSet.size > Math.max(50, 0.5 * values.length))
      return {
        ...base,
        role: 'text',
        note: `free text (${distinctSet.size} different values in ${values.length} rows): cannot be grouped into levels`,
      };
    const unique =
      distinctSet.size === values.length && values.length >= 0.5 * rows.length && values.length > 20;
    const integral = kind === 'number' && [...distinctSet].every((v) => Number.isInteger(parseNumberText(v)));
    if (unique && (kind === 'string' || integral))
      return {
        ...base,
        role: 'id',
        note: 'a different value on every row (an identifier); left out automatically',
      };
    if (kind === 'string' && distinctSet.size > Math.max(50, 0.5 * values.length))
      return {
        ...base,
        role: 'text',
        note: `free text (${distinctSet.size} different values in ${values.length} rows): cannot be grouped into levels`,
      };
    return { ...base, role: 'feature' };
  });
}

/** A custom fact name for a column: "Total Time Spent on Website" → totalTimeSpentOnWebsite. */
export function factNameForColumn(column: string): string {
  const words = column
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .split(/[^A-Za-z0-9]+/)
    .filter(Boolean);
  let name = words
    .map((w, i) => (i === 0 ? w.toLowerCase() : w[0]!.toUpperCase() + w.slice(1).toLowerCase()))
    .join('');
  if (!/^[A-Za-z]/.test(name)) name = `f${name}`;
  return name || 'column';
}

/** Whether a custom value is missing (null). */
export const isMissing = (v: unknown): v is null | undefined => v === null || v === undefined;
export type { CustomFactValue };
