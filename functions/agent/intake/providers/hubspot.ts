/**
 * HubSpot: the Forms API v3 submit body (`fields[]`, `context`, `legalConsentOptions`, `submittedAt`) and
 * the legacy urlencoded form post with an `hs_context` JSON field. Company-object fields (`objectTypeId`
 * 0-2) are prefixed `company.` so `name` there means the company name, not the person's.
 */
import type { FormField } from '../read-body';
import type { Answer, ProviderExtract } from '../types';
import { joinRepeatedFields } from './own';
import { asArray, asDate, asString, isObject, type Json } from './values';

const COMPANY_OBJECT = '0-2';

export function looksLikeHubspotJson(body: Json): boolean {
  const fields = body.fields;
  return (
    Array.isArray(fields) &&
    fields.length > 0 &&
    fields.every((field) => isObject(field) && typeof field.name === 'string' && 'value' in field)
  );
}

export function extractHubspotJson(body: Json): ProviderExtract {
  const answers: Answer[] = [];
  for (const field of asArray(body.fields)) {
    if (!isObject(field) || typeof field.name !== 'string') continue;
    const value = asString(field.value);
    if (value === undefined) continue;
    const key = field.objectTypeId === COMPANY_OBJECT ? `company.${field.name}` : field.name;
    answers.push({ key, value });
  }
  const context = isObject(body.context) ? body.context : {};
  const consent = readLegalConsent(body.legalConsentOptions);
  return {
    provider: 'hubspot',
    answers,
    pageUrl: asString(context.pageUri),
    formName: asString(context.pageName),
    submittedAt: asDate(body.submittedAt),
    ...consent,
  };
}

function readLegalConsent(options: unknown): Pick<ProviderExtract, 'marketingOptIn' | 'consentText'> {
  if (!isObject(options) || !isObject(options.consent)) return {};
  const communications = asArray(options.consent.communications).filter(isObject);
  const consentText = asString(options.consent.text);
  if (communications.length === 0) return consentText ? { consentText } : {};
  const marketingOptIn = communications.some((communication) => communication.value === true);
  return consentText ? { marketingOptIn, consentText } : { marketingOptIn };
}

export function looksLikeHubspotForm(fields: FormField[]): boolean {
  return fields.some((field) => field.name === 'hs_context');
}

export function extractHubspotForm(fields: FormField[]): ProviderExtract {
  const contextText = fields.find((field) => field.name === 'hs_context')?.value ?? '';
  const context = parseContext(contextText);
  const answers = joinRepeatedFields(fields.filter((field) => field.name !== 'hs_context'));
  return {
    provider: 'hubspot',
    answers,
    pageUrl: asString(context.pageUrl),
    formName: asString(context.pageName),
  };
}

function parseContext(text: string): Json {
  try {
    const value: unknown = JSON.parse(text);
    return isObject(value) ? value : {};
  } catch {
    return {};
  }
}
