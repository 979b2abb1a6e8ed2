/**
 * The storage, messaging and mail ports the use cases need, named for what each action does. Adapters live
 * in functions/platform (DynamoDB, SQS, SES); the in-memory store in functions/agent/testing implements the
 * same ports. Pure types, no AWS.
 */
import type { AccountSignal } from './account-signals';
import type { CrmJob } from './crm/types';
import type { Enrichment } from './enrichment';
import type { LeadEvent } from './events';
import type { Disposition } from './judge/disposition';
import type {
  AuditEntry,
  LeadError,
  LeadRecord,
  OutcomeRecord,
  OwnerAlert,
  PipelineStep,
  PrivacyRequest,
  ScoreOverride,
  ScoreVersion,
  SlaEscalation,
  StepTiming,
} from './lead-record';
import type { DraftStatus, LeadStatus, LoadEffect } from './lifecycle';
import type { LeadMessage } from './pipeline/lead-message';
import type { Draft, Quadrant, Rationale, Route, Score, Tier } from './qualification';

export type CreateLeadResult =
  | { readonly created: true; readonly leadId: string }
  | { readonly created: false; readonly leadId: string; readonly status: LeadStatus };

/** What a pipeline step records beside its result: how long each part took. */
export type StepTimings = Partial<Record<PipelineStep, StepTiming>>;

/**
 * The lead as the intake and the pipeline steps write it. Every write is one conditional write whose
 * condition comes from functions/agent/lifecycle.ts, so at-least-once delivery never stores a second lead,
 * a second result for the same cause or a state that goes backwards.
 */
export interface LeadStore {
  /**
   * Stores a new lead with one conditional write on its id (derived from the dedup key and its time bucket,
   * see accept-lead.ts). When the id is already taken — by a lead, or by a reservation pointing at one (a
   * resubmission inside the window) — nothing is written and the existing lead's id is returned.
   * `pendingEnqueue` puts the lead in the outbox; it leaves the outbox when drafting records its result (or
   * a step records its final error), so a lost or dead-lettered message at any step is re-sent by the sweeper.
   */
  create(
    record: LeadRecord,
    options: { dedupWindowSeconds: number; pendingEnqueue: boolean },
  ): Promise<CreateLeadResult>;
  /**
   * Reserves `leadId` (the next dedup bucket's id of a stored lead) for `forLeadId` until `expiresAtSeconds`,
   * so a retry that falls into the next bucket answers with the first lead. False when the id is already
   * taken (by a lead or a reservation).
   */
  reserveLeadId(leadId: string, forLeadId: string, expiresAtSeconds: number): Promise<boolean>;
  get(leadId: string): Promise<LeadRecord | undefined>;
  /** Moves an outbox entry's clock to now after the sweeper re-sent it; returns how often it was swept (0 once done). */
  rearmOutbox(leadId: string): Promise<number>;
  /** Leads in the outbox for more than `olderThanSeconds`: not yet drafted, maybe never queued or a message lost. */
  listOutbox(olderThanSeconds: number, limit: number): Promise<string[]>;
  /**
   * Records enrichment and a new score version for `cause` (the first qualification is `qualify`; a later
   * re-score names its own cause) and restarts the outbox clock. Once per cause: false when this cause was
   * already recorded (a redelivery), so the first result stands and the step stays idempotent.
   */
  saveQualification(
    leadId: string,
    result: { enrichment: Enrichment; score: Score; cause: string; steps: StepTimings },
  ): Promise<boolean>;
  recordSteps(leadId: string, steps: StepTimings): Promise<void>;
  /**
   * Records rationale and draft once (lifecycle `save_draft`: routed → drafted, nurture stays nurture) and
   * takes the lead out of the outbox. False when an earlier delivery already did.
   */
  saveDraft(
    leadId: string,
    result: { rationale: Rationale; draft?: Draft; routeKind: 'owner' | 'nurture'; steps: StepTimings },
  ): Promise<boolean>;
  /**
   * Records a step failure on the lead; `final` (the message goes to the DLQ) also applies lifecycle `fail`
   * to a lead still in the pipeline and takes it out of the outbox.
   */
  recordError(leadId: string, error: LeadError, final: boolean): Promise<void>;
}

