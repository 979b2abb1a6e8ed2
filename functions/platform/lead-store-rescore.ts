/**
 * A lead's events and score versions on the leads table, in the lead's own partition:
 * - `LEAD#<id>` / `EVENT#<event id>`: one item per event (a repeat of the id writes nothing);
 * - `LEAD#<id>` / `SCORE#<version, 6 digits>`: one item per score version (full score, cause, delta).
 * A re-score is ONE transaction: the new version's item (and version 1's on the first re-score), and the lead's
 * score, version and causes, conditional on the version it replaces, on its cause being new and on the lifecycle
 * allowing `rescore`; the inbox order key follows the tier, as in an override. A re-qualification writes its fresh
 * enrichment (and the `enrich` step's time) in the same transaction.
 * - `PARKED#<salted hash of the address>` / `EVENT#<event id>`: an event given by address before its lead exists,
 *   kept until it is attached to the lead or its parking window ends (`expiresAt`, the table's TTL).
 */
import {
  BatchWriteCommand,
  PutCommand,
  QueryCommand,
  ScanCommand,
  TransactWriteCommand,
} from '@aws-sdk/lib-dynamodb';
import type { AccountSignal } from '../agent/account-signals';
import type { LeadEvent } from '../agent/events';
import { type InboxOrderInput, inboxOrderKey } from '../agent/inbox-order';
import type { LeadRecord, OwnerAlert, ScoreVersion } from '../agent/lead-record';
import { leadFrom } from '../agent/lifecycle';
import type { EnrichmentRefresh } from '../agent/ports';
import { leadIndex } from './lead-indexes';
import {
  accountIndexKeys,
  conditional,
  domainIndexPk,
  isConditionFailure,
  type LeadTable,
  LeadUpdate,
  leadIdOfKey,
  leadKey,
  prioritySortKey,
  REORDER_ATTEMPTS,
  readOrder,
  toLeadRecord,
} from './lead-item';

export const eventKey = (leadId: string, eventId: string) => ({
  pk: `LEAD#${leadId}`,
  sk: `EVENT#${eventId}`,
});
export const scoreVersionKey = (leadId: string, version: number) => ({
  pk: `LEAD#${leadId}`,
  sk: `SCORE#${String(version).padStart(6, '0')}`,
});

export const addEvent = async (t: LeadTable, leadId: string, event: LeadEvent): Promise<boolean> => {
  try {
    await t.db.send(
      new PutCommand({
        TableName: t.table,
        Item: { ...eventKey(leadId, event.id), ...event },
        ConditionExpression: 'attribute_not_exists(pk)',
      }),
    );
    return true;
  } catch (error) {
    if (isConditionFailure(error)) return false;
    throw error;
  }
};

/** Every item of the lead's partition whose sort key starts with `prefix`, in key order (or reversed). */
const partition = async (t: LeadTable, leadId: string, prefix: string, newestFirst = false) => {
  const items: Record<string, unknown>[] = [];
  let after: Record<string, unknown> | undefined;
  do {
    const page = await t.db.send(
      new QueryCommand({
        TableName: t.table,
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
        ExpressionAttributeValues: { ':pk': leadKey(leadId).pk, ':prefix': prefix },
        ConsistentRead: true,
        ScanIndexForward: !newestFirst,
        ...(after ? { ExclusiveStartKey: after } : {}),
      }),
    );
    items.push(...(page.Items ?? []));
    after = page.LastEvaluatedKey;
  } while (after);
  return items.map(({ pk: _pk, sk: _sk, ...rest }) => rest);
};

export const listEvents = async (t: LeadTable, leadId: string): Promise<LeadEvent[]> =>
  (await partition(t, leadId, 'EVENT#')) as unknown as LeadEvent[];

export const scoreHistory = async (t: LeadTable, leadId: string): Promise<ScoreVersion[]> =>
  (await partition(t, leadId, 'SCORE#', true)) as unknown as ScoreVersion[];

