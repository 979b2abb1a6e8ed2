/**
 * The review actions' writes on the leads table: edit, approve and reject a draft, reassign a lead, override
 * its score. Each is ONE conditional write with its audit entry; the condition is the lifecycle's (the draft
 * or lead state the action is allowed from), and the write moves exactly the index keys the action changes.
 */
import { GetCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { type InboxOrderInput, inboxOrderKey } from '../agent/inbox-order';
import type { AuditEntry, ScoreOverride } from '../agent/lead-record';
import { type DraftCommand, draftFrom, leadFrom } from '../agent/lifecycle';
import type { DraftContent, LeadMove, LoadHandover } from '../agent/ports';
import type { Tier } from '../agent/qualification';
import {
  draftIndexPk,
  type LeadTable,
  LeadUpdate,
  leadKey,
  loadKeyOfTaken,
  OUTBOX,
  outboxSk,
  ownerIndexKeys,
  prioritySortKey,
  REORDER_ATTEMPTS,
  readOrder,
} from './lead-item';

/** A draft action: the draft must be in a state `command` is allowed from; the audit entry goes along. */
const onDraft = (leadId: string, command: Exclude<DraftCommand, 'save'>, audit: AuditEntry) =>
  new LeadUpdate(leadId).in('draft.status', draftFrom(command)).append('audit', [audit]);

const withContent = (u: LeadUpdate, content: DraftContent, audit: AuditEntry) =>
  u
    .set('draft.subject', content.subject)
    .set('draft.body', content.body)
    .set('draft.editedBy', audit.by)
    .set('draft.editedAt', audit.at);

export const editDraft = (t: LeadTable, leadId: string, content: DraftContent, audit: AuditEntry) =>
  withContent(onDraft(leadId, 'edit', audit), content, audit).run(t);

export const approveDraft = (
  t: LeadTable,
  leadId: string,
  content: DraftContent | undefined,
  audit: AuditEntry,
) => {
  const u = onDraft(leadId, 'approve', audit)
    .set('draft.status', 'approved')
    .set('draft.reviewedBy', audit.by)
    .set('draft.reviewedAt', audit.at)
    .set('draftPk', draftIndexPk('approved'));
  return (content ? withContent(u, content, audit) : u).run(t);
};

export const rejectDraft = (t: LeadTable, leadId: string, reason: string, audit: AuditEntry) =>
  onDraft(leadId, 'reject', audit)
    .set('draft.status', 'rejected')
    .set('draft.reviewedBy', audit.by)
    .set('draft.reviewedAt', audit.at)
    .set('draft.rejectReason', reason)
    .set('draftPk', draftIndexPk('rejected'))
    .run(t);

/** Sends of a reassign transaction that keeps conflicting with another on the same items. */
const CONFLICT_ATTEMPTS = 10;

/**
 * The owner index moves with the owner; the inbox order (tier, SLA) does not change. With `load`, ONE transaction
 * also releases the load the lead holds (`loadTaken` without `loadReleasedAt`, as read: the write requires it
 * unchanged) and takes the new owner's, conditional on their load being below the cap.
 */
export const reassign = async (
  t: LeadTable,
  leadId: string,
  owners: { from: string; to: string },
  audit: AuditEntry,
  load?: LoadHandover,
  /** More of the same write (the SLA escalation's mark and its conditions). */
  decorate?: (u: LeadUpdate) => void,
): Promise<boolean | 'at_capacity'> => {
  const current = await readOrder(t, leadId);
  const slaDueAt = (current?.route as { slaDueAt?: string } | undefined)?.slaDueAt;
  const keys = ownerIndexKeys(leadId, owners.to, slaDueAt);
  const lead = new LeadUpdate(leadId)
    .set('route.ownerId', owners.to)
    .set('ownerPk', keys.ownerPk)
    .set('ownerSk', keys.ownerSk)
    .append('audit', [audit])
    .equals('route.ownerId', owners.from)
    .in('status', leadFrom('reassign'));
  decorate?.(lead);
  if (!load) return lead.run(t);
  const state = (
    await t.db.send(
      new GetCommand({
        TableName: t.table,
        Key: leadKey(leadId),
        ConsistentRead: true,
        ProjectionExpression: 'pk, loadTaken, loadReleasedAt',
      }),
    )
  ).Item as { loadTaken?: string; loadReleasedAt?: string } | undefined;
  if (!state) return false;
  lead.equalsOrAbsent('loadTaken', state.loadTaken).equalsOrAbsent('loadReleasedAt', state.loadReleasedAt);
  const release =
    state.loadTaken !== undefined && state.loadReleasedAt === undefined ? state.loadTaken : undefined;
  if (load.take) {
    lead.set('loadTaken', load.take).set('route.team', load.take.slice(0, load.take.indexOf('#')));
    if (state.loadReleasedAt !== undefined) lead.remove('loadReleasedAt');
  } else if (state.loadTaken !== undefined || state.loadReleasedAt !== undefined)
    lead.remove('loadTaken', 'loadReleasedAt');
  if (!release && !load.take) return lead.run(t);
  const input = lead.input(t.table);
  // The rotation reads `team` and `rep` of a load item (./round-robin-dynamodb.ts); a new one gets them too.
  const loadItem = (taken: string, delta: 1 | -1, max?: number | null) => ({
    Update: {
      TableName: t.table,
      Key: loadKeyOfTaken(taken),
      UpdateExpression: 'ADD #load :delta SET team = :team, rep = :rep',
      ExpressionAttributeNames: { '#load': 'load' },
      ExpressionAttributeValues: {
        ':delta': delta,
        ':team': taken.slice(0, taken.indexOf('#')),
        ':rep': taken.slice(taken.indexOf('#') + 1),
        ...(max != null ? { ':max': max } : {}),
      },
      ...(max != null ? { ConditionExpression: 'attribute_not_exists(#load) OR #load < :max' } : {}),
    },
  });
  const items = [
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
    ...(release ? [loadItem(release, -1)] : []),
    ...(load.take ? [loadItem(load.take, 1, load.max)] : []),
  ];
  for (let attempt = 1; ; attempt++) {
    try {
      await t.db.send(new TransactWriteCommand({ TransactItems: items }));
      return true;
    } catch (err) {
      const e = err as { name?: string; CancellationReasons?: { Code?: string }[] };
      if (e?.name !== 'TransactionCanceledException') throw err;
      const codes = (e.CancellationReasons ?? []).map((r) => r.Code);
      if (codes[0] === 'ConditionalCheckFailed') return false;
      if (load.take && codes.at(-1) === 'ConditionalCheckFailed') return 'at_capacity';
      if (attempt >= CONFLICT_ATTEMPTS) throw err;
      await new Promise((r) => setTimeout(r, Math.floor(Math.random() * Math.min(200, 5 * 2 ** attempt))));
    }
  }
};

/**
 * Lifecycle `reroute` on an update: back to routing, into the outbox until drafted. A nurtured lead holds no
 * load, so the old route's bookkeeping goes with it.
 */
export const backToRouting = (t: LeadTable, u: LeadUpdate, leadId: string, move: LeadMove): LeadUpdate =>
  u
    .set('status', move.to)
    .equals('status', move.from)
    .remove('route', 'rationale', 'ownerPk', 'ownerSk', 'loadTaken', 'loadReleasedAt', 'rotationTicket')
    .set('outboxPk', OUTBOX)
    .set('outboxSk', outboxSk(t.now().toISOString(), leadId));

/** A nurtured lead whose re-score raised its tier goes back to routing (one conditional write, audited). */
export const rerouteLead = (t: LeadTable, leadId: string, move: LeadMove, audit: AuditEntry) =>
  backToRouting(t, new LeadUpdate(leadId).append('audit', [audit]), leadId, move).run(t);

/**
 * The override changes the effective tier, so a lead with a draft is re-filed in the inbox: the new order key
 * is computed from a fresh read and the write requires the key it replaces (a concurrent reorder reads again).
 */
export const overrideScore = async (
  t: LeadTable,
  leadId: string,
  override: ScoreOverride,
  audit: AuditEntry,
  reroute?: LeadMove,
): Promise<boolean> => {
  for (let attempt = 1; attempt <= REORDER_ATTEMPTS; attempt++) {
    const current = await readOrder(t, leadId);
    if (!current) return false;
    const filed = current.draftSk as string | undefined;
    const u = new LeadUpdate(leadId)
      .set('override', override)
      .append('audit', [audit])
      .in('status', leadFrom('override'))
      .equalsOrAbsent('draftSk', filed);
    if (reroute) backToRouting(t, u, leadId, reroute);
    if (filed !== undefined)
      u.set('draftSk', inboxOrderKey({ ...(current as InboxOrderInput), override, leadId }));
    // The leads list's priority order follows the effective tier too.
    const sla = (current.route as { slaDueAt?: string } | undefined)?.slaDueAt;
    u.set(
      'prioritySk',
      prioritySortKey(leadId, override.tier ?? (current.score as { tier?: Tier } | undefined)?.tier, sla),
    );
    if (await u.run(t)) return true;
    // Lost: either the lead left the states an override is allowed in, or its order key moved; read again.
    const now = await readOrder(t, leadId);
    if (!now || !leadFrom('override').includes(now.status as never)) return false;
  }
  return false;
};
