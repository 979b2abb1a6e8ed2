/**
 * Erasure jobs and what they erase, on the single leads table (functions/agent/privacy/erasure.ts):
 * - `ERASURE#<job id>` / `JOB`: the job while it runs (with the sparse `outbox` index keys
 *   `outboxPk = ERASURE`, so the scheduled privacy job finds jobs a crash left running), then its audit
 *   record without keys or hashes, expiring by TTL (`expiresAt`).
 * - what belongs to a lead: its partition `LEAD#<id>` (every sort key), `CRM#<id>` with the CRM references
 *   it implies, the intake guard `DEDUP#<key>`, the send-limit claim `LIMIT#ADDR#<sha256>`, an unsalted
 *   suppression entry `SUPPRESS#<sha256>` (the salted one replaces it), and the named `CACHE#…` entries.
 */
import { BatchWriteCommand, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { CRM_KINDS } from '../agent/crm/types';
import type { LeadRecord } from '../agent/lead-record';
import type {
  CrmContactRef,
  CrmRecordRef,
  ErasureJob,
  ErasureStore,
  ItemKey,
} from '../agent/privacy/erasure';
import type { RetentionStore } from '../agent/privacy/retention';
import { emailSha256 } from '../agent/privacy/rights';
import { leadIndex } from './lead-indexes';
import {
  dedupItemKey,
  expiryIndexPk,
  type LeadTable,
  LeadUpdate,
  leadIdOfKey,
  leadKey,
  retentionAttributes,
  suppressionKey,
} from './lead-item';
import { queryAll } from './privacy-store-dynamodb';

const JOB_PK_PREFIX = 'ERASURE#';
const jobKey = (jobId: string) => ({ pk: `${JOB_PK_PREFIX}${jobId}`, sk: 'JOB' });
export const ERASURE_OUTBOX = 'ERASURE';

/**
 * The CRM objects the sync created about the lead, from its CRM links item: the deal / Pipedrive lead and
 * every activity whose id was stored (note, task, logged email).
 */
const crmRecordsOf = (crm: Record<string, unknown> | undefined): CrmRecordRef[] => {
  if (!crm) return [];
  const kind = String(crm.crm);
  const out: CrmRecordRef[] = [];
  if (crm.recordId && (crm.recordType === 'deal' || crm.recordType === 'lead'))
    out.push({ crm: kind, type: crm.recordType, id: String(crm.recordId) });
  const activities = (crm.activities ?? {}) as Record<string, { id?: unknown; kind?: unknown }>;
  for (const a of Object.values(activities)) {
    if (a?.id === undefined || a.id === null) continue;
    if (a.kind === 'note' || a.kind === 'task' || a.kind === 'email')
      out.push({ crm: kind, type: a.kind, id: String(a.id) });
  }
  return out;
};

export class DynamoErasureStore implements ErasureStore {
  constructor(private readonly t: LeadTable) {}

  async getJob(jobId: string): Promise<ErasureJob | undefined> {
    const out = await this.t.db.send(
      new GetCommand({ TableName: this.t.table, Key: jobKey(jobId), ConsistentRead: true }),
    );
    if (!out.Item) return undefined;
    const { pk: _p, sk: _s, outboxPk: _o1, outboxSk: _o2, expiresAt: _x, ...job } = out.Item;
    return job as unknown as ErasureJob;
  }

  async saveJob(job: ErasureJob): Promise<void> {
    await this.t.db.send(
      new PutCommand({
        TableName: this.t.table,
        Item: {
          ...jobKey(job.jobId),
          ...job,
          outboxPk: ERASURE_OUTBOX,
          outboxSk: `${job.requestedAt}#${job.jobId}`,
        },
      }),
    );
  }

  async finishJob(job: ErasureJob, auditRetentionDays: number): Promise<void> {
    await this.t.db.send(
      new PutCommand({
        TableName: this.t.table,
        Item: {
          ...jobKey(job.jobId),
          ...job,
          expiresAt: Math.floor(this.t.now().getTime() / 1000) + auditRetentionDays * 86_400,
        },
      }),
    );
  }

  async runningJobs(): Promise<string[]> {
    const items = await queryAll(this.t, {
      TableName: this.t.table,
      IndexName: leadIndex('outbox'),
      KeyConditionExpression: 'outboxPk = :o',
      ExpressionAttributeValues: { ':o': ERASURE_OUTBOX },
      // Keys only: the job id is the item's partition key.
      ProjectionExpression: 'pk',
    });
    return items.map((i) => String(i.pk).slice(JOB_PK_PREFIX.length));
  }

  async itemsOf(
    record: LeadRecord,
    cacheKeys: readonly string[],
    options: { readonly addressItems: boolean },
  ): Promise<{ keys: ItemKey[]; crmContacts: CrmContactRef[]; crmRecords: CrmRecordRef[] }> {
    const { leadId } = record;
    const own = await queryAll(this.t, {
      TableName: this.t.table,
      KeyConditionExpression: 'pk = :pk',
      ExpressionAttributeValues: { ':pk': leadKey(leadId).pk },
      ProjectionExpression: 'pk, sk',
      ConsistentRead: true,
    });
    const keys: ItemKey[] = own.map((i) => ({ pk: String(i.pk), sk: String(i.sk) }));
    const crmContacts: CrmContactRef[] = [];
    const email = record.lead.person.email;
    const hash = email ? emailSha256(email) : undefined;

    const crm = (
      await this.t.db.send(
        new GetCommand({
          TableName: this.t.table,
          Key: { pk: `CRM#${leadId}`, sk: 'CRM' },
          ConsistentRead: true,
        }),
      )
    ).Item;
    if (crm) {
      const kind = String(crm.crm);
      const ref = (type: string, key: string) => ({ pk: `CRMREF#${kind}#${type}#${key}`, sk: 'REF' });
      keys.push({ pk: `CRM#${leadId}`, sk: 'CRM' });
      if (crm.contactId) {
        const contactId = String(crm.contactId);
        if (options.addressItems) crmContacts.push({ crm: kind, contactId });
        keys.push(ref('contact', contactId), {
          pk: `CRMREF#${kind}#contactlead#${contactId}`,
          sk: `LEAD#${leadId}`,
        });
      }
      if (crm.recordId && crm.recordType) keys.push(ref(String(crm.recordType), String(crm.recordId)));
      if (crm.recordType === 'lead') keys.push(ref('leadOf', leadId));
      if (hash && options.addressItems) keys.push(ref('person', hash));
    }
    keys.push(dedupItemKey(record.dedupKey));
    if (hash && options.addressItems)
      keys.push({ pk: `LIMIT#ADDR#${hash}`, sk: 'LIMIT' }, suppressionKey(hash));
    for (const k of cacheKeys) keys.push({ pk: `CACHE#${k}`, sk: 'CACHE' });
    return { keys, crmContacts, crmRecords: crmRecordsOf(crm) };
  }

  async remainsOf(
    leadId: string,
  ): Promise<{ keys: ItemKey[]; crmContacts: CrmContactRef[]; crmRecords: CrmRecordRef[] }> {
    const own = await queryAll(this.t, {
      TableName: this.t.table,
      KeyConditionExpression: 'pk = :pk',
      ExpressionAttributeValues: { ':pk': leadKey(leadId).pk },
      ProjectionExpression: 'pk, sk',
      ConsistentRead: true,
    });
    const keys: ItemKey[] = own.map((i) => ({ pk: String(i.pk), sk: String(i.sk) }));
    const crmContacts: CrmContactRef[] = [];
    const crm = (
      await this.t.db.send(
        new GetCommand({
          TableName: this.t.table,
          Key: { pk: `CRM#${leadId}`, sk: 'CRM' },
          ConsistentRead: true,
        }),
      )
    ).Item;
    if (crm) {
      const kind = String(crm.crm);
      const ref = (type: string, key: string) => ({ pk: `CRMREF#${kind}#${type}#${key}`, sk: 'REF' });
      keys.push({ pk: `CRM#${leadId}`, sk: 'CRM' });
      if (crm.contactId) {
        const contactId = String(crm.contactId);
        crmContacts.push({ crm: kind, contactId });
        keys.push(ref('contact', contactId), {
          pk: `CRMREF#${kind}#contactlead#${contactId}`,
          sk: `LEAD#${leadId}`,
        });
      }
      if (crm.recordId && crm.recordType) keys.push(ref(String(crm.recordType), String(crm.recordId)));
      if (crm.recordType === 'lead') keys.push(ref('leadOf', leadId));
    }
    return { keys, crmContacts, crmRecords: crmRecordsOf(crm) };
  }

  async addressRemains(emailSha256: string): Promise<{ keys: ItemKey[]; crmContacts: CrmContactRef[] }> {
    const keys: ItemKey[] = [];
    const crmContacts: CrmContactRef[] = [];
    for (const kind of CRM_KINDS) {
      const key = { pk: `CRMREF#${kind}#person#${emailSha256}`, sk: 'REF' };
      const item = (
        await this.t.db.send(new GetCommand({ TableName: this.t.table, Key: key, ConsistentRead: true }))
      ).Item;
      if (!item) continue;
      keys.push(key);
      if (item.value) crmContacts.push({ crm: kind, contactId: String(item.value) });
    }
    return { keys, crmContacts };
  }

  async deleteItems(keys: readonly ItemKey[]): Promise<void> {
    for (let i = 0; i < keys.length; i += 25) {
      let pending: Record<string, unknown>[] = keys
        .slice(i, i + 25)
        .map((Key) => ({ DeleteRequest: { Key: { pk: Key.pk, sk: Key.sk } } }));
      for (let attempt = 0; pending.length; attempt++) {
        const out = await this.t.db.send(
          new BatchWriteCommand({ RequestItems: { [this.t.table]: pending as never } }),
        );
        pending = (out.UnprocessedItems?.[this.t.table] ?? []) as Record<string, unknown>[];
        if (pending.length && attempt >= 8) throw new Error('DynamoDB left deletes unprocessed');
        if (pending.length) await new Promise((r) => setTimeout(r, 50 * 2 ** attempt));
      }
    }
  }
}

/** The `byExpiry` index (keys only) and the retention end of a lead (functions/agent/privacy/retention.ts). */
export class DynamoRetentionStore implements RetentionStore {
  constructor(private readonly t: LeadTable) {}

  async dueOn(day: string): Promise<string[]> {
    const items = await queryAll(this.t, {
      TableName: this.t.table,
      IndexName: leadIndex('byExpiry'),
      KeyConditionExpression: 'expiryPk = :d',
      ExpressionAttributeValues: { ':d': expiryIndexPk(day) },
      // Keys only: the lead id is the item's partition key.
      ProjectionExpression: 'pk',
    });
    return items.map((i) => leadIdOfKey(i.pk));
  }

  async retainLeadUntil(leadId: string, until: string): Promise<void> {
    const attributes = retentionAttributes(leadId, until);
    await new LeadUpdate(leadId)
      .set('expiresAt', attributes.expiresAt)
      .set('expiryPk', attributes.expiryPk)
      .set('expirySk', attributes.expirySk)
      .set('privacy.retainUntil', until)
      .present('privacy')
      .run(this.t);
  }
}
