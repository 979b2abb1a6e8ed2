/**
 * Inbound CRM events become facts in our store: an outcome event is recorded on its lead through the outcome
 * use case (so the lifecycle decides what is allowed, and the owner's load follows), an erasure event becomes
 * an erasure request for every lead of that CRM contact. `applyingInbox` wraps the event log so the webhook
 * and the reconciliation apply each event once:
 * - an event already in the log is a duplicate (a webhook retry, the reconciliation finding what a webhook
 *   brought): nothing happens;
 * - otherwise it is applied first and logged after, so a crash in between applies it again on the CRM's retry
 *   — harmless, the outcome use case is idempotent (a lead that already shows the outcome is left alone);
 * - an event the lifecycle refuses (won on a lead never contacted, an unknown lead) is logged with why, and
 *   not retried: the CRM would only send it again.
 */
import type { CrmInbox } from './port';
import type { CrmInboundEvent, ErasureEvent, Outcome, OutcomeEvent } from './types';

/** The event log: records each event id once and says whether an id was recorded. */
export interface CrmEventLog extends CrmInbox {
  has(eventId: string): Promise<boolean>;
}

export type AppliedOutcome = 'recorded' | 'unchanged' | 'refused';

export interface ApplyDeps {
  /**
   * Records an outcome on a lead as the CRM (`source`, e.g. `crm:hubspot`): `recorded`, `unchanged` (the lead
   * shows it already) or `refused` (the lifecycle does not allow it from the lead's state, or no such lead).
   */
  readonly recordOutcome: (
    leadId: string,
    outcome: { outcome: Outcome; at: string; reason?: string; value?: number },
    source: string,
  ) => Promise<AppliedOutcome>;
  /** Asks for the erasure of one lead's personal data, because the CRM deleted the contact. */
  readonly requestErasure: (request: ErasureRequest) => Promise<void>;
  /** What became of each event (ids and outcome names only). */
  readonly onApplied?: (
    event: CrmInboundEvent,
    result: AppliedOutcome | 'erasure_requested' | 'no_lead',
  ) => void;
}

export interface ErasureRequest {
  readonly leadId: string;
  /** `crm:hubspot` … */
  readonly source: string;
  /** The CRM event it came from (its id in the event log). */
  readonly eventId: string;
  /** The CRM contact that was deleted. */
  readonly contactId: string;
  readonly requestedAt: string;
}

const crmSource = (event: CrmInboundEvent) => `crm:${event.leadRef.crm}`;

const applyOutcome = async (event: OutcomeEvent, deps: ApplyDeps) => {
  const leadId = event.leadRef.leadId;
  if (!leadId) {
    deps.onApplied?.(event, 'no_lead');
    return;
  }
  const result = await deps.recordOutcome(
    leadId,
    {
      outcome: event.outcome,
      at: event.at,
      ...(event.reason !== undefined ? { reason: event.reason } : {}),
      ...(event.value !== undefined ? { value: event.value } : {}),
    },
    crmSource(event),
  );
  deps.onApplied?.(event, result);
};

const applyErasure = async (event: ErasureEvent, deps: ApplyDeps) => {
  const leadIds = [...new Set([...event.leadIds, ...(event.leadRef.leadId ? [event.leadRef.leadId] : [])])];
  if (leadIds.length === 0) {
    deps.onApplied?.(event, 'no_lead');
    return;
  }
  for (const leadId of leadIds)
    await deps.requestErasure({
      leadId,
      source: crmSource(event),
      eventId: event.eventId,
      contactId: event.contactId,
      requestedAt: event.at,
    });
  deps.onApplied?.(event, 'erasure_requested');
};

/** Applies one inbound event to our store. */
export const applyCrmEvent = async (event: CrmInboundEvent, deps: ApplyDeps): Promise<void> =>
  event.kind === 'outcome' ? applyOutcome(event, deps) : applyErasure(event, deps);

/** An inbox that applies each new event before logging it (see above); false for a duplicate. */
export const applyingInbox = (log: CrmEventLog, deps: ApplyDeps): CrmInbox => ({
  async record(event) {
    if (await log.has(event.eventId)) return false;
    await applyCrmEvent(event, deps);
    return log.record(event);
  },
});
