/**
 * The review API's domain: the inbox of drafts, edit / approve / reject, reassign and score override, with
 * the authorization rules. Which draft or lead state allows which action is the lifecycle's
 * (functions/agent/lifecycle.ts); each action is one named store write. Refusals are DomainErrors.
 *
 * Authorization (roles from functions/agent/auth/principal.ts):
 * | action                         | sales              | manager | ops |
 * | GET /me                        | yes                | yes     | yes |
 * | GET /drafts                    | own leads          | all     | 403 |
 * | GET /leads/{id}                | own leads (else 404)| all    | all |
 * | edit / approve / reject draft  | own leads (else 404)| all    | 403 |
 * | override score                 | own leads (else 404)| all    | 403 |
 * | reassign / assign              | 403                | all     | 403 |
 * Another rep's lead answers 404, not 403: a rep cannot probe which lead ids exist.
 */
import * as z from 'zod';
import type { Principal } from '../auth/principal';
import { notifyCrm } from '../crm/notify';
import type { AllowList } from '../draft';
import { DomainError } from '../errors';
import { effectiveTier, inboxOrderKey } from '../inbox-order';
import { type AuditEntry, type LeadRecord, type ScoreOverride, scoreSeen } from '../lead-record';
import { APPROVED_OR_LATER, decideDraft, decideLead, LOAD_STATES } from '../lifecycle';
import type { CrmNotifier, LeadQueue, LoadHandover, ReviewStore } from '../ports';
import { DRAFT_STATUSES, type DraftStatus, DraftStatusSchema, TIERS, type Tier } from '../qualification';
import { decideRoute, type RoutingSetup } from '../route';
import type { Person } from '../route/team';

export interface ReviewDeps {
  readonly store: ReviewStore;
  readonly sendQueue: LeadQueue;
  /** Where a nurtured lead raised to hot or warm goes to be routed again. */
  readonly qualifyQueue?: LeadQueue;
  /** Where a lead a manager assigned goes to get its first draft. */
  readonly draftQueue?: LeadQueue;
  /** Routing and teams: the SLA and team of a manager's assignment. */
  readonly routing?: RoutingSetup;
  readonly people: ReadonlyMap<string, Person>;
  readonly now: () => Date;
  /**
   * The links and addresses an edited draft may carry (the owner's booking link and address, our site); a rep's
   * edit gets the draft guardrails' sanitiser (functions/agent/draft/guardrails.ts `sanitiseRepEdit`).
   */
  readonly draftAllowList?: (record: LeadRecord) => AllowList | Promise<AllowList>;
  /** The CRM sync's trigger (absent: no CRM): a reassigned lead moves to its new owner there too. */
  readonly crm?: CrmNotifier;
}

const isOwn = (p: Principal, r: LeadRecord) => r.route?.ownerId === p.personId;

/**
 * The lead if this person may see it: a rep sees only their own leads; another rep's lead is answered like a
 * missing one (`not_found`), so a rep cannot probe which lead ids exist.
 */
export const readableLead = async (
  store: Pick<ReviewStore, 'get'>,
  p: Principal,
  leadId: string,
): Promise<LeadRecord> => {
  const record = await store.get(leadId);
  if (!record || (p.role === 'sales' && !isOwn(p, record)))
    throw new DomainError('not_found', 'No lead with this id', { field: 'id' });
  return record;
};

const forbidOps = (p: Principal) => {
  if (p.role === 'ops') throw new DomainError('forbidden', 'Ops cannot review drafts');
};

const draftOf = async (deps: ReviewDeps, p: Principal, leadId: string) => {
  forbidOps(p);
  const record = await readableLead(deps.store, p, leadId);
  if (!record.draft) throw new DomainError('not_found', 'This lead has no draft', { field: 'id' });
  return { record, draft: record.draft };
};

const personName = (r: LeadRecord) => {
  const person = r.lead.person;
  return person.fullName ?? ([person.firstName, person.lastName].filter(Boolean).join(' ') || undefined);
};

export const inboxItem = (r: LeadRecord, people: ReadonlyMap<string, Person>) => ({
  leadId: r.leadId,
  status: r.draft?.status ?? 'none',
  leadStatus: r.status,
  subject: r.draft?.subject ?? '',
  tier: effectiveTier(r),
  total: r.override?.total ?? r.score?.total,
  quadrant: r.score?.quadrant,
  fit: r.score?.fit,
  intent: r.score?.intent,
  engagement: r.score?.engagement,
  slaDueAt: r.route?.slaDueAt,
  ownerId: r.route?.ownerId,
  ownerName: r.route?.ownerId ? people.get(r.route.ownerId)?.name : undefined,
  company: r.lead.company.name,
  personName: personName(r),
  language: r.draft?.language ?? r.lead.language,
  submittedAt: r.lead.submittedAt ?? r.receivedAt,
  humanReviewRequired: r.draft ? !r.draft.guardrail.passed : false,
});
export type InboxItem = ReturnType<typeof inboxItem>;