export const requestRescore = (
  t: LeadTable,
  leadId: string,
  now: Date,
  staleSeconds: number,
): Promise<boolean> => {
  const input = new LeadUpdate(leadId).set('rescoreRequestedAt', now.toISOString()).input(t.table);
  // Marked already and fresh: the queued re-score will see this event too.
  input.ConditionExpression = `${input.ConditionExpression} AND (attribute_not_exists(#rescoreRequestedAt) OR #rescoreRequestedAt < :stale)`;
  input.ExpressionAttributeValues = {
    ...input.ExpressionAttributeValues,
    ':stale': new Date(now.getTime() - staleSeconds * 1000).toISOString(),
  };
  return conditional(t, input);
};

export const clearRescoreRequest = async (t: LeadTable, leadId: string): Promise<void> => {
  await new LeadUpdate(leadId).remove('rescoreRequestedAt').run(t);
};

const versionPut = (t: LeadTable, leadId: string, entry: ScoreVersion) => ({
  Put: {
    TableName: t.table,
    Item: { ...scoreVersionKey(leadId, entry.version), ...entry },
    ConditionExpression: 'attribute_not_exists(pk)',
  },
});

export const saveScoreVersion = async (
  t: LeadTable,
  leadId: string,
  entry: ScoreVersion,
  first?: ScoreVersion,
  alert?: OwnerAlert,
  refresh?: EnrichmentRefresh,
): Promise<boolean> => {
  for (let attempt = 1; attempt <= REORDER_ATTEMPTS; attempt++) {
    const current = await readOrder(t, leadId);
    if (!current) return false;
    const filed = current.draftSk as string | undefined;
    const previous = entry.version - 1;
    const lead = new LeadUpdate(leadId)
      .set('score', entry.score)
      .set('scoreVersion', entry.version)
      .append('scoreCauses', [entry.cause])
      .lacks('scoreCauses', entry.cause)
      .in('status', leadFrom('rescore'))
      .equalsOrAbsent('draftSk', filed);
    // The qualification stored version 1 (older leads may lack the number).
    // The top-level disposition follows the score's (the leads list filters on it).
    if (entry.score.disposition) lead.set('disposition', entry.score.disposition.kind);
    // The owner's alert of this version (./lead-store-alerts.ts), marked with the version itself.
    if (alert) lead.set('alert', alert);
    // A re-qualification's fresh enrichment goes with its score version.
    if (refresh) lead.set('enrichment', refresh.enrichment).set('steps.enrich', refresh.step);
    if (previous === 1) lead.absentOr('scoreVersion', 1);
    else lead.equals('scoreVersion', previous);
    if (filed !== undefined)
      lead.set(
        'draftSk',
        inboxOrderKey({ ...(current as InboxOrderInput), score: entry.score, leadId } as InboxOrderInput),
      );
    // The leads list's priority order follows the new tier (a person's override still wins).
    if (current.status !== 'received') {
      const override = current.override as { tier?: 'hot' | 'warm' | 'cold' } | undefined;
      const sla = (current.route as { slaDueAt?: string } | undefined)?.slaDueAt;
      lead.set('prioritySk', prioritySortKey(leadId, override?.tier ?? entry.score.tier, sla));
    }
    const input = lead.input(t.table);
    try {
      await t.db.send(
        new TransactWriteCommand({
          TransactItems: [
            {
              Update: {
                TableName: input.TableName,
                Key: input.Key,
                UpdateExpression: input.UpdateExpression,
                ConditionExpression: input.ConditionExpression,
                ExpressionAttributeNames: input.ExpressionAttributeNames,
                ExpressionAttributeValues: input.ExpressionAttributeValues,
              },
            },
            versionPut(t, leadId, entry),
            ...(first ? [versionPut(t, leadId, first)] : []),
          ],
        }),
      );
      return true;
    } catch (error) {
      const e = error as { name?: string; CancellationReasons?: { Code?: string }[] };
      if (e?.name !== 'TransactionCanceledException') throw error;
      const codes = (e.CancellationReasons ?? []).map((r) => r.Code);
      if (codes.includes('TransactionConflict')) continue;
      // The lead's condition (version, cause, state or a moved order key) or a version item that exists.
      const now = await readOrder(t, leadId);
      if (!now || (now.draftSk as string | undefined) === filed) return false;
    }
  }
  return false;
};

