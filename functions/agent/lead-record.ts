/**
 * The lead as stored: the normalised submission plus what each pipeline step added. One record per lead;
 * every step writes only its own part, conditionally, so a redelivered message cannot overwrite a later
 * state. Pure types, no AWS.
 */
import type { Enrichment } from './enrichment';
import type { Lead, Provider } from './lead';
import type { Outcome } from './lifecycle';
import type { ProcessingRecord } from './privacy/basis';
import type { Draft, LeadStatus, Rationale, Route, Score, Tier } from './qualification';

/** A lead id: a ULID (26 characters of Crockford's base 32), handed out at intake. */
export const LEAD_ID_PATTERN = /^[0-9A-HJKMNP-TV-Z]{26}$/;

export const PIPELINE_STEPS = [
  'intake',
  'enrich',
  'score',
  'route',
  'rationale',
  'draft',
  'handoff',
  'send',
] as const;
export type PipelineStep = (typeof PIPELINE_STEPS)[number];

export interface StepTiming {
  /** Milliseconds the step took. */
  readonly ms: number;
  /** When it finished (ISO). */
  readonly at: string;
}

export interface LeadError {
  readonly step: PipelineStep;
  /** Error class and a non-personal message. */
  readonly message: string;
  readonly attempts: number;
  readonly at: string;
}

export interface RawSubmission {
  readonly contentType: string;
  /** The body exactly as received (base64 when `isBase64Encoded`). */
  readonly body: string;
  readonly isBase64Encoded: boolean;
}

export interface LeadRecord {
  readonly leadId: string;
  readonly status: LeadStatus;
  readonly receivedAt: string;
  readonly provider: Provider;
  readonly submissionId?: string;
  readonly dedupKey: string;
  readonly lead: Lead;
  readonly raw: RawSubmission;
  readonly spam?: { readonly reason: string };
  readonly enrichment?: Enrichment;
  readonly score?: Score;
  /**
   * The disposition's kind (`sales`, `job_application`, …) as a top-level attribute, so a manager's list can
   * filter on it; kept equal to `score.disposition.kind` by every write of the score or the disposition.
   */
  readonly disposition?: string;
  /**
   * The internal notification of a forwarded disposition (config/dispositions.yaml `forward`), exactly once:
   * marked `sending` before the mail service is called (functions/agent/pipeline/forward-lead.ts).
   */
  readonly forward?: {
    readonly to: string;
    readonly attemptId: string;
    readonly status: 'sending' | 'sent' | 'failed';
    readonly startedAt: string;
    readonly messageId?: string;
    readonly sentAt?: string;
    readonly error?: string;
    readonly failedAt?: string;
  };
  /** How many score versions were recorded (1 after qualification; a re-score adds one). */
  readonly scoreVersion?: number;
  readonly route?: Route;
  readonly rationale?: Rationale;
  readonly draft?: Draft;
  readonly steps: Partial<Record<PipelineStep, StepTiming>>;
  readonly error?: LeadError;
  /** Every human action on the lead (edit, approve, reject, reassign, override), oldest first. */
  readonly audit?: readonly AuditEntry[];
  /** A person's override of tier/total; the computed `score` stays untouched. */
  readonly override?: ScoreOverride;
  /** The latest outcome since the lead was (re)opened: what happened after the first email. */
  readonly outcome?: OutcomeRecord;
  /** Every outcome ever recorded on the lead, oldest first (the basis for accuracy metrics and learning). */
  readonly outcomes?: readonly OutcomeRecord[];
  /** Lawful basis, purposes and notice version, recorded at intake (functions/agent/privacy/basis.ts). */
  readonly privacy?: ProcessingRecord;
  /**
   * The person objected to profiling before this lead arrived: nothing was enriched or scored, and a person
   * assesses the lead (functions/agent/privacy/rights.ts).
   */
  readonly unscored?: { readonly reason: 'profiling_objection'; readonly at: string };
  /** Objections, review requests and other privacy requests about this lead (no personal data). */
  readonly privacyRequests?: readonly PrivacyRequest[];
  /**
   * The owner's alert of a re-score that raised the lead (tier up or act now): the inbox mark (until the owner
   * opens the lead: `seenAt`) and the email's state, exactly once per score version
   * (functions/agent/pipeline/alert-owner.ts).
   */
  readonly alert?: OwnerAlert;
  /**
   * The escalation of a missed first-contact SLA (functions/agent/pipeline/escalate-sla.ts), once per SLA due
   * time: the manager's alert email, or the reassignment to the next rep.
   */
  readonly escalation?: SlaEscalation;
}

