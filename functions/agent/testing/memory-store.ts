/**
 * The lead store in memory, implementing the same ports as the DynamoDB adapter (LeadStore, SendStore,
 * ReviewStore) with the same conditions: each write is allowed only from the states
 * functions/agent/lifecycle.ts lists, a result is stored once, a second write loses. For unit tests of the
 * use cases and for the ops CLI.
 */
import type { AccountSignal } from '../account-signals';
import { DomainError } from '../errors';
import type { LeadEvent } from '../events';
import { inboxOrderKey } from '../inbox-order';
import type {
  AuditEntry,
  LeadError,
  LeadRecord,
  OutcomeRecord,
  OwnerAlert,
  ScoreOverride,
  ScoreVersion,
  SlaEscalation,
} from '../lead-record';
import {
  type DraftCommand,
  type DraftStatus,
  decideDraft,
  decideLead,
  type LeadCommand,
  leadFrom,
  leadTo,
  qualifyCommand,
  saveDraftCommand,
} from '../lifecycle';
import type * as ports from '../ports';
import { emailSha256 } from '../privacy/rights';
import type { Draft, Route } from '../qualification';

type Mutable<T> = { -readonly [K in keyof T]: T[K] };
type Stored = Mutable<LeadRecord> & {
  draft?: Mutable<Draft>;
  scoreCauses?: string[];
  /** `<team>#<rep>`: the capacity the lead's assignment took (as the rotation adapter stores it). */
  loadTaken?: string;
  loadReleasedAt?: string;
};

