/**
 * Triggers of the CRM sync, as the pipeline steps see them: a `CrmNotifier` (functions/agent/ports.ts) that
 * puts a job on the CRM queue. A step calls it after its own result is stored and its hand-over is sent, and
 * it never fails or holds up the step:
 * - the job goes on the queue (ids only);
 * - when the queue does not take it, the job is kept as pending (`CrmPendingJobs`) and the CRM outbox
 *   sweeper queues it later;
 * - when neither works, `onLost` hears of it (ids only) — the next trigger of the same lead syncs the lead's
 *   whole current state (company, contact, deal), so only that trigger's own activity can be missing.
 */
import type { CrmNotice, CrmNotifier } from '../ports';
import type { CrmPendingJobs } from './port';
import type { CrmJob } from './types';

/** The notifier of a deployment without a CRM (`CRM=none`). */
export const noCrm: CrmNotifier = { notify: async () => {} };

/**
 * Calls `notifier` (when there is one) and swallows whatever it throws despite its contract: the CRM never
 * fails a pipeline step.
 */
export const notifyCrm = async (notifier: CrmNotifier | undefined, notice: CrmNotice): Promise<void> => {
  if (!notifier) return;
  try {
    await notifier.notify(notice);
  } catch {
    // The notifier's own fallbacks failed too; the next trigger of the lead syncs its current state.
  }
};

export interface QueuedNotifierDeps {
  /** The CRM queue. */
  readonly queue: { send(job: CrmJob): Promise<void> };
  readonly pending: CrmPendingJobs;
  readonly now: () => Date;
  /** The queue refused the job; it is kept as pending (ids and error class only). */
  readonly onDeferred?: (notice: CrmNotice, error: unknown) => void;
  /** Neither the queue nor the pending store took the job. */
  readonly onLost?: (notice: CrmNotice, error: unknown) => void;
}

const jobOf = (notice: CrmNotice): CrmJob => ({
  leadId: notice.leadId,
  trigger: notice.trigger,
  ...(notice.outcome ? { outcome: notice.outcome } : {}),
});

/** Queue first; when the queue fails, keep the job as pending for the sweeper; never throws. */
export const queuedCrmNotifier = (deps: QueuedNotifierDeps): CrmNotifier => ({
  async notify(notice) {
    const job = jobOf(notice);
    try {
      await deps.queue.send(job);
      return;
    } catch (error) {
      deps.onDeferred?.(notice, error);
    }
    try {
      await deps.pending.keep(job, deps.now().toISOString());
    } catch (error) {
      deps.onLost?.(notice, error);
    }
  },
});

/**
 * The CRM outbox sweeper: queues the jobs a notifier had to keep as pending, oldest first, and forgets each
 * once the queue took it. Stops at the first queue failure (the queue is still down; the next run goes on).
 */
export const sweepPendingCrmJobs = async (
  deps: { readonly pending: CrmPendingJobs; readonly queue: { send(job: CrmJob): Promise<void> } },
  options: { readonly limit: number },
): Promise<{ queued: number; left: number }> => {
  const jobs = await deps.pending.list(options.limit);
  let queued = 0;
  for (const { key, job } of jobs) {
    try {
      await deps.queue.send(job);
    } catch {
      break;
    }
    await deps.pending.remove(key);
    queued++;
  }
  return { queued, left: jobs.length - queued };
};
