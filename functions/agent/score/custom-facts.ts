/**
 * Custom facts: values the rules file declares itself (`customFacts:`) and conditions name as
 * `custom.<name>`, read from what the lead brought along — its form fields and hidden fields (`lead.extra`,
 * by label), its UTM values (`utm.source`, …) and its source (`source.formName`, …) — or, in a backtest,
 * from the columns of a history CSV with the same names.
 *
 *   customFacts:
 *     leadSource: { kind: string, from: [utm.source, "Lead Source"] }
 *     timeOnSite: { kind: number, from: ["Time on site (s)"] }
 *
 * Raw text is normalised the same way everywhere: trimmed, placeholders ("Select", "-- kies --", "n/a",
 * empty) become null, numbers accept "1,5", "1.234,5" and "1,234.5", booleans accept yes/no, ja/nee,
 * true/false, 1/0. String comparisons on custom facts ignore case (`Google` equals `google`).
 * Pure: no I/O.
 */
import type { Lead } from '../lead';

export const CUSTOM_FACT_KINDS = ['string', 'number', 'boolean'] as const;
export type CustomFactKind = (typeof CUSTOM_FACT_KINDS)[number];

/** How conditions refer to a custom fact. */
export const CUSTOM_PREFIX = 'custom.';
export type CustomFactRef = `custom.${string}`;

/** A declared custom fact name: starts with a letter; letters, digits and underscores. */
export const CUSTOM_FACT_NAME = /^[A-Za-z][A-Za-z0-9_]*$/;

export interface CustomFactDeclaration {
  kind: CustomFactKind;
  /**
   * Where the value comes from, first present wins: `utm.<source|medium|campaign|term|content>`,
   * `source.<provider|formId|formName|pageUrl|referrer>`, or any other text = a form field label
   * (`lead.extra`) or a history CSV column of that name.
   */
  from: string[];
  /** What people call it in reasons ("Lead Source"); default the first `from` entry. */
  label?: string | undefined;
  /** More answers that mean "no answer" for this fact, besides the built-in placeholders. */
  missing?: string[] | undefined;
}
export type CustomFactDeclarations = Record<string, CustomFactDeclaration>;

export type CustomFactValue = string | number | boolean | null;
/** Values of the declared custom facts by name; null when the lead has none. */
export type CustomFactValues = Record<string, CustomFactValue>;

export const isCustomFactRef = (fact: string): fact is CustomFactRef => fact.startsWith(CUSTOM_PREFIX);
export const customFactName = (ref: CustomFactRef): string => ref.slice(CUSTOM_PREFIX.length);

// --- normalising raw text -----------------------------------------------------------------------------

/** Answers that mean "nothing chosen", compared after lower-casing and stripping surrounding punctuation. */
const PLACEHOLDERS = new Set([
  '',
  'select',
  'select one',
  'select an option',
  'please select',
  'please choose',
  'choose',
  'choose one',
  'choose an option',
  'selecteer',
  'kies',
  'kies een optie',
  'maak een keuze',
  'n/a',
  'na',
  'n.v.t',
  'nvt',
  'nan',
  'null',
  'undefined',
  'not set',
  '(not set)',
  'not provided',
]);

const collapse = (raw: string): string => raw.replace(/\s+/g, ' ').trim();

/** The comparable core of an answer: lower case, without surrounding dashes, dots, brackets or spaces. */
const placeholderKey = (raw: string): string =>
  collapse(raw)
    .toLowerCase()
    .replace(/^[\s\-–—_.:*>?[\]]+|[\s\-–—_.:*<?[\]]+$/g, '');

const seen = new Map<string, boolean>();

/** Whether a raw answer says nothing: empty, "Select", "-- Please choose --", "n/a", "NaN", … */
export function isPlaceholder(raw: string, extra: readonly string[] = []): boolean {
  if (extra.length === 0) {
    // Answers repeat a lot (a column of a few hundred values, a form's options): remember them.
    const known = seen.get(raw);
    if (known !== undefined) return known;
    const result = raw.length <= 48 && PLACEHOLDERS.has(placeholderKey(raw));
    if (seen.size > 50_000) seen.clear();
    seen.set(raw, result);
    return result;
  }
  const key = placeholderKey(raw);
  return PLACEHOLDERS.has(key) || extra.some((m) => placeholderKey(m) === key);
}

const TRUE_WORDS = new Set(['yes', 'y', 'true', '1', 'ja', 'j', 'on', 'checked', 'waar', 'x']);
const FALSE_WORDS = new Set(['no', 'n', 'false', '0', 'nee', 'off', 'unchecked', 'onwaar']);