/** Page sizes of GET /drafts. */
export const DRAFT_PAGE = { defaultLimit: 50, maxLimit: 200 } as const;

export interface DraftQuery {
  readonly status?: string | undefined;
  readonly limit?: string | undefined;
  readonly cursor?: string | undefined;
}

export interface DraftPage {
  readonly items: InboxItem[];
  /** Pass as `cursor` for the next page; absent on the last page. */
  readonly nextCursor?: string;
}

/**
 * The page position, opaque to the client: a manager's listing walks the store's per-status index
 * (`s` status, `k` where the store stopped); a rep's own leads are few and paged by offset (`o`).
 */
const CursorSchema = z.union([
  z.strictObject({ s: DraftStatusSchema, k: z.record(z.string(), z.string()).optional() }),
  z.strictObject({ o: z.number().int().min(0) }),
]);
type Cursor = z.infer<typeof CursorSchema>;

const encodeCursor = (c: Cursor) => Buffer.from(JSON.stringify(c)).toString('base64url');
const badCursor = () =>
  new DomainError('invalid', 'cursor is not one this listing handed out; start again without it', {
    field: 'cursor',
  });
const decodeCursor = (raw: string): Cursor => {
  try {
    return CursorSchema.parse(JSON.parse(Buffer.from(raw, 'base64url').toString('utf8')));
  } catch {
    throw badCursor();
  }
};

const pageLimit = (raw: string | undefined) => {
  if (raw === undefined || raw === '') return DRAFT_PAGE.defaultLimit;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1 || n > DRAFT_PAGE.maxLimit)
    throw new DomainError('invalid', `limit must be a whole number 1..${DRAFT_PAGE.maxLimit}`, {
      field: 'limit',
    });
  return n;
};

/** A manager's page: the store's index per status, in inbox order; `all` walks the statuses in turn. */
const managerPage = async (
  deps: ReviewDeps,
  wanted: DraftStatus | 'all',
  limit: number,
  cursor: Cursor | undefined,
): Promise<{ records: LeadRecord[]; next?: Cursor }> => {
  if (cursor && !('s' in cursor)) throw badCursor();
  const statuses = wanted === 'all' ? DRAFT_STATUSES : [wanted];
  let index = cursor ? statuses.indexOf(cursor.s) : 0;
  if (index < 0) throw badCursor();
  let after = cursor && 's' in cursor ? cursor.k : undefined;
  const records: LeadRecord[] = [];
  while (index < statuses.length) {
    const status = statuses[index] as DraftStatus;
    const page = await deps.store.listDrafts(status, {
      limit: limit - records.length,
      ...(after ? { after } : {}),
    });
    records.push(...page.records);
    if (page.next) return { records, next: { s: status, k: page.next } };
    index++;
    after = undefined;
    if (records.length >= limit)
      return index < statuses.length ? { records, next: { s: statuses[index] as DraftStatus } } : { records };
  }
  return { records };
};

/** A rep's page: their own leads with a draft in that status, sorted here in inbox order, paged by offset. */
const repPage = async (
  deps: ReviewDeps,
  p: Principal,
  wanted: DraftStatus | 'all',
  limit: number,
  cursor: Cursor | undefined,
): Promise<{ records: LeadRecord[]; next?: Cursor }> => {
  if (cursor && !('o' in cursor)) throw badCursor();
  const offset = cursor && 'o' in cursor ? cursor.o : 0;
  // The store returns only leads with a draft in that status; the owner check stays as authorization.
  const own = (await deps.store.listByOwner(p.personId, wanted))
    .filter((r) => isOwn(p, r))
    .map((r) => ({ r, key: inboxOrderKey(r) }))
    .sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0))
    .map(({ r }) => r);
  const records = own.slice(offset, offset + limit);
  return offset + limit < own.length ? { records, next: { o: offset + limit } } : { records };
};

/**
 * GET /drafts: the inbox, hot first, then the SLA due soonest (functions/agent/inbox-order.ts). A rep sees
 * their own leads, a manager everyone's. `status` (default pending, or `all`), `limit` (1..200, default 50)
 * and `cursor` (the previous page's `nextCursor`).
 */
