/**
 * Intake's writes on the leads table: a new lead with its exactly-once guard, and the outbox that makes sure
 * a stored lead is queued until drafting records a result.
 */
import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { GetCommand, QueryCommand, TransactWriteCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { LeadRecord } from '../agent/lead-record';
import type { CreateLeadResult } from '../agent/ports';
import {
  dedupItemKey,
  isConditionFailure,
  type LeadTable,
  LeadUpdate,
  leadKey,
  listIndexKeys,
  OUTBOX,
  outboxSk,
  privacyAttributes,
  toLeadRecord,
} from './lead-item';

/** Tries of `create` when concurrent identical submissions conflict. */
const CREATE_ATTEMPTS = 5;

type CreateOptions = { dedupWindowSeconds: number; pendingEnqueue: boolean };

export const createLead = async (
  t: LeadTable,
  record: LeadRecord,
  options: CreateOptions,
): Promise<CreateLeadResult> => {
  // Identical submissions at the same moment race on one DEDUP item. DynamoDB cancels all but one of the
  // concurrent transactions with `TransactionConflict` (not `ConditionalCheckFailed`); retried after a short
  // jitter, they find the winner's DEDUP item and answer with its lead instead of failing with a 500.
  for (let attempt = 1; ; attempt++) {
    try {
      return await createOnce(t, record, options);
    } catch (error) {
      const conflict =
        error instanceof TransactionCanceledException &&
        (error.CancellationReasons ?? []).some((r) => r.Code === 'TransactionConflict');
      if (!conflict || attempt >= CREATE_ATTEMPTS) throw error;
      await new Promise((r) => setTimeout(r, Math.random() * 20 * attempt));
    }
  }
};

const createOnce = async (
  t: LeadTable,
  record: LeadRecord,
  options: CreateOptions,
): Promise<CreateLeadResult> => {
  const nowSeconds = Math.floor(t.now().getTime() / 1000);
  const outbox = options.pendingEnqueue
    ? { outboxPk: OUTBOX, outboxSk: outboxSk(record.receivedAt, record.leadId) }
    : {};
  try {
    await t.db.send(
      new TransactWriteCommand({
        TransactItems: [
          {
            Put: {
              TableName: t.table,
              Item: {
                ...dedupItemKey(record.dedupKey),
                leadId: record.leadId,
                expiresAt: nowSeconds + options.dedupWindowSeconds,
              },
              ConditionExpression: 'attribute_not_exists(pk) OR expiresAt < :now',
              ExpressionAttributeValues: { ':now': nowSeconds },
            },
          },
          {
            Put: {
              TableName: t.table,
              Item: {
                ...leadKey(record.leadId),
                ...record,
                ...outbox,
                ...listIndexKeys(record),
                ...privacyAttributes(record),
              },
              ConditionExpression: 'attribute_not_exists(pk)',
            },
          },
        ],
      }),
    );
    return { created: true, leadId: record.leadId };
  } catch (error) {
    if (!(error instanceof TransactionCanceledException)) throw error;
    const reasons = error.CancellationReasons ?? [];
    if (reasons[0]?.Code !== 'ConditionalCheckFailed') throw error;
    const existing = await t.db.send(
      new GetCommand({ TableName: t.table, Key: dedupItemKey(record.dedupKey), ConsistentRead: true }),
    );
    const leadId = existing.Item?.leadId as string | undefined;
    if (!leadId) throw error;
    const lead = await t.db.send(
      new GetCommand({ TableName: t.table, Key: leadKey(leadId), ConsistentRead: true }),
    );
    return { created: false, leadId, status: lead.Item ? toLeadRecord(lead.Item).status : 'received' };
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
      IndexName: 'outbox',
      KeyConditionExpression: 'outboxPk = :o AND outboxSk < :cutoff',
      ExpressionAttributeValues: { ':o': OUTBOX, ':cutoff': cutoff },
      Limit: limit,
    }),
  );
  return (out.Items ?? []).map((i) => i.leadId as string);
};