/** Parses yes/no-like text; null when it is neither. */
export function parseBooleanText(raw: string): boolean | null {
  const k = collapse(raw).toLowerCase();
  if (TRUE_WORDS.has(k)) return true;
  if (FALSE_WORDS.has(k)) return false;
  return null;
}

/**
 * Parses a number as people type it: "12", "-3.5", "1,5" (decimal comma), "1.234,5" (Dutch), "1,234.5"
 * (English), "12 %", "€ 1.000". Null when it is not a number.
 */
const PLAIN_NUMBER = /^-?\d+(\.\d+)?$/;

export function parseNumberText(raw: string): number | null {
  if (PLAIN_NUMBER.test(raw)) return Number(raw);
  let t = collapse(raw)
    .replace(/^[€$£]\s*|\s*[€$£%]$/g, '')
    .replace(/[\s_]/g, '');
  if (t === '') return null;
  if (/^[-+]?\d{1,3}(,\d{3})+(\.\d+)?$/.test(t)) t = t.replace(/,/g, '');
  else if (/^[-+]?\d{1,3}(\.\d{3})+(,\d+)?$/.test(t) && !/^[-+]?\d{1,3}\.\d{3}$/.test(t))
    t = t.replace(/\./g, '').replace(',', '.');
  else if (/^[-+]?\d+,\d+$/.test(t)) t = t.replace(',', '.');
  if (!/^[-+]?(\d+\.?\d*|\.\d+)(e[-+]?\d+)?$/i.test(t)) return null;
  const n = Number(t);
  return Number.isFinite(n) ? n : null;
}

/** One raw answer as a value of the given kind: placeholders and unreadable values become null. */
export function parseCustomValue(
  raw: string | null | undefined,
  kind: CustomFactKind,
  missing: readonly string[] = [],
): CustomFactValue {
  if (raw === null || raw === undefined || isPlaceholder(raw, missing)) return null;
  if (kind === 'number') return parseNumberText(raw);
  if (kind === 'boolean') return parseBooleanText(raw);
  return collapse(raw);
}

// --- reading from a lead or a record ------------------------------------------------------------------

/** A label as a loose key: lower case letters and digits only ("How did you hear?" → "howdidyouhear"). */
export const looseKey = (label: string): string => label.toLowerCase().replace(/[^\p{L}\p{N}]+/gu, '');

const UTM_KEYS = ['source', 'medium', 'campaign', 'term', 'content'] as const;
const SOURCE_KEYS = ['provider', 'submissionId', 'formId', 'formName', 'pageUrl', 'referrer'] as const;

/** The raw text of one `from` entry on a lead: utm.*, source.* or a form field label (exact, then loose). */
export function leadFieldText(lead: Lead, from: string): string | undefined {
  if (from.startsWith('utm.')) {
    const key = from.slice(4) as (typeof UTM_KEYS)[number];
    return UTM_KEYS.includes(key) ? lead.utm[key] : undefined;
  }
  if (from.startsWith('source.')) {
    const key = from.slice(7) as (typeof SOURCE_KEYS)[number];
    return SOURCE_KEYS.includes(key) ? lead.source[key] : undefined;
  }
  const exact = lead.extra[from];
  if (exact !== undefined) return exact;
  const want = looseKey(from);
  if (!want) return undefined;
  for (const [label, value] of Object.entries(lead.extra)) if (looseKey(label) === want) return value;
  return undefined;
}

/**
 * Custom fact values from any source of raw text by name (`read(from)` returns the raw text or undefined):
 * per fact, the first `from` entry with a non-placeholder value decides.
 */
export function readCustomFacts(
  declarations: CustomFactDeclarations,
  read: (from: string) => string | null | undefined,
): CustomFactValues {
  const out: CustomFactValues = {};
  for (const [name, d] of Object.entries(declarations)) {
    let value: CustomFactValue = null;
    for (const from of d.from) {
      value = parseCustomValue(read(from), d.kind, d.missing);
      if (value !== null) break;
    }
    out[name] = value;
  }
  return out;
}

/** Custom fact values of a lead: form fields and hidden fields by label, UTM values, source fields. */
export function customFactsFromLead(lead: Lead, declarations: CustomFactDeclarations): CustomFactValues {
  return readCustomFacts(declarations, (from) => leadFieldText(lead, from));
}

/** The label a custom fact goes by in reasons. */
export const customFactLabel = (name: string, d: CustomFactDeclaration): string =>
  d.label ?? d.from.find((f) => !f.includes('.')) ?? d.from[0] ?? name;
