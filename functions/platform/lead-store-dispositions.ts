/**
 * A person's disposition on the leads table. Each is ONE write: the lead's update (its state from the
 * lifecycle, conditional on the state and disposition kind the use case read, with the audit entry) and, when
 * disposing releases the rep's open load, the load item in the same transaction (./lead-store-outcomes.ts).
 * The top-level `disposition` attribute moves with `score.disposition`, so the leads list's filter stays true.
 */
import type { AuditEntry } from '../agent/lead-record';
import type { DispositionStore, LeadMove } from '../agent/ports';
import { draftIndexPk, type LeadTable, LeadUpdate, OUTBOX, outboxSk, ownerIndexKeys } from './lead-item';
import { moveWithLoad } from './lead-store-outcomes';

export const dispose = (
  t: LeadTable,
  leadId: string,
  change: Parameters<DispositionStore['dispose']>[1],
  move: LeadMove,
  audit: AuditEntry,
): Promise<boolean> => {
  const { disposition, route } = change;
  const keys = ownerIndexKeys(leadId, route.ownerId, route.slaDueAt);
  const lead = new LeadUpdate(leadId)
    .set('status', move.to)
    .set('score.disposition', disposition)
    .set('disposition', disposition.kind)
    .set('route', route)
    .set('ownerPk', keys.ownerPk)
    .set('ownerSk', keys.ownerSk)
    .append('audit', [audit])
    .equals('status', move.from)
    .present('score')
    .equalsOrAbsent('score.disposition.kind', change.fromKind)
    // The draft is still where the person saw it: one that started sending meanwhile is not withdrawn.
    .equalsOrAbsent('draft.status', change.draftStatus);
  if (change.withdrawDraft)
    lead
      .set('draft.status', 'rejected')
      .set('draft.reviewedBy', audit.by)
      .set('draft.reviewedAt', audit.at)
      .set('draft.rejectReason', `Withdrawn: not a sales lead (${disposition.kind})`)
      .set('draftPk', draftIndexPk('rejected'));
  return moveWithLoad(t, leadId, move, lead);
};

export const requalify = (
  t: LeadTable,
  leadId: string,
  change: Parameters<DispositionStore['requalify']>[1],
  move: LeadMove,
  audit: AuditEntry,
): Promise<boolean> =>
  new LeadUpdate(leadId)
    .set('status', move.to)
    .set('score.disposition', change.disposition)
    .set('disposition', change.disposition.kind)
    // Back to routing: a non-sales lead holds no load, so the old route's bookkeeping goes with it.
    .remove('route', 'rationale', 'ownerPk', 'ownerSk', 'loadTaken', 'loadReleasedAt', 'rotationTicket')
    .set('outboxPk', OUTBOX)
    .set('outboxSk', outboxSk(t.now().toISOString(), leadId))
    .append('audit', [audit])
    .equals('status', move.from)
    .present('score')
    .equalsOrAbsent('score.disposition.kind', change.fromKind)
    .run(t);
