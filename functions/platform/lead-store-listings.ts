/** Reads of the leads table: one lead, a rep's leads by draft status, the manager inbox's pages, the backfill. */
import { GetCommand, QueryCommand, ScanCommand } from '@aws-sdk/lib-dynamodb';
import { DomainError } from '../agent/errors';
import { inboxOrderKey } from '../agent/inbox-order';
import type { LeadRecord } from '../agent/lead-record';
import type { DraftStatus } from '../agent/lifecycle';
import type { StoreCursor } from '../agent/ports';
import { leadIndex } from './lead-indexes';
import { draftIndexPk, type LeadTable, LeadUpdate, leadKey, RESERVED_FOR, toLeadRecord } from './lead-item';

type StartKey = Record<string, unknown> | undefined;

/** Every page of a query or scan, following `LastEvaluatedKey` to the end. */
async function* pages(
  t: LeadTable,
  command: (start: StartKey) => QueryCommand | ScanCommand,
): AsyncGenerator<Record<string, unknown>[]> {
  let start: StartKey;
  do {
    const out = (await t.db.send(command(start) as QueryCommand)) as {
      Items?: Record<string, unknown>[];
      LastEvaluatedKey?: StartKey;
    };
    yield out.Items ?? [];
    start = out.LastEvaluatedKey;
  } while (start);
}

export const getLead = async (t: LeadTable, leadId: string): Promise<LeadRecord | undefined> => {
  const out = await t.db.send(
    new GetCommand({ TableName: t.table, Key: leadKey(leadId), ConsistentRead: true }),
  );
  return out.Item && !(RESERVED_FOR in out.Item) ? toLeadRecord(out.Item) : undefined;
};

export const listByOwner = async (
  t: LeadTable,
  ownerId: string,
  draftStatus: DraftStatus | 'all',
): Promise<LeadRecord[]> => {
  const items: Record<string, unknown>[] = [];
  for await (const page of pages(
    t,
    (start) =>
      new QueryCommand({
        TableName: t.table,
        IndexName: leadIndex('byOwner'),
        KeyConditionExpression: 'ownerPk = :o',
        FilterExpression: draftStatus === 'all' ? 'attribute_exists(draftPk)' : 'draftPk = :dpk',
        ExpressionAttributeValues: {
          ':o': `OWNER#${ownerId}`,
          ...(draftStatus === 'all' ? {} : { ':dpk': draftIndexPk(draftStatus) }),
        },
        ExclusiveStartKey: start,
      }),
  ))
    items.push(...page);
  return items.map(toLeadRecord);
};

export const listDrafts = async (
  t: LeadTable,
  status: DraftStatus,
  page: { readonly limit: number; readonly after?: StoreCursor },
): Promise<{ records: LeadRecord[]; next?: StoreCursor }> => {
  const pk = draftIndexPk(status);
  if (page.after !== undefined) {
    const keys = Object.keys(page.after).sort().join(',');
    if (keys !== 'draftPk,draftSk,pk,sk' || page.after.draftPk !== pk || !page.after.pk?.startsWith('LEAD#'))
      throw new DomainError('invalid', 'cursor is not one this listing handed out; start again without it', {
        field: 'cursor',
      });
  }
  const out = await t.db.send(
    new QueryCommand({
      TableName: t.table,
      IndexName: leadIndex('drafts'),
      KeyConditionExpression: 'draftPk = :p',
      ExpressionAttributeValues: { ':p': pk },
      Limit: page.limit,
      ...(page.after ? { ExclusiveStartKey: page.after } : {}),
    }),
  );
  const next = out.LastEvaluatedKey as StoreCursor | undefined;
  return { records: (out.Items ?? []).map(toLeadRecord), ...(next ? { next } : {}) };
};

/**
 * Gives leads stored before the drafts index existed their index keys (the local stack runs it at start;
 * on AWS run `npx tsx scripts/backfill-draft-index.ts`). Idempotent; returns how many leads it changed.
 */
export const backfillDraftIndex = async (t: LeadTable): Promise<number> => {
  let changed = 0;
  for await (const page of pages(
    t,
    (start) =>
      new ScanCommand({
        TableName: t.table,
        FilterExpression: 'sk = :lead AND attribute_exists(draft) AND attribute_not_exists(draftPk)',
        ExpressionAttributeValues: { ':lead': 'LEAD' },
        ExclusiveStartKey: start,
      }),
  )) {
    for (const item of page) {
      const record = toLeadRecord(item);
      if (!record.draft) continue;
      const ok = await new LeadUpdate(record.leadId)
        .set('draftPk', draftIndexPk(record.draft.status))
        .set('draftSk', inboxOrderKey(record))
        .absent('draftPk')
        .equals('draft.status', record.draft.status)
        .run(t);
      if (ok) changed++;
    }
  }
  return changed;
};
