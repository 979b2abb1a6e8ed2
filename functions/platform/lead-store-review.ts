/**
 * The review actions' writes on the leads table: edit, approve and reject a draft, reassign a lead, override
 * its score. Each is ONE conditional write with its audit entry; the condition is the lifecycle's (the draft
 * or lead state the action is allowed from), and the write moves exactly the index keys the action changes.
 */
import { type InboxOrderInput, inboxOrderKey } from '../agent/inbox-order';
import type { AuditEntry, ScoreOverride } from '../agent/lead-record';
import { type DraftCommand, draftFrom, leadFrom } from '../agent/lifecycle';
import type { DraftContent, LeadMove } from '../agent/ports';
import type { Tier } from '../agent/qualification';
import {
  draftIndexPk,
  type LeadTable,
  LeadUpdate,
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

/** The owner index moves with the owner; the inbox order (tier, SLA) does not change. */
export const reassign = async (
  t: LeadTable,
  leadId: string,
  owners: { from: string; to: string },
  audit: AuditEntry,
): Promise<boolean> => {
  const current = await readOrder(t, leadId);
  const slaDueAt = (current?.route as { slaDueAt?: string } | undefined)?.slaDueAt;
  const keys = ownerIndexKeys(leadId, owners.to, slaDueAt);
  return new LeadUpdate(leadId)
    .set('route.ownerId', owners.to)
    .set('ownerPk', keys.ownerPk)
    .set('ownerSk', keys.ownerSk)
    .append('audit', [audit])
    .equals('route.ownerId', owners.from)
    .in('status', leadFrom('reassign'))
    .run(t);
};

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
    if (reroute)
      // Back to routing: a nurtured lead holds no load, so the old route's bookkeeping goes with it.
      u.set('status', reroute.to)
        .equals('status', reroute.from)
        .remove('route', 'rationale', 'ownerPk', 'ownerSk', 'loadTaken', 'loadReleasedAt', 'rotationTicket')
        .set('outboxPk', OUTBOX)
        .set('outboxSk', outboxSk(t.now().toISOString(), leadId));
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
