/**
 * The review API (JWT-authorized): GET /me, GET /drafts, PUT /drafts/{id}, POST /drafts/{id}/approve|reject,
 * POST /leads/{id}/reassign|assign|override (authorization: functions/agent/pipeline/review.ts), and
 * POST /leads/{id}/outcome|reopen (functions/agent/pipeline/record-outcome.ts) and POST /leads/{id}/disposition
 * (functions/agent/pipeline/set-disposition.ts).
 */
import * as z from 'zod';
import { DomainError } from './agent/errors';
import { type OutcomeDeps, recordOutcome, reopenLead } from './agent/pipeline/record-outcome';
import {
  approveDraft,
  assignLead,
  editDraft,
  listDrafts,
  overrideScore,
  type ReviewDeps,
  reassignLead,
  rejectDraft,
} from './agent/pipeline/review';
import { type DispositionDeps, setDisposition } from './agent/pipeline/set-disposition';
import { principalOf } from './platform/auth';
import { commonConfig } from './platform/config';
import { crmNotifier } from './platform/crm-notifier';
import { httpHandler, json, jsonBody, leadIdParam } from './platform/http';
import { leadQueue } from './platform/lead-queues';
import { leadStore } from './platform/leads-table';
import { shippedDispositions } from './platform/shipped-dispositions';
import { shippedPeople, shippedRouting } from './platform/shipped-routing';

const people = shippedPeople();
const companySiteUrl = commonConfig().COMPANY_SITE_URL;
const store = leadStore();
const routing = shippedRouting();
const deps: ReviewDeps = {
  store,
  sendQueue: leadQueue('send'),
  qualifyQueue: leadQueue('qualify'),
  draftQueue: leadQueue('draft'),
  routing,
  crm: crmNotifier(),
  people,
  now: () => new Date(),
  // Loaded with the first draft edit (it brings the public-suffix list), like the guardrails that use it.
  draftAllowList: async (record) => {
    const owner = record.route?.ownerId ? people.get(record.route.ownerId) : undefined;
    const { buildAllowList } = await import('./agent/draft/allow-list');
    return buildAllowList({
      ...(owner
        ? { rep: { id: owner.id, name: owner.name, email: owner.email, bookingUrl: owner.bookingUrl } }
        : {}),
      ...(companySiteUrl ? { companySiteUrl } : {}),
    });
  },
};
const outcomeDeps: OutcomeDeps = { store, now: deps.now, crm: deps.crm };
const dispositionDeps: DispositionDeps = {
  store,
  qualifyQueue: leadQueue('qualify'),
  draftQueue: leadQueue('draft'),
  routing,
  dispositions: shippedDispositions(),
  now: deps.now,
};
/** Each action validates its own fields (the domain names the field at fault); the body must be an object. */
const Body = z.record(z.string(), z.unknown());

export const handler = httpHandler(async (event) => {
  const p = principalOf(event);
  switch (event.routeKey) {
    case 'GET /me':
      return json(200, p);
    case 'GET /drafts':
      return json(200, await listDrafts(deps, p, event.queryStringParameters ?? {}));
    case 'PUT /drafts/{id}':
      return json(200, await editDraft(deps, p, leadIdParam(event), jsonBody(event, Body)));
    case 'POST /drafts/{id}/approve': {
      const result = await approveDraft(deps, p, leadIdParam(event), jsonBody(event, Body));
      return json(result.accepted ? 202 : 200, {
        leadId: result.leadId,
        status: result.status,
        ...('removed' in result ? { removed: result.removed, message: result.message } : {}),
      });
    }
    case 'POST /drafts/{id}/reject':
      return json(200, await rejectDraft(deps, p, leadIdParam(event), jsonBody(event, Body)));
    case 'POST /leads/{id}/reassign':
      return json(200, await reassignLead(deps, p, leadIdParam(event), jsonBody(event, Body)));
    case 'POST /leads/{id}/assign':
      return json(200, await assignLead(deps, p, leadIdParam(event), jsonBody(event, Body)));
    case 'POST /leads/{id}/override':
      return json(200, await overrideScore(deps, p, leadIdParam(event), jsonBody(event, Body)));
    case 'POST /leads/{id}/disposition':
      return json(200, await setDisposition(dispositionDeps, p, leadIdParam(event), jsonBody(event, Body)));
    case 'POST /leads/{id}/outcome':
      return json(
        200,
        await recordOutcome(
          outcomeDeps,
          { kind: 'person', principal: p },
          leadIdParam(event),
          jsonBody(event, Body),
        ),
      );
    case 'POST /leads/{id}/reopen':
      return json(
        200,
        await reopenLead(
          outcomeDeps,
          { kind: 'person', principal: p },
          leadIdParam(event),
          jsonBody(event, Body),
        ),
      );
    default:
      throw new DomainError('not_found', 'Not Found');
  }
});
