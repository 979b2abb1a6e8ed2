/**
 * Tally webhook (`eventType: 'FORM_RESPONSE'`): `data.fields[]` with key, label, type, value. Choice
 * fields (MULTIPLE_CHOICE, DROPDOWN, CHECKBOXES, MULTI_SELECT, RANKING) carry option ids that are mapped
 * back to their text via `options`. A single CHECKBOXES sub-field carries a boolean.
 */
import type { Answer, AnswerKind, ProviderExtract } from '../types';
import { asArray, asDate, asString, isObject, type Json } from './values';

export function looksLikeTally(body: Json): boolean {
  return body.eventType === 'FORM_RESPONSE' && isObject(body.data) && Array.isArray(body.data.fields);
}

export function extractTally(body: Json): ProviderExtract {
  const data = isObject(body.data) ? body.data : {};
  const answers: Answer[] = [];
  for (const field of asArray(data.fields)) {
    const answer = readTallyField(field);
    if (answer) answers.push(answer);
  }
  return {
    provider: 'tally',
    answers,
    submissionId: asString(data.submissionId) ?? asString(data.responseId) ?? asString(body.eventId),
    formId: asString(data.formId),
    formName: asString(data.formName),
    submittedAt: asDate(data.createdAt) ?? asDate(body.createdAt),
  };
}

function readTallyField(field: unknown): Answer | undefined {
  if (!isObject(field)) return undefined;
  const key = asString(field.key);
  const value = tallyValue(field);
  if (!key || value === undefined || value === '') return undefined;
  const label = asString(field.label);
  const kind = tallyKind(asString(field.type));
  return { key, value, ...(label ? { label } : {}), ...(kind ? { kind } : {}) };
}

function tallyValue(field: Json): string | undefined {
  const options = new Map<string, string>();
  for (const option of asArray(field.options)) {
    if (isObject(option) && typeof option.id === 'string')
      options.set(option.id, asString(option.text) ?? option.id);
  }
  const value = field.value;
  if (options.size === 0) return asString(value);
  const ids = Array.isArray(value) ? value : [value];
  return asString(ids.map((id) => (typeof id === 'string' ? (options.get(id) ?? id) : id)));
}

function tallyKind(type: string | undefined): AnswerKind | undefined {
  if (type === 'INPUT_EMAIL') return 'email';
  if (type === 'INPUT_PHONE_NUMBER') return 'phone';
  if (type === 'INPUT_LINK') return 'url';
  if (type === 'HIDDEN_FIELDS') return 'hidden';
  return undefined;
}
