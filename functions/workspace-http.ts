/**
 * The workspace API (JWT-authorized): GET /leads (the leads list), GET /team (who can own a lead),
 * GET /leads/{id}/timeline and POST /leads/{id}/notes. Authorization rules: functions/agent/pipeline/workspace.ts.
 */
import * as z from 'zod';
import { DomainError } from './agent/errors';
import { addNote, leadTimeline, listLeads, teamList, type WorkspaceDeps } from './agent/pipeline/workspace';
import { principalOf } from './platform/auth';
import { dynamo } from './platform/clients/dynamodb';
import { httpHandler, json, jsonBody, leadIdParam } from './platform/http';
import { DynamoWorkspaceStore } from './platform/lead-store-workspace';
import { leadsTableName } from './platform/leads-table';
import { shippedPeople } from './platform/shipped-routing';

const deps: WorkspaceDeps = {
  store: new DynamoWorkspaceStore(dynamo, leadsTableName()),
  people: shippedPeople(),
  now: () => new Date(),
};
const Body = z.record(z.string(), z.unknown());

export const handler = httpHandler(async (event) => {
  const p = principalOf(event);
  switch (event.routeKey) {
    case 'GET /leads':
      return json(200, await listLeads(deps, p, event.queryStringParameters ?? {}));
    case 'GET /team':
      return json(200, teamList(deps));
    case 'GET /leads/{id}/timeline':
      return json(200, await leadTimeline(deps, p, leadIdParam(event)));
    case 'POST /leads/{id}/notes':
      return json(201, await addNote(deps, p, leadIdParam(event), jsonBody(event, Body)));
    default:
      throw new DomainError('not_found', 'Not Found');
  }
});
