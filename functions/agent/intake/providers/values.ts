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

/**
 * Flattens a JSON object to answers: nested objects become dotted keys (`name.first`), arrays of scalars
 * are joined. Depth-limited so hostile bodies cannot blow the stack.
 */
export function flattenToAnswers(object: Json, prefix = '', depth = 0, kind?: AnswerKind): Answer[] {
  const answers: Answer[] = [];
  for (const [key, value] of Object.entries(object)) {
    const path = prefix ? `${prefix}.${key}` : key;
    if (isObject(value)) {
      if (depth < 3) answers.push(...flattenToAnswers(value, path, depth + 1, kind));
      continue;
    }
    const text = asString(value);
    if (text !== undefined)
      answers.push(kind ? { key: path, value: text, kind } : { key: path, value: text });
  }
  return answers;
}
