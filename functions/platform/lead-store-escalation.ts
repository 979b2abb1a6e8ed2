/**
 * The SLA escalation on the leads table: breached leads read through the SLA-ordered list index (`listBySla`:
 * `listPk = LEADS`, `ownerSk = <slaDueAt>#<leadId>`), and the lead's `escalation` mark, once per SLA due time —
 * alone (the manager's email follows, each step one conditional write) or in the same transaction as a reassign
 * (./lead-store-review.ts: the owner, the load and the audit entry).
 */
import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import type { AuditEntry, LeadRecord, SlaEscalation } from '../agent/lead-record';
import type { EscalationStore, LoadHandover } from '../agent/ports';
import { type LeadTable, LeadUpdate, LIST_PK, toLeadRecord } from './lead-item';
import { reassign } from './lead-store-review';

/** Not yet contacted: the states an SLA breach escalates from. */
const UNCONTACTED = ['routed', 'drafted'] as const;

export const slaBreaches = async (t: LeadTable, from: string, to: string): Promise<LeadRecord[]> => {
  const records: LeadRecord[] = [];
  let after: Record<string, unknown> | undefined;
  do {
    const page = await t.db.send(
      new QueryCommand({
        TableName: t.table,
        IndexName: 'listBySla',
        KeyConditionExpression: 'listPk = :list AND ownerSk BETWEEN :from AND :to',
        FilterExpression: '#status IN (:s0, :s1)',
        ExpressionAttributeNames: { '#status': 'status' },
        ExpressionAttributeValues: {
          ':list': LIST_PK,
          ':from': from,
          ':to': to,
          ':s0': UNCONTACTED[0],
          ':s1': UNCONTACTED[1],
        },
        ...(after ? { ExclusiveStartKey: after } : {}),
      }),
    );
    for (const item of page.Items ?? []) records.push(toLeadRecord(item));
    after = page.LastEvaluatedKey;
  } while (after);
  return records;
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
