/**
 * The scored and routed leads, for backtests and insights, read through the `byOwner` index: one query per
 * owner (every person of the team plus `unassigned`), never a table scan. A routed lead sits in exactly one
 * owner partition, so each lead is read once. Only the attributes a backtest or an insight needs are
 * returned (no raw submission, no draft text, no audit trail; of the draft only its send state).
 *
 * Cost: one read unit per 4 KB of each lead item read (a qualified lead is about 4–8 KB: 1–2 RCU, half that
 * with eventually consistent reads, as these are), so 10,000 leads cost about 10,000 RCU per full read.
 */
import { type DynamoDBDocumentClient, QueryCommand } from '@aws-sdk/lib-dynamodb';
import type { LeadRecord } from '../agent/lead-record';
import { leadIndex } from './lead-indexes';
import { toLeadRecord } from './lead-item';

const FIELDS = [
  'leadId',
  'status',
  'receivedAt',
  'lead',
  'enrichment',
  'score',
  'route',
  'steps',
  'override',
  'outcome',
  'outcomes',
  'draftPk',
] as const;

/** Every lead routed to one of `ownerIds` (or to nobody: include `unassigned`). */
export const routedLeads = async (
  db: DynamoDBDocumentClient,
  table: string,
  ownerIds: readonly string[],
): Promise<LeadRecord[]> => {
  const names: Record<string, string> = {
    ...Object.fromEntries(FIELDS.map((f, i) => [`#f${i}`, f])),
    '#draft': 'draft',
    '#send': 'send',
  };
  // The draft's send state only (when the first email went out), not its text.
  const projection = [...FIELDS.map((_, i) => `#f${i}`), '#draft.#send'].join(', ');
  const perOwner = await Promise.all(
    [...new Set(ownerIds)].map(async (ownerId) => {
      const items: Record<string, unknown>[] = [];
      let start: Record<string, unknown> | undefined;
      do {
        const out = await db.send(
          new QueryCommand({
            TableName: table,
            IndexName: leadIndex('byOwner'),
            KeyConditionExpression: 'ownerPk = :o',
            ExpressionAttributeValues: { ':o': `OWNER#${ownerId}` },
            ProjectionExpression: projection,
            ExpressionAttributeNames: names,
            ...(start ? { ExclusiveStartKey: start } : {}),
          }),
        );
        items.push(...(out.Items ?? []));
        start = out.LastEvaluatedKey;
      } while (start);
      return items;
    }),
  );
  return perOwner.flat().map(toLeadRecord);
};
