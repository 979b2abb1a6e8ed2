/**
 * Webflow form-submission webhook, v1 (`{ name, site, data, d, _id }`) and v2
 * (`{ triggerType: 'form_submission', payload: { name, siteId, data, submittedAt, id, formId } }`).
 * `data` keys are the form's field names as the designer typed them, so they double as labels.
 */
import type { ProviderExtract } from '../types';
import { asDate, asString, isObject, type Json } from './values';

export function looksLikeWebflow(body: Json): boolean {
  if (body.triggerType === 'form_submission' && isObject(body.payload)) return true;
  return isObject(body.data) && typeof body.name === 'string' && ('site' in body || '_id' in body);
}

export function extractWebflow(body: Json): ProviderExtract {
  const payload = isObject(body.payload) ? body.payload : body;
  const data = isObject(payload.data) ? payload.data : {};
  const answers = Object.entries(data).flatMap(([key, raw]) => {
    const value = asString(raw);
    return value === undefined ? [] : [{ key, label: key, value }];
  });
  return {
    provider: 'webflow',
    answers,
    submissionId: asString(payload.id) ?? asString(payload._id),
    formId: asString(payload.formId),
    formName: asString(payload.name),
    submittedAt: asDate(payload.submittedAt) ?? asDate(payload.d),
  };
}
