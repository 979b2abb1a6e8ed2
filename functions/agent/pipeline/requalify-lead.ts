/**
 * Re-qualifying old nurtured leads: what enrichment found about a company months ago (size, registry, website,
 * hiring) may no longer hold. A lead in nurture whose enrichment is older than `requalifyAfterDays`
 * (config/follow-up.yaml) is queued by the daily job on the qualify queue (`{ leadId, requalify: true }`), where
 * the tools run again with their cache bypassed (the fresh answers refill it) and the lead is re-scored from the
 * new enrichment: one conditional write stores the enrichment with a score version whose cause is
 * `requalify:<UTC date>` (at most one a day). A tier that rises routes the lead to a rep (rescore-lead.ts).
 */
import type { Enrichment } from '../enrichment';
import type { Lead } from '../lead';
import type { LeadRecord } from '../lead-record';
import { type RescoreDeps, type RescoreOutcome, rescoreLead } from './rescore-lead';

const DAY_MS = 86_400_000;

/** When the lead's enrichment was gathered: the enrich step's finish, else when the lead came in. */
export const enrichedAt = (record: LeadRecord): string => record.steps.enrich?.at ?? record.receivedAt;

export const requalifyCause = (now: Date): string => `requalify:${now.toISOString().slice(0, 10)}`;

/**
 * Due for a re-qualification: in nurture (no rep owns it, not closed), scored from an enrichment older than
 * `afterDays`. (A second re-qualification the same day is refused by the store: its cause is recorded.)
 */
export const requalifyDue = (record: LeadRecord, afterDays: number | null, now: Date): boolean => {
  if (afterDays === null || record.status !== 'nurture') return false;
  if (!record.score || !record.enrichment || record.unscored) return false;
  return Date.parse(enrichedAt(record)) <= now.getTime() - afterDays * DAY_MS;
};

export interface RequalifyDeps extends RescoreDeps {
  /** Runs the enrichment tools afresh for the lead, bypassing (and refilling) their cache. */
  readonly enrichFresh: (lead: Lead) => Promise<Enrichment>;
  /** config/follow-up.yaml `requalify.requalifyAfterDays` (null: off). */
  readonly afterDays: number | null;
  readonly clock?: () => number;
}

/**
 * The qualify queue's `requalify` message: re-checks that the lead is still due (a redelivery, or a lead that
 * left nurture meanwhile, does nothing), enriches it afresh and records the new score version.
 */
export const requalifyLead = async (leadId: string, deps: RequalifyDeps): Promise<RescoreOutcome> => {
  const record = await deps.store.get(leadId);
  if (!record) return { outcome: 'skipped', reason: 'no such lead' };
  const now = deps.now();
  if (!requalifyDue(record, deps.afterDays, now)) return { outcome: 'skipped', reason: 'not due' };
  const clock = deps.clock ?? (() => performance.now());
  const t0 = clock();
  const enrichment = await deps.enrichFresh(record.lead);
  const ms = Math.round((clock() - t0) * 100) / 100;
  const at = deps.now();
  return rescoreLead(leadId, { ...deps, now: () => at }, requalifyCause(at), undefined, {
    enrichment,
    step: { ms, at: at.toISOString() },
  });
};
