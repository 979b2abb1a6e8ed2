/** SQS rescore queue → a new score version of each lead from its events (debounced by the events API). */
import { rescoreLead } from './agent/pipeline/rescore-lead';
import { leadMessageHandler } from './platform/lead-message-consumer';
import { leadStore } from './platform/leads-table';
import { shippedRules } from './platform/shipped-rules';

const store = leadStore();
const deps = { store, rules: shippedRules, now: () => new Date() };

export const handler = leadMessageHandler({
  queue: 'rescore',
  step: 'score',
  store,
  process: async (leadId) => {
    // Events from now on mark the lead again, so none arriving during this re-score is left out.
    await store.clearRescoreRequest(leadId);
    return { ...(await rescoreLead(leadId, deps)) };
  },
});
