/**
 * The workspace's reads and writes on the leads table: the leads list (one Query per page on the list
 * indexes of infra/data-plane.ts, never a Scan), notes, and the backfill that gives leads stored before the
 * list existed their list keys. Index keys: functions/platform/lead-item.ts.
 */
import {
  BatchGetCommand,
  type DynamoDBDocumentClient,
  GetCommand,
  QueryCommand,
  ScanCommand,
} from '@aws-sdk/lib-dynamodb';
import { DomainError } from '../agent/errors';
import type { LeadRecord } from '../agent/lead-record';
import type { LeadListQuery, LeadNote, StoreCursor, WorkspaceStore } from '../agent/ports';
import { leadIndex } from './lead-indexes';
import {
  conditional,
  type LeadTable,
  LeadUpdate,
  LIST_PK,
  leadKey,
  listIndexKeys,
  listTierRank,
  toLeadRecord,
} from './lead-item';

/** Notes a lead holds at most (an item stays far below DynamoDB's 400 KB). */
export const MAX_NOTES = 200;

interface IndexChoice {
  readonly indexName: string;
  readonly pkName: string;
  readonly pkValue: string;
  readonly skName: string;
}

const indexFor = (query: LeadListQuery): IndexChoice => {
  const owner = query.filter.ownerId;
  if (owner !== undefined)
    return query.sort === 'priority'
      ? {
          indexName: leadIndex('ownerByPriority'),
          pkName: 'ownerPk',
          pkValue: `OWNER#${owner}`,
          skName: 'prioritySk',
        }
      : { indexName: leadIndex('byOwner'), pkName: 'ownerPk', pkValue: `OWNER#${owner}`, skName: 'ownerSk' };
  return query.sort === 'priority'
    ? { indexName: leadIndex('listByPriority'), pkName: 'listPk', pkValue: LIST_PK, skName: 'prioritySk' }
    : { indexName: leadIndex('listBySla'), pkName: 'listPk', pkValue: LIST_PK, skName: 'ownerSk' };
};

/** What a list row needs (functions/agent/pipeline/workspace.ts `leadListItem`) plus the keys of a cursor. */
const ROW_ATTRIBUTES = [
  'pk',
  'sk',
  'listPk',
  'ownerPk',
  'ownerSk',
  'prioritySk',
  'leadId',
  'status',
  'receivedAt',
  'provider',
  'lead.company',
  'lead.person.fullName',
  'lead.person.firstName',
  'lead.person.lastName',
  'lead.language',
  'lead.submittedAt',
  'score.tier',
  'score.total',
  'score.quadrant',
  'score.fit',
  'score.intent',
  'score.engagement',
  'scoreVersion',
  'override',
  'route.kind',
  'route.ownerId',
  'route.team',
  'route.slaDueAt',
  'route.assignedAt',
  'draft.status',
  'draft.subject',
  'draft.language',
  'draft.guardrail',
  'draft.send.sentAt',
  'disposition',
  'outcome',
  'alert.ownerId',
  'alert.seenAt',
  'alert.fromTier',
  'alert.toTier',
  'alert.reasons',
  'alert.at',
] as const;

const badCursor = () =>
  new DomainError('invalid', 'cursor is not one this listing handed out; start again without it', {
    field: 'cursor',
  });

/** A cursor must be the keys of this index's partition, pointing at a lead, inside the tier range asked for. */
const checkCursor = (after: StoreCursor, index: IndexChoice, prefix: string | undefined) => {
  const expected = ['pk', 'sk', index.pkName, index.skName].sort().join(',');
  if (Object.keys(after).sort().join(',') !== expected) throw badCursor();
  if (after[index.pkName] !== index.pkValue || !after.pk?.startsWith('LEAD#') || after.sk !== 'LEAD')
    throw badCursor();
  if (prefix && !after[index.skName]?.startsWith(prefix)) throw badCursor();
};

