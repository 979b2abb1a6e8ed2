/**
 * Exactly-once helper. With a provider submission id the key is `provider:submissionId` (stable across
 * retries of the same webhook). Without one the key is `provider:content:<sha256>` over the normalised
 * content (email/phone lower-cased, message, form id, form type) plus the time bucket of `submittedAt`.
 *
 * Bucket-edge limitation: two identical submissions either side of a bucket boundary (e.g. 10:09:59 and
 * 10:10:01 with a 10-minute window) get different keys. Stores that must close that gap use
 * `contentHash` (no time part) as the key and compare the stored `submittedAt` against the window.
 */
import { createHash } from 'node:crypto';
import type { Lead, Provider } from '../lead';

export const DEFAULT_DEDUP_WINDOW_MS = 10 * 60 * 1000;

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

export function dedupKey(
  lead: Lead,
  provider: Provider,
  submissionId: string | undefined,
  windowMs: number = DEFAULT_DEDUP_WINDOW_MS,
): string {
  if (submissionId) return `${provider}:${submissionId}`;
  const window = Number.isFinite(windowMs) && windowMs > 0 ? windowMs : DEFAULT_DEDUP_WINDOW_MS;
  const bucket = Math.floor(Date.parse(lead.submittedAt) / window);
  const hash = createHash('sha256')
    .update(`${contentHash(lead)}:${bucket}`)
    .digest('hex');
  return `${provider}:content:${hash}`;
}
