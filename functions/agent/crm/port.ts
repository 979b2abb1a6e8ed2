/**
 * The ports of the CRM sync. `CrmPort` is what a CRM adapter (functions/platform/crm-hubspot.ts,
 * crm-pipedrive.ts) offers the sync use case: batch-shaped operations that report success or failure per
 * item, so one bad record never fails its neighbours. The stores keep our side: the CRM ids per lead
 * (`CrmLinkStore`), inbound events (`CrmInbox`) and the reconciliation cursor. Pure types, no AWS, no HTTP.
 */
import type { CrmInboundEvent, CrmJob, CrmKind, CrmLinks } from './types';

/** CRM property values as sent on the wire. `null` clears a property. */
export type CrmProps = Record<string, string | number | boolean | null>;

export interface CompanyInput {
  /** Caller's key for this item (results are keyed by it). */
  readonly key: string;
  readonly domain?: string;
  readonly name: string;
  readonly properties: CrmProps;
  readonly ownerId?: string;
  /** The CRM id from an earlier sync: update it, no search. */
  readonly knownId?: string;
}

export interface ContactInput {
  readonly key: string;
  readonly email?: string;
  readonly name: string;
  readonly phone?: string;
  readonly properties: CrmProps;
  readonly ownerId?: string;
  readonly companyId?: string;
  readonly knownId?: string;
}

export interface RecordInput {
  readonly key: string;
  readonly leadId: string;
  /** A deal in a pipeline stage, or (Pipedrive) a lead in the Leads Inbox. */
  readonly type: 'deal' | 'lead';
  readonly title: string;
  readonly properties: CrmProps;
  readonly pipeline?: string;
  readonly stage?: string;
  /** Set to close the deal (outcome won/lost). */
  readonly status?: 'won' | 'lost';
  readonly lostReason?: string;
  readonly value?: number;
  readonly currency?: string;
  readonly labelIds?: readonly string[];
  readonly ownerId?: string;
  readonly contactId?: string;
  readonly companyId?: string;
  readonly knownId?: string;
  /** An earlier attempt may have created it without storing the id: look it up by lead id first. */
  readonly mayExist?: boolean;
}

export interface ActivityLinks {
  readonly contactId?: string;
  readonly companyId?: string;
  readonly recordId?: string;
  readonly recordType?: 'deal' | 'lead';
}

export interface ActivityInput {
  readonly key: string;
  readonly kind: 'note' | 'task' | 'email';
  /**
   * A reference printed in the activity's text (`lq-ref …`). After a crash between creating the activity
   * and storing its id, `findActivities` looks for it instead of creating a second one.
   */
  readonly marker: string;
  /** Note/email: when it happened; task: when it is due. ISO. */
  readonly at: string;
  readonly subject?: string;
  /** Plain text; adapters escape it where the CRM expects HTML. */
  readonly body: string;
  readonly ownerId?: string;
  readonly priority?: 'high' | 'medium' | 'low';
  /** Email only. */
  readonly email?: { readonly from: string; readonly fromName?: string; readonly to: string };
  readonly links: ActivityLinks;
}

export interface FindActivityInput {
  readonly key: string;
  readonly kind: 'note' | 'task' | 'email';
  readonly marker: string;
  readonly links: ActivityLinks;
}

/**
 * A CRM call failed. `kind`:
 * - `rate_limited`: the CRM said 429 (or a budget header said zero); `retryAfterMs` when it said how long;
 * - `unavailable`: 5xx, timeout, connection refused, or the circuit breaker is open;
 * - `conflict`: a concurrent create of the same unique value (retry finds it);
 * - `rejected`: the CRM refused the request (4xx); usually a mapping problem an operator must fix, so it is
 *   retried slowly until the retry budget runs out.
 */
export class CrmError extends Error {
  override readonly name = 'CrmError';
  constructor(
    message: string,
    readonly kind: 'rate_limited' | 'unavailable' | 'conflict' | 'rejected',
    readonly status?: number,
    readonly retryAfterMs?: number,
  ) {
    super(message);
  }
}

export type ItemResult<T> =
  | { readonly ok: true; readonly value: T }
  | { readonly ok: false; readonly error: CrmError };
export type ItemResults<T> = Map<string, ItemResult<T>>;

export interface CrmPort {
  readonly kind: CrmKind;
  /** Finds each company by domain (search before create) or creates it; updates `knownId`s. */
  ensureCompanies(items: readonly CompanyInput[]): Promise<ItemResults<string>>;
  /** Finds each contact by email (search before create, or an upsert on email) and links the company. */
  ensureContacts(items: readonly ContactInput[]): Promise<ItemResults<string>>;
  /** Creates or updates the deal / lead of each lead, linked to its contact and company. */
  upsertRecords(items: readonly RecordInput[]): Promise<ItemResults<string>>;
  createActivities(items: readonly ActivityInput[]): Promise<ItemResults<string>>;
  /** The id of an activity carrying `marker` on the linked record, or undefined. */
  findActivities(items: readonly FindActivityInput[]): Promise<ItemResults<string | undefined>>;
}