/** A missed first-contact SLA, escalated once (config/follow-up.yaml). */
export interface SlaEscalation {
  /** The SLA due time that passed without contact: one escalation per due time. */
  readonly slaDueAt: string;
  readonly action: 'alert_manager' | 'reassign';
  readonly at: string;
  /** The owner who missed it. */
  readonly fromOwnerId: string;
  /** reassign: the rep who took the lead over. */
  readonly toOwnerId?: string;
  /** alert_manager: who was emailed, and the email's state (as an owner alert's). */
  readonly managerId?: string;
  readonly email?: 'pending' | 'sending' | 'sent' | 'throttled' | 'failed' | 'skipped';
  readonly attemptId?: string;
  readonly messageId?: string;
  readonly error?: string;
}

/** One changed ledger line of an alert: the rule, its reason and the points before and after. */
export interface AlertLedgerLine {
  readonly ruleId: string;
  readonly reason: string;
  readonly before: number;
  readonly after: number;
}

/** An alert to a lead's owner about a raised score, marked on the lead together with the score version. */
export interface OwnerAlert {
  /** The score version (and its cause) that raised the lead: one alert per version, so one per cause. */
  readonly version: number;
  readonly cause: string;
  readonly ownerId: string;
  readonly at: string;
  readonly fromTier: Tier;
  readonly toTier: Tier;
  readonly fromQuadrant: string;
  readonly toQuadrant: string;
  readonly total: number;
  /** `tier_up` and/or `act_now`. */
  readonly reasons: readonly ('tier_up' | 'act_now')[];
  readonly changed: readonly AlertLedgerLine[];
  /**
   * The email: `pending` (marked with the version, not yet tried), `sending` (an attempt took it, before the
   * mail service is called), `sent`, `throttled` (nothing sent, a retry may try again), `failed` (refused or
   * unknown: never tried again), `skipped` (the owner has no address).
   */
  readonly email: 'pending' | 'sending' | 'sent' | 'throttled' | 'failed' | 'skipped';
  readonly attemptId?: string;
  readonly messageId?: string;
  readonly sentAt?: string;
  readonly error?: string;
  /** When the owner opened the lead: the inbox mark is cleared. */
  readonly seenAt?: string;
}

/** A prospect's or a privacy officer's request about a lead, recorded on it (never with personal data). */
export interface PrivacyRequest {
  readonly at: string;
  readonly kind: 'objection' | 'review_request' | 'explanation' | 'export';
  /** `link`: the prospect's signed link; `one_click`: List-Unsubscribe-Post; `ops`: a privacy officer. */
  readonly via: 'link' | 'one_click' | 'ops';
  /** team.yaml person id when `via` is `ops`. */
  readonly by?: string;
}

/** What happened to a lead, as the owner, a manager or the CRM recorded it. */
export interface OutcomeRecord {
  /** Unique per recorded outcome (the idempotency key of a CRM update). */
  readonly id: string;
  readonly outcome: Outcome;
  /** When it happened (given by the person, or when it was recorded). */
  readonly at: string;
  /** When it was recorded. */
  readonly recordedAt: string;
  /** team.yaml person id, or the system that recorded it (`crm:hubspot`). */
  readonly by: string;
  /** `api` (a person through the API or the inbox) or the CRM it came from. */
  readonly source: string;
  readonly reason?: string;
  /** Deal value (won), in the account's currency. */
  readonly value?: number;
  /** The lead's state before and after. */
  readonly from: LeadStatus;
  readonly to: LeadStatus;
}

