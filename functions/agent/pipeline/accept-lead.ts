/**
 * Intake, after parsing: store the lead durably (with its exactly-once guard) BEFORE answering, then put
 * it on the qualify queue. Every stored lead sits in the outbox until qualification records a result; the
 * sweeper re-sends any that wait too long (enqueue failed, or a message was lost), so a 202 always means
 * "stored and will be qualified". Spam is stored too, but never queued.
 */
import type { Lead, Provider } from '../lead';
import type { LeadRecord, RawSubmission } from '../lead-record';
import type { LeadStore, MessageQueue } from '../ports';
import type { LeadStatus } from '../qualification';

export interface AcceptInput {
  readonly lead: Lead;
  readonly provider: Provider;
  readonly submissionId?: string;
  readonly dedupKey: string;
  readonly spam?: { readonly reason: string };
  readonly raw: RawSubmission;
  readonly receivedAt: Date;
}

export interface AcceptDeps {
  readonly store: LeadStore;
  readonly qualifyQueue: MessageQueue;
  readonly newLeadId: () => string;
  /** Window for content-based duplicates; provider submission ids are remembered for `submissionIdWindowSeconds`. */
  readonly dedupWindowSeconds: number;
  readonly submissionIdWindowSeconds: number;
  readonly clock: () => number;
  readonly onEnqueueFailure?: (leadId: string, error: unknown) => void;
}

export interface AcceptResult {
  readonly leadId: string;
  readonly status: LeadStatus;
  readonly duplicate: boolean;
}

/** The message body on the qualify queue: ids only, never personal data. */
export interface QualifyMessage {
  readonly leadId: string;
}

export const acceptLead = async (input: AcceptInput, deps: AcceptDeps): Promise<AcceptResult> => {
  const started = deps.clock();
  const leadId = deps.newLeadId();
  const spam = input.spam !== undefined;
  const record: LeadRecord = {
    leadId,
    status: spam ? 'spam' : 'received',
    receivedAt: input.receivedAt.toISOString(),
    provider: input.provider,
    ...(input.submissionId ? { submissionId: input.submissionId } : {}),
    dedupKey: input.dedupKey,
    lead: input.lead,
    raw: input.raw,
    ...(input.spam ? { spam: input.spam } : {}),
    steps: { intake: { ms: Math.max(0, deps.clock() - started), at: input.receivedAt.toISOString() } },
  };
  const created = await deps.store.create(record, {
    dedupWindowSeconds: input.submissionId ? deps.submissionIdWindowSeconds : deps.dedupWindowSeconds,
    pendingEnqueue: !spam,
  });
  if (!created.created) return { leadId: created.leadId, status: created.status, duplicate: true };
  if (spam) return { leadId, status: 'spam', duplicate: false };
  try {
    const message: QualifyMessage = { leadId };
    await deps.qualifyQueue.send(message);
    return { leadId, status: 'received', duplicate: false };
  } catch (error) {
    // Stored but not (confirmed) queued: the outbox sweeper will queue it. The prospect still gets a 202.
    deps.onEnqueueFailure?.(leadId, error);
    return { leadId, status: 'received', duplicate: false };
  }
};

/** After this many re-queues a lead that still does not finish is marked failed, visibly, instead of looping. */
export const MAX_OUTBOX_SWEEPS = 5;

/**
 * The sweeper: re-queue leads that waited too long in the outbox — never queued, a message lost, or a message
 * dead-lettered by crashes that could not record an error (a timeout, an out-of-memory). Qualification is
 * idempotent and hands the lead on to drafting again. Returns how many it queued.
 */
export const sweepOutbox = async (
  deps: { store: LeadStore; qualifyQueue: MessageQueue; now?: () => Date },
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
    await deps.qualifyQueue.send({ leadId } satisfies QualifyMessage);
    queued++;
  }
  return queued;
};
