/**
 * The pipeline's writes on the leads table: qualification (enrichment and a score version), step timings,
 * rationale and draft, step errors, and the draft's send. Each is one conditional write whose condition
 * comes from functions/agent/lifecycle.ts.
 */
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { type InboxOrderInput, inboxOrderKey } from '../agent/inbox-order';
import type { LeadError } from '../agent/lead-record';
import { decideDraft, draftFrom, leadFrom, leadTo, saveDraftCommand } from '../agent/lifecycle';
import type { BeginSendResult, LeadStore, StepTimings } from '../agent/ports';
import {
  draftIndexPk,
  type LeadTable,
  LeadUpdate,
  outboxSk,
  REORDER_ATTEMPTS,
  readOrder,
  suppressionKey,
} from './lead-item';

export const saveQualification = (
  t: LeadTable,
  leadId: string,
  result: Parameters<LeadStore['saveQualification']>[1],
): Promise<boolean> => {
  const u = new LeadUpdate(leadId)
    .set('enrichment', result.enrichment)
    .set('score', result.score)
    .setEach('steps', result.steps)
    // Still in the outbox until drafted; the sweeper's clock restarts now that qualification is done.
    .set('outboxSk', outboxSk(t.now().toISOString(), leadId))
    .add('scoreVersion', 1)
    .append('scoreCauses', [result.cause])
    // Once per cause: a redelivery of the same qualification keeps the first result.
    .lacks('scoreCauses', result.cause);
  // The disposition's kind at the top level, for the leads list's filter.
  const kind = result.score.disposition?.kind;
  if (kind) u.set('disposition', kind);
  return u.run(t);
};

export const recordSteps = async (t: LeadTable, leadId: string, steps: StepTimings): Promise<void> => {
  if (Object.keys(steps).length === 0) return;
  await new LeadUpdate(leadId).setEach('steps', steps).run(t);
};

export const saveDraft = async (
  t: LeadTable,
  leadId: string,
  result: Parameters<LeadStore['saveDraft']>[1],
): Promise<boolean> => {
  const command = saveDraftCommand(result.routeKind);
  const update = () =>
    new LeadUpdate(leadId)
      .set('rationale', result.rationale)
      .set('status', leadTo(command))
      .setEach('steps', result.steps)
      .remove('outboxPk', 'outboxSk', 'outboxSweeps')
      .absent('rationale')
      .in('status', leadFrom(command));
  const draft = result.draft;
  if (!draft) return update().run(t);
  const saved = decideDraft('absent', 'save', draft.status);
  if (!saved.ok) return false;
  // With a draft, the inbox order key needs the effective tier: read it, and write only if no override
  // changed it meanwhile (else read again).
  for (let attempt = 1; attempt <= REORDER_ATTEMPTS; attempt++) {
    const current = await readOrder(t, leadId);
    if (!current || current.rationale) return false;
    const overrideAt = (current.override as { at?: string } | undefined)?.at;
    const ok = await update()
      .set('draft', draft)
      .set('draftPk', draftIndexPk(saved.to))
      .set('draftSk', inboxOrderKey({ ...(current as InboxOrderInput), leadId }))
      .equalsOrAbsent(overrideAt ? 'override.at' : 'override', overrideAt)
      .run(t);
    if (ok) return true;
  }
  throw new Error(`The draft of ${leadId} lost ${REORDER_ATTEMPTS} times to a changing score override`);
};

export const recordError = async (
  t: LeadTable,
  leadId: string,
  error: LeadError,
  final: boolean,
): Promise<void> => {
  const base = () => new LeadUpdate(leadId).set('error', error);
  if (!final) {
    await base().run(t);
    return;
  }
  // Final: out of the outbox; a lead still in the pipeline is marked failed, one further along keeps its state.
  const failed = await base()
    .set('status', leadTo('fail'))
    .remove('outboxPk', 'outboxSk')
    .in('status', leadFrom('fail'))
    .run(t);
  if (!failed) await base().remove('outboxPk', 'outboxSk').notIn('status', leadFrom('fail')).run(t);
};

/* ------------------------------------------------------------------------------------------ the send */

export const beginSend = async (
  t: LeadTable,
  leadId: string,
  attempt: { attemptId: string; startedAt: string },
): Promise<BeginSendResult> =>
  (await new LeadUpdate(leadId)
    .set('draft.status', 'sending')
    .set('draft.send', attempt)
    .set('draftPk', draftIndexPk('sending'))
    .in('draft.status', draftFrom('begin_send'))
    .run(t))
    ? 'started'
    : 'conflict';

export const completeSend = async (
  t: LeadTable,
  leadId: string,
  attemptId: string,
  result: { messageId: string; sentAt: string },
): Promise<boolean> => {
  const sent = () =>
    new LeadUpdate(leadId)
      .set('draft.status', 'sent')
      .set('draft.send.messageId', result.messageId)
      .set('draft.send.sentAt', result.sentAt)
      .set('draftPk', draftIndexPk('sent'))
      .in('draft.status', draftFrom('complete_send'))
      .equals('draft.send.attemptId', attemptId);
  // The lead is contacted now, unless a person already moved it further along (then it keeps its state).
  if (await sent().set('status', leadTo('complete_send')).in('status', leadFrom('complete_send')).run(t))
    return true;
  return sent().notIn('status', leadFrom('complete_send')).run(t);
};

export const failSend = (
  t: LeadTable,
  leadId: string,
  from: { status: 'approved' } | { status: 'sending'; attemptId: string },
  failure: { error: string; failedAt: string },
): Promise<boolean> => {
  const u = new LeadUpdate(leadId)
    .set('draft.status', 'failed')
    .set('draftPk', draftIndexPk('failed'))
    .in('draft.status', draftFrom('fail_send'))
    .equals('draft.status', from.status);
  if (from.status === 'sending')
    return u
      .set('draft.send.error', failure.error)
      .set('draft.send.failedAt', failure.failedAt)
      .equals('draft.send.attemptId', from.attemptId)
      .run(t);
  return u.set('draft.send', { attemptId: 'none', startedAt: failure.failedAt, ...failure }).run(t);
};

export const releaseSend = (t: LeadTable, leadId: string, attemptId: string): Promise<boolean> =>
  new LeadUpdate(leadId)
    .set('draft.status', 'approved')
    .set('draftPk', draftIndexPk('approved'))
    .remove('draft.send')
    .in('draft.status', draftFrom('release_send'))
    .equals('draft.send.attemptId', attemptId)
    .run(t);

export const holdForReview = (t: LeadTable, leadId: string, reason: string): Promise<boolean> =>
  new LeadUpdate(leadId)
    .set('draft.status', 'pending')
    .set('draft.handoff', 'review')
    .set('draft.handoffReason', reason)
    .set('draftPk', draftIndexPk('pending'))
    .remove('draft.sendAfter')
    .in('draft.status', draftFrom('hold_for_review'))
    .run(t);

export const isSuppressed = async (t: LeadTable, emailSha256: string): Promise<boolean> => {
  const out = await t.db.send(
    new GetCommand({ TableName: t.table, Key: suppressionKey(emailSha256), ProjectionExpression: 'pk' }),
  );
  return out.Item !== undefined;
};
