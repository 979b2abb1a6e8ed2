/**
 * What happened after the first email: the owner or a manager records an outcome (contacted, no response,
 * meeting booked, disqualified, won, lost), or a CRM reports one; a closed lead can be reopened. Which outcome
 * is allowed from which lead state is the lifecycle's (functions/agent/lifecycle.ts); each is one named store
 * write with its audit entry, and closing releases the owner's open load exactly once (reopening takes it again).
 *
 * Idempotent: recording the outcome the lead already shows (a double click, a retried request, the CRM telling
 * us what we told it) changes nothing and answers `recorded: false`; so does reopening an open lead.
 *
 * Authorization (roles from functions/agent/auth/principal.ts): a rep on their own leads, a manager on every
 * lead; a rep on another rep's lead and ops are refused (`forbidden`).
 */
import * as z from 'zod';
import type { Principal } from '../auth/principal';
import { DomainError } from '../errors';
import type { AuditEntry, LeadRecord, OutcomeRecord } from '../lead-record';
import {
  decideLead,
  type LeadStatus,
  LOAD_STATES,
  leadTo,
  OUTCOMES,
  type Outcome,
  outcomeCommand,
} from '../lifecycle';
import type { OutcomeStore } from '../ports';

export interface OutcomeDeps {
  readonly store: OutcomeStore;
  readonly now: () => Date;
}

/** Who records: a signed-in person, or a system (a CRM) that reports an outcome for a lead it knows. */
export type OutcomeActor =
  | { readonly kind: 'person'; readonly principal: Principal }
  | { readonly kind: 'system'; readonly source: string };

/** How far in the future `at` may lie (clock skew between a laptop and us). */
const FUTURE_SKEW_MS = 5 * 60_000;
/** The largest deal value taken. */
const MAX_VALUE = 1e12;

/** The body of `POST /leads/{id}/outcome`. Unknown fields are ignored. */
export interface OutcomeRequest {
  readonly outcome: Outcome;
  readonly reason?: string;
  readonly value?: number;
  readonly at?: string;
}

const RequestSchema = z.object({
  outcome: z.enum(OUTCOMES, { error: `outcome must be one of ${OUTCOMES.join(', ')}` }),
  reason: z
    .string({ error: 'reason must be text' })
    .trim()
    .min(1, { error: 'reason must not be empty' })
    .max(1000, { error: 'reason is longer than 1000 characters' })
    .optional(),
  value: z
    .number({ error: 'value must be a number' })
    .finite({ error: 'value must be a finite number' })
    .min(0, { error: 'value must not be negative' })
    .max(MAX_VALUE, { error: `value must be at most ${MAX_VALUE}` })
    .optional(),
  at: z.iso
    .datetime({ offset: true, error: 'at must be an ISO date-time, e.g. 2026-03-02T10:00:00Z' })
    .optional(),
});

/** The request validated: a DomainError `invalid` naming the first field at fault. */
export const parseOutcomeRequest = (body: unknown): OutcomeRequest => {
  const parsed = RequestSchema.safeParse(body ?? {});
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => ({
      field: i.path.length ? i.path.map(String).join('.') : 'body',
      message: i.message,
    }));
    throw new DomainError('invalid', issues[0]?.message ?? 'The request is not valid', { issues });
  }
  const { outcome, reason, value, at } = parsed.data;
  return {
    outcome,
    ...(reason !== undefined ? { reason } : {}),
    ...(value !== undefined ? { value } : {}),
    ...(at !== undefined ? { at } : {}),
  };
};

const actorId = (actor: OutcomeActor) => (actor.kind === 'person' ? actor.principal.personId : actor.source);

/** The lead, if this actor may record on it. */
const workableLead = async (deps: OutcomeDeps, actor: OutcomeActor, leadId: string): Promise<LeadRecord> => {
  if (actor.kind === 'person' && actor.principal.role === 'ops')
    throw new DomainError('forbidden', 'Ops cannot record outcomes');
  const record = await deps.store.get(leadId);
  if (!record) throw new DomainError('not_found', 'No lead with this id', { field: 'id' });
  if (
    actor.kind === 'person' &&
    actor.principal.role === 'sales' &&
    record.route?.ownerId !== actor.principal.personId
  )
    throw new DomainError('forbidden', 'Only the owner of this lead or a manager can do this');
  return record;
};

/**
 * Whether the lead already shows this outcome: it is in the state the outcome leads to (contacted: the first
 * email went out), or, for an outcome that keeps the state (no response), it is the latest one recorded.
 */
const alreadyShows = (record: LeadRecord, outcome: Outcome): boolean => {
  const target = leadTo(outcomeCommand(outcome));
  return target === undefined ? record.outcome?.outcome === outcome : record.status === target;
};

export interface OutcomeResult {
  readonly leadId: string;
  readonly outcome: Outcome;
  readonly status: LeadStatus;
  /** False when the lead already showed this outcome: nothing was written. */
  readonly recorded: boolean;
}