/** A prospect's or a privacy officer's request about a lead, recorded on it (never with personal data). */
export interface PrivacyRequest {
  readonly at: string;
  readonly kind: 'objection' | 'review_request' | 'explanation' | 'export';
  /** `link`: the prospect's signed link; `one_click`: List-Unsubscribe-Post; `ops`: a privacy officer. */
  readonly via: 'link' | 'one_click' | 'ops';
  /** team.yaml person id when `via` is `ops`. */
  readonly by?: string;
}

export interface AuditEntry {
  readonly at: string;
  /** team.yaml person id. */
  readonly by: string;
  readonly action:
    | 'edit_draft'
    | 'approve'
    | 'reject'
    | 'reassign'
    | 'override'
    | 'outcome'
    | 'reopen'
    | 'assign'
    | 'reroute'
    | 'dispose'
    | 'requalify'
    | 'recycle';
  readonly reason?: string;
  /** Non-personal detail, e.g. `{ from: 'rep-anna', to: 'rep-bram' }` or `{ edited: true }`. */
  readonly detail?: Record<string, unknown>;
  /**
   * What the person saw when deciding (GDPR art. 22: meaningful human review): the score version, its rules
   * version and the tier and total then in effect (an override included).
   */
  readonly seen?: ScoreSeen;
}

export interface ScoreSeen {
  readonly scoreVersion: number;
  readonly rulesVersion?: string;
  readonly tier?: Tier;
  readonly total?: number;
  /** Whether a person's override was in effect. */
  readonly overridden: boolean;
}

/** What a person deciding on `record` sees of its assessment (recorded with every human decision). */
export const scoreSeen = (record: LeadRecord): ScoreSeen => ({
  scoreVersion: record.scoreVersion ?? (record.score ? 1 : 0),
  ...(record.score ? { rulesVersion: record.score.rulesVersion } : {}),
  ...((record.override?.tier ?? record.score?.tier)
    ? { tier: record.override?.tier ?? record.score?.tier }
    : {}),
  ...((record.override?.total ?? record.score?.total) !== undefined
    ? { total: record.override?.total ?? record.score?.total }
    : {}),
  overridden: record.override !== undefined,
});

export interface ScoreOverride {
  readonly tier?: Tier;
  readonly total?: number;
  readonly reason: string;
  readonly by: string;
  readonly at: string;
}

/** What GET /leads/{id} shows: everything but the dedup key, and the raw body only when asked for. */
export type LeadView = Omit<LeadRecord, 'raw' | 'dedupKey'> & { readonly raw?: RawSubmission };

export const toLeadView = (record: LeadRecord, includeRaw = false): LeadView => {
  const { raw, dedupKey: _dedupKey, ...rest } = record;
  return includeRaw ? { ...rest, raw } : rest;
};

/** How a new score version differs from the one before (points per axis; the tier it came from). */
export interface ScoreDelta {
  readonly total: number;
  readonly fit: number;
  readonly intent: number;
  readonly engagement: number;
  /** Absent for the first version. */
  readonly tierFrom?: Tier;
  readonly tierTo: Tier;
}

/** One version of a lead's score: the full score with its ledger, why it was computed, and what changed. */
export interface ScoreVersion {
  /** 1 for the qualification, then one more per re-score. */
  readonly version: number;
  /** What caused it (`qualify`, `events:<digest>…`, `daily:<date>`); no two versions share one. */
  readonly cause: string;
  readonly at: string;
  readonly rulesVersion: string;
  readonly score: Score;
  readonly delta: ScoreDelta;
}
