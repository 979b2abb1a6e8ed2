/**
 * Our own shapes: `json` (the documented flat JSON body, see README) and `html` (a plain HTML form,
 * urlencoded or multipart, same field names). Repeated form fields (checkbox groups) are joined.
 */
import type { FormField } from '../read-body';
import type { Answer, ProviderExtract } from '../types';
import { flattenToAnswers, type Json } from './values';

export function extractOwnJson(body: Json): ProviderExtract {
  return { provider: 'json', answers: flattenToAnswers(body) };
}

export function extractHtmlForm(fields: FormField[], provider: 'html' | 'json' = 'html'): ProviderExtract {
  return { provider, answers: joinRepeatedFields(fields) };
}

export function joinRepeatedFields(fields: FormField[]): Answer[] {
  const byName = new Map<string, string[]>();
  for (const { name, value } of fields) {
    const key = name.endsWith('[]') ? name.slice(0, -2) : name;
    const list = byName.get(key) ?? [];
    list.push(value);
    byName.set(key, list);
  }
  return [...byName].map(([key, values]) => ({ key, value: values.filter((v) => v !== '').join(', ') }));
}
