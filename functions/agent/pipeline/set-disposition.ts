/**
 * POST /leads/{id}/disposition: a person (manager or ops; reps get 403) says what a lead really is — a sales
 * lead, or a job application, a vendor pitch, … (functions/agent/judge/disposition.ts). The lifecycle decides
 * the move (functions/agent/lifecycle.ts):
 * - a sales lead (or one disposed already) gets a non-sales kind → `dispose:nurture` / `dispose:disqualified`:
 *   off its owner (the open load is released), a pending or approved draft withdrawn, the nurture route; a
 *   `forward` kind is handed to the draft step, which sends the team its notification once;
 * - a non-sales lead becomes a sales lead → `requalify`: back to routing through the qualify queue (like a
 *   nurtured lead whose tier a person raised), so it gets an owner and a first draft the normal way.
 * Each is one conditional write with its audit entry (who, when, from → to, reason). Setting the kind the lead
 * already has changes nothing and answers `changed: false`.
 */
import type { Principal } from '../auth/principal';
import { DomainError } from '../errors';
import {
  DISPOSITIONS,
  type Disposition,
  type DispositionKind,
  type DispositionsFile,
} from '../judge/disposition';
import type { AuditEntry } from '../lead-record';
import { decideLead, disposeCommand, type LeadStatus } from '../lifecycle';
import type { DispositionStore, LeadQueue } from '../ports';
import { decideRoute, type RoutingSetup } from '../route';
import { DISPOSITION_RULE_ID } from '../route/match';

export interface DispositionDeps {
  readonly store: DispositionStore;
  /** Where a lead that is a sales lead after all goes to be routed again. */
  readonly qualifyQueue: LeadQueue;
  /**
   * The draft step, which also forwards (./forward-lead.ts): a lead a person disposes to a `forward` kind is
   * handed to it so that the team gets its notification (once; a drafted lead is not drafted again).
   */
  readonly draftQueue: LeadQueue;
  readonly routing: RoutingSetup;
  /** Each non-sales kind's destination (config/dispositions.yaml). */
  readonly dispositions: DispositionsFile;
  readonly now: () => Date;
}

export interface DispositionResult {
  readonly leadId: string;
  readonly disposition: DispositionKind;
  readonly status: LeadStatus;
  readonly changed: boolean;
  /** The lead went back to routing (a sales lead after all). */
  readonly requalified?: boolean;
  /** A draft that waited for review or for its send was withdrawn. */
  readonly draftWithdrawn?: boolean;
}

/** `sales_lead` is accepted for `sales`, the word a person uses. */
const kindOf = (value: unknown): DispositionKind => {
  const raw = value === 'sales_lead' ? 'sales' : value;
  if (typeof raw !== 'string' || !(DISPOSITIONS as readonly string[]).includes(raw))
    throw new DomainError('invalid', `disposition must be one of ${DISPOSITIONS.join(', ')}`, {
      field: 'disposition',
    });
  return raw as DispositionKind;
};

const reasonOf = (value: unknown): string | undefined => {
  if (value === undefined) return undefined;
  if (typeof value !== 'string') throw new DomainError('invalid', 'reason must be text', { field: 'reason' });
  if (value.length > 1000)
    throw new DomainError('invalid', 'reason is longer than 1000 characters', { field: 'reason' });
  return value.trim() || undefined;
};

const changedMeanwhile = () =>
  new DomainError('conflict', 'The lead changed meanwhile; reload and try again');

export const setDisposition = async (
  deps: DispositionDeps,
  p: Principal,
  leadId: string,
  body: { disposition?: unknown; reason?: unknown },
): Promise<DispositionResult> => {
  if (p.role === 'sales') throw new DomainError('forbidden', 'Only managers and ops set a disposition');
  const kind = kindOf(body.disposition);
  const given = reasonOf(body.reason);
  const record = await deps.store.get(leadId);
  if (!record) throw new DomainError('not_found', 'No lead with this id', { field: 'id' });
  if (!record.score) throw new DomainError('conflict', 'This lead is not qualified yet');
  const fromKind = record.score.disposition?.kind ?? record.disposition;
  const current = fromKind ?? 'sales';
  if (current === kind) return { leadId, disposition: kind, status: record.status, changed: false };

  const now = deps.now();
  const destination = kind === 'sales' ? undefined : deps.dispositions.destinations[kind];
  const reason = given ?? destination?.reason ?? `Set by ${p.name}`;
  const disposition: Disposition = {
    kind,
    reason,
    decidedBy: 'person',
    ...(destination ? { destination } : {}),
  };
  const command = kind === 'sales' ? 'requalify' : disposeCommand(kind);
  const move = decideLead(record.status, command);
  if (!move.ok)
    throw new DomainError(
      'conflict',
      `The lead is ${record.status}; its disposition can be changed when it is ${move.allowedFrom.join(', ')}`,
    );
  const audit: AuditEntry = {
    at: now.toISOString(),
    by: p.personId,
    action: kind === 'sales' ? 'requalify' : 'dispose',
    ...(given ? { reason: given } : {}),
    detail: { from: current, to: kind, fromStatus: move.from, toStatus: move.to },
  };

  if (kind === 'sales') {
    if (!(await deps.store.requalify(leadId, { disposition, fromKind }, move, audit)))
      throw changedMeanwhile();
    await deps.qualifyQueue.send({ leadId });
    return { leadId, disposition: kind, status: move.to, changed: true, requalified: true };
  }

  const { route } = decideRoute(
    {
      kind: 'nurture',
      ruleId: DISPOSITION_RULE_ID,
      reason: `Not a sales lead: ${reason}`,
      ownerId: deps.routing.routing.nurture.owner,
    },
    deps.routing,
    { tier: record.score.tier, submittedAt: now.toISOString(), now },
  );
  const draftStatus = record.draft?.status;
  const withdrawDraft = draftStatus === 'pending' || draftStatus === 'approved';
  const ok = await deps.store.dispose(
    leadId,
    { disposition, fromKind, route, draftStatus, withdrawDraft },
    move,
    audit,
  );
  if (!ok) throw changedMeanwhile();
  if (destination?.action === 'forward') await deps.draftQueue.send({ leadId });
  return {
    leadId,
    disposition: kind,
    status: move.to,
    changed: true,
    ...(withdrawDraft ? { draftWithdrawn: true } : {}),
  };
};
