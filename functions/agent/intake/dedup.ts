/**
 * The exactly-once key of a submission. With a provider submission id the key is `provider:submissionId`
 * (stable across retries of the same webhook, remembered for 30 days). Without one it is
 * `content:<sha256>` over the normalised content (email and phone lower-cased, message with its spacing
 * folded, form id, form type) with no time part: the store keeps the key for the dedup window and answers a
 * resubmission inside it with the first lead.
 */
import { createHash } from 'node:crypto';
import type { Lead, Provider } from '../lead';

export function contentHash(lead: Lead): string {
  const content = [
    lead.person.email?.toLowerCase() ?? '',
    lead.person.phone?.toLowerCase() ?? '',
    (lead.message ?? '').trim().replace(/\s+/g, ' ').toLowerCase(),
    lead.source.formId ?? '',
    lead.formType,
  ];
  return createHash('sha256').update(JSON.stringify(content)).digest('hex');
}

export const dedupKeyOf = (parsed: {
  readonly provider: Provider;
  readonly submissionId?: string | undefined;
  readonly lead: Lead;
}): string =>
  parsed.submissionId ? `${parsed.provider}:${parsed.submissionId}` : `content:${contentHash(parsed.lead)}`;
