/**
 * Public types of the intake domain: the request as the handler sees it, the parse result, issues and the
 * answers every provider shape is first flattened into.
 */
import type { DomainErrorKind } from '../errors';
import type { Lead, Provider } from '../lead';

export interface SubmissionInput {
  body: string;
  isBase64Encoded: boolean;
  /** Header names in lower case. */
  headers: Record<string, string | undefined>;
  query: Record<string, string | undefined>;
  method: string;
  path: string;
  receivedAt: Date;
}

/** A field-level problem. `field` is a dotted path a form builder understands; `message` is English. */
export interface Issue {
  field: string;
  message: string;
  /** The same message in Dutch, for forms shown in Dutch. */
  messageNl: string;
}

export type SpamReason = 'honeypot' | 'time_trap';

export interface ParseSuccess {
  ok: true;
  lead: Lead;
  provider: Provider;
  submissionId?: string;
  spam?: { reason: SpamReason };
  redirectTo?: string;
  /** Every answer flattened to key → string, as the provider sent it (for the raw record, never logged). */
  rawFields: Record<string, string>;
}

/** Why a submission was refused, as a DomainError kind (the HTTP edge maps it to 400/413/415/422). */
export type ParseFailureKind = Extract<
  DomainErrorKind,
  'invalid' | 'unprocessable' | 'too_large' | 'unsupported_media'
>;

export interface ParseFailure {
  ok: false;
  kind: ParseFailureKind;
  error: string;
  issues: Issue[];
}

export type ParseResult = ParseSuccess | ParseFailure;

/** Hint from the provider about what kind of answer this is (Typeform/Tally/HubSpot field types). */
export type AnswerKind = 'email' | 'phone' | 'url' | 'boolean' | 'hidden' | 'text';

/** One answer as the provider sent it: its key (name/ref), its human label if known, its value. */
export interface Answer {
  key: string;
  label?: string;
  value: string;
  kind?: AnswerKind;
}

/** What a provider adapter extracts before field mapping. */
export interface ProviderExtract {
  provider: Provider;
  answers: Answer[];
  submissionId?: string;
  formId?: string;
  formName?: string;
  pageUrl?: string;
  referrer?: string;
  submittedAt?: Date;
  /** Consent stated by the provider's own consent block (HubSpot legalConsentOptions). */
  marketingOptIn?: boolean;
  consentText?: string;
  language?: string;
}