export const listDrafts = async (
  deps: ReviewDeps,
  p: Principal,
  query: DraftQuery = {},
): Promise<DraftPage> => {
  forbidOps(p);
  const wanted = query.status || 'pending';
  if (wanted !== 'all' && !(DRAFT_STATUSES as readonly string[]).includes(wanted))
    throw new DomainError('invalid', `status must be one of ${DRAFT_STATUSES.join(', ')} or all`, {
      field: 'status',
    });
  const status = wanted as DraftStatus | 'all';
  const limit = pageLimit(query.limit);
  const cursor = query.cursor ? decodeCursor(query.cursor) : undefined;
  const page =
    p.role === 'manager'
      ? await managerPage(deps, status, limit, cursor)
      : await repPage(deps, p, status, limit, cursor);
  return {
    items: page.records.map((r) => inboxItem(r, deps.people)),
    ...(page.next ? { nextCursor: encodeCursor(page.next) } : {}),
  };
};

const text = (value: unknown, field: string, max: number): string => {
  if (typeof value !== 'string' || !value.trim())
    throw new DomainError('invalid', `${field} is required`, { field });
  if (value.length > max)
    throw new DomainError('invalid', `${field} is longer than ${max} characters`, { field });
  return value;
};

export interface DraftEdit {
  readonly subject?: unknown;
  readonly body?: unknown;
}

/**
 * A rep's edit, sanitised. The guardrails (an HTML sanitiser and the public-suffix list) load with the first
 * edit, not with the review API: most of its requests never edit a draft.
 */
const editOf = async (deps: ReviewDeps, record: LeadRecord, edit: DraftEdit, required: boolean) => {
  if (!required && edit.subject === undefined && edit.body === undefined) return undefined;
  const subject = text(edit.subject, 'subject', 200);
  const body = text(edit.body, 'body', 20_000);
  const { sanitiseRepEdit } = await import('../draft/guardrails');
  const clean = sanitiseRepEdit({ subject, body }, await deps.draftAllowList?.(record));
  const problem = clean.problems[0];
  if (problem) throw new DomainError('invalid', problem.message, { field: problem.field });
  if (!clean.subject) throw new DomainError('invalid', 'subject is required', { field: 'subject' });
  if (!clean.body) throw new DomainError('invalid', 'body is required', { field: 'body' });
  return { subject: clean.subject, body: clean.body, removed: clean.removed };
};

/** What the sanitiser took out of an edit, said to the editor; nothing when nothing was. */
const removedNote = (content: { removed: string[] } | undefined) =>
  content && content.removed.length > 0
    ? { removed: content.removed, message: `Removed from your edit: ${content.removed.join('; ')}` }
    : {};

const conflict = (status: string) =>
  new DomainError('conflict', `The draft is ${status} and can no longer be changed`);

/** The draft's state after a write that lost: someone else acted first. */
const currentDraftStatus = async (deps: ReviewDeps, leadId: string) =>
  (await deps.store.get(leadId))?.draft?.status ?? 'changed';

/** Refuses a draft action the lifecycle does not allow from the draft's current state. */
const allowed = (status: DraftStatus, command: 'edit' | 'approve' | 'reject') => {
  if (!decideDraft(status, command).ok) throw conflict(status);
};

export const editDraft = async (deps: ReviewDeps, p: Principal, leadId: string, edit: DraftEdit) => {
  const { record, draft } = await draftOf(deps, p, leadId);
  const content = (await editOf(deps, record, edit, true))!;
  allowed(draft.status, 'edit');
  const audit: AuditEntry = {
    at: deps.now().toISOString(),
    by: p.personId,
    action: 'edit_draft',
    detail: { subjectChanged: content.subject !== draft.subject, bodyChanged: content.body !== draft.body },
    seen: scoreSeen(record),
  };
  if (!(await deps.store.editDraft(leadId, content, audit)))
    throw conflict(await currentDraftStatus(deps, leadId));
  return { leadId, status: 'pending' as const, ...removedNote(content) };
};

/**
 * pending → approved (conditional), then one send message. A second approval finds the draft no longer
 * pending and answers the current status (`accepted: false`). While the draft is still `approved` (its send
 * message may have been lost between the approval write and the enqueue) it queues the message again: safe,
 * because the send step lets exactly one attempt move a draft from approved to sending.
 */
