/**
 * Jotform webhook: a multipart POST with `formID`, `submissionID`, `formTitle`, `pretty` and `rawRequest`
 * (a JSON string whose answer keys look like `q3_email`, `q4_name: {first,last}`,
 * `q5_phoneNumber: {full}`). The `qN_` prefix is dropped; `pretty` ("Label:Value, …") supplies labels
 * where a value matches exactly.
 */
import type { FormField } from '../read-body';
import type { Answer, ProviderExtract } from '../types';
import { flattenToAnswers, isObject, type Json } from './values';

const ANSWER_KEY = /^q\d+_(.+)$/;

export function looksLikeJotform(fields: FormField[]): boolean {
  return fields.some((field) => field.name === 'rawRequest');
}

export function extractJotform(fields: FormField[]): ProviderExtract {
  const field = (name: string) => fields.find((candidate) => candidate.name === name)?.value;
  const raw = parseRawRequest(field('rawRequest') ?? '');
  const labels = labelsByValue(field('pretty') ?? '');
  const answers: Answer[] = [];
  for (const [key, value] of Object.entries(raw)) {
    const match = ANSWER_KEY.exec(key);
    if (!match) continue;
    const name = match[1]!;
    const nested = isObject(value) ? flattenToAnswers(value, name) : flattenToAnswers({ [name]: value });
    for (const answer of nested) {
      const label = labels.get(answer.value);
      answers.push(label && !isObject(value) ? { ...answer, label } : answer);
    }
  }
  return {
    provider: 'jotform',
    answers,
    submissionId: field('submissionID'),
    formId: field('formID'),
    formName: field('formTitle'),
  };
}

function parseRawRequest(text: string): Json {
  try {
    const value: unknown = JSON.parse(text);
    return isObject(value) ? value : {};
  } catch {
    return {};
  }
}

/** "Full Name:Jan Jansen, E-mail:jan@acme.nl" → value → label (only unambiguous pairs). */
function labelsByValue(pretty: string): Map<string, string> {
  const labels = new Map<string, string>();
  for (const part of pretty.split(/, (?=[^,:]+:)/)) {
    const colon = part.indexOf(':');
    if (colon <= 0) continue;
    const label = part.slice(0, colon).trim();
    const value = part.slice(colon + 1).trim();
    if (value && !labels.has(value)) labels.set(value, label);
  }
  return labels;
}