export class InMemoryLeadStore
  implements
    ports.LeadStore,
    ports.SendStore,
    ports.ReviewStore,
    ports.OutcomeStore,
    ports.RescoreStore,
    ports.DispositionStore,
    ports.ForwardStore,
    ports.AlertStore,
    ports.EscalationStore,
    ports.RecycleStore
{
  /** Lead id → its events by id. */
  readonly events = new Map<string, Map<string, LeadEvent>>();
  /** Lead id → its score versions, oldest first. */
  readonly versions = new Map<string, ScoreVersion[]>();
  /** Lead id → when a re-score was requested (the debounce mark). */
  readonly rescoreMarks = new Map<string, string>();
  /** Parked events by address key → event id → event and its expiry. */
  readonly parked = new Map<string, Map<string, { event: LeadEvent; expiresAt: Date }>>();
  readonly records = new Map<string, Stored>();
  /** Open leads per `<team>#<rep>` (the rotation's load items). */
  readonly loads = new Map<string, number>();
  /** Lead id → when it entered (or was re-armed in) the outbox. */
  readonly outbox = new Map<string, string>();
  /** Reserved lead id → the lead it is held for (the next dedup bucket of a stored lead). */
  readonly reservations = new Map<string, string>();
  private readonly sweeps = new Map<string, number>();

  constructor(private readonly now: () => Date = () => new Date()) {}

  /** Puts a record directly (a lead that intake stored earlier). */
  seed(record: LeadRecord): void {
    this.records.set(record.leadId, structuredClone(record) as Stored);
  }

  private lead(leadId: string): Stored {
    const record = this.records.get(leadId);
    if (!record) throw new Error(`no lead ${leadId}`);
    return record;
  }

  /** Applies a lead command if the lifecycle allows it from the lead's state. */
  private move(record: Stored, command: LeadCommand): boolean {
    const decision = decideLead(record.status, command);
    if (!decision.ok) return false;
    record.status = decision.to;
    return true;
  }

  private moveDraft(record: Stored, command: Exclude<DraftCommand, 'save'>): boolean {
    if (!record.draft) return false;
    const decision = decideDraft(record.draft.status, command);
    if (!decision.ok) return false;
    record.draft.status = decision.to;
    return true;
  }

  /* ------------------------------------------------------------------------------------------ intake */

  async create(
    record: LeadRecord,
    options: { dedupWindowSeconds: number; pendingEnqueue: boolean },
  ): Promise<ports.CreateLeadResult> {
    // The id is derived from the dedup key: taken by a lead or by a reservation means a duplicate.
    const existing = this.records.has(record.leadId) ? record.leadId : this.reservations.get(record.leadId);
    if (existing)
      return { created: false, leadId: existing, status: this.records.get(existing)?.status ?? 'received' };
    this.seed(record);
    if (options.pendingEnqueue) this.outbox.set(record.leadId, record.receivedAt);
    return { created: true, leadId: record.leadId };
  }

  async reserveLeadId(leadId: string, forLeadId: string, _expiresAtSeconds: number): Promise<boolean> {
    if (this.records.has(leadId) || this.reservations.has(leadId)) return false;
    this.reservations.set(leadId, forLeadId);
    return true;
  }

  async get(leadId: string): Promise<LeadRecord | undefined> {
    const record = this.records.get(leadId);
    if (!record) return undefined;
    const {
      scoreCauses: _causes,
      loadTaken: _taken,
      loadReleasedAt: _released,
      ...rest
    } = structuredClone(record);
    return rest;
  }

  async rearmOutbox(leadId: string): Promise<number> {
    if (!this.outbox.has(leadId)) return 0;
    this.outbox.set(leadId, this.now().toISOString());
    const n = (this.sweeps.get(leadId) ?? 0) + 1;
    this.sweeps.set(leadId, n);
    return n;
  }

  async listOutbox(olderThanSeconds: number, limit: number): Promise<string[]> {
    const cutoff = this.now().getTime() - olderThanSeconds * 1000;
    return [...this.outbox.entries()]
      .filter(([, at]) => Date.parse(at) <= cutoff)
      .map(([id]) => id)
      .slice(0, limit);
  }

  /* ---------------------------------------------------------------------------------------- pipeline */

  async saveQualification(leadId: string, result: Parameters<ports.LeadStore['saveQualification']>[1]) {
    const record = this.records.get(leadId);
    if (!record || record.scoreCauses?.includes(result.cause)) return false;
    record.enrichment = structuredClone(result.enrichment);
    record.score = structuredClone(result.score);
    if (result.score.disposition) record.disposition = result.score.disposition.kind;
    record.scoreVersion = (record.scoreVersion ?? 0) + 1;
    record.scoreCauses = [...(record.scoreCauses ?? []), result.cause];
    record.steps = { ...record.steps, ...result.steps };
    // Still in the outbox until drafted; the sweeper's clock restarts.
    if (this.outbox.has(leadId)) this.outbox.set(leadId, this.now().toISOString());
    return true;
  }

  async recordSteps(leadId: string, steps: ports.StepTimings): Promise<void> {
    const record = this.lead(leadId);
    record.steps = { ...record.steps, ...steps };
  }

  async saveDraft(leadId: string, result: Parameters<ports.LeadStore['saveDraft']>[1]): Promise<boolean> {
    const record = this.records.get(leadId);
    if (!record || record.rationale) return false;
    if (result.draft && !decideDraft('absent', 'save', result.draft.status).ok) return false;
    if (!this.move(record, saveDraftCommand(result.routeKind))) return false;
    record.rationale = structuredClone(result.rationale);
    if (result.draft) record.draft = structuredClone(result.draft);
    record.steps = { ...record.steps, ...result.steps };
    this.outbox.delete(leadId);
    return true;
  }

  async recordError(leadId: string, error: LeadError, final: boolean): Promise<void> {
    const record = this.lead(leadId);
    record.error = error;
    if (!final) return;
    this.move(record, 'fail');
    this.outbox.delete(leadId);
  }

  /**
   * What the rotation adapter does on the lead (lifecycle `qualify`): the route once, with its status; with
   * `loadTaken` (`<team>#<rep>`) the rep's load is taken too.
   */
  storeRoute(leadId: string, route: Route, loadTaken?: string): Route {
    const record = this.lead(leadId);
    if (record.route) return structuredClone(record.route);
    record.route = structuredClone(route);
    this.move(record, qualifyCommand(route.kind));
    if (loadTaken) {
      record.loadTaken = loadTaken;
      this.loads.set(loadTaken, (this.loads.get(loadTaken) ?? 0) + 1);
    }
    return route;
  }

  /* --------------------------------------------------------------------------- events and re-scores */

  /** Account signals by domain → signal id. */
  readonly accountSignalsByDomain = new Map<string, Map<string, AccountSignal>>();

  async addAccountSignal(signal: AccountSignal, _expiresAt: Date): Promise<boolean> {
    const signals = this.accountSignalsByDomain.get(signal.domain) ?? new Map<string, AccountSignal>();
    this.accountSignalsByDomain.set(signal.domain, signals);
    if (signals.has(signal.id)) return false;
    signals.set(signal.id, structuredClone(signal));
    return true;
  }

  async accountSignals(domain: string): Promise<AccountSignal[]> {
    return [...(this.accountSignalsByDomain.get(domain)?.values() ?? [])].map((s) => structuredClone(s));
  }

  async leadIdsByDomain(domain: string): Promise<string[]> {
    return [...this.records.values()]
      .filter((r) => r.lead.company.domain?.toLowerCase() === domain)
      .sort((a, b) => (a.receivedAt < b.receivedAt ? -1 : a.receivedAt > b.receivedAt ? 1 : 0))
      .map((r) => r.leadId);
  }

  async leadIdsByEmail(hash: string): Promise<string[]> {
    return [...this.records.values()]
      .filter((r) => r.lead.person.email && emailSha256(r.lead.person.email) === hash)
      .sort((a, b) => (a.receivedAt < b.receivedAt ? -1 : a.receivedAt > b.receivedAt ? 1 : 0))
      .map((r) => r.leadId);
  }

  async parkEvent(addressKey: string, event: LeadEvent, expiresAt: Date): Promise<boolean> {
    const events = this.parked.get(addressKey) ?? new Map();
    this.parked.set(addressKey, events);
    if (events.has(event.id)) return false;
    events.set(event.id, { event: structuredClone(event), expiresAt });
    return true;
  }

  async parkedEvents(addressKey: string, now: Date): Promise<LeadEvent[]> {
    return [...(this.parked.get(addressKey)?.values() ?? [])]
      .filter((p) => p.expiresAt.getTime() > now.getTime())
      .map((p) => structuredClone(p.event));
  }

  async unparkEvents(addressKey: string, eventIds: readonly string[]): Promise<void> {
    for (const id of eventIds) this.parked.get(addressKey)?.delete(id);
  }

  async addEvent(leadId: string, event: LeadEvent): Promise<boolean> {
    const events = this.events.get(leadId) ?? new Map<string, LeadEvent>();
    this.events.set(leadId, events);
    if (events.has(event.id)) return false;
    events.set(event.id, structuredClone(event));
    return true;
  }

  async listEvents(leadId: string): Promise<LeadEvent[]> {
    return [...(this.events.get(leadId)?.values() ?? [])]
      .sort((a, b) => (a.id < b.id ? -1 : 1))
      .map((e) => structuredClone(e));
  }

  async requestRescore(leadId: string, now: Date, staleSeconds: number): Promise<boolean> {
    if (!this.records.has(leadId)) return false;
    const mark = this.rescoreMarks.get(leadId);
    if (mark && Date.parse(mark) >= now.getTime() - staleSeconds * 1000) return false;
    this.rescoreMarks.set(leadId, now.toISOString());
    return true;
  }

  async clearRescoreRequest(leadId: string): Promise<void> {
    this.rescoreMarks.delete(leadId);
  }

  async saveScoreVersion(
    leadId: string,
    entry: ScoreVersion,
    first?: ScoreVersion,
    alert?: OwnerAlert,
    refresh?: ports.EnrichmentRefresh,
  ): Promise<boolean> {
    const record = this.records.get(leadId);
    if (!record || !decideLead(record.status, 'rescore').ok) return false;
    if ((record.scoreVersion ?? 1) !== entry.version - 1) return false;
    if (record.scoreCauses?.includes(entry.cause)) return false;
    const versions = this.versions.get(leadId) ?? [];
    if (versions.some((v) => v.version === entry.version || (first && v.version === first.version)))
      return false;
    this.versions.set(leadId, [
      ...versions,
      ...(first ? [structuredClone(first)] : []),
      structuredClone(entry),
    ]);
    record.score = structuredClone(entry.score);
    if (entry.score.disposition) record.disposition = entry.score.disposition.kind;
    record.scoreVersion = entry.version;
    record.scoreCauses = [...(record.scoreCauses ?? []), entry.cause];
    if (alert) record.alert = structuredClone(alert);
    if (refresh) {
      record.enrichment = structuredClone(refresh.enrichment);
      record.steps = { ...record.steps, enrich: structuredClone(refresh.step) };
    }
    return true;
  }

  /* ------------------------------------------------------------------------------- re-qualification */

  async lostLeads(ownerIds: readonly string[], closedBefore: string): Promise<LeadRecord[]> {
    return [...this.records.values()]
      .filter((r) => r.status === 'lost' && r.outcome !== undefined && r.outcome.at < closedBefore)
      .filter((r) => ownerIds.includes(r.route?.ownerId ?? 'unassigned'))
      .map((r) => structuredClone(r) as LeadRecord);
  }

  async recycleLead(
    leadId: string,
    change: { route: Route; outcomeId: string },
    move: ports.LeadMove,
    audit: AuditEntry,
  ): Promise<boolean> {
    const record = this.records.get(leadId);
    if (!record || record.status !== move.from || record.outcome?.id !== change.outcomeId) return false;
    record.status = move.to;
    record.route = structuredClone(change.route);
    delete record.outcome;
    delete record.loadTaken;
    delete record.loadReleasedAt;
    record.audit = [...(record.audit ?? []), structuredClone(audit)];
    return true;
  }

  /* --------------------------------------------------------------------------------- SLA escalation */

  async slaBreaches(from: string, to: string): Promise<LeadRecord[]> {
    return [...this.records.values()]
      .filter((r) => ['routed', 'drafted'].includes(r.status))
      .filter((r) => r.route?.slaDueAt !== undefined && r.route.slaDueAt >= from && r.route.slaDueAt < to)
      .sort((a, b) => (`${a.route?.slaDueAt}#${a.leadId}` < `${b.route?.slaDueAt}#${b.leadId}` ? -1 : 1))
      .map((r) => structuredClone(r) as LeadRecord);
  }

  async markEscalation(
    leadId: string,
    escalation: SlaEscalation,
    handover?: { to: string; audit: AuditEntry; load: ports.LoadHandover },
  ): Promise<boolean | 'at_capacity'> {
    const record = this.records.get(leadId);
    if (!record || !['routed', 'drafted'].includes(record.status)) return false;
    if (record.route?.slaDueAt !== escalation.slaDueAt || record.route.ownerId !== escalation.fromOwnerId)
      return false;
    if (record.escalation?.slaDueAt === escalation.slaDueAt) return false;
    if (handover) {
      const done = await this.reassign(
        leadId,
        { from: escalation.fromOwnerId, to: handover.to },
        handover.audit,
        handover.load,
      );
      if (done !== true) return done;
    }
    record.escalation = structuredClone(escalation);
    return true;
  }

  async beginEscalationEmail(leadId: string, slaDueAt: string, attempt: { attemptId: string }) {
    const record = this.records.get(leadId);
    const e = record?.escalation;
    if (!record || !e || e.slaDueAt !== slaDueAt || (e.email !== 'pending' && e.email !== 'throttled'))
      return false;
    record.escalation = { ...e, email: 'sending', attemptId: attempt.attemptId };
    return true;
  }

  async finishEscalationEmail(
    leadId: string,
    slaDueAt: string,
    attemptId: string,
    result: Parameters<ports.EscalationStore['finishEscalationEmail']>[3],
  ) {
    const record = this.records.get(leadId);
    const e = record?.escalation;
    if (!record || !e || e.slaDueAt !== slaDueAt || e.attemptId !== attemptId || e.email !== 'sending')
      return false;
    record.escalation = {
      ...e,
      email: result.email,
      ...(result.messageId ? { messageId: result.messageId } : {}),
      ...(result.error ? { error: result.error } : {}),
    };
    return true;
  }

  /* ----------------------------------------------------------------------------------- owner alerts */

  async beginAlert(leadId: string, version: number, attempt: { attemptId: string; at: string }) {
    const alert = this.records.get(leadId)?.alert;
    const record = this.records.get(leadId);
    if (!record || !alert || alert.version !== version) return false;
    if (alert.email !== 'pending' && alert.email !== 'throttled') return false;
    record.alert = { ...alert, email: 'sending', attemptId: attempt.attemptId };
    return true;
  }

  async finishAlert(
    leadId: string,
    version: number,
    attemptId: string,
    result: Parameters<ports.AlertStore['finishAlert']>[3],
  ) {
    const record = this.records.get(leadId);
    const alert = record?.alert;
    if (!record || !alert || alert.version !== version || alert.attemptId !== attemptId) return false;
    if (alert.email !== 'sending') return false;
    record.alert = {
      ...alert,
      email: result.email,
      ...(result.messageId ? { messageId: result.messageId } : {}),
      ...(result.email === 'sent' ? { sentAt: result.at } : {}),
      ...(result.error ? { error: result.error } : {}),
    };
    return true;
  }

  async seeAlert(leadId: string, version: number, ownerId: string, at: string) {
    const record = this.records.get(leadId);
    const alert = record?.alert;
    if (!record || !alert || alert.version !== version || alert.ownerId !== ownerId || alert.seenAt)
      return false;
    record.alert = { ...alert, seenAt: at };
    return true;
  }

  async rerouteLead(leadId: string, move: ports.LeadMove, audit: AuditEntry): Promise<boolean> {
    const record = this.records.get(leadId);
    if (!record || record.status !== move.from) return false;
    record.status = move.to;
    delete record.route;
    delete record.rationale;
    delete record.loadTaken;
    delete record.loadReleasedAt;
    record.audit = [...(record.audit ?? []), structuredClone(audit)];
    this.outbox.set(leadId, this.now().toISOString());
    return true;
  }

  async *openLeadPages(ownerIds: readonly string[]): AsyncIterable<LeadRecord[]> {
    const ids = await this.openLeadIds(ownerIds);
    // Small pages, so the daily job's paging is exercised.
    for (let i = 0; i < ids.length; i += 2)
      yield ids.slice(i, i + 2).map((id) => structuredClone(this.records.get(id)) as LeadRecord);
  }

  async openLeadIds(ownerIds: readonly string[]): Promise<string[]> {
    const open = ['routed', 'nurture', 'drafted', 'sent', 'meeting'];
    return [...this.records.values()]
      .filter((r) => open.includes(r.status) && ownerIds.includes(r.route?.ownerId ?? 'unassigned'))
      .map((r) => r.leadId);
  }

  async scoreHistory(leadId: string): Promise<ScoreVersion[]> {
    return [...(this.versions.get(leadId) ?? [])].reverse().map((v) => structuredClone(v));
  }

  /* ---------------------------------------------------------------------------------------- outcomes */

  /** The move from the state the caller read; the load its assignment took is released or taken once. */
  private moveWithLoad(record: Stored, move: ports.LeadMove): boolean {
    if (record.status !== move.from) return false;
    record.status = move.to;
    const taken = record.loadTaken;
    if (taken && move.load === 'release' && record.loadReleasedAt === undefined) {
      record.loadReleasedAt = this.now().toISOString();
      this.loads.set(taken, (this.loads.get(taken) ?? 0) - 1);
    } else if (taken && move.load === 'take' && record.loadReleasedAt !== undefined) {
      delete record.loadReleasedAt;
      this.loads.set(taken, (this.loads.get(taken) ?? 0) + 1);
    }
    return true;
  }

  async recordOutcome(
    leadId: string,
    move: ports.LeadMove,
    outcome: OutcomeRecord,
    audit: AuditEntry,
  ): Promise<boolean> {
    const record = this.records.get(leadId);
    if (!record) return false;
    if (move.from === move.to && record.outcome?.outcome === outcome.outcome) return false;
    if (!this.moveWithLoad(record, move)) return false;
    record.outcome = structuredClone(outcome);
    record.outcomes = [...(record.outcomes ?? []), structuredClone(outcome)];
    record.audit = [...(record.audit ?? []), structuredClone(audit)];
    return true;
  }

  async reopen(leadId: string, move: ports.LeadMove, audit: AuditEntry): Promise<boolean> {
    const record = this.records.get(leadId);
    if (!record || !this.moveWithLoad(record, move)) return false;
    delete record.outcome;
    record.audit = [...(record.audit ?? []), structuredClone(audit)];
    return true;
  }

  /* -------------------------------------------------------------------------------------------- send */

  async beginSend(
    leadId: string,
    attempt: { attemptId: string; startedAt: string },
  ): Promise<ports.BeginSendResult> {
    const record = this.records.get(leadId);
    if (!record || !this.moveDraft(record, 'begin_send')) return 'conflict';
    record.draft!.send = { ...attempt };
    return 'started';
  }

  async completeSend(leadId: string, attemptId: string, result: { messageId: string; sentAt: string }) {
    const record = this.records.get(leadId);
    if (!record?.draft || record.draft.send?.attemptId !== attemptId) return false;
    if (!this.moveDraft(record, 'complete_send')) return false;
    record.draft.send = { ...record.draft.send, ...result };
    // Contacted, unless a person already moved the lead further along.
    if (leadFrom('complete_send').includes(record.status)) record.status = leadTo('complete_send')!;
    return true;
  }

  async failSend(
    leadId: string,
    from: { status: 'approved' } | { status: 'sending'; attemptId: string },
    failure: { error: string; failedAt: string },
  ): Promise<boolean> {
    const record = this.records.get(leadId);
    const draft = record?.draft;
    if (!record || !draft || draft.status !== from.status) return false;
    if (from.status === 'sending' && draft.send?.attemptId !== from.attemptId) return false;
    if (!this.moveDraft(record, 'fail_send')) return false;
    draft.send =
      from.status === 'sending'
        ? { ...draft.send!, ...failure }
        : { attemptId: 'none', startedAt: failure.failedAt, ...failure };
    return true;
  }

  async releaseSend(leadId: string, attemptId: string): Promise<boolean> {
    const record = this.records.get(leadId);
    if (!record?.draft || record.draft.send?.attemptId !== attemptId) return false;
    if (!this.moveDraft(record, 'release_send')) return false;
    delete record.draft.send;
    return true;
  }

  async holdForReview(leadId: string, reason: string): Promise<boolean> {
    const record = this.records.get(leadId);
    if (!record?.draft || !this.moveDraft(record, 'hold_for_review')) return false;
    record.draft.handoff = 'review';
    record.draft.handoffReason = reason;
    delete record.draft.sendAfter;
    return true;
  }

  /** SHA-256 hashes of suppressed addresses. */
  readonly suppressed = new Set<string>();
  async isSuppressed(emailSha256: string): Promise<boolean> {
    return this.suppressed.has(emailSha256);
  }

  /* ------------------------------------------------------------------------------------------ review */

  async listByOwner(ownerId: string, draftStatus: DraftStatus | 'all'): Promise<LeadRecord[]> {
    const own = [...this.records.values()].filter(
      (r) =>
        r.route?.ownerId === ownerId && r.draft && (draftStatus === 'all' || r.draft.status === draftStatus),
    );
    return Promise.all(own.map((r) => this.get(r.leadId) as Promise<LeadRecord>));
  }

  async listDrafts(
    status: DraftStatus,
    page: { readonly limit: number; readonly after?: ports.StoreCursor },
  ): Promise<{ records: LeadRecord[]; next?: ports.StoreCursor }> {
    if (page.after !== undefined && (page.after.status !== status || typeof page.after.key !== 'string'))
      throw new DomainError('invalid', 'cursor is not one this listing handed out; start again without it', {
        field: 'cursor',
      });
    const inOrder = [...this.records.values()]
      .filter((r) => r.draft?.status === status)
      .map((r) => ({ r, key: inboxOrderKey(r) }))
      .sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0))
      .filter(({ key }) => page.after === undefined || key > (page.after.key as string));
    const taken = inOrder.slice(0, page.limit);
    const last = taken[taken.length - 1];
    const records = await Promise.all(taken.map(({ r }) => this.get(r.leadId) as Promise<LeadRecord>));
    return inOrder.length > page.limit && last ? { records, next: { status, key: last.key } } : { records };
  }

  private draftAction(leadId: string, command: 'edit' | 'approve' | 'reject', audit: AuditEntry) {
    const record = this.records.get(leadId);
    if (!record?.draft || !this.moveDraft(record, command)) return undefined;
    record.audit = [...(record.audit ?? []), structuredClone(audit)];
    return record.draft;
  }

  async editDraft(leadId: string, content: ports.DraftContent, audit: AuditEntry): Promise<boolean> {
    const draft = this.draftAction(leadId, 'edit', audit);
    if (!draft) return false;
    Object.assign(draft, content, { editedBy: audit.by, editedAt: audit.at });
    return true;
  }

  async approveDraft(
    leadId: string,
    content: ports.DraftContent | undefined,
    audit: AuditEntry,
  ): Promise<boolean> {
    const draft = this.draftAction(leadId, 'approve', audit);
    if (!draft) return false;
    Object.assign(draft, { reviewedBy: audit.by, reviewedAt: audit.at });
    if (content) Object.assign(draft, content, { editedBy: audit.by, editedAt: audit.at });
    return true;
  }

  async rejectDraft(leadId: string, reason: string, audit: AuditEntry): Promise<boolean> {
    const draft = this.draftAction(leadId, 'reject', audit);
    if (!draft) return false;
    Object.assign(draft, { reviewedBy: audit.by, reviewedAt: audit.at, rejectReason: reason });
    return true;
  }

  async reassign(
    leadId: string,
    owners: { from: string; to: string },
    audit: AuditEntry,
    load?: ports.LoadHandover,
  ): Promise<boolean | 'at_capacity'> {
    const record = this.records.get(leadId);
    if (!record?.route || record.route.ownerId !== owners.from || !decideLead(record.status, 'reassign').ok)
      return false;
    if (load?.take && load.max !== null && (this.loads.get(load.take) ?? 0) >= load.max) return 'at_capacity';
    if (!this.move(record, 'reassign')) return false;
    if (load) {
      const held = record.loadTaken;
      if (held && record.loadReleasedAt === undefined) this.loads.set(held, (this.loads.get(held) ?? 0) - 1);
      delete record.loadTaken;
      delete record.loadReleasedAt;
      if (load.take) {
        record.loadTaken = load.take;
        this.loads.set(load.take, (this.loads.get(load.take) ?? 0) + 1);
      }
    }
    const team = load?.take ? load.take.slice(0, load.take.indexOf('#')) : record.route.team;
    record.route = { ...record.route, ownerId: owners.to, ...(team ? { team } : {}) };
    record.audit = [...(record.audit ?? []), structuredClone(audit)];
    return true;
  }

  async overrideScore(
    leadId: string,
    override: ScoreOverride,
    audit: AuditEntry,
    reroute?: ports.LeadMove,
  ): Promise<boolean> {
    const record = this.records.get(leadId);
    if (!record || !decideLead(record.status, 'override').ok) return false;
    if (reroute && record.status !== reroute.from) return false;
    record.override = structuredClone(override);
    record.audit = [...(record.audit ?? []), structuredClone(audit)];
    if (reroute) {
      record.status = reroute.to;
      delete record.route;
      delete record.rationale;
      delete record.loadTaken;
      delete record.loadReleasedAt;
      this.outbox.set(leadId, this.now().toISOString());
    }
    return true;
  }

  async assignLead(
    leadId: string,
    assignment: { route: Route; loadTaken?: string },
    move: ports.LeadMove,
    audit: AuditEntry,
  ): Promise<boolean> {
    const record = this.records.get(leadId);
    if (!record || record.status !== move.from) return false;
    record.status = move.to;
    record.route = structuredClone(assignment.route);
    delete record.rationale;
    delete record.loadReleasedAt;
    delete record.loadTaken;
    if (assignment.loadTaken) {
      record.loadTaken = assignment.loadTaken;
      this.loads.set(assignment.loadTaken, (this.loads.get(assignment.loadTaken) ?? 0) + 1);
    }
    record.audit = [...(record.audit ?? []), structuredClone(audit)];
    this.outbox.set(leadId, this.now().toISOString());
    return true;
  }

  /* ------------------------------------------------------------------------------------- dispositions */

  async dispose(
    leadId: string,
    change: Parameters<ports.DispositionStore['dispose']>[1],
    move: ports.LeadMove,
    audit: AuditEntry,
  ): Promise<boolean> {
    const record = this.records.get(leadId);
    if (!record?.score || record.status !== move.from) return false;
    if ((record.score.disposition?.kind ?? record.disposition) !== change.fromKind) return false;
    if (record.draft?.status !== change.draftStatus) return false;
    if (change.withdrawDraft && (!record.draft || !decideDraft(record.draft.status, 'withdraw').ok))
      return false;
    if (!this.moveWithLoad(record, move)) return false;
    record.score = { ...record.score, disposition: structuredClone(change.disposition) };
    record.disposition = change.disposition.kind;
    record.route = structuredClone(change.route);
    if (change.withdrawDraft && record.draft)
      Object.assign(record.draft, {
        status: 'rejected',
        reviewedBy: audit.by,
        reviewedAt: audit.at,
        rejectReason: `Withdrawn: not a sales lead (${change.disposition.kind})`,
      });
    record.audit = [...(record.audit ?? []), structuredClone(audit)];
    return true;
  }

  async requalify(
    leadId: string,
    change: Parameters<ports.DispositionStore['requalify']>[1],
    move: ports.LeadMove,
    audit: AuditEntry,
  ): Promise<boolean> {
    const record = this.records.get(leadId);
    if (!record?.score || record.status !== move.from) return false;
    if ((record.score.disposition?.kind ?? record.disposition) !== change.fromKind) return false;
    record.status = move.to;
    record.score = { ...record.score, disposition: structuredClone(change.disposition) };
    record.disposition = change.disposition.kind;
    delete record.route;
    delete record.rationale;
    delete record.loadTaken;
    delete record.loadReleasedAt;
    record.audit = [...(record.audit ?? []), structuredClone(audit)];
    this.outbox.set(leadId, this.now().toISOString());
    return true;
  }

  /* -------------------------------------------------------------------------------------- forwarding */

  async beginForward(leadId: string, attempt: { attemptId: string; to: string; startedAt: string }) {
    const record = this.records.get(leadId);
    if (!record || record.forward) return false;
    record.forward = { ...attempt, status: 'sending' };
    return true;
  }

  async completeForward(leadId: string, attemptId: string, result: { messageId: string; sentAt: string }) {
    const record = this.records.get(leadId);
    if (record?.forward?.attemptId !== attemptId || record.forward.status !== 'sending') return false;
    record.forward = { ...record.forward, status: 'sent', ...result };
    return true;
  }

  async failForward(leadId: string, attemptId: string, failure: { error: string; failedAt: string }) {
    const record = this.records.get(leadId);
    if (record?.forward?.attemptId !== attemptId || record.forward.status !== 'sending') return false;
    record.forward = { ...record.forward, status: 'failed', ...failure };
    return true;
  }

  async releaseForward(leadId: string, attemptId: string) {
    const record = this.records.get(leadId);
    if (record?.forward?.attemptId !== attemptId || record.forward.status !== 'sending') return false;
    delete record.forward;
    return true;
  }
}
