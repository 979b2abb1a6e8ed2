/**
 * GET /leads/{id}: the lead's current state — status, enrichment, scores with ledger, route, rationale, draft,
 * outcomes, the owner's alert — and `scoreHistory`, every score version newest first. The owner opening the lead
 * clears its alert mark.
 */
import { toLeadView } from './agent/lead-record';
import { seeAlert } from './agent/pipeline/alert-owner';
import { withScoreHistory } from './agent/pipeline/rescore-lead';
import { readableLead } from './agent/pipeline/review';
import { principalOf } from './platform/auth';
import { httpHandler, json, leadIdParam } from './platform/http';
import { leadStore } from './platform/leads-table';

const store = leadStore();

export const handler = httpHandler(async (event) => {
  const principal = principalOf(event);
  // The owner opening a lead clears its alert mark in the inbox (the view shows the alert, seen).
  const record = await seeAlert(
    store,
    await readableLead(store, principal, leadIdParam(event)),
    principal.personId,
    new Date(),
  );
  return json(200, {
    ...toLeadView(record, event.queryStringParameters?.include === 'raw'),
    ...(await withScoreHistory(store, record)),
  });
});
