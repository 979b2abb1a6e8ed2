/**
 * Qualification of one lead: enrich (tools in parallel) → score (pure rules, ledger) → route (rules, then a
 * fair rotation) → hand over to drafting. Idempotent: each step's result is stored once, conditionally, and
 * a redelivered message resumes where the last delivery stopped — it never re-scores a scored lead, never
 * assigns a second owner and never advances a rotation twice.
 */

import { notifyCrm } from '../crm/notify';
import type { Enrichment } from '../enrichment';
import type { DispositionsFile } from '../judge/disposition';
import type { Lead } from '../lead';
import type { LeadRecord, PipelineStep, StepTiming } from '../lead-record';
import type { CrmNotifier, LeadQueue, LeadStore, StepTimings } from '../ports';
import type { Route, Score, Tier } from '../qualification';
import { matchRoute, type RouteMatch, type RoutingSetup } from '../route';
import { type CompiledRules, scoreEnrichedLead } from '../score';

export interface QualifyDeps {
  readonly store: LeadStore;
  readonly enrich: (lead: Lead) => Promise<Enrichment>;
  readonly rules: CompiledRules;
  /** Where non-sales submissions go and the competitor domains (config/dispositions.yaml). */
  readonly dispositions?: DispositionsFile;
  readonly routing: RoutingSetup;
  /**
   * Stores the route on the lead atomically with any rotation step, and the route step's timing (taken at the
   * write) in the same write; returns the stored route.
   */
  readonly assign: (input: {
    leadId: string;
    match: RouteMatch;
    tier: Tier;
    submittedAt: string;
    routeStep: () => StepTiming;
  }) => Promise<Route>;
  readonly draftQueue: LeadQueue;
  /** The CRM sync's trigger (absent: no CRM); told once the lead is routed, after the hand-over. */
  readonly crm?: CrmNotifier;
  readonly now: () => Date;
  /** Monotonic milliseconds, for step timings. */
  readonly clock: () => number;
  /**
   * A person who objected to profiling (functions/agent/privacy/rights.ts) is neither enriched nor scored:
   * their lead goes straight to a person (routing's fallback owner, else the nurture owner).
   */
  readonly privacy?: {
    objectsToProfiling(email: string | undefined): Promise<boolean>;
    routeWithoutScore(leadId: string, route: Route, steps: StepTimings): Promise<boolean>;
  };
  /** After the hand-over of a scored lead (routed or nurtured): attaches events parked for its address. */
  readonly afterQualify?: (record: LeadRecord) => Promise<unknown>;
}

export type QualifyOutcome =
  | { readonly outcome: 'routed' | 'nurture'; readonly route: Route; readonly score: Score }
  | { readonly outcome: 'skipped'; readonly reason: 'missing' | 'spam' | 'failed' }
  /** The person objected to profiling: routed to a person without enrichment or score. */
  | { readonly outcome: 'unscored'; readonly route: Route };

const timing = (ms: number, now: Date): StepTiming => ({
  ms: Math.round(ms * 100) / 100,
  at: now.toISOString(),
});

export const qualifyLead = async (leadId: string, deps: QualifyDeps): Promise<QualifyOutcome> => {
  let record = await deps.store.get(leadId);
  if (!record) return { outcome: 'skipped', reason: 'missing' };
  if (record.status === 'spam' || record.status === 'failed')
    return { outcome: 'skipped', reason: record.status };

  if (record.unscored && record.route) return { outcome: 'unscored', route: record.route };
  if (
    !record.enrichment &&
    !record.route &&
    deps.privacy &&
    (await deps.privacy.objectsToProfiling(record.lead.person.email))
  ) {
    const t0 = deps.clock();
    const now = deps.now();
    const { fallback, nurture } = deps.routing.routing;
    const route: Route = {
      kind: 'owner',
      ownerId: fallback.owner ?? nurture.owner,
      ruleId: 'profiling-objection',
      reason: 'The person objected to profiling: not scored, a person assesses the lead',
      routingVersion: deps.routing.version,
      assignedAt: now.toISOString(),
    };
    await deps.privacy.routeWithoutScore(leadId, route, { route: timing(deps.clock() - t0, now) });
    const stored = (await deps.store.get(leadId))?.route ?? route;
    return { outcome: 'unscored', route: stored };
  }

  let { enrichment, score } = record;
  if (!enrichment || !score) {
    const t0 = deps.clock();
    enrichment = await deps.enrich(record.lead);
    const t1 = deps.clock();
    const now = deps.now();
    score = scoreEnrichedLead(record.lead, enrichment, deps.rules, now, {
      ...(deps.dispositions ? { dispositions: deps.dispositions } : {}),
    });
    const t2 = deps.clock();
    const steps: Partial<Record<PipelineStep, StepTiming>> = {
      enrich: timing(t1 - t0, now),
      score: timing(t2 - t1, now),
    };
    const saved = await deps.store.saveQualification(leadId, { enrichment, score, cause: 'qualify', steps });
    if (!saved) {
      // A concurrent delivery scored it first: continue with what is stored, so everyone agrees.
      record = (await deps.store.get(leadId)) ?? record;
      enrichment = record.enrichment ?? enrichment;
      score = record.score ?? score;
    }
  }

  let route = record.route;
  if (!route) {
    const t0 = deps.clock();
    // A person's override (a nurtured lead raised to hot) routes by the tier and total they gave.
    const o = record.override;
    const effective = o ? { ...score, tier: o.tier ?? score.tier, total: o.total ?? score.total } : score;
    const match = matchRoute({ lead: record.lead, enrichment, score: effective }, deps.routing);
    // Its SLA runs from the moment the person raised it.
    const submittedAt = o ? o.at : record.lead.submittedAt;
    route = await deps.assign({
      leadId,
      match,
      tier: effective.tier,
      submittedAt,
      routeStep: () => timing(deps.clock() - t0, deps.now()),
    });
  }

  // Drafting is idempotent too; re-sending on redelivery guarantees the hand-over is never lost.
  if (!record.rationale) await deps.draftQueue.send({ leadId });
  // The CRM sync runs on its own queue, after the hand-over: it never holds up drafting. A redelivery tells
  // it again (the sync recognises a job it has done).
  await notifyCrm(deps.crm, { leadId, trigger: 'routed' });
  await deps.afterQualify?.(record);
  return { outcome: route.kind === 'nurture' ? 'nurture' : 'routed', route, score };
};