export const approveDraft = async (deps: ReviewDeps, p: Principal, leadId: string, edit: DraftEdit = {}) => {
  const { record, draft } = await draftOf(deps, p, leadId);
  const content = await editOf(deps, record, edit, false);
  const answerLater = async (status: DraftStatus | 'changed') => {
    if (status === 'approved') await deps.sendQueue.send({ leadId });
    if (status !== 'changed' && APPROVED_OR_LATER.includes(status))
      return { accepted: false, leadId, status } as const;
    throw conflict(status);
  };
  if (!decideDraft(draft.status, 'approve').ok) return answerLater(draft.status);
  const audit: AuditEntry = {
    at: deps.now().toISOString(),
    by: p.personId,
    action: 'approve',
    ...(content ? { detail: { edited: true } } : {}),
    seen: scoreSeen(record),
  };
  if (!(await deps.store.approveDraft(leadId, content, audit))) {
    const current = await currentDraftStatus(deps, leadId);
    // Another approval won: its send message is on its way, so only answer.
    if (current !== 'changed' && APPROVED_OR_LATER.includes(current))
      return { accepted: false, leadId, status: current } as const;
    throw conflict(current);
  }
  await deps.sendQueue.send({ leadId });
  return { accepted: true, leadId, status: 'approved' as const, ...removedNote(content) };
};

export const rejectDraft = async (
  deps: ReviewDeps,
  p: Principal,
  leadId: string,
  body: { reason?: unknown },
) => {
  const { record, draft } = await draftOf(deps, p, leadId);
  const reason = text(body.reason, 'reason', 1000);
  allowed(draft.status, 'reject');
  const audit: AuditEntry = {
    at: deps.now().toISOString(),
    by: p.personId,
    action: 'reject',
    reason,
    seen: scoreSeen(record),
  };
  if (!(await deps.store.rejectDraft(leadId, reason, audit)))
    throw conflict(await currentDraftStatus(deps, leadId));
  return { leadId, status: 'rejected' as const };
};

const ownerTarget = (deps: ReviewDeps, body: { ownerId?: unknown }) => {
  const ownerId = text(body.ownerId, 'ownerId', 64);
  const target = deps.people.get(ownerId);
  if (!target || (target.role !== 'rep' && target.role !== 'manager'))
    throw new DomainError('invalid', 'ownerId must be a rep or manager of team.yaml', { field: 'ownerId' });
  return ownerId;
};

/**
 * A manager gives a lead nobody works (nurture) to a rep (lifecycle `assign`): the route names the rep (SLA
 * from now by the lead's effective tier), the rep's open load is taken in their team, and the lead is drafted
 * for its new owner through the draft queue (the outbox re-sends a lost message).
 */
const assignUnowned = async (
  deps: ReviewDeps,
  p: Principal,
  record: LeadRecord,
  ownerId: string,
  reason: string,
) => {
  const decision = decideLead(record.status, 'assign');
  if (!decision.ok)
    throw new DomainError('conflict', `The lead is ${record.status} and has no owner to change`);
  if (!deps.routing || !deps.draftQueue)
    throw new Error('assigning needs the routing setup and the draft queue');
  const now = deps.now();
  const team = [...deps.routing.teams.teams.values()].find((t) =>
    t.members.some((m) => m.person.id === ownerId),
  );
  const { route: decided } = decideRoute(
    { kind: 'owner', ownerId, ruleId: 'manual', reason: `Assigned by ${p.name}: ${reason}` },
    deps.routing,
    { tier: effectiveTier(record) ?? 'warm', submittedAt: now.toISOString(), now },
  );
  const route = team ? { ...decided, team: team.id } : decided;
  const audit: AuditEntry = {
    at: now.toISOString(),
    by: p.personId,
    action: 'assign',
    reason,
    detail: { from: record.route?.ownerId ?? 'nobody', to: ownerId, fromStatus: record.status },
  };
  const assignment = { route, ...(team ? { loadTaken: `${team.id}#${ownerId}` } : {}) };
  if (!(await deps.store.assignLead(record.leadId, assignment, decision, audit)))
    throw new DomainError('conflict', 'The lead changed meanwhile; reload and try again');
  await deps.draftQueue.send({ leadId: record.leadId });
  return { leadId: record.leadId, ownerId, status: decision.to };
};

/**
 * The load a reassign hands to `ownerId`: their capacity in the lead's team when they are in it, else in their
 * first team (a manager outside the teams takes none). Only a lead an owner works counts toward a load.
 */
export const loadHandover = (
  routing: RoutingSetup,
  record: LeadRecord,
  ownerId: string,
): LoadHandover | undefined => {
  if (!(LOAD_STATES as readonly string[]).concat('failed').includes(record.status)) return { max: null };
  const teams = [...routing.teams.teams.values()];
  const memberIn = (teamId: string | undefined) =>
    teams.find((t) => t.id === teamId)?.members.find((m) => m.person.id === ownerId);
  const own = memberIn(record.route?.team);
  if (own) return { take: `${record.route?.team}#${ownerId}`, max: own.maxOpenLeads };
  for (const team of teams) {
    const member = team.members.find((m) => m.person.id === ownerId);
    if (member) return { take: `${team.id}#${ownerId}`, max: member.maxOpenLeads };
  }
  return { max: null };
};