/** Our side of the sync: links per lead, reference caches, short locks. */
export interface CrmLinkStore {
  get(leadId: string): Promise<CrmLinks | undefined>;
  /**
   * Writes the links and the references inbound events need: `deal`/`lead`/`contact` id → lead id, and
   * `leadOf` lead id → Pipedrive lead id.
   */
  save(links: CrmLinks): Promise<void>;
  /** A cached CRM id: `company` by domain, `person` by email hash; reverse refs `deal`/`contact`/`lead` → leadId. */
  findRef(crm: CrmKind, type: string, key: string): Promise<string | undefined>;
  putRef(crm: CrmKind, type: string, key: string, value: string): Promise<void>;
  /** Every lead id the reverse references list for a CRM contact/person (for erasure). */
  leadsOfContact(crm: CrmKind, contactId: string): Promise<string[]>;
  /** A short exclusive lease (search-before-create of one domain, one lead's sync); false when held. */
  lock(key: string, ttlSeconds: number): Promise<boolean>;
  unlock(key: string): Promise<void>;
}

/** Where inbound CRM events go (the lifecycle implements the real consumer). */
export interface CrmInbox {
  /** Records the event once; false when an event with the same `eventId` was recorded before. */
  record(event: CrmInboundEvent): Promise<boolean>;
}

/** One CRM record as it is now, from the reconciliation's "changed since" listing. */
export interface CrmChange {
  readonly objectType: 'contact' | 'deal';
  readonly objectId: string;
  /** The properties the mapping reads (stage, status, lifecycle stage, lead status, lost reason, value). */
  readonly properties: Readonly<Record<string, string | number | null | undefined>>;
  readonly modifiedAt: string;
}

/** What a CRM adapter offers the reconciliation: records changed since a cursor, oldest first. */
export interface CrmChangeFeed {
  readonly kind: CrmKind;
  /** The streams this CRM has (HubSpot: deals and contacts; Pipedrive: deals). */
  readonly streams: readonly ('contact' | 'deal')[];
  changesSince(
    stream: 'contact' | 'deal',
    since: string,
    page: { readonly limit: number; readonly after?: string },
  ): Promise<{ changes: CrmChange[]; after?: string }>;
}

/** Where the last reconciliation stopped, per CRM and object type. */
export interface CrmCursorStore {
  get(crm: CrmKind, stream: string): Promise<string | undefined>;
  put(crm: CrmKind, stream: string, cursor: string): Promise<void>;
}

/** A webhook request replayed verbatim (same signature) is refused; remembers signatures for a while. */
export interface ReplayGuard {
  /** True the first time `fingerprint` is seen within `ttlSeconds`. */
  firstSeen(fingerprint: string, ttlSeconds: number): Promise<boolean>;
}

/**
 * Erasure in the CRM (GDPR art. 17): the contact / person the lead became is deleted with what the CRM keeps
 * on it (HubSpot's GDPR delete, Pipedrive's person delete). A contact already gone counts as erased.
 */
export interface CrmEraser {
  readonly kind: CrmKind;
  eraseContact(contactId: string): Promise<void>;
}

/**
 * CRM jobs the queue did not take when a pipeline step triggered them (functions/agent/crm/notify.ts), kept
 * until the CRM outbox sweeper queues them. Ids only, like the queue's messages.
 */
export interface CrmPendingJobs {
  keep(job: CrmJob, at: string): Promise<void>;
  /** The oldest `limit` pending jobs, each with the key `remove` takes. */
  list(limit: number): Promise<{ readonly key: string; readonly job: CrmJob }[]>;
  remove(key: string): Promise<void>;
}

/**
 * Erasure in the CRM (GDPR art. 17): the contact / person the lead became is deleted with what the CRM keeps
 * on it (HubSpot's GDPR delete, Pipedrive's person delete). A contact already gone counts as erased.
 */
export interface CrmEraser {
  readonly kind: CrmKind;
  eraseContact(contactId: string): Promise<void>;
  /**
   * Deletes a record the sync created about a lead — deal, (Pipedrive) lead, note, task or logged email —
   * which a contact's erasure leaves behind. One already gone counts as deleted.
   */
  eraseRecord(type: 'deal' | 'lead' | 'note' | 'task' | 'email', id: string): Promise<void>;
}