export const listLeads = async (
  t: LeadTable,
  query: LeadListQuery,
): Promise<{ records: LeadRecord[]; next?: StoreCursor }> => {
  const index = indexFor(query);
  const f = query.filter;
  const names: Record<string, string> = { '#ipk': index.pkName };
  const values: Record<string, unknown> = { ':ipk': index.pkValue };
  let keyCondition = '#ipk = :ipk';
  // In priority order the effective tier is the key's first part: a range of the index, not a filter.
  const prefix =
    f.tier !== undefined && index.skName === 'prioritySk' ? `${listTierRank(f.tier)}#` : undefined;
  if (prefix) {
    names['#isk'] = index.skName;
    values[':prefix'] = prefix;
    keyCondition += ' AND begins_with(#isk, :prefix)';
  }
  const filters: string[] = [];
  if (f.status !== undefined) {
    names['#status'] = 'status';
    values[':status'] = f.status;
    filters.push('#status = :status');
  }
  if (f.team !== undefined) {
    Object.assign(names, { '#route': 'route', '#team': 'team' });
    values[':team'] = f.team;
    filters.push('#route.#team = :team');
  }
  if (f.tier !== undefined && !prefix) {
    Object.assign(names, { '#route': 'route', '#score': 'score', '#tier': 'tier', '#override': 'override' });
    values[':tier'] = f.tier;
    filters.push(
      'attribute_exists(#route) AND (#override.#tier = :tier OR (attribute_not_exists(#override.#tier) AND #score.#tier = :tier))',
    );
  }
  if (f.quadrant !== undefined) {
    Object.assign(names, { '#score': 'score', '#quadrant': 'quadrant' });
    values[':quadrant'] = f.quadrant;
    filters.push('#score.#quadrant = :quadrant');
  }
  if (f.disposition !== undefined) {
    Object.assign(names, { '#disposition': 'disposition', '#kind': 'kind' });
    values[':disposition'] = f.disposition;
    filters.push('(#disposition = :disposition OR #disposition.#kind = :disposition)');
  }
  const words = f.q?.split(/\s+/).filter(Boolean) ?? [];
  words.forEach((word, i) => {
    names['#search'] = 'listSearch';
    values[`:q${i}`] = word;
    filters.push(`contains(#search, :q${i})`);
  });
  if (query.after) checkCursor(query.after, index, prefix);
  // Projection: the row attributes only (a lead's ledger and enrichment stay out of a list page).
  const projection = ROW_ATTRIBUTES.map((path) =>
    path
      .split('.')
      .map((part) => {
        const key = `#p_${part}`;
        names[key] = part;
        return key;
      })
      .join('.'),
  );
  // Without filters a page is `limit` items; with filters one query looks at a bounded number of items
  // and returns the matches, up to `limit` (the cursor says where the next page starts).
  const evaluate = filters.length === 0 ? query.limit : Math.min(1000, Math.max(query.limit * 5, 250));
  const out = await t.db.send(
    new QueryCommand({
      TableName: t.table,
      IndexName: index.indexName,
      KeyConditionExpression: keyCondition,
      ...(filters.length ? { FilterExpression: filters.join(' AND ') } : {}),
      ExpressionAttributeNames: names,
      ExpressionAttributeValues: values,
      ProjectionExpression: [...new Set(projection)].join(', '),
      Limit: evaluate,
      ...(query.after ? { ExclusiveStartKey: query.after } : {}),
    }),
  );
  const items = out.Items ?? [];
  const taken = items.slice(0, query.limit);
  let next: StoreCursor | undefined;
  if (items.length > query.limit) {
    const last = taken[taken.length - 1] as Record<string, string>;
    next = {
      pk: last.pk as string,
      sk: last.sk as string,
      [index.pkName]: last[index.pkName] as string,
      [index.skName]: last[index.skName] as string,
    };
  } else if (out.LastEvaluatedKey) next = out.LastEvaluatedKey as StoreCursor;
  return { records: taken.map(toLeadRecord), ...(next ? { next } : {}) };
};

/**
 * The list rows of these leads: BatchGetItem per 100 keys (again for keys DynamoDB left unprocessed), in the
 * order asked; ids that are no lead are left out.
 */
