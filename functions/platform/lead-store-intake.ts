/**
 * Intake's writes on the leads table: a new lead (one conditional PutItem on its derived id, which is also
 * the exactly-once guard), the reservation of its next dedup bucket's id, and the outbox index that makes
 * sure a stored lead is qualified until drafting records a result.
 *
 * A reservation is an item at the reserved id's lead key (`LEAD#<id>` / `LEAD`) carrying only `reservedFor`
 * and `expiresAt` (TTL): the key a retry in the next bucket would write, so the same conditional write finds
 * it. Readers treat it as no lead (./lead-store-listings.ts).
 */
import { randomUUID } from 'node:crypto';
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { GetCommand, PutCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { LeadRecord } from '../agent/lead-record';
import type { CreateLeadResult } from '../agent/ports';
import type { LeadStatus } from '../agent/qualification';
import { leadIndex } from './lead-indexes';
import {
  accountIndexKeys,
  isConditionFailure,
  type LeadTable,
  LeadUpdate,
  leadIdOfKey,
  leadKey,
  listIndexKeys,
  OUTBOX,
  outboxSk,
  privacyAttributes,
  RESERVED_FOR,
  WRITE_ID,
} from './lead-item';

type CreateOptions = { dedupWindowSeconds: number; pendingEnqueue: boolean };

export const createLead = async (
  t: LeadTable,
  record: LeadRecord,
  options: CreateOptions,
): Promise<CreateLeadResult> => {
  const outbox = options.pendingEnqueue
    ? { outboxPk: OUTBOX, outboxSk: outboxSk(record.receivedAt, record.leadId) }
    : {};
  // Tells this call's own write apart from another request's: when the SDK retries a put whose answer was
  // lost, the retry fails its condition on the item this call wrote, and that is still "created".
  const writeId = randomUUID();
  try {
    await t.db.send(
      new PutCommand({
        TableName: t.table,
        Item: {
          ...leadKey(record.leadId),
          ...record,
          ...outbox,
          ...listIndexKeys(record),
          ...privacyAttributes(record),
          ...accountIndexKeys(record),
          [WRITE_ID]: writeId,
        },
        ConditionExpression: 'attribute_not_exists(pk)',
        // A duplicate learns what holds the id from the same round trip.
        ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
      }),
    );
    return { created: true, leadId: record.leadId };
  } catch (error) {
    if (!(error instanceof ConditionalCheckFailedException)) throw error;
    const old = error.Item
      ? { [RESERVED_FOR]: error.Item[RESERVED_FOR]?.S, status: error.Item.status?.S }
      : undefined;
    if (error.Item?.[WRITE_ID]?.S === writeId) return { created: true, leadId: record.leadId };
    return existingLead(t, record.leadId, old);
  }
};

/** The lead that holds `leadId`: the lead itself, or the one a reservation points at. */
const existingLead = async (
  t: LeadTable,
  leadId: string,
  old: Record<string, unknown> | undefined,
): Promise<CreateLeadResult> => {
  let item = old;
  if (!item) {
    // An emulator that does not return the old item: read it.
    const out = await t.db.send(
      new GetCommand({ TableName: t.table, Key: leadKey(leadId), ConsistentRead: true }),
    );
    item = out.Item;
  }
  const reservedFor = item?.[RESERVED_FOR] as string | undefined;
  if (!reservedFor) return { created: false, leadId, status: (item?.status as LeadStatus) ?? 'received' };
  const lead = await t.db.send(
    new GetCommand({
      TableName: t.table,
      Key: leadKey(reservedFor),
      ConsistentRead: true,
      ProjectionExpression: '#s',
      ExpressionAttributeNames: { '#s': 'status' },
    }),
  );
  return { created: false, leadId: reservedFor, status: (lead.Item?.status as LeadStatus) ?? 'received' };
};

export const reserveLeadId = async (
  t: LeadTable,
  leadId: string,
  forLeadId: string,
  expiresAtSeconds: number,
): Promise<boolean> => {
  try {
    await t.db.send(
      new PutCommand({
        TableName: t.table,
        Item: { ...leadKey(leadId), [RESERVED_FOR]: forLeadId, expiresAt: expiresAtSeconds },
        ConditionExpression: 'attribute_not_exists(pk)',
      }),
    );
    return true;
  } catch (error) {
    if (isConditionFailure(error)) return false;
    throw error;
  }
};

/** Restarts an outbox entry's clock after the sweeper re-sent it; how often it was swept (0: not in the outbox). */
export const rearmOutbox = async (t: LeadTable, leadId: string): Promise<number> => {
  const update = new LeadUpdate(leadId)
    .set('outboxSk', outboxSk(t.now().toISOString(), leadId))
    .add('outboxSweeps', 1)
    .present('outboxPk');
  try {
    const out = await t.db.send(new UpdateCommand({ ...update.input(t.table), ReturnValues: 'UPDATED_NEW' }));
    return Number(out.Attributes?.outboxSweeps ?? 1);
  } catch (error) {
    if (!isConditionFailure(error)) throw error;
    // Drafting finished meanwhile: nothing to re-arm.
    return 0;
  }
};

export const listOutbox = async (
  t: LeadTable,
  olderThanSeconds: number,
  limit: number,
): Promise<string[]> => {
  const cutoff = new Date(t.now().getTime() - olderThanSeconds * 1000).toISOString();
  const out = await t.db.send(
    new QueryCommand({
      TableName: t.table,
      IndexName: leadIndex('outbox'),
      KeyConditionExpression: 'outboxPk = :o AND outboxSk < :cutoff',
      ExpressionAttributeValues: { ':o': OUTBOX, ':cutoff': cutoff },
      // Keys only: the lead id is the item's partition key.
      ProjectionExpression: 'pk',
      Limit: limit,
    }),
  );
  return (out.Items ?? []).map((i) => leadIdOfKey(i.pk));
};
