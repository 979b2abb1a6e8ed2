/** GET /leads/{id}: the lead's current state — status, enrichment, scores with ledger, route, rationale, draft. */
import { toLeadView } from './agent/lead-record';
import { principalOf } from './platform/auth';
import { HttpError, httpHandler, json } from './platform/http';
import { leadStore } from './platform/leads-table';

const store = leadStore();
const LEAD_ID = /^[0-9A-HJKMNP-TV-Z]{26}$/;

export const handler = httpHandler(async (event) => {
  const principal = principalOf(event);
  const id = event.pathParameters?.id ?? '';
  if (!LEAD_ID.test(id))
    throw new HttpError(400, 'Not a lead id', [{ field: 'id', message: 'expected a 26-character ULID' }]);
  const record = await store.get(id);
  // A rep sees only their own leads; another rep's lead is answered like a missing one.
  if (!record || (principal.role === 'sales' && record.route?.ownerId !== principal.personId))
    throw new HttpError(404, 'No lead with this id', [{ field: 'id', message: 'not found' }]);
  return json(200, toLeadView(record, event.queryStringParameters?.include === 'raw'));
});