const refused = (record: LeadRecord, outcome: Outcome, allowedFrom: readonly LeadStatus[]) =>
  new DomainError(
    'conflict',
    `The lead is ${record.status}; ${outcome} can be recorded when it is ${allowedFrom.join(', ')}`,
    { field: 'outcome' },
  );

/** Records what happened on the lead (`record_outcome:<outcome>`), once. */
export const recordOutcome = async (
  deps: OutcomeDeps,
  actor: OutcomeActor,
  leadId: string,
  body: unknown,
): Promise<OutcomeResult> => {
  const request = parseOutcomeRequest(body);
  const record = await workableLead(deps, actor, leadId);
  const now = deps.now();
  if (request.at !== undefined) {
    const at = Date.parse(request.at);
    if (at > now.getTime() + FUTURE_SKEW_MS)
      throw new DomainError('invalid', 'at must not lie in the future', { field: 'at' });
    if (at < Date.parse(record.receivedAt))
      throw new DomainError('invalid', 'at must not lie before the lead arrived', { field: 'at' });
  }
  const answer = (status: LeadStatus, recorded: boolean): OutcomeResult => ({
    leadId,
    outcome: request.outcome,
    status,
    recorded,
  });
  if (alreadyShows(record, request.outcome)) return answer(record.status, false);
  const decision = decideLead(record.status, outcomeCommand(request.outcome));
  if (!decision.ok) throw refused(record, request.outcome, decision.allowedFrom);

  const recordedAt = now.toISOString();
  const by = actorId(actor);
  const outcome: OutcomeRecord = {
    id: `${request.outcome}:${recordedAt}:${by}`,
    outcome: request.outcome,
    at: request.at ? new Date(request.at).toISOString() : recordedAt,
    recordedAt,
    by,
    source: actor.kind === 'person' ? 'api' : actor.source,
    ...(request.reason !== undefined ? { reason: request.reason } : {}),
    ...(request.value !== undefined ? { value: request.value } : {}),
    from: decision.from,
    to: decision.to,
  };
  const audit: AuditEntry = {
    at: recordedAt,
    by,
    action: 'outcome',
    ...(request.reason !== undefined ? { reason: request.reason } : {}),
    detail: {
      outcome: request.outcome,
      from: decision.from,
      to: decision.to,
      ...(request.value !== undefined ? { value: request.value } : {}),
    },
  };
  if (await deps.store.recordOutcome(leadId, decision, outcome, audit)) return answer(decision.to, true);
  // Lost to a concurrent write: the same outcome recorded meanwhile is a repeat, anything else a conflict.
  const current = await deps.store.get(leadId);
  if (current && alreadyShows(current, request.outcome)) return answer(current.status, false);
  throw new DomainError('conflict', 'The lead changed meanwhile; reload and try again');
};

export interface ReopenResult {
  readonly leadId: string;
  readonly status: LeadStatus;
  /** False when the lead was open already: nothing was written. */
  readonly reopened: boolean;
}

const ReopenSchema = z.object({
  reason: z
    .string({ error: 'reason must be text' })
    .trim()
    .min(1, { error: 'reason must not be empty' })
    .max(1000, { error: 'reason is longer than 1000 characters' })
    .optional(),
});

/** A closed lead (won, lost, disqualified) back to its owner as an open lead (`reopen`); the load is taken again. */
export const reopenLead = async (
  deps: OutcomeDeps,
  actor: OutcomeActor,
  leadId: string,
  body: unknown,
): Promise<ReopenResult> => {
  const parsed = ReopenSchema.safeParse(body ?? {});
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const field = issue?.path.length ? issue.path.map(String).join('.') : 'body';
    throw new DomainError('invalid', issue?.message ?? 'The request is not valid', { field });
  }
  const record = await workableLead(deps, actor, leadId);
  const decision = decideLead(record.status, 'reopen');
  if (!decision.ok) {
    // Open already (reopened by someone else, or never closed): nothing to do.
    if (LOAD_STATES.includes(record.status)) return { leadId, status: record.status, reopened: false };
    throw new DomainError('conflict', `The lead is ${record.status}; only a closed lead can be reopened`);
  }
  if (record.route?.kind !== 'owner' || !record.route.ownerId)
    throw new DomainError('conflict', 'This lead has no owner to reopen it for; assign it to a rep');
  const at = deps.now().toISOString();
  const audit: AuditEntry = {
    at,
    by: actorId(actor),
    action: 'reopen',
    ...(parsed.data.reason !== undefined ? { reason: parsed.data.reason } : {}),
    detail: { from: decision.from, to: decision.to },
  };
  if (await deps.store.reopen(leadId, decision, audit))
    return { leadId, status: decision.to, reopened: true };
  const current = await deps.store.get(leadId);
  if (current && LOAD_STATES.includes(current.status))
    return { leadId, status: current.status, reopened: false };
  throw new DomainError('conflict', 'The lead changed meanwhile; reload and try again');
};
