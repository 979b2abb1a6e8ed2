/**
 * GET /insights/data (JWT; managers and ops): the figures of the insights page — speed to lead, the
 * qualification → meeting ratio per tier and rules version, the funnel, tier and disposition mix, per-rule
 * effects and drift — computed from the routed leads, read through the `byOwner` index (one query per
 * person, never a table scan; see functions/platform/lead-store-history.ts for the cost).
 */
import * as z from 'zod';
import { DomainError } from './agent/errors';
import { computeInsights } from './agent/insights/insights';
import { routingOfVersions } from './agent/ops-config/versions';
import { principalOf } from './platform/auth';
import { dynamo } from './platform/clients/dynamodb';
import { httpHandler, json } from './platform/http';
import { routedLeads } from './platform/lead-store-history';
import { leadsTableName } from './platform/leads-table';
import { logger } from './platform/observability';
import { configVersions } from './platform/shipped-config';
import { shippedPeople } from './platform/shipped-routing';

const table = leadsTableName();
const versions = configVersions(dynamo, table);
const Weeks = z.coerce.number().int().min(1).max(104).default(12);

export const handler = httpHandler(async (event) => {
  const who = principalOf(event);
  if (who.role !== 'manager' && who.role !== 'ops')
    throw new DomainError('forbidden', 'Insights are for managers and ops');
  if (`${event.requestContext.http.method} ${event.rawPath}` !== 'GET /insights/data')
    throw new DomainError('not_found', 'Not found');
  const weeks = Weeks.safeParse(event.queryStringParameters?.weeks);
  if (!weeks.success)
    throw new DomainError('invalid', 'weeks must be a whole number from 1 to 104', { field: 'weeks' });
  const [routing, team] = await Promise.all([versions.published('routing'), versions.published('team')]);
  const setup = routingOfVersions(routing, team);
  const people = [...new Set([...shippedPeople().keys(), ...setup.teams.people.keys(), 'unassigned'])];
  const records = await routedLeads(dynamo, table, people);
  const minTier = setup.routing.threshold.minTier;
  const insights = computeInsights(records, {
    now: new Date(),
    weeks: weeks.data,
    qualifiedFrom: minTier === 'cold' ? 'warm' : minTier,
  });
  logger.info('Insights computed', { leads: insights.leads, owners: people.length });
  return json(200, insights);
});