/** Open states the daily job re-scores (not closed, not still in intake). */
export const OPEN_STATES = ['routed', 'nurture', 'drafted', 'sent', 'meeting'] as const;

export const openLeadIds = async (t: LeadTable, ownerIds: readonly string[]): Promise<string[]> => {
  const ids: string[] = [];
  for (const ownerId of ownerIds) {
    let after: Record<string, unknown> | undefined;
    do {
      const page = await t.db.send(
        new QueryCommand({
          TableName: t.table,
          IndexName: leadIndex('byOwner'),
          KeyConditionExpression: 'ownerPk = :o',
          FilterExpression: '#status IN (:s0, :s1, :s2, :s3, :s4)',
          ProjectionExpression: 'leadId',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: {
            ':o': `OWNER#${ownerId}`,
            ...Object.fromEntries(OPEN_STATES.map((s, i) => [`:s${i}`, s])),
          },
          ...(after ? { ExclusiveStartKey: after } : {}),
        }),
      );
      for (const item of page.Items ?? []) ids.push(String(item.leadId));
      after = page.LastEvaluatedKey;
    } while (after);
  }
  return ids;
};

export const parkedEventKey = (addressKey: string, eventId: string) => ({
  pk: `PARKED#${addressKey}`,
  sk: `EVENT#${eventId}`,
});

export const parkEvent = async (
  t: LeadTable,
  addressKey: string,
  event: LeadEvent,
  expiresAt: Date,
): Promise<boolean> => {
  try {
    await t.db.send(
      new PutCommand({
        TableName: t.table,
        Item: {
          ...parkedEventKey(addressKey, event.id),
          ...event,
          expiresAt: Math.floor(expiresAt.getTime() / 1000),
        },
        ConditionExpression: 'attribute_not_exists(pk)',
      }),
    );
    return true;
  } catch (error) {
    if (isConditionFailure(error)) return false;
    throw error;
  }
};

/** One query of the address's partition (TTL deletes lazily, so expired items are left out here). */
export const parkedEvents = async (t: LeadTable, addressKey: string, now: Date): Promise<LeadEvent[]> => {
  const events: LeadEvent[] = [];
  let after: Record<string, unknown> | undefined;
  do {
    const page = await t.db.send(
      new QueryCommand({
        TableName: t.table,
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': `PARKED#${addressKey}` },
        ConsistentRead: true,
        ...(after ? { ExclusiveStartKey: after } : {}),
      }),
    );
    for (const { pk: _pk, sk: _sk, expiresAt, ...event } of page.Items ?? [])
      if (Number(expiresAt) * 1000 > now.getTime()) events.push(event as LeadEvent);
    after = page.LastEvaluatedKey;
  } while (after);
  return events;
};

export const unparkEvents = async (t: LeadTable, addressKey: string, eventIds: readonly string[]) => {
  for (let i = 0; i < eventIds.length; i += 25) {
    let requests: Record<string, unknown[]> | undefined = {
      [t.table]: eventIds
        .slice(i, i + 25)
        .map((id) => ({ DeleteRequest: { Key: parkedEventKey(addressKey, id) } })),
    };
    for (let attempt = 0; requests && Object.keys(requests).length > 0 && attempt < 5; attempt++) {
      const out = await t.db.send(new BatchWriteCommand({ RequestItems: requests as never }));
      requests = out.UnprocessedItems as Record<string, unknown[]> | undefined;
    }
  }
};

