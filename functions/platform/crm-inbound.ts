/**
 * Where inbound CRM events go (webhooks and the reconciliation): the event log of the CRM store, applied
 * through the outcome use case (functions/agent/pipeline/record-outcome.ts, as the system `crm:<kind>`) and,
 * for a privacy deletion, as a pending erasure request on the leads table (ERASUREREQ, worked off by the
 * privacy erasure). Logs ids, kinds and results only.
 */
import { type AppliedOutcome, applyingInbox } from '../agent/crm/apply';
import type { CrmInbox } from '../agent/crm/port';
import { DomainError } from '../agent/errors';
import { type OutcomeDeps, recordOutcome } from '../agent/pipeline/record-outcome';
import { crmStore } from './crm-wiring';
import { leadStore } from './leads-table';
import { describeError, logger } from './observability';

/** Refusals of the outcome use case that a retry would not change: the lifecycle's, an unknown lead, bad data. */
const FINAL_REFUSALS: readonly DomainError['kind'][] = ['invalid', 'not_found', 'forbidden', 'conflict'];

let inbox: CrmInbox | undefined;

export const crmInbox = (): CrmInbox => {
  if (inbox) return inbox;
  const store = crmStore();
  // No CRM trigger here: an outcome the CRM reported is never pushed back to it.
  const outcomeDeps: OutcomeDeps = { store: leadStore(), now: () => new Date() };
  inbox = applyingInbox(store, {
    recordOutcome: async (leadId, outcome, source): Promise<AppliedOutcome> => {
      try {
        const result = await recordOutcome(outcomeDeps, { kind: 'system', source }, leadId, outcome);
        return result.recorded ? 'recorded' : 'unchanged';
      } catch (error) {
        if (error instanceof DomainError && FINAL_REFUSALS.includes(error.kind)) {
          logger.info('CRM outcome not applied', { leadId, error: describeError(error) });
          return 'refused';
        }
        throw error;
      }
    },
    requestErasure: (request) => store.requestErasure(request),
    onApplied: (event, result) =>
      logger.info('CRM event applied', {
        leadId: event.leadRef.leadId,
        crm: event.leadRef.crm,
        kind: event.kind,
        ...(event.kind === 'outcome' ? { outcome: event.outcome } : { leads: event.leadIds.length }),
        result,
      }),
  });
  return inbox;
};
