/** Small, total helpers to read untrusted JSON values. */
import type { Answer, AnswerKind } from '../types';

export type Json = Record<string, unknown>;

export function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function asString(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  if (Array.isArray(value)) {
    const parts = value.map(asString).filter((part): part is string => part !== undefined && part !== '');
    return parts.length > 0 ? parts.join(', ') : undefined;
  }
  return undefined;
}

export function asArray(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [];
}

/** A date from ISO text, epoch milliseconds or epoch seconds; undefined when it is not a sane date. */
export function asDate(value: unknown): Date | undefined {
  let date: Date | undefined;
  if (typeof value === 'number' && Number.isFinite(value)) {
    date = new Date(value < 1e11 ? value * 1000 : value);
  } else if (typeof value === 'string' && value.trim() !== '') {
    const text = value.trim();
    date = /^\d+(\.\d+)?$/.test(text) ? asDate(Number(text)) : new Date(text);
  }
  if (!date || Number.isNaN(date.getTime())) return undefined;
  const year = date.getUTCFullYear();
  return year >= 2000 && year <= 2200 ? date : undefined;
}

const FIELD_NAME_KEYS = ['name', 'key', 'id', 'ref', 'field', 'slug'] as const;
const FIELD_LABEL_KEYS = ['label', 'title', 'question', 'displayName', 'display_name'] as const;
const FIELD_VALUE_KEYS = ['value', 'answer', 'values', 'response', 'text'] as const;

/**
 * A field object as unknown form tools send them: a value (`value`, `answer`, …) beside a name or label
 * (`{ name: 'Email', value: 'a@b.nl', type: 'email' }`). Returns the answer it carries, or undefined.
 */
export function fieldObjectAnswer(object: Json, parentKey?: string): Answer | undefined {
  const valueKey = FIELD_VALUE_KEYS.find((key) => key in object);
  if (!valueKey) return undefined;
  const raw = object[valueKey];
  const value = isObject(raw) ? (asString(raw.label) ?? asString(raw.value)) : asString(raw);
  const name = FIELD_NAME_KEYS.map((key) => asString(object[key])).find((text) => text && text !== '');
  const label = FIELD_LABEL_KEYS.map((key) => asString(object[key])).find((text) => text && text !== '');
  const key = parentKey ?? name ?? label;
  if (!key || value === undefined) return undefined;
  if (!name && !label && parentKey === undefined) return undefined;
  const answerLabel = label ?? (parentKey !== undefined && name && name !== parentKey ? name : undefined);
  const kind = kindOfType(asString(object.type) ?? asString(object.fieldType) ?? asString(object.field_type));
  return {
    key,
    value,
    ...(answerLabel ? { label: answerLabel } : {}),
    ...(kind ? { kind } : {}),
  };
}

function kindOfType(type: string | undefined): AnswerKind | undefined {
  const t = type?.toLowerCase();
  if (!t) return undefined;
  if (t.includes('email') || t === 'mail') return 'email';
  if (t.includes('phone') || t === 'tel') return 'phone';
  if (t === 'url' || t === 'website') return 'url';
  if (t === 'hidden') return 'hidden';
  return undefined;
}

/** An array whose items are field objects (`[{ label, value }, …]`): their answers, else undefined. */
export function fieldArrayAnswers(items: unknown[]): Answer[] | undefined {
  const answers: Answer[] = [];
  for (const item of items.slice(0, 500)) {
    if (!isObject(item)) continue;
    const answer = fieldObjectAnswer(item);
    if (answer) answers.push(answer);
  }
  return answers.length > 0 ? answers : undefined;
}

/**
 * Flattens a JSON object to answers: nested objects become dotted keys (`name.first`), arrays of scalars
 * are joined. Field objects (`{ name|label, value }`) and arrays of them become one answer each, so a
 * webhook shape we do not know yet still yields its fields. Depth-limited so hostile bodies cannot blow
 * the stack.
 */
export function flattenToAnswers(object: Json, prefix = '', depth = 0, kind?: AnswerKind): Answer[] {
  const answers: Answer[] = [];
  for (const [key, value] of Object.entries(object)) {
    const path = prefix ? `${prefix}.${key}` : key;
    if (isObject(value)) {
      const field = fieldObjectAnswer(value, path);
      if (field) answers.push(kind && !field.kind ? { ...field, kind } : field);
      else if (depth < 3) answers.push(...flattenToAnswers(value, path, depth + 1, kind));
      continue;
    }
    if (Array.isArray(value) && depth < 3) {
      const fields = fieldArrayAnswers(value);
      if (fields) {
        answers.push(...fields);
        continue;
      }
    }
    const text = asString(value);
    if (text !== undefined)
      answers.push(kind ? { key: path, value: text, kind } : { key: path, value: text });
  }
  return answers;
}
