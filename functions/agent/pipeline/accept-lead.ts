/**
 * Intake, one submission: parse it (any supported webform shape), check the provider's signature when a
 * secret is configured (or required), apply the in-memory rate limits, then store the lead durably BEFORE
 * answering — with exactly one round trip to storage. The lead id is derived from the dedup key and its time
 * bucket (`leadIdFor`), so one conditional write both stores the lead and refuses a duplicate; the table's
 * stream is the outbox that hands a new lead to qualification (nothing is sent on the hot path). Every stored
 * lead sits in the outbox index until drafting records a result; the sweeper re-queues any that wait too
 * long, so a 202 always means "stored and will be qualified". Spam is stored too, but never qualified.
 * Refusals are DomainErrors naming the field, in the prospect's language where the form shows them.
 */
import { createHash } from 'node:crypto';
import { DomainError, type DomainErrorKind } from '../errors';
import { dedupKeyOf, type IntakeSettings, type Issue, parseSubmission, verifySignature } from '../intake';
import type { Language } from '../lead';
import type { LeadRecord } from '../lead-record';
import type { LeadStore, RateLimiter } from '../ports';
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
  /** The caller's address as the edge saw it (API Gateway's `sourceIp`), for the per-client rate limit. */
  readonly clientIp?: string;
}

/** Requests per minute for each rate-limit budget (token buckets of that size, refilled continuously). */
export interface IntakeRates {
  /** Per intake source (provider): all clients of one webform integration together. */
  readonly perSource: number;
  /** Per client address. */
  readonly perClient: number;
  /** Submissions judged spam, per source: a spam flood spends its own budget, not the real leads'. */
  readonly spamPerSource: number;
}

export interface IntakeDeps {
  readonly store: LeadStore;
  readonly rateLimiter: RateLimiter;
  readonly settings: IntakeSettings;
  /** Provider → HMAC secret; a provider with a secret must sign its submissions. */
  readonly secrets: Readonly<Record<string, string>>;
  /** Refuse submissions from a provider without a secret (every source must sign). Default false. */
  readonly requireSignature?: boolean;
  readonly rates: IntakeRates;
  /** Window for content-based duplicates; provider submission ids are remembered for SUBMISSION_ID_WINDOW_SECONDS. */
  readonly dedupWindowSeconds: number;
  /** Monotonic milliseconds, for the intake step's timing. */
  readonly clock: () => number;
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
  if (!secret && deps.requireSignature)
    throw new DomainError('unauthorized', 'This source must sign its submissions', {
      issues: [{ field: 'signature', message: 'no signing secret is configured for this source' }],
    });
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

  await applyRateLimits(parsed.provider, parsed.spam !== undefined, request, deps);

