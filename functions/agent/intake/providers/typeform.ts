/**
 * Typeform webhook: `form_response.answers[]` typed by `type`, labelled via `definition.fields[].title`,
 * keyed by the field `ref`; hidden fields (utm_source, page_url, …) come as plain answers.
 */
import type { Answer, AnswerKind, ProviderExtract } from '../types';
import { asArray, asDate, asString, isObject, type Json } from './values';

export function looksLikeTypeform(body: Json): boolean {
  return body.event_type === 'form_response' && isObject(body.form_response);
}

export function extractTypeform(body: Json): ProviderExtract {
  const response = isObject(body.form_response) ? body.form_response : {};
  const definition = isObject(response.definition) ? response.definition : {};
  const titles = new Map<string, string>();
  for (const field of asArray(definition.fields)) {
    if (isObject(field) && typeof field.id === 'string' && typeof field.title === 'string') {
      titles.set(field.id, field.title);
    }
  }
  const answers: Answer[] = [];
  for (const answer of asArray(response.answers)) {
    const read = readTypeformAnswer(answer, titles);
    if (read) answers.push(read);
  }
  if (isObject(response.hidden)) {
    for (const [key, value] of Object.entries(response.hidden)) {
      const text = asString(value);
      if (text !== undefined) answers.push({ key, value: text, kind: 'hidden' });
    }
  }
  return {
    provider: 'typeform',
    answers,
    submissionId: asString(response.token) ?? asString(body.event_id),
    formId: asString(response.form_id) ?? asString(definition.id),
    formName: asString(definition.title),
    submittedAt: asDate(response.submitted_at),
  };
}

function readTypeformAnswer(answer: unknown, titles: Map<string, string>): Answer | undefined {
  if (!isObject(answer) || !isObject(answer.field)) return undefined;
  const id = asString(answer.field.id) ?? '';
  const key = asString(answer.field.ref) ?? id;
  const value = typeformValue(answer);
  if (!key || value === undefined) return undefined;
  const label = titles.get(id);
  const kind = typeformKind(asString(answer.type));
  return { key, value, ...(label ? { label } : {}), ...(kind ? { kind } : {}) };
}

function typeformValue(answer: Json): string | undefined {
  switch (answer.type) {
    case 'choice':
      return isObject(answer.choice)
        ? (asString(answer.choice.label) ?? asString(answer.choice.other))
        : undefined;
    case 'choices':
      return isObject(answer.choices)
        ? asString([...asArray(answer.choices.labels), asString(answer.choices.other)])
        : undefined;
    case 'phone_number':
      return asString(answer.phone_number);
    case 'file_url':
      return asString(answer.file_url);
    default: {
      const type = asString(answer.type);
      return type ? asString(answer[type]) : undefined;
    }
  }
}

function typeformKind(type: string | undefined): AnswerKind | undefined {
  if (type === 'email') return 'email';
  if (type === 'phone_number') return 'phone';
  if (type === 'url') return 'url';
  if (type === 'boolean') return 'boolean';
  return undefined;
}
