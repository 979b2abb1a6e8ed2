/**
 * In-memory implementations of the CRM stores (unit tests, the benchmark, the ops CLI): the same semantics
 * as the DynamoDB adapter (functions/platform/crm-store-dynamodb.ts) — links per lead, reference caches,
 * expiring locks, an inbox that records each event id once, cursors, a replay guard.
 */
import type { CrmCursorStore, CrmInbox, CrmLinkStore, CrmPendingJobs, ReplayGuard } from './port';
import type { CrmInboundEvent, CrmJob, CrmKind, CrmLinks } from './types';

export class InMemoryCrmStore implements CrmLinkStore, CrmInbox, ReplayGuard {
  readonly links = new Map<string, CrmLinks>();
  readonly refs = new Map<string, string>();
  readonly events: CrmInboundEvent[] = [];
  private readonly eventIds = new Set<string>();
  private readonly locks = new Map<string, number>();
  private readonly cursors = new Map<string, string>();
  private readonly seen = new Map<string, number>();

  constructor(private readonly now: () => number = Date.now) {}

  async get(leadId: string): Promise<CrmLinks | undefined> {
    const l = this.links.get(leadId);
    return l ? structuredClone(l) : undefined;
  }

  async save(links: CrmLinks): Promise<void> {
    this.links.set(links.leadId, structuredClone(links));
    if (links.recordId && links.recordType) {
      this.refs.set(`${links.crm}#${links.recordType}#${links.recordId}`, links.leadId);
      if (links.recordType === 'lead') this.refs.set(`${links.crm}#leadOf#${links.leadId}`, links.recordId);
    }
    if (links.contactId) {
      const key = `${links.crm}#contact#${links.contactId}`;
      this.refs.set(key, links.leadId);
      this.refs.set(`${key}#${links.leadId}`, links.leadId);
    }
  }

  async findRef(crm: CrmKind, type: string, key: string): Promise<string | undefined> {
    return this.refs.get(`${crm}#${type}#${key}`);
  }

  async putRef(crm: CrmKind, type: string, key: string, value: string): Promise<void> {
    this.refs.set(`${crm}#${type}#${key}`, value);
  }

  async leadsOfContact(crm: CrmKind, contactId: string): Promise<string[]> {
    const prefix = `${crm}#contact#${contactId}#`;
    return [...this.refs.entries()].filter(([k]) => k.startsWith(prefix)).map(([, v]) => v);
  }

  async lock(key: string, ttlSeconds: number): Promise<boolean> {
    const now = this.now();
    const until = this.locks.get(key);
    if (until !== undefined && until > now) return false;
    this.locks.set(key, now + ttlSeconds * 1000);
    return true;
  }

  async unlock(key: string): Promise<void> {
    this.locks.delete(key);
  }

  async record(event: CrmInboundEvent): Promise<boolean> {
    if (this.eventIds.has(event.eventId)) return false;
    this.eventIds.add(event.eventId);
    this.events.push(structuredClone(event));
    return true;
  }

  async has(eventId: string): Promise<boolean> {
    return this.eventIds.has(eventId);
  }

  async firstSeen(fingerprint: string, ttlSeconds: number): Promise<boolean> {
    const now = this.now();
    const until = this.seen.get(fingerprint);
    if (until !== undefined && until > now) return false;
    this.seen.set(fingerprint, now + ttlSeconds * 1000);
    return true;
  }

  async put(crm: CrmKind, stream: string, cursor: string): Promise<void> {
    this.cursors.set(`${crm}#${stream}`, cursor);
  }

  async getCursor(crm: CrmKind, stream: string): Promise<string | undefined> {
    return this.cursors.get(`${crm}#${stream}`);
  }

  /** CrmCursorStore view (its `get` would clash with the link store's). */
  get cursorStore(): CrmCursorStore {
    return {
      get: (crm, stream) => this.getCursor(crm, stream),
      put: (crm, stream, c) => this.put(crm, stream, c),
    };
  }

  /** Pending CRM jobs, oldest first (same order as the DynamoDB adapter's sort key). */
  readonly pendingJobs = new Map<string, CrmJob>();
  readonly pending: CrmPendingJobs = {
    keep: async (job, at) => {
      this.pendingJobs.set(
        `${at}#${job.leadId}#${job.trigger}#${job.outcome?.id ?? ''}`,
        structuredClone(job),
      );
    },
    list: async (limit) =>
      [...this.pendingJobs.entries()]
        .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
        .slice(0, limit)
        .map(([key, job]) => ({ key, job: structuredClone(job) })),
    remove: async (key) => {
      this.pendingJobs.delete(key);
    },
  };
}