export const getMany = async (t: LeadTable, leadIds: readonly string[]): Promise<LeadRecord[]> => {
  const names: Record<string, string> = {};
  const projection = ROW_ATTRIBUTES.map((path) =>
    path
      .split('.')
      .map((part) => {
        const key = `#p_${part}`;
        names[key] = part;
        return key;
      })
      .join('.'),
  );
  const found = new Map<string, LeadRecord>();
  const unique = [...new Set(leadIds)];
  for (let i = 0; i < unique.length; i += 100) {
    let keys: Record<string, unknown>[] | undefined = unique.slice(i, i + 100).map(leadKey);
    for (let round = 0; keys && keys.length > 0; round++) {
      if (round > 0) await new Promise((r) => setTimeout(r, Math.min(1000, 50 * 2 ** round)));
      const out = await t.db.send(
        new BatchGetCommand({
          RequestItems: {
            [t.table]: {
              Keys: keys,
              ProjectionExpression: [...new Set(projection)].join(', '),
              ExpressionAttributeNames: names,
            },
          },
        }),
      );
      for (const item of out.Responses?.[t.table] ?? []) {
        const record = toLeadRecord(item);
        found.set(record.leadId, record);
      }
      keys = out.UnprocessedKeys?.[t.table]?.Keys as Record<string, unknown>[] | undefined;
    }
  }
  return unique.flatMap((id) => {
    const r = found.get(id);
    return r ? [r] : [];
  });
};

export const addNote = (t: LeadTable, leadId: string, note: LeadNote): Promise<boolean> => {
  const u = new LeadUpdate(leadId).append('notes', [note]);
  const notes = u.name('notes');
  const max = u.value(MAX_NOTES);
  const input = u.input(t.table);
  // At most MAX_NOTES: the condition reads the list as stored before this append.
  return conditional(t, {
    ...input,
    ConditionExpression: `${input.ConditionExpression} AND (attribute_not_exists(${notes}) OR size(${notes}) < ${max})`,
  });
};

/**
 * Gives leads stored before the leads list existed their list keys (the local stack runs it at start; on AWS
 * run `npx tsx scripts/backfill-list-index.ts`). A maintenance scan, never a request path. Idempotent;
 * returns how many leads it changed.
 */
export const backfillListIndex = async (t: LeadTable): Promise<number> => {
  let changed = 0;
  let start: Record<string, unknown> | undefined;
  do {
    const out = await t.db.send(
      new ScanCommand({
        TableName: t.table,
        FilterExpression: 'sk = :lead AND attribute_not_exists(listPk)',
        ExpressionAttributeValues: { ':lead': 'LEAD' },
        ExclusiveStartKey: start,
      }),
    );
    for (const item of out.Items ?? []) {
      const record = toLeadRecord(item);
      const keys = listIndexKeys(record);
      const u = new LeadUpdate(record.leadId)
        .set('listPk', keys.listPk)
        .set('prioritySk', keys.prioritySk)
        .set('listSearch', keys.listSearch)
        .absent('listPk');
      if (keys.ownerSk && item.ownerSk === undefined) u.set('ownerSk', keys.ownerSk);
      if (await u.run(t)) changed++;
    }
    start = out.LastEvaluatedKey;
  } while (start);
  return changed;
};

/** The workspace port on the leads table. */
export class DynamoWorkspaceStore implements WorkspaceStore {
  private readonly t: LeadTable;

  constructor(db: DynamoDBDocumentClient, table: string, now: () => Date = () => new Date()) {
    this.t = { db, table, now };
  }

  async get(leadId: string): Promise<LeadRecord | undefined> {
    const out = await this.t.db.send(
      new GetCommand({ TableName: this.t.table, Key: leadKey(leadId), ConsistentRead: true }),
    );
    return out.Item ? toLeadRecord(out.Item) : undefined;
  }
  listLeads(query: LeadListQuery) {
    return listLeads(this.t, query);
  }
  getMany(leadIds: readonly string[]) {
    return getMany(this.t, leadIds);
  }
  addNote(leadId: string, note: LeadNote) {
    return addNote(this.t, leadId, note);
  }
  backfillListIndex() {
    return backfillListIndex(this.t);
  }
}
