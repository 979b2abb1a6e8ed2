/**
 * The CRM stores on the single leads table (infra/data-plane.ts), each as its own item type so nothing of
 * the lead item changes:
 * - `CRM#<leadId>` / `CRM`: the lead's CRM links (ids, activity keys, last error);
 * - `CRMREF#<crm>#<type>#<key>` / `REF`: cached ids (company by domain, person by email hash) and reverse
 *   references (deal / lead / contact id → lead id, lead id → Pipedrive lead id);
 * - `CRMREF#<crm>#contactlead#<contactId>` / `LEAD#<leadId>`: every lead of a CRM contact (erasure);
 * - `CRMLOCK#<key>` / `LOCK`: short leases (expiresAt, TTL);
 * - `CRMEVT#<eventId>` / `EVENT`: inbound events, written once (the lifecycle consumes them);
 * - `CRMSIG#<fingerprint>` / `SIG`: signatures of webhook requests already accepted (TTL, replay guard);
 * - `CRMCURSOR#<crm>#<stream>` / `CURSOR`: where the reconciliation stopped;
 * - `ERASUREREQ` / `<at>#<leadId>`: erasure requests from the CRM (a deleted contact), pending for the privacy
 *   erasure;
 * - `CRMPENDING` / `<at>#<leadId>#<trigger>#<outcome id>`: CRM jobs the queue did not take (ids only, TTL 14
 *   days like the queue), queued again by the CRM outbox sweeper.
 */
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import {
  DeleteCommand,
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
} from '@aws-sdk/lib-dynamodb';
import type { CrmEventLog, ErasureRequest } from '../agent/crm/apply';
import type { CrmCursorStore, CrmLinkStore, CrmPendingJobs, ReplayGuard } from '../agent/crm/port';
import type { CrmInboundEvent, CrmJob, CrmKind, CrmLinks } from '../agent/crm/types';

export const crmLinksKey = (leadId: string) => ({ pk: `CRM#${leadId}`, sk: 'CRM' });
const refKey = (crm: CrmKind, type: string, key: string) => ({
  pk: `CRMREF#${crm}#${type}#${key}`,
  sk: 'REF',
});
export const crmEventKey = (eventId: string) => ({ pk: `CRMEVT#${eventId}`, sk: 'EVENT' });

const PENDING_PK = 'CRMPENDING';
const PENDING_TTL_SECONDS = 14 * 24 * 3600;

const isConditionFailure = (error: unknown) => error instanceof ConditionalCheckFailedException;

