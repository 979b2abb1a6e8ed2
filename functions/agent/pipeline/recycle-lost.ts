/**
 * Re-qualifying old leads (config/follow-up.yaml `requalify`): a deal lost long ago is worth another look, so the
 * daily job sends each lead closed lost more than `recycleLostAfterDays` ago back to nurture (lifecycle `recycle`,
 * the nurture owner, no rep load). From there the daily re-score and new activity can raise its tier, which routes
 * it to a rep again (rescore-lead.ts). Read through the owner index, no scan; idempotent (a recycled lead is no
 * longer lost, and the write requires the outcome it read).
 */
import type { FollowUpFile } from '../follow-up';
import type { AuditEntry } from '../lead-record';
import { decideLead } from '../lifecycle';
import type { RecycleStore } from '../ports';
import type { Route } from '../qualification';
import type { RoutingSetup } from '../route';

export interface RecycleDeps {
  readonly store: RecycleStore;
  readonly routing: RoutingSetup;
  readonly followUp: () => FollowUpFile;
  /** Every person who can own a lead. */
  readonly ownerIds: readonly string[];
  readonly now: () => Date;
}

export interface RecycleResult {
  readonly candidates: number;
  readonly recycled: number;
}

export const recycleLostLeads = async (deps: RecycleDeps): Promise<RecycleResult> => {
  const days = deps.followUp().requalify.recycleLostAfterDays;
  if (days === null) return { candidates: 0, recycled: 0 };
  const now = deps.now();
  const cutoff = new Date(now.getTime() - days * 86_400_000).toISOString();
  const leads = await deps.store.lostLeads(deps.ownerIds, cutoff);
  let recycled = 0;
  for (const record of leads) {
    const move = decideLead(record.status, 'recycle');
    const outcome = record.outcome;
    if (!move.ok || !outcome) continue;
    const closed = outcome.at.slice(0, 10);
    const route: Route = {
      kind: 'nurture',
      ownerId: deps.routing.routing.nurture.owner,
      ruleId: 'recycle',
      reason: `Closed lost on ${closed}; back to nurture after ${days} days`,
      routingVersion: deps.routing.version,
      assignedAt: now.toISOString(),
    };
    const audit: AuditEntry = {
      at: now.toISOString(),
      by: 'system',
      action: 'recycle',
      reason: `Closed lost more than ${days} days ago`,
      detail: { fromOwner: record.route?.ownerId ?? 'nobody', closedAt: outcome.at },
    };
    if (await deps.store.recycleLead(record.leadId, { route, outcomeId: outcome.id }, move, audit))
      recycled++;
  }
  return { candidates: leads.length, recycled };
};
