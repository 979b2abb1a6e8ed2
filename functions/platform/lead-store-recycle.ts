/**
 * Re-qualification on the leads table: the leads closed lost long ago, read through the owner index (no scan),
 * and lifecycle `recycle` (lost → nurture) as one conditional write with its audit entry; the nurture route moves
 * the owner index, and the leads list's priority key follows (no SLA in nurture).
 */
import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import type { AuditEntry, LeadRecord } from '../agent/lead-record';
import type { LeadMove } from '../agent/ports';
import type { Route, Tier } from '../agent/qualification';
import { leadIndex } from './lead-indexes';
import {
  type LeadTable,
  LeadUpdate,
  ownerIndexKeys,
  prioritySortKey,
  readOrder,
  toLeadRecord,
} from './lead-item';

export const lostLeads = async (
  t: LeadTable,
  ownerIds: readonly string[],
  closedBefore: string,
): Promise<LeadRecord[]> => {
  const records: LeadRecord[] = [];
  for (const ownerId of ownerIds) {
    let after: Record<string, unknown> | undefined;
    do {
      const page = await t.db.send(
        new QueryCommand({
          TableName: t.table,
          IndexName: leadIndex('byOwner'),
          KeyConditionExpression: 'ownerPk = :o',
          FilterExpression: '#status = :lost AND #outcome.#at < :cutoff',
          ExpressionAttributeNames: { '#status': 'status', '#outcome': 'outcome', '#at': 'at' },
          ExpressionAttributeValues: { ':o': `OWNER#${ownerId}`, ':lost': 'lost', ':cutoff': closedBefore },
          ...(after ? { ExclusiveStartKey: after } : {}),
        }),
      );
      for (const item of page.Items ?? []) records.push(toLeadRecord(item));
      after = page.LastEvaluatedKey;
    } while (after);
  }
  return records;
};

export const recycleLead = async (
  t: LeadTable,
  leadId: string,
  change: { route: Route; outcomeId: string },
  move: LeadMove,
  audit: AuditEntry,
): Promise<boolean> => {
  const current = await readOrder(t, leadId);
  if (!current) return false;
  const tier =
    (current.override as { tier?: Tier } | undefined)?.tier ??
    (current.score as { tier?: Tier } | undefined)?.tier;
  const keys = ownerIndexKeys(leadId, change.route.ownerId, undefined);
  return new LeadUpdate(leadId)
    .set('status', move.to)
    .set('route', change.route)
    .set('ownerPk', keys.ownerPk)
    .set('ownerSk', keys.ownerSk)
    .set('prioritySk', prioritySortKey(leadId, tier, undefined))
    .remove('outcome', 'loadTaken', 'loadReleasedAt', 'rotationTicket')
    .append('audit', [audit])
    .equals('status', move.from)
    .equals('outcome.id', change.outcomeId)
    .run(t);
};