/** POST /leads/{id}/assign: any lead to a rep; an owned lead changes owner, a nurtured one gets its first. */
export const assignLead = async (
  deps: ReviewDeps,
  p: Principal,
  leadId: string,
  body: { ownerId?: unknown; reason?: unknown },
) => reassignLead(deps, p, leadId, body);

export const reassignLead = async (
  deps: ReviewDeps,
  p: Principal,
  leadId: string,
  body: { ownerId?: unknown; reason?: unknown },
) => {
  if (p.role !== 'manager') throw new DomainError('forbidden', 'Only managers reassign leads');
  const reason = text(body.reason, 'reason', 1000);
  const ownerId = ownerTarget(deps, body);
  const record = await readableLead(deps.store, p, leadId);
  if (record.route?.kind !== 'owner') {
    if (record.status === 'nurture') return assignUnowned(deps, p, record, ownerId, reason);
    throw new DomainError('conflict', 'This lead has no owner to change');
  }
  if (!decideLead(record.status, 'reassign').ok)
    throw new DomainError('conflict', `The lead is ${record.status} and can no longer be reassigned`);
  const from = record.route.ownerId ?? '';
  if (from === ownerId) return { leadId, ownerId };
  const audit: AuditEntry = {
    at: deps.now().toISOString(),
    by: p.personId,
    action: 'reassign',
    reason,
    detail: { from, to: ownerId },
    seen: scoreSeen(record),
  };
  const load = deps.routing ? loadHandover(deps.routing, record, ownerId) : undefined;
  const done = await deps.store.reassign(leadId, { from, to: ownerId }, audit, load);
  if (done === 'at_capacity')
    throw new DomainError(
      'conflict',
      `${deps.people.get(ownerId)?.name ?? ownerId} is at capacity (${load?.max} open leads); choose someone else`,
      { field: 'ownerId' },
    );
  if (!done) throw new DomainError('conflict', 'The lead changed meanwhile; reload and try again');
  // The deal and contact get the new owner, who gets the follow-up task.
  await notifyCrm(deps.crm, { leadId, trigger: 'routed' });
  return { leadId, ownerId };
};

export const overrideScore = async (
  deps: ReviewDeps,
  p: Principal,
  leadId: string,
  body: { tier?: unknown; total?: unknown; reason?: unknown },
) => {
  forbidOps(p);
  const record = await readableLead(deps.store, p, leadId);
  const reason = text(body.reason, 'reason', 1000);
  if (body.tier !== undefined && !(TIERS as readonly unknown[]).includes(body.tier))
    throw new DomainError('invalid', 'tier must be cold, warm or hot', { field: 'tier' });
  if (
    body.total !== undefined &&
    (typeof body.total !== 'number' || !Number.isFinite(body.total) || body.total < 0 || body.total > 300)
  )
    throw new DomainError('invalid', 'total must be a number 0..300', { field: 'total' });
  if (body.tier === undefined && body.total === undefined)
    throw new DomainError('invalid', 'give a tier or a total', { field: 'tier' });
  if (!record.score || !decideLead(record.status, 'override').ok)
    throw new DomainError('conflict', 'This lead is not scored yet');
  const at = deps.now().toISOString();
  const override: ScoreOverride = {
    ...(body.tier !== undefined ? { tier: body.tier as Tier } : {}),
    ...(body.total !== undefined ? { total: body.total as number } : {}),
    reason,
    by: p.personId,
    at,
  };
  const audit: AuditEntry = {
    at,
    by: p.personId,
    action: 'override',
    reason,
    detail: { fromTier: record.score.tier, fromTotal: record.score.total, ...override },
    seen: scoreSeen(record),
  };
  // A nurtured lead raised to hot or warm is routed again: an owner and a first draft, the normal way.
  const raised = override.tier === 'hot' || override.tier === 'warm';
  const reroute = raised && deps.qualifyQueue ? decideLead(record.status, 'reroute') : undefined;
  const move = reroute?.ok ? reroute : undefined;
  if (!(await deps.store.overrideScore(leadId, override, audit, move)))
    throw new DomainError('conflict', 'The lead changed meanwhile; reload and try again');
  if (move && deps.qualifyQueue) await deps.qualifyQueue.send({ leadId });
  return { leadId, override, rerouted: move !== undefined };
};
