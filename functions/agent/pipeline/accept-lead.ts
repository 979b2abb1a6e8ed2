/**
 * Intake, one submission: parse it (any supported webform shape), check the provider's signature when a
 * secret is configured, apply the per-source rate limit, then store the lead durably with its exactly-once
 * key BEFORE answering, and put it on the qualify queue. Every stored lead sits in the outbox until drafting
 * records a result; the sweeper re-sends any that wait too long (enqueue failed, or a message was lost), so a
 * 202 always means "stored and will be qualified". Spam is stored too, but never queued. Refusals are
 * DomainErrors naming the field, in the prospect's language where the form shows them.
 */
import { DomainError, type DomainErrorKind } from '../errors';
import { dedupKeyOf, type IntakeSettings, type Issue, parseSubmission, verifySignature } from '../intake';
import type { Language } from '../lead';
import type { LeadRecord } from '../lead-record';
import type { LeadQueue, LeadStore, RateLimiter } from '../ports';
import { processingRecordFor } from '../privacy/basis';
import type { PrivacyPolicy } from '../privacy/policy';
import type { LeadStatus } from '../qualification';

/** The request as the HTTP edge received it. */
export interface SubmissionRequest {
  /** The body exactly as received (base64 when `isBase64Encoded`). */
  readonly body: string;
  readonly isBase64Encoded: boolean;
  /** Header names in lower case. */
  readonly headers: Readonly<Record<string, string | undefined>>;
  readonly query: Readonly<Record<string, string | undefined>>;
  readonly method: string;
  readonly path: string;
  /** The full URL as the sender called it (HubSpot signs it). */
  readonly url: string;
  readonly receivedAt: Date;
}

export interface IntakeDeps {
  readonly store: LeadStore;
  readonly qualifyQueue: LeadQueue;
  readonly rateLimiter: RateLimiter;
  readonly settings: IntakeSettings;
  /** Provider → HMAC secret; a provider with a secret must sign its submissions. */
  readonly secrets: Readonly<Record<string, string>>;
  readonly ratePerMinute: number;
  readonly newLeadId: () => string;
  /** Window for content-based duplicates; provider submission ids are remembered for SUBMISSION_ID_WINDOW_SECONDS. */
  readonly dedupWindowSeconds: number;
  /** Monotonic milliseconds, for the intake step's timing. */
  readonly clock: () => number;
  readonly onEnqueueFailure?: (leadId: string, error: unknown) => void;
  /** Lawful basis, purposes and notice version to record on each lead (config/privacy.yaml). */
  readonly privacy?: PrivacyPolicy;
}

/** Provider submission ids are remembered for 30 days: a webhook retried days later is still one lead. */
export const SUBMISSION_ID_WINDOW_SECONDS = 30 * 24 * 3600;

export type IntakeAnswer =
  /** A plain HTML form asked to be sent back to its own page. */
  | {
      readonly kind: 'redirect';
      readonly location: string;
      readonly leadId: string;
      readonly provider: string;
    }
  | {
      readonly kind: 'accepted';
      readonly leadId: string;
      readonly provider: string;
      readonly status: LeadStatus;
      readonly duplicate: boolean;
      /** The thank-you text in the lead's language. */
      readonly message: string;
    };

export const THANKS: Readonly<Record<Language, string>> = {
  en: 'Thank you — we received your request and will get back to you shortly.',
  nl: 'Bedankt — we hebben uw aanvraag ontvangen en nemen snel contact met u op.',
};

/** Dutch issue texts for a Dutch browser, English otherwise. */
const localised = (issues: readonly Issue[], acceptLanguage: string | undefined) => {
  const nl = acceptLanguage?.toLowerCase().startsWith('nl') ?? false;
  return issues.map((i) => ({ field: i.field, message: nl ? i.messageNl : i.message }));
};

