/**
 * The lead store on the single DynamoDB table (infra/data-plane.ts), implementing the intake/pipeline, send
 * and review ports. Its parts: ./lead-item.ts (keys, index keys, codec, the update builder),
 * ./lead-store-intake.ts (new leads, outbox), ./lead-store-pipeline.ts (qualification, draft, errors, send),
 * ./lead-store-review.ts (review actions), ./lead-store-outcomes.ts (outcomes, reopen), ./lead-store-listings.ts (reads and listings). Every write is
 * conditional, with conditions from functions/agent/lifecycle.ts.
 */

import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { AccountSignal } from '../agent/account-signals';
import type { LeadEvent } from '../agent/events';
import type {
  AuditEntry,
  LeadError,
  LeadRecord,
  OutcomeRecord,
  OwnerAlert,
  ScoreOverride,
  ScoreVersion,
  SlaEscalation,
} from '../agent/lead-record';
import type { DraftStatus } from '../agent/lifecycle';
import type {
  AlertStore,
  BeginSendResult,
  CreateLeadResult,
  DispositionStore,
  DraftContent,
  EnrichmentRefresh,
  EscalationStore,
  ForwardStore,
  LeadMove,
  LeadStore,
  LoadHandover,
  OutcomeStore,
  RecycleStore,
  RescoreStore,
  ReviewStore,
  SendStore,
  StepTimings,
  StoreCursor,
} from '../agent/ports';
import type { Route } from '../agent/qualification';
import type { LeadTable } from './lead-item';
import * as alerts from './lead-store-alerts';
import * as dispositions from './lead-store-dispositions';
import * as escalation from './lead-store-escalation';
import * as forward from './lead-store-forward';
import * as intake from './lead-store-intake';
import * as listings from './lead-store-listings';
import * as outcomes from './lead-store-outcomes';
import * as pipeline from './lead-store-pipeline';
import * as recycle from './lead-store-recycle';
import * as rescore from './lead-store-rescore';
import * as review from './lead-store-review';
import { leadIdsByEmail } from './privacy-store-dynamodb';

export { leadKey, toLeadRecord } from './lead-item';

