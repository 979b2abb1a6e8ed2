/**
 * The SLA escalation on the leads table: breached leads found through the SLA-ordered list index (`listBySla`:
 * `listPk = LEADS`, `ownerSk = <slaDueAt>#<leadId>`, a list row's attributes only) and then read whole, and the
 * lead's `escalation` mark, once per SLA due time — alone (the manager's email follows, each step one
 * conditional write) or in the same transaction as a reassign (./lead-store-review.ts: the owner, the load and
 * the audit entry).
 */
import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import type { AuditEntry, LeadRecord, SlaEscalation } from '../agent/lead-record';
import type { EscalationStore, LoadHandover } from '../agent/ports';
import { leadIndex } from './lead-indexes';
import { type LeadTable, LeadUpdate, LIST_PK, leadIdOfKey, readLeadItems, toLeadRecord } from './lead-item';
import { reassign } from './lead-store-review';

/** Not yet contacted: the states an SLA breach escalates from. */
const UNCONTACTED = ['routed', 'drafted'] as const;

export const slaBreaches = async (t: LeadTable, from: string, to: string): Promise<LeadRecord[]> => {
  const ids: string[] = [];
  let after: Record<string, unknown> | undefined;
  do {
    const page = await t.db.send(
      new QueryCommand({
        TableName: t.table,
        IndexName: leadIndex('listBySla'),
        KeyConditionExpression: 'listPk = :list AND ownerSk BETWEEN :from AND :to',
        // `status` is one of the attributes the index holds (infra/data-plane.ts LEAD_LIST_ATTRIBUTES).
        FilterExpression: '#status IN (:s0, :s1)',
        ExpressionAttributeNames: { '#status': 'status' },
        ExpressionAttributeValues: {
          ':list': LIST_PK,
          ':from': from,
          ':to': to,
          ':s0': UNCONTACTED[0],
          ':s1': UNCONTACTED[1],
        },
        ProjectionExpression: 'pk',
        ...(after ? { ExclusiveStartKey: after } : {}),
      }),
    );
    for (const item of page.Items ?? []) ids.push(leadIdOfKey(item.pk));
    after = page.LastEvaluatedKey;
  } while (after);
  // The whole records (the index holds only a list row), read consistently: still uncontacted, in SLA order.
  return (await readLeadItems(t, ids))
    .map(toLeadRecord)
    .filter((record) => (UNCONTACTED as readonly string[]).includes(record.status));
};

/** The mark and its conditions: still uncontacted, same owner and SLA due time, not escalated for it yet. */
const withMark = (u: LeadUpdate, escalation: SlaEscalation) =>
  u
    .set('escalation', escalation)
    .in('status', UNCONTACTED)
    .equals('route.slaDueAt', escalation.slaDueAt)
    .equals('route.ownerId', escalation.fromOwnerId)
    .differsOrAbsent('escalation.slaDueAt', escalation.slaDueAt);

export const markEscalation = (
  t: LeadTable,
  leadId: string,
  escalation: SlaEscalation,
  handover?: { to: string; audit: AuditEntry; load: LoadHandover },
): Promise<boolean | 'at_capacity'> =>
  handover
    ? reassign(
        t,
        leadId,
        { from: escalation.fromOwnerId, to: handover.to },
        handover.audit,
        handover.load,
        (u) => withMark(u, escalation),
      )
    : withMark(new LeadUpdate(leadId), escalation).run(t);

export const beginEscalationEmail = (
  t: LeadTable,
  leadId: string,
  slaDueAt: string,
  attempt: { attemptId: string },
): Promise<boolean> =>
  new LeadUpdate(leadId)
    .set('escalation.email', 'sending')
    .set('escalation.attemptId', attempt.attemptId)
    .equals('escalation.slaDueAt', slaDueAt)
    .in('escalation.email', ['pending', 'throttled'])
    .run(t);

export const finishEscalationEmail = (
  t: LeadTable,
  leadId: string,
  slaDueAt: string,
  attemptId: string,
  result: Parameters<EscalationStore['finishEscalationEmail']>[3],
): Promise<boolean> => {
  const u = new LeadUpdate(leadId)
    .set('escalation.email', result.email)
    .equals('escalation.slaDueAt', slaDueAt)
    .equals('escalation.attemptId', attemptId)
    .equals('escalation.email', 'sending');
  if (result.messageId) u.set('escalation.messageId', result.messageId);
  if (result.error) u.set('escalation.error', result.error);
  return u.run(t);
};
