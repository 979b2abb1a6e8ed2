/**
 * The review API (JWT-authorized): GET /me, GET /drafts, PUT /drafts/{id}, POST /drafts/{id}/approve|reject,
 * POST /leads/{id}/reassign|override. Authorization rules: functions/agent/pipeline/review.ts.
 */
import * as z from 'zod';
import { buildAllowList } from './agent/draft/allow-list';
import {
  approveDraft,
  editDraft,
  listDrafts,
  overrideScore,
  type ReviewDeps,
  ReviewError,
  reassignLead,
  rejectDraft,
} from './agent/pipeline/review';
import { defaultRoutingSetup } from './agent/route/config-file';
import { principalOf } from './platform/auth';
import { commonConfig } from './platform/config';
import { HttpError, type HttpEvent, httpHandler, json } from './platform/http';
import { leadStore } from './platform/leads-table';
import { queue } from './platform/queues';

const people = defaultRoutingSetup().teams.people;
const companySiteUrl = commonConfig().COMPANY_SITE_URL;
const deps: ReviewDeps = {
  store: leadStore(),
  sendQueue: queue('send'),
  people,
  now: () => new Date(),
  draftAllowList: (record) => {
    const owner = record.route?.ownerId ? people.get(record.route.ownerId) : undefined;
    return buildAllowList({
      ...(owner
        ? { rep: { id: owner.id, name: owner.name, email: owner.email, bookingUrl: owner.bookingUrl } }
        : {}),
      ...(companySiteUrl ? { companySiteUrl } : {}),
    });
  },
};
const LEAD_ID = /^[0-9A-HJKMNP-TV-Z]{26}$/;

const body = (event: HttpEvent): Record<string, unknown> => {
  if (!event.body) return {};
  try {
    const text = event.isBase64Encoded ? Buffer.from(event.body, 'base64').toString('utf8') : event.body;
    return z.record(z.string(), z.unknown()).parse(JSON.parse(text));
  } catch {
    throw new HttpError(400, 'The body must be a JSON object', [
      { field: 'body', message: 'not a JSON object' },
    ]);
  }
};

const leadId = (event: HttpEvent) => {
  const id = event.pathParameters?.id ?? '';
  if (!LEAD_ID.test(id))
    throw new HttpError(400, 'Not a lead id', [{ field: 'id', message: 'expected a 26-character ULID' }]);
  return id;
};

export const handler = httpHandler(async (event) => {
  const p = principalOf(event);
  try {
    switch (event.routeKey) {
      case 'GET /me':
        return json(200, p);
      case 'GET /drafts':
        return json(200, await listDrafts(deps, p, event.queryStringParameters ?? {}));
      case 'PUT /drafts/{id}':
        return json(200, await editDraft(deps, p, leadId(event), body(event)));
      case 'POST /drafts/{id}/approve': {
        const result = await approveDraft(deps, p, leadId(event), body(event));
        return json(result.accepted ? 202 : 200, {
          leadId: result.leadId,
          status: result.status,
          ...('removed' in result ? { removed: result.removed, message: result.message } : {}),
        });
      }
      case 'POST /drafts/{id}/reject':
        return json(200, await rejectDraft(deps, p, leadId(event), body(event)));
      case 'POST /leads/{id}/reassign':
        return json(200, await reassignLead(deps, p, leadId(event), body(event)));
      case 'POST /leads/{id}/override':
        return json(200, await overrideScore(deps, p, leadId(event), body(event)));
      default:
        throw new HttpError(404, 'Not Found');
    }
  } catch (error) {
    if (error instanceof ReviewError)
      throw new HttpError(
        error.status,
        error.message,
        error.field ? [{ field: error.field, message: error.message }] : [],
      );
    throw error;
  }
});