export class DynamoLeadStore
  implements
    LeadStore,
    SendStore,
    ReviewStore,
    OutcomeStore,
    RescoreStore,
    DispositionStore,
    ForwardStore,
    AlertStore,
    EscalationStore,
    RecycleStore
{
  private readonly t: LeadTable;

  constructor(db: DynamoDBDocumentClient, table: string, now: () => Date = () => new Date()) {
    this.t = { db, table, now };
  }

  /* intake */
  create(
    record: LeadRecord,
    options: { dedupWindowSeconds: number; pendingEnqueue: boolean },
  ): Promise<CreateLeadResult> {
    return intake.createLead(this.t, record, options);
  }
  reserveLeadId(leadId: string, forLeadId: string, expiresAtSeconds: number): Promise<boolean> {
    return intake.reserveLeadId(this.t, leadId, forLeadId, expiresAtSeconds);
  }
  rearmOutbox(leadId: string): Promise<number> {
    return intake.rearmOutbox(this.t, leadId);
  }
  listOutbox(olderThanSeconds: number, limit: number): Promise<string[]> {
    return intake.listOutbox(this.t, olderThanSeconds, limit);
  }

  /* pipeline */
  saveQualification(leadId: string, result: Parameters<LeadStore['saveQualification']>[1]): Promise<boolean> {
    return pipeline.saveQualification(this.t, leadId, result);
  }
  recordSteps(leadId: string, steps: StepTimings): Promise<void> {
    return pipeline.recordSteps(this.t, leadId, steps);
  }
  saveDraft(leadId: string, result: Parameters<LeadStore['saveDraft']>[1]): Promise<boolean> {
    return pipeline.saveDraft(this.t, leadId, result);
  }
  recordError(leadId: string, error: LeadError, final: boolean): Promise<void> {
    return pipeline.recordError(this.t, leadId, error, final);
  }

  /* send */
  beginSend(leadId: string, attempt: { attemptId: string; startedAt: string }): Promise<BeginSendResult> {
    return pipeline.beginSend(this.t, leadId, attempt);
  }
  completeSend(
    leadId: string,
    attemptId: string,
    result: { messageId: string; sentAt: string },
  ): Promise<boolean> {
    return pipeline.completeSend(this.t, leadId, attemptId, result);
  }
  failSend(
    leadId: string,
    from: { status: 'approved' } | { status: 'sending'; attemptId: string },
    failure: { error: string; failedAt: string },
  ): Promise<boolean> {
    return pipeline.failSend(this.t, leadId, from, failure);
  }
  releaseSend(leadId: string, attemptId: string): Promise<boolean> {
    return pipeline.releaseSend(this.t, leadId, attemptId);
  }
  holdForReview(leadId: string, reason: string): Promise<boolean> {
    return pipeline.holdForReview(this.t, leadId, reason);
  }
  isSuppressed(emailSha256: string): Promise<boolean> {
    return pipeline.isSuppressed(this.t, emailSha256);
  }

  /* review */
  editDraft(leadId: string, content: DraftContent, audit: AuditEntry): Promise<boolean> {
    return review.editDraft(this.t, leadId, content, audit);
  }
  approveDraft(leadId: string, content: DraftContent | undefined, audit: AuditEntry): Promise<boolean> {
    return review.approveDraft(this.t, leadId, content, audit);
  }
  rejectDraft(leadId: string, reason: string, audit: AuditEntry): Promise<boolean> {
    return review.rejectDraft(this.t, leadId, reason, audit);
  }
  reassign(
    leadId: string,
    owners: { from: string; to: string },
    audit: AuditEntry,
    load?: LoadHandover,
  ): Promise<boolean | 'at_capacity'> {
    return review.reassign(this.t, leadId, owners, audit, load);
  }
  overrideScore(
    leadId: string,
    override: ScoreOverride,
    audit: AuditEntry,
    reroute?: LeadMove,
  ): Promise<boolean> {
    return review.overrideScore(this.t, leadId, override, audit, reroute);
  }
  assignLead(
    leadId: string,
    assignment: { route: Route; loadTaken?: string },
    move: LeadMove,
    audit: AuditEntry,
  ): Promise<boolean> {
    return outcomes.assignLead(this.t, leadId, assignment, move, audit);
  }

  /* dispositions */
  dispose(
    leadId: string,
    change: Parameters<DispositionStore['dispose']>[1],
    move: LeadMove,
    audit: AuditEntry,
  ): Promise<boolean> {
    return dispositions.dispose(this.t, leadId, change, move, audit);
  }
  requalify(
    leadId: string,
    change: Parameters<DispositionStore['requalify']>[1],
    move: LeadMove,
    audit: AuditEntry,
  ): Promise<boolean> {
    return dispositions.requalify(this.t, leadId, change, move, audit);
  }

  /* forwarding */
  beginForward(leadId: string, attempt: { attemptId: string; to: string; startedAt: string }) {
    return forward.beginForward(this.t, leadId, attempt);
  }
  completeForward(leadId: string, attemptId: string, result: { messageId: string; sentAt: string }) {
    return forward.completeForward(this.t, leadId, attemptId, result);
  }
  failForward(leadId: string, attemptId: string, failure: { error: string; failedAt: string }) {
    return forward.failForward(this.t, leadId, attemptId, failure);
  }
  releaseForward(leadId: string, attemptId: string) {
    return forward.releaseForward(this.t, leadId, attemptId);
  }

  /* outcomes */
  recordOutcome(leadId: string, move: LeadMove, outcome: OutcomeRecord, audit: AuditEntry): Promise<boolean> {
    return outcomes.recordOutcome(this.t, leadId, move, outcome, audit);
  }
  reopen(leadId: string, move: LeadMove, audit: AuditEntry): Promise<boolean> {
    return outcomes.reopen(this.t, leadId, move, audit);
  }

  /* events and score versions */
  addAccountSignal(signal: AccountSignal, expiresAt: Date): Promise<boolean> {
    return rescore.addAccountSignal(this.t, signal, expiresAt);
  }
  accountSignals(domain: string): Promise<AccountSignal[]> {
    return rescore.accountSignals(this.t, domain);
  }
  leadIdsByDomain(domain: string): Promise<string[]> {
    return rescore.leadIdsByDomain(this.t, domain);
  }
  leadIdsByEmail(emailSha256: string): Promise<string[]> {
    return leadIdsByEmail(this.t, emailSha256);
  }
  parkEvent(addressKey: string, event: LeadEvent, expiresAt: Date): Promise<boolean> {
    return rescore.parkEvent(this.t, addressKey, event, expiresAt);
  }
  parkedEvents(addressKey: string, now: Date): Promise<LeadEvent[]> {
    return rescore.parkedEvents(this.t, addressKey, now);
  }
  unparkEvents(addressKey: string, eventIds: readonly string[]): Promise<void> {
    return rescore.unparkEvents(this.t, addressKey, eventIds);
  }
  addEvent(leadId: string, event: LeadEvent): Promise<boolean> {
    return rescore.addEvent(this.t, leadId, event);
  }
  listEvents(leadId: string): Promise<LeadEvent[]> {
    return rescore.listEvents(this.t, leadId);
  }
  requestRescore(leadId: string, now: Date, staleSeconds: number): Promise<boolean> {
    return rescore.requestRescore(this.t, leadId, now, staleSeconds);
  }
  clearRescoreRequest(leadId: string): Promise<void> {
    return rescore.clearRescoreRequest(this.t, leadId);
  }
  saveScoreVersion(
    leadId: string,
    entry: ScoreVersion,
    first?: ScoreVersion,
    alert?: OwnerAlert,
    refresh?: EnrichmentRefresh,
  ): Promise<boolean> {
    return rescore.saveScoreVersion(this.t, leadId, entry, first, alert, refresh);
  }

  /* re-qualification */
  lostLeads(ownerIds: readonly string[], closedBefore: string): Promise<LeadRecord[]> {
    return recycle.lostLeads(this.t, ownerIds, closedBefore);
  }
  recycleLead(
    leadId: string,
    change: { route: Route; outcomeId: string },
    move: LeadMove,
    audit: AuditEntry,
  ): Promise<boolean> {
    return recycle.recycleLead(this.t, leadId, change, move, audit);
  }

  /* SLA escalation */
  slaBreaches(from: string, to: string): Promise<LeadRecord[]> {
    return escalation.slaBreaches(this.t, from, to);
  }
  markEscalation(
    leadId: string,
    mark: SlaEscalation,
    handover?: { to: string; audit: AuditEntry; load: LoadHandover },
  ): Promise<boolean | 'at_capacity'> {
    return escalation.markEscalation(this.t, leadId, mark, handover);
  }
  beginEscalationEmail(leadId: string, slaDueAt: string, attempt: { attemptId: string }) {
    return escalation.beginEscalationEmail(this.t, leadId, slaDueAt, attempt);
  }
  finishEscalationEmail(
    leadId: string,
    slaDueAt: string,
    attemptId: string,
    result: Parameters<EscalationStore['finishEscalationEmail']>[3],
  ) {
    return escalation.finishEscalationEmail(this.t, leadId, slaDueAt, attemptId, result);
  }

  /* owner alerts */
  beginAlert(leadId: string, version: number, attempt: { attemptId: string; at: string }) {
    return alerts.beginAlert(this.t, leadId, version, attempt);
  }
  finishAlert(
    leadId: string,
    version: number,
    attemptId: string,
    result: Parameters<AlertStore['finishAlert']>[3],
  ) {
    return alerts.finishAlert(this.t, leadId, version, attemptId, result);
  }
  seeAlert(leadId: string, version: number, ownerId: string, at: string) {
    return alerts.seeAlert(this.t, leadId, version, ownerId, at);
  }
  scoreHistory(leadId: string): Promise<ScoreVersion[]> {
    return rescore.scoreHistory(this.t, leadId);
  }
  openLeadIds(ownerIds: readonly string[]): Promise<string[]> {
    return rescore.openLeadIds(this.t, ownerIds);
  }
  openLeadPages(ownerIds: readonly string[]): AsyncIterable<LeadRecord[]> {
    return rescore.openLeadPages(this.t, ownerIds);
  }
  rerouteLead(leadId: string, move: LeadMove, audit: AuditEntry): Promise<boolean> {
    return review.rerouteLead(this.t, leadId, move, audit);
  }

  /* reads */
  get(leadId: string): Promise<LeadRecord | undefined> {
    return listings.getLead(this.t, leadId);
  }
  listByOwner(ownerId: string, draftStatus: DraftStatus | 'all'): Promise<LeadRecord[]> {
    return listings.listByOwner(this.t, ownerId, draftStatus);
  }
  listDrafts(
    status: DraftStatus,
    page: { readonly limit: number; readonly after?: StoreCursor },
  ): Promise<{ records: LeadRecord[]; next?: StoreCursor }> {
    return listings.listDrafts(this.t, status, page);
  }
  backfillDraftIndex(): Promise<number> {
    return listings.backfillDraftIndex(this.t);
  }
}