export class DynamoCrmStore implements CrmLinkStore, CrmEventLog, ReplayGuard {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly table: string,
    private readonly now: () => Date = () => new Date(),
  ) {}

  async get(leadId: string): Promise<CrmLinks | undefined> {
    const out = await this.db.send(
      new GetCommand({ TableName: this.table, Key: crmLinksKey(leadId), ConsistentRead: true }),
    );
    if (!out.Item) return undefined;
    const { pk: _pk, sk: _sk, ...links } = out.Item;
    return links as unknown as CrmLinks;
  }

  async save(links: CrmLinks): Promise<void> {
    await this.db.send(
      new PutCommand({ TableName: this.table, Item: { ...crmLinksKey(links.leadId), ...links } }),
    );
    const refs: Promise<unknown>[] = [];
    if (links.recordId && links.recordType) {
      refs.push(this.putRef(links.crm, links.recordType, links.recordId, links.leadId));
      if (links.recordType === 'lead')
        refs.push(this.putRef(links.crm, 'leadOf', links.leadId, links.recordId));
    }
    if (links.contactId) {
      refs.push(this.putRef(links.crm, 'contact', links.contactId, links.leadId));
      refs.push(
        this.db.send(
          new PutCommand({
            TableName: this.table,
            Item: {
              pk: `CRMREF#${links.crm}#contactlead#${links.contactId}`,
              sk: `LEAD#${links.leadId}`,
              leadId: links.leadId,
            },
          }),
        ),
      );
    }
    await Promise.all(refs);
  }

  async findRef(crm: CrmKind, type: string, key: string): Promise<string | undefined> {
    const out = await this.db.send(new GetCommand({ TableName: this.table, Key: refKey(crm, type, key) }));
    return out.Item?.value as string | undefined;
  }

  async putRef(crm: CrmKind, type: string, key: string, value: string): Promise<void> {
    await this.db.send(new PutCommand({ TableName: this.table, Item: { ...refKey(crm, type, key), value } }));
  }

  async leadsOfContact(crm: CrmKind, contactId: string): Promise<string[]> {
    const out = await this.db.send(
      new QueryCommand({
        TableName: this.table,
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :lead)',
        ExpressionAttributeValues: { ':pk': `CRMREF#${crm}#contactlead#${contactId}`, ':lead': 'LEAD#' },
      }),
    );
    return (out.Items ?? []).map((i) => i.leadId as string);
  }

  async lock(key: string, ttlSeconds: number): Promise<boolean> {
    return this.putOnce({ pk: `CRMLOCK#${key}`, sk: 'LOCK' }, ttlSeconds);
  }

  async unlock(key: string): Promise<void> {
    await this.db.send(
      new DeleteCommand({ TableName: this.table, Key: { pk: `CRMLOCK#${key}`, sk: 'LOCK' } }),
    );
  }

  async record(event: CrmInboundEvent): Promise<boolean> {
    try {
      await this.db.send(
        new PutCommand({
          TableName: this.table,
          Item: {
            ...crmEventKey(event.eventId),
            ...event,
            leadId: event.leadRef.leadId,
            recordedAt: this.now().toISOString(),
          },
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      );
      return true;
    } catch (error) {
      if (isConditionFailure(error)) return false;
      throw error;
    }
  }

  async has(eventId: string): Promise<boolean> {
    const out = await this.db.send(
      new GetCommand({ TableName: this.table, Key: crmEventKey(eventId), ConsistentRead: true }),
    );
    return out.Item !== undefined;
  }

  /**
   * Keeps a request to erase one lead's personal data (the CRM deleted its contact) until the privacy
   * erasure works it off: `ERASUREREQ` / `<requested at>#<lead id>`, ids only.
   */
  async requestErasure(request: ErasureRequest): Promise<void> {
    await this.db.send(
      new PutCommand({
        TableName: this.table,
        Item: {
          pk: 'ERASUREREQ',
          sk: `${request.requestedAt}#${request.leadId}`,
          ...request,
          status: 'pending',
        },
      }),
    );
  }

  async firstSeen(fingerprint: string, ttlSeconds: number): Promise<boolean> {
    return this.putOnce({ pk: `CRMSIG#${fingerprint}`, sk: 'SIG' }, ttlSeconds);
  }

  /** Conditional put of an expiring item: true when it did not exist or had expired. */
  private async putOnce(key: { pk: string; sk: string }, ttlSeconds: number): Promise<boolean> {
    const now = Math.floor(this.now().getTime() / 1000);
    try {
      await this.db.send(
        new PutCommand({
          TableName: this.table,
          Item: { ...key, expiresAt: now + ttlSeconds },
          ConditionExpression: 'attribute_not_exists(pk) OR expiresAt < :now',
          ExpressionAttributeValues: { ':now': now },
        }),
      );
      return true;
    } catch (error) {
      if (isConditionFailure(error)) return false;
      throw error;
    }
  }

  readonly cursors: CrmCursorStore = {
    get: async (crm, stream) => {
      const out = await this.db.send(
        new GetCommand({
          TableName: this.table,
          Key: { pk: `CRMCURSOR#${crm}#${stream}`, sk: 'CURSOR' },
          ConsistentRead: true,
        }),
      );
      return out.Item?.cursor as string | undefined;
    },
    put: async (crm, stream, cursor) => {
      await this.db.send(
        new PutCommand({
          TableName: this.table,
          Item: { pk: `CRMCURSOR#${crm}#${stream}`, sk: 'CURSOR', cursor },
        }),
      );
    },
  };

  readonly pending: CrmPendingJobs = {
    keep: async (job, at) => {
      const sk = `${at}#${job.leadId}#${job.trigger}#${job.outcome?.id ?? ''}`;
      await this.db.send(
        new PutCommand({
          TableName: this.table,
          Item: {
            pk: PENDING_PK,
            sk,
            job,
            expiresAt: Math.floor(this.now().getTime() / 1000) + PENDING_TTL_SECONDS,
          },
        }),
      );
    },
    list: async (limit) => {
      const out = await this.db.send(
        new QueryCommand({
          TableName: this.table,
          KeyConditionExpression: 'pk = :pk',
          ExpressionAttributeValues: { ':pk': PENDING_PK },
          ConsistentRead: true,
          Limit: limit,
        }),
      );
      return (out.Items ?? []).map((i) => ({ key: i.sk as string, job: i.job as CrmJob }));
    },
    remove: async (key) => {
      await this.db.send(new DeleteCommand({ TableName: this.table, Key: { pk: PENDING_PK, sk: key } }));
    },
  };
}
