/**
 * The lawful basis, purposes and notice version recorded on every lead at intake (GDPR art. 5(2), 6, 7, 13):
 * the form's own consent fields when it sent them, otherwise the configured basis. Pure.
 */
import type { Lead } from '../lead';
import type { LawfulBasis, PrivacyPolicy } from './policy';

export interface ProcessingRecord {
  readonly basis: LawfulBasis;
  /** `form`: the form sent a consent field; `config`: config/privacy.yaml's default basis applied. */
  readonly basisSource: 'form' | 'config';
  /** Purpose ids (config/privacy.yaml `purposes`), plus the form's own purpose text when it sent one. */
  readonly purposes: readonly string[];
  readonly consentPurpose?: string;
  /** The notice version the form showed (its `privacyNoticeVersion` field), else ours. */
  readonly noticeVersion: string;
  /** Whether the prospect opted in to marketing email on the form (absent: the form did not ask). */
  readonly marketingOptIn?: boolean;
  readonly recordedAt: string;
  /** When the lead expires (retention of its record class from config/privacy.yaml); DynamoDB TTL deletes it. */
  readonly retainUntil: string;
}

/**
 * What the form told us decides. A form that showed a notice version and asked for marketing opt-in gives
 * `consent` when ticked; otherwise the enquiry itself is followed up on the configured basis (legitimate
 * interest for a B2B enquiry), with the opt-in recorded as given.
 */
export const processingRecordFor = (
  lead: Lead,
  policy: PrivacyPolicy,
  at: Date,
  spam = false,
): ProcessingRecord => {
  const consent = lead.consent;
  const formSentConsent = consent.marketingOptIn || consent.privacyNoticeVersion !== undefined;
  return {
    basis: consent.marketingOptIn ? 'consent' : policy.defaultBasis,
    basisSource: consent.marketingOptIn ? 'form' : 'config',
    purposes: policy.purposes.map((p) => p.id),
    ...(consent.purpose ? { consentPurpose: consent.purpose } : {}),
    noticeVersion: consent.privacyNoticeVersion ?? policy.noticeVersion,
    ...(formSentConsent ? { marketingOptIn: consent.marketingOptIn } : {}),
    recordedAt: at.toISOString(),
    retainUntil: retainUntil(at, policy.retentionDays[spam ? 'spamLead' : 'unconvertedLead']),
  };
};

export const retainUntil = (from: Date | string, days: number): string =>
  new Date(new Date(from).getTime() + days * 86_400_000).toISOString();
