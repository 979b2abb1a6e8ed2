/**
 * The CRM sync's own vocabulary: which CRM, what triggers a sync, what we keep of the CRM's ids per lead
 * (`CrmLinks`), and the events that flow back from the CRM (outcomes, erasures). Pure data, no AWS, no HTTP.
 */
import * as z from 'zod';

export const CRM_KINDS = ['hubspot', 'pipedrive'] as const;
export type CrmKind = (typeof CRM_KINDS)[number];

/**
 * Why a lead is synced:
 * - `routed`: scored and routed (company, contact, deal/lead, rationale note, owner task);
 * - `rescored`: a new score version (properties, a note with the new ledger, a task when the owner changed);
 * - `outcome`: an outcome recorded on our side (contacted, meeting booked, …) moves the CRM record;
 * - `email_sent`: the first email went out; it is logged on the contact's timeline.
 */
export const CRM_TRIGGERS = ['routed', 'rescored', 'outcome', 'email_sent'] as const;
export const CrmTriggerSchema = z.enum(CRM_TRIGGERS);
export type CrmTrigger = z.infer<typeof CrmTriggerSchema>;

export const OUTCOMES = [
  'contacted',
  'no_response',
  'meeting_booked',
  'disqualified',
  'won',
  'lost',
] as const;
export const OutcomeSchema = z.enum(OUTCOMES);
export type Outcome = z.infer<typeof OutcomeSchema>;

/** An outcome to push to the CRM (trigger `outcome`), as recorded on our side. */
export const OutboundOutcomeSchema = z.object({
  outcome: OutcomeSchema,
  /** Unique per recorded outcome: the idempotency key of the CRM update. */
  id: z.string().min(1).max(200),
  at: z.iso.datetime({ offset: true }),
  reason: z.string().max(500).optional(),
  value: z.number().nonnegative().optional(),
  /** Where it was recorded; outcomes that came from this CRM are not pushed back to it. */
  source: z.string().max(50).optional(),
});
export type OutboundOutcome = z.infer<typeof OutboundOutcomeSchema>;

/** One CRM sync job: the message on the `crm` queue. */
export const CrmJobSchema = z.object({
  leadId: z.string().min(1).max(64),
  trigger: CrmTriggerSchema,
  outcome: OutboundOutcomeSchema.optional(),
  /** Delivery bookkeeping for backoff (absent on the first message). */
  attempt: z.number().int().min(0).max(10_000).optional(),
  firstAttemptAt: z.iso.datetime({ offset: true }).optional(),
});
export type CrmJob = z.infer<typeof CrmJobSchema>;

/** An activity we created (or reserved before creating it) under an idempotency key. */
export interface CrmActivityLink {
  /** The CRM's id; absent while only reserved (created maybe, not yet confirmed). */
  readonly id?: string;
  readonly kind: 'note' | 'task' | 'email';
  readonly at: string;
}

/**
 * The CRM ids of one lead, stored beside the lead (not on it). `activities` maps each idempotency key
 * (`note:<score version>:<rationale version>`, `task:<owner>:<sla>`, `email:<message id>`, …) to what was
 * created for it, so a redelivered job creates nothing twice.
 */
export interface CrmLinks {
  readonly leadId: string;
  readonly crm: CrmKind;
  readonly companyId?: string;
  readonly contactId?: string;
  /** The deal (HubSpot, Pipedrive) or Pipedrive lead the lead became. */
  readonly recordId?: string;
  readonly recordType?: 'deal' | 'lead';
  /** Set just before the record is created, cleared once its id is stored (a crash in between: search first). */
  readonly recordPendingAt?: string;
  readonly activities: Readonly<Record<string, CrmActivityLink>>;
  /** Outcome ids already pushed to the CRM. */
  readonly outcomes?: readonly string[];
  /** Jobs completed, by trigger and version (`routed@<scoredAt>`, `email_sent@<message id>`, …). */
  readonly done?: readonly string[];
  readonly syncedAt?: string;
  /** The last failure, without personal data (class and status only). */
  readonly lastError?: { readonly message: string; readonly at: string; readonly attempts: number };
}

/** How the CRM object that an inbound event is about relates to our leads. */
export interface LeadRef {
  /** Our lead id, when the CRM object is one we synced (or carries our lead id property). */
  readonly leadId?: string;
  readonly crm: CrmKind;
  readonly objectType: 'contact' | 'deal' | 'lead' | 'person';
  readonly objectId: string;
}

export interface OutcomeEvent {
  readonly kind: 'outcome';
  readonly leadRef: LeadRef;
  readonly outcome: Outcome;
  readonly reason?: string;
  readonly value?: number;
  /** When it happened in the CRM (ISO). */
  readonly at: string;
  /** `hubspot:webhook`, `hubspot:reconcile`, `pipedrive:webhook`, `pipedrive:reconcile`. */
  readonly source: string;
  /**
   * Deduplication key, the same whichever way the change arrived (webhook or reconciliation):
   * `<crm>:<object type>:<id>:<property>=<value>`.
   */
  readonly eventId: string;
  /** The CRM's own id of the notification, when it had one. */
  readonly sourceEventId?: string;
  /** What changed in the CRM's terms, e.g. `dealstage=closedwon` (no personal data). */
  readonly detail: string;
}

export interface ErasureEvent {
  readonly kind: 'erasure';
  readonly leadRef: LeadRef;
  /** The CRM contact/person id whose data must be erased; the CRM sends no email address. */
  readonly contactId: string;
  /** The lead ids we synced for that contact (erase them all). */
  readonly leadIds: readonly string[];
  readonly at: string;
  readonly source: string;
  readonly eventId: string;
  readonly sourceEventId?: string;
}

export type CrmInboundEvent = OutcomeEvent | ErasureEvent;