/** A pipeline queue (qualify, draft or send). */
export interface LeadQueue {
  /** `delaySeconds` (0–900) holds the message back, e.g. for a send scheduled at the next business opening. */
  send(message: LeadMessage, options?: { delaySeconds?: number }): Promise<void>;
}

/** A rate limit per key (a source, a client): `limitPerMinute` requests a minute, bursts up to that many. */
export interface RateLimiter {
  /** Counts one request for `source`; `allowed` while its budget lasts. */
  consume(
    source: string,
    limitPerMinute: number,
    now: Date,
  ): Promise<{ readonly allowed: boolean; readonly retryAfterSeconds: number }>;
}

/* ------------------------------------------------------------------ send (functions/agent/pipeline/send-draft) */

export type BeginSendResult = 'started' | 'conflict';

/**
 * The draft's send on the lead (lifecycle draft commands begin_send, complete_send, fail_send, release_send):
 * approved → sending → sent | failed, each one conditional write.
 */
export interface SendStore {
  get(leadId: string): Promise<LeadRecord | undefined>;
  /** approved → sending with this attempt (written before the mail goes out); `conflict` if not approved. */
  beginSend(leadId: string, attempt: { attemptId: string; startedAt: string }): Promise<BeginSendResult>;
  /**
   * sending (this attempt) → sent, with the SES message id; the lead is contacted (`sent`) unless it is
   * already further along. False if the attempt lost.
   */
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
  /** approved → pending: an automatic send over a send limit waits for its owner, `reason` recorded. */
  holdForReview(leadId: string, reason: string): Promise<boolean>;
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
  /** Extra message headers (List-Unsubscribe, List-Unsubscribe-Post). */
  readonly headers?: readonly { readonly name: string; readonly value: string }[];
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

/** Where a page of a store listing ended; opaque to callers, handed back to get the next page. */
export type StoreCursor = Readonly<Record<string, string>>;

/** A person's new subject and body for a draft. */
export interface DraftContent {
  readonly subject: string;
  readonly body: string;
}

/**
 * The review actions on a lead. Each is one conditional write with its audit entry: the draft or the lead
 * must be in a state the lifecycle allows the action from (and, for a reassign, still have the owner the
 * person saw); the index keys that the action moves (inbox order, owner, draft status) are the adapter's.
 * Each answers false when the lead moved on meanwhile (someone else acted first).
 */
export interface ReviewStore {
  get(leadId: string): Promise<LeadRecord | undefined>;
  /** A person's leads that have a draft in this status (`all`: any draft); every one, in no particular order. */
  listByOwner(ownerId: string, draftStatus: DraftStatus | 'all'): Promise<LeadRecord[]>;
  /**
   * One page of the leads whose draft is in `status`, in inbox order (functions/agent/inbox-order.ts), for
   * managers. `after` is the `next` of the previous page; `next` is absent on the last page. A cursor this
   * store did not hand out is refused (DomainError `invalid`, field `cursor`).
   */
  listDrafts(
    status: DraftStatus,
    page: { readonly limit: number; readonly after?: StoreCursor },
  ): Promise<{ records: LeadRecord[]; next?: StoreCursor }>;
  /** Draft `edit`: new subject and body of a pending draft. */
  editDraft(leadId: string, content: DraftContent, audit: AuditEntry): Promise<boolean>;
  /** Draft `approve`: pending → approved, with the reviewer's last edit if any. */
  approveDraft(leadId: string, content: DraftContent | undefined, audit: AuditEntry): Promise<boolean>;
  /** Draft `reject`: pending → rejected, with the reason. */
  rejectDraft(leadId: string, reason: string, audit: AuditEntry): Promise<boolean>;
  /**
   * Lead `reassign`: from the owner the person saw to another (the owner's inbox moves along). With `load`, the
   * open load moves in the same transaction: the one the lead holds is released (once) and `load.take` (the new
   * owner's `<team>#<rep>`) is taken, conditional on that rep being below `load.max`; `at_capacity` when not.
   */
  reassign(
    leadId: string,
    owners: { from: string; to: string },
    audit: AuditEntry,
    load?: LoadHandover,
  ): Promise<boolean | 'at_capacity'>;
  /**
   * Lead `override`: a person's tier or total (the inbox order follows the effective tier). With `reroute`
   * (lifecycle `reroute`, a nurtured lead raised to hot or warm) the same write takes the lead back to routing:
   * its nurture route and rationale go, and it enters the outbox, so the qualify step routes it again (the
   * sweeper re-sends a lost message).
   */
  overrideScore(
    leadId: string,
    override: ScoreOverride,
    audit: AuditEntry,
    reroute?: LeadMove,
  ): Promise<boolean>;
  /**
   * Lead `assign`: a manager gives a lead nobody works (nurture) to a rep. The route is replaced, the rationale
   * goes (drafting writes one for the owner), the lead enters the outbox until drafted, and with `loadTaken`
   * (`<team>#<rep>`) the rep's open load is taken in the same write.
   */
  assignLead(
    leadId: string,
    assignment: { route: Route; loadTaken?: string },
    move: LeadMove,
    audit: AuditEntry,
  ): Promise<boolean>;
}

/* ------------------------------------------------------------------ privacy (functions/agent/privacy) */

/** A suppression entry: the address (as a salted hash) is never mailed again; `noProfiling`: never scored. */
export interface SuppressionEntry {
  /** `unsubscribe`: an unsubscribe event of an email tool (POST /events); outreach stops, scoring goes on. */
  readonly reason: 'objection' | 'erasure' | 'unsubscribe';
  readonly at: string;
  readonly noProfiling: boolean;
}

/** What the privacy rights need of the leads table. */
export interface PrivacyStore {
  get(leadId: string): Promise<LeadRecord | undefined>;
  /** Every lead id of an address (the `byEmail` index, by sha256 of the lower-cased address), oldest first. */
  leadIdsByEmail(emailSha256: string): Promise<string[]>;
  /**
   * Every stored item that belongs to the lead, as stored: the items of its partition (the lead, its
   * events, outcomes, score history, whatever a later feature keeps there) and its satellites (CRM links).
   */
  leadItems(leadId: string): Promise<Record<string, unknown>[]>;
  /** The events parked under the address's salted hash (sent before a lead of it existed), as stored. */
  parkedItems(saltedHash: string): Promise<Record<string, unknown>[]>;
  suppression(saltedHash: string): Promise<SuppressionEntry | undefined>;
  /** Adds or strengthens the entry (`noProfiling` once set stays set). */
  suppress(saltedHash: string, entry: SuppressionEntry): Promise<void>;
  /** Appends to the lead's `privacyRequests`; false when the lead no longer exists. */
  recordRequest(leadId: string, request: PrivacyRequest): Promise<boolean>;
  /**
   * Lifecycle `qualify` without a score: the person objected to profiling, so a person (the route's owner)
   * assesses the lead. Takes it out of the outbox. False when it was already routed (a redelivery).
   */
  routeWithoutScore(leadId: string, route: Route, steps: StepTimings): Promise<boolean>;
}

/* ------------------------------------------------ dispositions (functions/agent/pipeline/set-disposition) */

/**
 * A person's disposition of a lead. Each is ONE conditional write with its audit entry: the lead must still
 * be in `move.from` with the disposition kind the person saw; the lead's `score.disposition` and its top-level
 * `disposition` change together. False when the lead moved on meanwhile.
 */
export interface DispositionStore {
  get(leadId: string): Promise<LeadRecord | undefined>;
  /**
   * Lead `dispose:<nurture|disqualified>`: the lead gets its non-sales disposition and the nurture route; it
   * leaves its owner's list and releases the open load it took (once). With `withdrawDraft` the draft, still in
   * that state, is rejected in the same write, so no sales email goes out; without it, the draft must still be
   * in the state the person saw (`draftStatus`, or no draft).
   */
  dispose(
    leadId: string,
    change: {
      disposition: Disposition;
      fromKind: string | undefined;
      route: Route;
      draftStatus: DraftStatus | undefined;
      withdrawDraft: boolean;
    },
    move: LeadMove,
    audit: AuditEntry,
  ): Promise<boolean>;
  /**
   * Lead `requalify`: a sales lead after all. Back to routing (its nurture route, rationale and load
   * bookkeeping go, it enters the outbox) so the qualify step routes it again.
   */
  requalify(
    leadId: string,
    change: { disposition: Disposition; fromKind: string | undefined },
    move: LeadMove,
    audit: AuditEntry,
  ): Promise<boolean>;
}

/**
 * The forwarding of a non-sales submission to its team (functions/agent/pipeline/forward-lead.ts): the lead's
 * `forward` mark, each step one conditional write, so the notification goes out at most once per lead.
 */
export interface ForwardStore {
  get(leadId: string): Promise<LeadRecord | undefined>;
  /** Sets the mark (`sending`, this attempt) when the lead has none; false when another attempt has it. */
  beginForward(
    leadId: string,
    attempt: { attemptId: string; to: string; startedAt: string },
  ): Promise<boolean>;
  /** sending (this attempt) → sent, with the message id. */
  completeForward(
    leadId: string,
    attemptId: string,
    result: { messageId: string; sentAt: string },
  ): Promise<boolean>;
  /** sending (this attempt) → failed: refused, or the outcome is unknown; never tried again by itself. */
  failForward(
    leadId: string,
    attemptId: string,
    failure: { error: string; failedAt: string },
  ): Promise<boolean>;
  /** Removes this attempt's mark: the mail service sent nothing (throttled), so a retry may try again. */
  releaseForward(leadId: string, attemptId: string): Promise<boolean>;
}

/* ------------------------------------------------------------ outcomes (functions/agent/pipeline/record-outcome) */

/** The open load a reassign hands over: the new owner's capacity to take (absent: none) and its cap. */
export interface LoadHandover {
  /** `<team>#<rep>`: the new owner's load item in the team the lead moves to. */
  readonly take?: string;
  /** The new owner's `maxOpenLeads` in that team (null: no cap). */
  readonly max: number | null;
}

/** One move of a lead as functions/agent/lifecycle.ts decided it: from the state read, to the next, and its load. */
export interface LeadMove {
  readonly from: LeadStatus;
  readonly to: LeadStatus;
  readonly load: LoadEffect;
}

/**
 * What happened after the first email, and the way back. Each is one conditional write with its audit entry:
 * the lead must still be in `move.from` (the state the use case decided on). When the move leaves the states in
 * which a lead counts toward its rep's open load, the load its assignment took is released in the same write
 * (once: a lead whose load was released releases nothing more); when it comes back (reopen), the load is taken
 * again. False when the lead moved on meanwhile, or (an outcome that keeps the state) the same outcome is
 * already the lead's latest.
 */
export interface OutcomeStore {
  get(leadId: string): Promise<LeadRecord | undefined>;
  /** Lead `record_outcome:<outcome>`: the outcome becomes the lead's latest and joins its history. */
  recordOutcome(leadId: string, move: LeadMove, outcome: OutcomeRecord, audit: AuditEntry): Promise<boolean>;
  /** Lead `reopen`: a closed lead is open again for its owner; the latest outcome is cleared (history stays). */
  reopen(leadId: string, move: LeadMove, audit: AuditEntry): Promise<boolean>;
}
/** Versioned ops configuration (scoring rules, routing, team) and the published version the pipeline reads. */
export type { ConfigVersionStore, PublishedConfig } from './ops-config/versions';

/* ------------------------------------------------------------------ CRM sync triggers (functions/agent/crm) */

/** What changed on a lead that the CRM should see: ids only (the sync reads the lead itself). */
export type CrmNotice = Pick<CrmJob, 'leadId' | 'trigger' | 'outcome'>;

/**
 * Tells the CRM sync that a lead changed: routed, re-scored, an outcome recorded, the first email sent. The
 * sync runs later on its own queue, so a CRM (or its queue) that is down never blocks a pipeline step.
 * `notify` never throws: an adapter that cannot queue the job keeps it for its sweeper, or logs it.
 */
export interface CrmNotifier {
  notify(notice: CrmNotice): Promise<void>;
}

/* -------------------------------------------------------------- re-scoring (functions/agent/pipeline/rescore-lead) */

/**
 * A lead's events and score versions. Events are kept once per id; a re-score is one write that stores the new
 * version beside the lead and moves the lead's current score, conditional on the version it replaces and on its
 * cause being new, so a redelivered or raced re-score never writes a version twice.
 */
/** Fresh enrichment of a re-qualified lead: replaces the lead's enrichment and its `enrich` step timing. */
export interface EnrichmentRefresh {
  readonly enrichment: Enrichment;
  readonly step: StepTiming;
}

export interface RescoreStore {
  get(leadId: string): Promise<LeadRecord | undefined>;
  /** Keeps the event once; false when an event with this id is already kept for the lead. */
  addEvent(leadId: string, event: LeadEvent): Promise<boolean>;
  listEvents(leadId: string): Promise<LeadEvent[]>;
  /**
   * Debounce: marks the lead as waiting for a re-score. True when the caller should queue one (no mark yet, or
   * the mark is older than `staleSeconds`, so a message lost after marking is queued again).
   */
  requestRescore(leadId: string, now: Date, staleSeconds: number): Promise<boolean>;
  /** The re-score is starting: events from now on mark the lead again. */
  clearRescoreRequest(leadId: string): Promise<void>;
  /**
   * Lead `rescore`: stores `entry` (and `first`, the qualification's version, when it is the first re-score)
   * and makes `entry.score` the lead's score. False when the lead's version is no longer `entry.version - 1`,
   * the cause was recorded before, or the lead's state allows no re-score.
   */
  saveScoreVersion(
    leadId: string,
    entry: ScoreVersion,
    first?: ScoreVersion,
    /** The owner's alert this version raises, marked on the lead in the same write (email `pending`). */
    alert?: OwnerAlert,
    /** A re-qualification's fresh enrichment and its step timing, stored in the same write. */
    refresh?: EnrichmentRefresh,
  ): Promise<boolean>;
  /** Every version, newest first. */
  scoreHistory(leadId: string): Promise<ScoreVersion[]>;
  /**
   * The ids of the open leads (routed, nurture, drafted, contacted, meeting) of these owners (`unassigned`: the
   * leads nobody owns), read through the owner index: no table scan.
   */
  openLeadIds(ownerIds: readonly string[]): Promise<string[]>;
  /**
   * The same open leads page by page as the owner index holds them (eventually consistent copies, so a writer
   * must still condition on what it read), for the daily job: memory stays bounded by one page.
   */
  openLeadPages(ownerIds: readonly string[]): AsyncIterable<LeadRecord[]>;
  /**
   * Lead `reroute` after a re-score raised a nurtured lead's tier: back to routing (route and rationale go, into
   * the outbox until drafted), with its audit entry. False when the lead left nurture meanwhile.
   */
  rerouteLead(leadId: string, move: LeadMove, audit: AuditEntry): Promise<boolean>;
  /** Every lead id of an address (the `byEmail` index, by sha256 of the lower-cased address), oldest first. */
  leadIdsByEmail(emailSha256: string): Promise<string[]>;
  /**
   * Keeps an event of an address that has no lead yet, under the address's salted hash (never the address),
   * until `expiresAt` (TTL). False when an event with this id is parked already.
   */
  parkEvent(addressKey: string, event: LeadEvent, expiresAt: Date): Promise<boolean>;
  /** The parked events of an address not expired at `now`. */
  parkedEvents(addressKey: string, now: Date): Promise<LeadEvent[]>;
  /** Forgets parked events (they were attached to their lead). */
  unparkEvents(addressKey: string, eventIds: readonly string[]): Promise<void>;
  /** Keeps an account signal once per domain and id (until `expiresAt`); false when kept before. */
  addAccountSignal(signal: AccountSignal, expiresAt: Date): Promise<boolean>;
  /** Every account signal of a company domain. */
  accountSignals(domain: string): Promise<AccountSignal[]>;
  /** The leads of a company domain (the `byDomain` index: no scan), oldest first. */
  leadIdsByDomain(domain: string): Promise<string[]>;
}

/* ------------------------------------------------------------ owner alerts (functions/agent/pipeline/alert-owner) */

/**
 * The owner's alert on the lead (`alert`, marked by the re-score that raised the lead). Each step is one
 * conditional write on the alert of that score version, so its email goes out at most once per version.
 */
export interface AlertStore {
  get(leadId: string): Promise<LeadRecord | undefined>;
  /** pending | throttled → sending (this attempt), before the mail service is called. */
  beginAlert(leadId: string, version: number, attempt: { attemptId: string; at: string }): Promise<boolean>;
  /** sending (this attempt) → sent | failed | throttled | skipped, with the message id or the error. */
  finishAlert(
    leadId: string,
    version: number,
    attemptId: string,
    result: {
      email: 'sent' | 'failed' | 'throttled' | 'skipped';
      messageId?: string;
      error?: string;
      at: string;
    },
  ): Promise<boolean>;
  /** The owner opened the lead: the inbox mark of this version is cleared (`seenAt`). False when not marked. */
  seeAlert(leadId: string, version: number, ownerId: string, at: string): Promise<boolean>;
}

/* ------------------------------------------------------ re-qualification (functions/agent/pipeline/recycle-lost) */

/** Leads closed lost long ago, and their way back to nurture. */
export interface RecycleStore {
  /**
   * The leads of these owners closed lost (status `lost`) with the latest outcome recorded before
   * `closedBefore`, read through the owner index (no scan).
   */
  lostLeads(ownerIds: readonly string[], closedBefore: string): Promise<LeadRecord[]>;
  /**
   * Lead `recycle` (lost → nurture): the nurture route and owner index, the latest outcome cleared (history
   * stays), the released load's bookkeeping gone, with the audit entry. Conditional on the lead still being
   * lost with the outcome it was read with. False when it moved on.
   */
  recycleLead(
    leadId: string,
    change: { route: Route; outcomeId: string },
    move: LeadMove,
    audit: AuditEntry,
  ): Promise<boolean>;
}

/* ---------------------------------------------------------- SLA escalation (functions/agent/pipeline/escalate-sla) */

/** The missed first-contact SLAs and their escalation, each step one conditional write. */
export interface EscalationStore {
  get(leadId: string): Promise<LeadRecord | undefined>;
  /**
   * Leads not yet contacted (routed or drafted) whose SLA fell due in [`from`, `to`), soonest first, read
   * through the SLA-ordered list index (no scan).
   */
  slaBreaches(from: string, to: string): Promise<LeadRecord[]>;
  /**
   * Marks the escalation of the lead's current SLA due time, once: the lead must still be routed or drafted,
   * owned by `escalation.fromOwnerId`, with that SLA due time and no escalation of it yet. With `reassign` the
   * same transaction hands the lead to the new owner like a person's reassign (audit entry, load moved, the new
   * rep's capacity as a condition: `at_capacity` when full).
   */
  markEscalation(
    leadId: string,
    escalation: SlaEscalation,
    reassign?: { to: string; audit: AuditEntry; load: LoadHandover },
  ): Promise<boolean | 'at_capacity'>;
  /** The manager's email: pending | throttled → sending (this attempt), before the mail service is called. */
  beginEscalationEmail(leadId: string, slaDueAt: string, attempt: { attemptId: string }): Promise<boolean>;
  /** sending (this attempt) → sent | failed | throttled | skipped. */
  finishEscalationEmail(
    leadId: string,
    slaDueAt: string,
    attemptId: string,
    result: { email: 'sent' | 'failed' | 'throttled' | 'skipped'; messageId?: string; error?: string },
  ): Promise<boolean>;
}

/* ------------------------------------------------------------- the workspace (functions/agent/pipeline/workspace) */

/** What the leads list filters on; every field optional, all given ones must hold. */
export interface LeadListFilter {
  readonly status?: LeadStatus;
  /** team.yaml person id; a rep's listing always carries their own. */
  readonly ownerId?: string;
  readonly team?: string;
  /** The effective tier (a person's override wins). */
  readonly tier?: Tier;
  readonly quadrant?: Quadrant;
  readonly disposition?: string;
  /** Lower-case words that must occur in the company, name or address. */
  readonly q?: string;
}

export interface LeadListQuery {
  readonly filter: LeadListFilter;
  /** `priority`: effective tier, then SLA; `sla`: the SLA due soonest first (none last). */
  readonly sort: 'priority' | 'sla';
  readonly limit: number;
  readonly after?: StoreCursor;
}

/** A note or a logged call on a lead, by a person. */
export interface LeadNote {
  readonly noteId: string;
  readonly at: string;
  readonly by: string;
  readonly kind: 'note' | 'call';
  readonly text: string;
  /** A call's result in a word or two (`reached`, `voicemail`, `no_answer`). */
  readonly callResult?: string;
}

/**
 * The workspace's reads and its one write: a page of the leads list in index order (ONE query per page; a
 * page may hold fewer than `limit` when filters leave items out, `next` says where to go on), and notes.
 */
export interface WorkspaceStore {
  get(leadId: string): Promise<LeadRecord | undefined>;
  listLeads(query: LeadListQuery): Promise<{ records: LeadRecord[]; next?: StoreCursor }>;
  /** These leads (list row attributes only; by key, never a scan), in the order asked; unknown ids left out. */
  getMany(leadIds: readonly string[]): Promise<LeadRecord[]>;
  /** Appends a note; false when the lead does not exist or holds the maximum number of notes. */
  addNote(leadId: string, note: LeadNote): Promise<boolean>;
}

/* ------------------------------------------------------------------ privacy (functions/agent/privacy) */

/** A suppression entry: the address (as a salted hash) is never mailed again; `noProfiling`: never scored. */
export interface SuppressionEntry {
  /** `unsubscribe`: an unsubscribe event of an email tool (POST /events); outreach stops, scoring goes on. */
  readonly reason: 'objection' | 'erasure' | 'unsubscribe';
  readonly at: string;
  readonly noProfiling: boolean;
}

/** What the privacy rights need of the leads table. */
export interface PrivacyStore {
  get(leadId: string): Promise<LeadRecord | undefined>;
  /** Every lead id of an address (the `byEmail` index, by sha256 of the lower-cased address), oldest first. */
  leadIdsByEmail(emailSha256: string): Promise<string[]>;
  /**
   * Every stored item that belongs to the lead, as stored: the items of its partition (the lead, its
   * events, outcomes, score history, whatever a later feature keeps there) and its satellites (CRM links).
   */
  leadItems(leadId: string): Promise<Record<string, unknown>[]>;
  suppression(saltedHash: string): Promise<SuppressionEntry | undefined>;
  /** Adds or strengthens the entry (`noProfiling` once set stays set). */
  suppress(saltedHash: string, entry: SuppressionEntry): Promise<void>;
  /** Appends to the lead's `privacyRequests`; false when the lead no longer exists. */
  recordRequest(leadId: string, request: PrivacyRequest): Promise<boolean>;
  /**
   * Lifecycle `qualify` without a score: the person objected to profiling, so a person (the route's owner)
   * assesses the lead. Takes it out of the outbox. False when it was already routed (a redelivery).
   */
  routeWithoutScore(leadId: string, route: Route, steps: StepTimings): Promise<boolean>;
}