  const dedupKey = dedupKeyOf(parsed);
  const dedupWindowSeconds = parsed.submissionId ? SUBMISSION_ID_WINDOW_SECONDS : deps.dedupWindowSeconds;
  const result = await acceptLead(
    {
      record: {
        leadId: leadIdFor(dedupKey, dedupWindowSeconds, request.receivedAt),
        status: parsed.spam ? 'spam' : 'received',
        receivedAt: request.receivedAt.toISOString(),
        provider: parsed.provider,
        ...(parsed.submissionId ? { submissionId: parsed.submissionId } : {}),
        dedupKey,
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
      dedupWindowSeconds,
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
 * The rate limits, in the order a flood is most likely to hit them: the client's own budget, then the
 * source's (spam spends a budget of its own, so a spam run cannot lock real prospects out). The limiter is in
 * memory: no storage round trip per request (on AWS each container counts for itself; API Gateway's
 * throttling is the hard limit in front of it).
 */
const applyRateLimits = async (
  provider: string,
  spam: boolean,
  request: SubmissionRequest,
  deps: Pick<IntakeDeps, 'rateLimiter' | 'rates'>,
) => {
  const budgets: [string, number][] = [
    ...(request.clientIp ? [[`client:${request.clientIp}`, deps.rates.perClient] as [string, number]] : []),
    spam ? [`spam:${provider}`, deps.rates.spamPerSource] : [`source:${provider}`, deps.rates.perSource],
  ];
  for (const [key, perMinute] of budgets) {
    const rate = await deps.rateLimiter.consume(key, perMinute, request.receivedAt);
    if (!rate.allowed)
      throw new DomainError('too_many', 'Too many submissions from this source; please retry shortly', {
        retryAfterSeconds: rate.retryAfterSeconds,
      });
  }
};

const CROCKFORD = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

/** The low `chars × 5` bits of `value` as Crockford base32, most significant first. */
const base32 = (value: bigint, chars: number): string => {
  let out = '';
  for (let i = chars - 1; i >= 0; i--) out += CROCKFORD[Number((value >> BigInt(i * 5)) & 31n)];
  return out;
};

/** The time bucket of `at` for a dedup window: buckets are `windowSeconds` long. */
export const dedupBucket = (windowSeconds: number, at: Date): number =>
  Math.floor(at.getTime() / (windowSeconds * 1000));

/**
 * The lead id of a submission: a ULID-shaped id (26 characters of Crockford base32) whose time part is the
 * start of the dedup bucket and whose other 80 bits hash the dedup key with the bucket. The same submission
 * inside the same bucket always gets the same id, so the store's one conditional write is the exactly-once
 * guard. A retry that falls into the next bucket finds that bucket's id reserved for the first lead
 * (`reservationFor`), so every retry within the window maps to the first lead.
 */
export const leadIdFor = (dedupKey: string, windowSeconds: number, at: Date, bucketOffset = 0): string => {
  const bucket = dedupBucket(windowSeconds, at) + bucketOffset;
  const startMs = BigInt(bucket) * BigInt(windowSeconds * 1000);
  const digest = createHash('sha256').update(`${dedupKey}#${windowSeconds}#${bucket}`).digest();
  const random = BigInt(`0x${digest.subarray(0, 10).toString('hex')}`);
  return base32(startMs & ((1n << 48n) - 1n), 10) + base32(random, 16);
};

/**
 * The next bucket's id of a stored lead, and until when it must stay reserved for it: the stream consumer
 * writes this reservation after the lead is stored, off the request path. `undefined` for a lead whose id is
 * not derived from its dedup key (older leads).
 */
export const reservationFor = (
  record: Pick<LeadRecord, 'leadId' | 'dedupKey' | 'receivedAt' | 'submissionId'>,
  contentWindowSeconds: number,
): { readonly leadId: string; readonly expiresAtSeconds: number } | undefined => {
  const window = record.submissionId ? SUBMISSION_ID_WINDOW_SECONDS : contentWindowSeconds;
  const at = new Date(record.receivedAt);
  if (leadIdFor(record.dedupKey, window, at) !== record.leadId) return undefined;
  const nextBucket = dedupBucket(window, at) + 1;
  return {
    leadId: leadIdFor(record.dedupKey, window, at, 1),
    expiresAtSeconds: (nextBucket + 1) * window + window,
  };
};

/**
 * After a new lead is stored (the stream consumer, off the request path): reserves its next bucket's id for it,
 * so a retry that falls just past the bucket boundary is the same lead. False when the id was already taken
 * (a retry stored there before the reservation: then two leads exist, which the window cannot prevent).
 */
export const reserveNextBucket = async (
  store: Pick<LeadStore, 'reserveLeadId'>,
  lead: Pick<LeadRecord, 'leadId' | 'dedupKey' | 'receivedAt' | 'submissionId'>,
  contentWindowSeconds: number,
): Promise<boolean> => {
  const reservation = reservationFor(lead, contentWindowSeconds);
  if (!reservation) return true;
  return store.reserveLeadId(reservation.leadId, lead.leadId, reservation.expiresAtSeconds);
};

/**
 * Stores the lead: one conditional write on its derived id. A resubmission inside the window finds the id
 * taken (by the lead or by its reservation) and answers with the first lead, storing nothing.
 */
const acceptLead = async (
  input: { readonly record: LeadRecord; readonly dedupWindowSeconds: number },
  deps: Pick<IntakeDeps, 'store'>,
): Promise<{ leadId: string; status: LeadStatus; duplicate: boolean }> => {
  const { record } = input;
  const spam = record.status === 'spam';
  const created = await deps.store.create(record, {
    dedupWindowSeconds: input.dedupWindowSeconds,
    pendingEnqueue: !spam,
  });
  if (!created.created) return { leadId: created.leadId, status: created.status, duplicate: true };
  return { leadId: record.leadId, status: record.status, duplicate: false };
};
