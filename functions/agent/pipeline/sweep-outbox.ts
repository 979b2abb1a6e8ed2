/**
 * The outbox sweeper's use case. Every lead intake stores sits in the outbox until drafting records a result
 * (or a step records its final error); the sweeper re-queues leads that waited there too long, so a lead
 * accepted with a 202 is never left behind.
 */
import type { LeadQueue, LeadStore } from '../ports';

/** After this many re-queues a lead that still does not finish is marked failed, visibly, instead of looping. */
export const MAX_OUTBOX_SWEEPS = 5;

/**
 * The sweeper: re-queue leads that waited too long in the outbox — never queued, a message lost, or a message
 * dead-lettered by crashes that could not record an error (a timeout, an out-of-memory). Qualification is
 * idempotent and hands the lead on to drafting again. Returns how many it queued.
 */
export const sweepOutbox = async (
  deps: { store: LeadStore; qualifyQueue: LeadQueue; now?: () => Date },
  options: { olderThanSeconds: number; limit: number },
): Promise<number> => {
  const ids = await deps.store.listOutbox(options.olderThanSeconds, options.limit);
  let queued = 0;
  for (const leadId of ids) {
    const sweeps = await deps.store.rearmOutbox(leadId);
    if (sweeps === 0) continue;
    if (sweeps > MAX_OUTBOX_SWEEPS) {
      const lead = await deps.store.get(leadId);
      await deps.store.recordError(
        leadId,
        {
          step: lead?.score ? 'draft' : 'enrich',
          message: `StuckLead: not finished after ${MAX_OUTBOX_SWEEPS} re-queues; see the DLQ`,
          attempts: sweeps,
          at: (deps.now?.() ?? new Date()).toISOString(),
        },
        true,
      );
      continue;
    }
    await deps.qualifyQueue.send({ leadId });
    queued++;
  }
  return queued;
};