export const receiveSubmission = async (
  request: SubmissionRequest,
  deps: IntakeDeps,
): Promise<IntakeAnswer> => {
  const started = deps.clock();
  const parsed = await parseSubmission(
    {
      body: request.body,
      isBase64Encoded: request.isBase64Encoded,
      headers: { ...request.headers },
      query: { ...request.query },
      method: request.method,
      path: request.path,
      receivedAt: request.receivedAt,
    },
    deps.settings,
  );
  if (!parsed.ok)
    throw new DomainError(parsed.kind satisfies DomainErrorKind, parsed.error, {
      issues: localised(parsed.issues, request.headers['accept-language']),
    });

  const secret = deps.secrets[parsed.provider];
  if (secret) {
    const verdict = verifySignature(parsed.provider, {
      rawBody: request.isBase64Encoded ? Buffer.from(request.body, 'base64') : request.body,
      headers: { ...request.headers },
      method: request.method,
      url: request.url,
      secret,
      now: request.receivedAt,
    });
    if (!verdict.ok)
      throw new DomainError('unauthorized', 'The webhook signature is missing or invalid', {
        issues: [{ field: 'signature', message: verdict.reason.replaceAll('_', ' ') }],
      });
  }

  const rate = await deps.rateLimiter.consume(parsed.provider, deps.ratePerMinute, request.receivedAt);
  if (!rate.allowed)
    throw new DomainError('too_many', 'Too many submissions from this source; please retry shortly', {
      retryAfterSeconds: rate.retryAfterSeconds,
    });

  const result = await acceptLead(
    {
      record: {
        leadId: deps.newLeadId(),
        status: parsed.spam ? 'spam' : 'received',
        receivedAt: request.receivedAt.toISOString(),
        provider: parsed.provider,
        ...(parsed.submissionId ? { submissionId: parsed.submissionId } : {}),
        dedupKey: dedupKeyOf(parsed),
        lead: parsed.lead,
        raw: {
          contentType: request.headers['content-type'] ?? '',
          body: request.body,
          isBase64Encoded: request.isBase64Encoded,
        },
        ...(parsed.spam ? { spam: parsed.spam } : {}),
        ...(deps.privacy
          ? { privacy: processingRecordFor(parsed.lead, deps.privacy, request.receivedAt, !!parsed.spam) }
          : {}),
        steps: {
          intake: { ms: Math.max(0, deps.clock() - started), at: request.receivedAt.toISOString() },
        },
      },
      dedupWindowSeconds: parsed.submissionId ? SUBMISSION_ID_WINDOW_SECONDS : deps.dedupWindowSeconds,
    },
    deps,
  );
  if (parsed.redirectTo)
    return {
      kind: 'redirect',
      location: parsed.redirectTo,
      leadId: result.leadId,
      provider: parsed.provider,
    };
  return {
    kind: 'accepted',
    leadId: result.leadId,
    provider: parsed.provider,
    status: result.status,
    duplicate: result.duplicate,
    message: THANKS[parsed.lead.language],
  };
};

/**
 * Stores the lead with its exactly-once guard, then queues it for qualification (unless it is spam). A
 * resubmission inside the window answers with the first lead and stores nothing.
 */
const acceptLead = async (
  input: { readonly record: LeadRecord; readonly dedupWindowSeconds: number },
  deps: Pick<IntakeDeps, 'store' | 'qualifyQueue' | 'onEnqueueFailure'>,
): Promise<{ leadId: string; status: LeadStatus; duplicate: boolean }> => {
  const { record } = input;
  const spam = record.status === 'spam';
  const created = await deps.store.create(record, {
    dedupWindowSeconds: input.dedupWindowSeconds,
    pendingEnqueue: !spam,
  });
  if (!created.created) return { leadId: created.leadId, status: created.status, duplicate: true };
  if (spam) return { leadId: record.leadId, status: 'spam', duplicate: false };
  try {
    await deps.qualifyQueue.send({ leadId: record.leadId });
  } catch (error) {
    // Stored but not (confirmed) queued: the outbox sweeper will queue it. The prospect still gets a 202.
    deps.onEnqueueFailure?.(record.leadId, error);
  }
  return { leadId: record.leadId, status: 'received', duplicate: false };
};
