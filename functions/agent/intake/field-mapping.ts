/**
 * Maps provider answers to canonical fields by name and label (Dutch and English aliases, per-source
 * aliases first). Order: exact key, exact label, provider type hint, then the longest alias contained in
 * the label or key (ties go to the alias that ends last: "company's website" means website).
 */
import type { Provider } from '../lead';
import { CANONICAL_FIELDS, type CanonicalField, type IntakeSettings } from './settings';
import type { Answer, AnswerKind } from './types';

export interface MappedValue {
  value: string;
  /** The provider's key the value came from, used as the field path. */
  sourceKey: string;
}
export type MappedFields = Partial<Record<CanonicalField, MappedValue>>;
export interface FieldMapping {
  fields: MappedFields;
  unmapped: Answer[];
}

const MIN_CONTAINED_ALIAS = 5;
/** A value that is one email address and nothing else (the normaliser validates it properly later). */
const EMAIL_VALUE = /^[^\s@,;<>"]{1,64}@[^\s@,;<>"]+\.[a-z]{2,}$/i;

/** Lower case, accents stripped, only letters and digits: "E-mailadres" → "emailadres". */
export function normaliseName(name: string): string {
  return name
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]/g, '');
}

type AliasTable = Array<{ alias: string; field: CanonicalField }>;

function aliasTable(settings: IntakeSettings, provider: Provider): AliasTable {
  const table: AliasTable = [];
  const add = (aliases: Partial<Record<CanonicalField, string[]>> | undefined) => {
    for (const field of CANONICAL_FIELDS) {
      for (const alias of aliases?.[field] ?? []) table.push({ alias: normaliseName(alias), field });
    }
  };
  add(settings.sources[provider]?.fieldAliases);
  add(settings.fieldAliases);
  return table.filter((entry) => entry.alias !== '');
}

const KIND_FIELDS: Partial<Record<AnswerKind, CanonicalField>> = {
  email: 'email',
  phone: 'phone',
  url: 'website',
};

export function mapFields(answers: Answer[], settings: IntakeSettings, provider: Provider): FieldMapping {
  const table = aliasTable(settings, provider);
  const fields: MappedFields = {};
  const pending = answers.filter((answer) => answer.value.trim() !== '');
  const passes: Array<(answer: Answer) => CanonicalField | undefined> = [
    (answer) => exactField(table, answer.key),
    (answer) => (answer.label ? exactField(table, answer.label) : undefined),
    (answer) => (answer.kind ? KIND_FIELDS[answer.kind] : undefined),
    (answer) => containedField(table, answer.label ?? answer.key, fields),
    // Last: a form whose email field has a name we do not know still carries an email address.
    (answer) => (!fields.email && EMAIL_VALUE.test(answer.value.trim()) ? 'email' : undefined),
  ];
  let remaining = pending;
  for (const pass of passes) {
    remaining = remaining.filter((answer) => {
      const field = pass(answer);
      if (!field || fields[field]) return true;
      fields[field] = { value: answer.value.trim(), sourceKey: answer.key };
      return false;
    });
  }
  return { fields, unmapped: remaining };
}

function exactField(table: AliasTable, name: string): CanonicalField | undefined {
  const normalised = normaliseName(name);
  return table.find((entry) => entry.alias === normalised)?.field;
}

function containedField(table: AliasTable, name: string, taken: MappedFields): CanonicalField | undefined {
  const normalised = normaliseName(name);
  let best: { field: CanonicalField; length: number; end: number } | undefined;
  for (const { alias, field } of table) {
    if (alias.length < MIN_CONTAINED_ALIAS || taken[field]) continue;
    const start = normalised.lastIndexOf(alias);
    if (start < 0) continue;
    const end = start + alias.length;
    if (!best || alias.length > best.length || (alias.length === best.length && end > best.end)) {
      best = { field, length: alias.length, end };
    }
  }
  return best?.field;
}
