/**
 * GET /leads/{id}: the lead's current state — status, enrichment, scores with ledger, route, rationale, draft,
 * outcomes — and `scoreHistory`, every score version newest first.
 */
import { toLeadView } from './agent/lead-record';
import { withScoreHistory } from './agent/pipeline/rescore-lead';
import { readableLead } from './agent/pipeline/review';
import { principalOf } from './platform/auth';
import { httpHandler, json, leadIdParam } from './platform/http';
import { leadStore } from './platform/leads-table';

const store = leadStore();

export const handler = httpHandler(async (event) => {
  const record = await readableLead(store, principalOf(event), leadIdParam(event));
  return json(200, {
    ...toLeadView(record, event.queryStringParameters?.include === 'raw'),
    ...(await withScoreHistory(store, record)),
  });
});