/** One page (≤ 1 MB) of an owner's open leads at a time, whole items from the owner index (projection ALL). */
export async function* openLeadPages(t: LeadTable, ownerIds: readonly string[]): AsyncIterable<LeadRecord[]> {
  for (const ownerId of ownerIds) {
    let after: Record<string, unknown> | undefined;
    do {
      const page = await t.db.send(
        new QueryCommand({
          TableName: t.table,
          IndexName: leadIndex('byOwner'),
          KeyConditionExpression: 'ownerPk = :o',
          FilterExpression: '#status IN (:s0, :s1, :s2, :s3, :s4)',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: {
            ':o': `OWNER#${ownerId}`,
            ...Object.fromEntries(OPEN_STATES.map((s, i) => [`:s${i}`, s])),
          },
          ...(after ? { ExclusiveStartKey: after } : {}),
        }),
      );
      const records = (page.Items ?? []).map(toLeadRecord);
      if (records.length > 0) yield records;
      after = page.LastEvaluatedKey;
    } while (after);
  }
}

export const accountSignalKey = (domain: string, signalId: string) => ({
  pk: `ACCOUNT#${domain}`,
  sk: `SIGNAL#${signalId}`,
});

export const addAccountSignal = async (
  t: LeadTable,
  signal: AccountSignal,
  expiresAt: Date,
): Promise<boolean> => {
  try {
    await t.db.send(
      new PutCommand({
        TableName: t.table,
        Item: {
          ...accountSignalKey(signal.domain, signal.id),
          ...signal,
          expiresAt: Math.floor(expiresAt.getTime() / 1000),
        },
        ConditionExpression: 'attribute_not_exists(pk)',
      }),
    );
    return true;
  } catch (error) {
    if (isConditionFailure(error)) return false;
    throw error;
  }
};

export const accountSignals = async (t: LeadTable, domain: string): Promise<AccountSignal[]> => {
  const out: AccountSignal[] = [];
  const nowSeconds = Math.floor(t.now().getTime() / 1000);
  let after: Record<string, unknown> | undefined;
  do {
    const page = await t.db.send(
      new QueryCommand({
        TableName: t.table,
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': `ACCOUNT#${domain}` },
        ...(after ? { ExclusiveStartKey: after } : {}),
      }),
    );
    for (const { pk: _pk, sk: _sk, expiresAt, ...signal } of page.Items ?? [])
      if (Number(expiresAt) > nowSeconds) out.push(signal as AccountSignal);
    after = page.LastEvaluatedKey;
  } while (after);
  return out;
};

export const leadIdsByDomain = async (t: LeadTable, domain: string): Promise<string[]> => {
  const ids: string[] = [];
  let after: Record<string, unknown> | undefined;
  do {
    const page = await t.db.send(
      new QueryCommand({
        TableName: t.table,
        IndexName: leadIndex('byDomain'),
        KeyConditionExpression: 'domainPk = :d',
        ExpressionAttributeValues: { ':d': domainIndexPk(domain) },
        // Keys only: the lead id is the item's partition key.
        ProjectionExpression: 'pk',
        ...(after ? { ExclusiveStartKey: after } : {}),
      }),
    );
    for (const item of page.Items ?? []) ids.push(leadIdOfKey(item.pk));
    after = page.LastEvaluatedKey;
  } while (after);
  return [...new Set(ids)];
};

/**
 * One-off migration: gives leads stored before the `byDomain` index existed its keys (a scan, run once after
 * deploying the index: scripts/backfill-domain-index.ts). Idempotent: a lead that has them is left alone.
 */
export const backfillDomainIndex = async (t: LeadTable): Promise<number> => {
  let changed = 0;
  let start: Record<string, unknown> | undefined;
  do {
    const out = await t.db.send(
      new ScanCommand({
        TableName: t.table,
        FilterExpression: 'sk = :lead AND attribute_exists(#lead) AND attribute_not_exists(domainPk)',
        ExpressionAttributeNames: { '#lead': 'lead' },
        ExpressionAttributeValues: { ':lead': 'LEAD' },
        ...(start ? { ExclusiveStartKey: start } : {}),
      }),
    );
    for (const item of out.Items ?? []) {
      const keys = accountIndexKeys(toLeadRecord(item));
      if (!keys.domainPk) continue;
      const u = new LeadUpdate(String(item.leadId))
        .set('domainPk', keys.domainPk)
        .set('domainSk', keys.domainSk)
        .absent('domainPk');
      if (await u.run(t)) changed++;
    }
    start = out.LastEvaluatedKey;
  } while (start);
  return changed;
};
