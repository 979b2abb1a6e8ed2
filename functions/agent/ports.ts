/**
 * The storage and messaging ports the pipeline needs. Adapters live in functions/platform (DynamoDB, SQS);
 * tests and the ops CLI can use in-memory ones. Pure types, no AWS.
 */
import type { Enrichment } from './enrichment';
import type { LeadError, LeadRecord, PipelineStep, StepTiming } from './lead-record';
import type { Draft, LeadStatus, Rationale, Score } from './qualification';

export type CreateLeadResult =
  | { readonly created: true; readonly leadId: string }
  | { readonly created: false; readonly leadId: string; readonly status: LeadStatus };

export interface LeadStore {
  /**
   * Stores a new lead and its dedup guard atomically. When the dedup key is already taken (a resubmission
   * inside the window), nothing is written and the existing lead's id is returned.
   * `pendingEnqueue` puts the lead in the outbox; it leaves the outbox when qualification records its
   * result (or its final error), so a lost queue message is re-sent by the sweeper.
   */
  create(
    record: LeadRecord,
    options: { dedupWindowSeconds: number; pendingEnqueue: boolean },
  ): Promise<CreateLeadResult>;
  get(leadId: string): Promise<LeadRecord | undefined>;
  /** Moves an outbox entry's clock to now after the sweeper re-sent it (no-op once qualified). */
  rearmOutbox(leadId: string): Promise<void>;
  /** Leads in the outbox for more than `olderThanSeconds`: never qualified, maybe never queued. */
  listOutbox(olderThanSeconds: number, limit: number): Promise<string[]>;
  /** Records enrichment and score and leaves the outbox (idempotent: a second call keeps the first). */
  saveQualification(
    leadId: string,
    result: { enrichment: Enrichment; score: Score; steps: Partial<Record<PipelineStep, StepTiming>> },
  ): Promise<boolean>;
  recordSteps(leadId: string, steps: Partial<Record<PipelineStep, StepTiming>>): Promise<void>;
  /** Records rationale and draft once (false when an earlier delivery already did). */
  saveDraft(
    leadId: string,
    result: {
      rationale: Rationale;
      draft?: Draft;
      status: LeadStatus;
      steps: Partial<Record<PipelineStep, StepTiming>>;
    },
  ): Promise<boolean>;
  /** Records a step failure on the lead; `final` marks it failed (the message goes to the DLQ). */
  recordError(leadId: string, error: LeadError, final: boolean): Promise<void>;
  setStatus(leadId: string, status: LeadStatus, expectedStatuses: readonly LeadStatus[]): Promise<boolean>;
}

export interface MessageQueue {
  send(body: unknown): Promise<void>;
}
