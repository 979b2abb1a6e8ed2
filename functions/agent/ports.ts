/**
 * The storage and messaging ports the pipeline needs. Adapters live in functions/platform (DynamoDB, SQS);
 * tests and the ops CLI can use in-memory ones. Pure types, no AWS.
 */
import type { Enrichment } from './enrichment';
import type { AuditEntry, LeadError, LeadRecord, PipelineStep, StepTiming } from './lead-record';
import type { LeadMessage } from './pipeline/lead-message';
import type { Draft, DraftStatus, LeadStatus, Rationale, Score } from './qualification';

export type CreateLeadResult =
  | { readonly created: true; readonly leadId: string }
  | { readonly created: false; readonly leadId: string; readonly status: LeadStatus };

export interface LeadStore {
  /**
   * Stores a new lead and its dedup guard atomically. When the dedup key is already taken (a resubmission
   * inside the window), nothing is written and the existing lead's id is returned.
   * `pendingEnqueue` puts the lead in the outbox; it leaves the outbox when drafting records its result (or
   * a step records its final error), so a lost or dead-lettered message at any step is re-sent by the sweeper.
   */
  create(
    record: LeadRecord,
    options: { dedupWindowSeconds: number; pendingEnqueue: boolean },
  ): Promise<CreateLeadResult>;
  get(leadId: string): Promise<LeadRecord | undefined>;
  /** Moves an outbox entry's clock to now after the sweeper re-sent it; returns how often it was swept (0 once done). */
  rearmOutbox(leadId: string): Promise<number>;
  /** Leads in the outbox for more than `olderThanSeconds`: not yet drafted, maybe never queued or a message lost. */
  listOutbox(olderThanSeconds: number, limit: number): Promise<string[]>;
  /** Records enrichment and score and restarts the outbox clock (idempotent: a second call keeps the first). */
  saveQualification(
    leadId: string,
    result: { enrichment: Enrichment; score: Score; steps: Partial<Record<PipelineStep, StepTiming>> },
  ): Promise<boolean>;
  recordSteps(leadId: string, steps: Partial<Record<PipelineStep, StepTiming>>): Promise<void>;
  /** Records rationale and draft once (false when an earlier delivery already did). */
  saveDraft(
    leadId: string,
    result: {
      rationale: Rationale;
      draft?: Draft;
      status: LeadStatus;
      steps: Partial<Record<PipelineStep, StepTiming>>;
    },
  ): Promise<boolean>;
  /** Records a step failure on the lead; `final` marks it failed (the message goes to the DLQ). */
  recordError(leadId: string, error: LeadError, final: boolean): Promise<void>;
  setStatus(leadId: string, status: LeadStatus, expectedStatuses: readonly LeadStatus[]): Promise<boolean>;
}

/** A pipeline queue (qualify, draft or send). */
export interface LeadQueue {
  /** `delaySeconds` (0–900) holds the message back, e.g. for a send scheduled at the next business opening. */
  send(message: LeadMessage, options?: { delaySeconds?: number }): Promise<void>;
}

/** A fixed-window rate limit per intake source, shared by every running instance. */
export interface RateLimiter {
  /** Counts one request from `source`; `allowed` while the minute's count stays within `limitPerMinute`. */
  consume(
    source: string,
    limitPerMinute: number,
    now: Date,
  ): Promise<{ readonly allowed: boolean; readonly retryAfterSeconds: number }>;
}

/* ------------------------------------------------------------------ send (functions/agent/pipeline/send-draft) */

export type BeginSendResult = 'started' | 'conflict';

/** The draft send state machine on the lead: approved → sending → sent | failed. All transitions conditional. */
export interface SendStore {
  get(leadId: string): Promise<LeadRecord | undefined>;
  /** approved → sending with this attempt (written before the mail goes out); `conflict` if not approved. */
  beginSend(leadId: string, attempt: { attemptId: string; startedAt: string }): Promise<BeginSendResult>;
  /** sending (this attempt) → sent, with the SES message id; lead status → `sent`. False if the attempt lost. */
  completeSend(
    leadId: string,
    attemptId: string,
    result: { messageId: string; sentAt: string },
  ): Promise<boolean>;
  /**
   * → failed with a reason. `from` is the draft status expected (`sending` with the attempt id, or `approved`
   * for a recipient that is suppressed). False when the draft moved on meanwhile.
   */
  failSend(
    leadId: string,
    from: { status: 'approved' } | { status: 'sending'; attemptId: string },
    failure: { error: string; failedAt: string },
  ): Promise<boolean>;
  /** sending (this attempt) → approved again: SES refused for a retryable reason (throttling), nothing sent. */
  releaseSend(leadId: string, attemptId: string): Promise<boolean>;
  /** Whether the address's `SUPPRESS#<sha256(lower-cased email)>` item exists. */
  isSuppressed(emailSha256: string): Promise<boolean>;
}

export interface OutgoingMail {
  readonly fromAddress: string;
  readonly fromName: string;
  readonly replyTo: string;
  readonly to: string;
  readonly subject: string;
  readonly text: string;
}

/** Sends one email; resolves with the provider's message id. */
export interface Mailer {
  send(mail: OutgoingMail): Promise<{ messageId: string }>;
}

/**
 * A mailer failure. `retryable`: the provider answered and sent nothing (throttled, unavailable), so trying
 * again later is safe. Otherwise the outcome may be unknown (timeout, connection lost) or final (rejected).
 */
export class MailerError extends Error {
  override readonly name = 'MailerError';
  constructor(
    message: string,
    readonly kind: 'retryable' | 'rejected' | 'unknown',
  ) {
    super(message);
  }
}

/* ------------------------------------------------------------------ review (functions/agent/pipeline/review) */

/**
 * One conditional change of a lead: `set` attribute paths (dotted, e.g. `draft.status`) to values, only if
 * every `expect` path currently holds its value; the audit entry is appended in the same write.
 */
export interface LeadChange {
  readonly set: Readonly<Record<string, unknown>>;
  readonly expect: Readonly<Record<string, string>>;
  readonly audit: AuditEntry;
}

/** Where a page of a store listing ended; opaque to callers, handed back to get the next page. */
export type StoreCursor = Readonly<Record<string, string>>;

/** A cursor that this store did not hand out (forged, corrupted, or for another listing). */
export class InvalidCursorError extends Error {
  override readonly name = 'InvalidCursorError';
}

export interface ReviewStore {
  get(leadId: string): Promise<LeadRecord | undefined>;
  /** A person's leads that have a draft in this status (`all`: any draft); every one, in no particular order. */
  listByOwner(ownerId: string, draftStatus: DraftStatus | 'all'): Promise<LeadRecord[]>;
  /**
   * One page of the leads whose draft is in `status`, in inbox order (functions/agent/inbox-order.ts), for
   * managers. `after` is the `next` of the previous page; `next` is absent on the last page.
   */
  listDrafts(
    status: DraftStatus,
    page: { readonly limit: number; readonly after?: StoreCursor },
  ): Promise<{ records: LeadRecord[]; next?: StoreCursor }>;
  /** False when an `expect` did not hold (someone else changed the lead first). */
  applyChange(leadId: string, change: LeadChange): Promise<boolean>;
}
