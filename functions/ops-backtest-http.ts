/**
 * POST /ops/rules/backtest (role ops): a scoring-rules document (the editor's text, or a stored version)
 * evaluated side by side with the published version on this system's own leads of known outcome, with the
 * facts as they were when each lead was scored. 422 when the document is invalid or the history holds no
 * meetings or no misses to learn from.
 */
import * as z from 'zod';
import { DomainError } from './agent/errors';
import { backtestVersions } from './agent/ops-config/history';
import { compileRulesVersion, routingOfVersions } from './agent/ops-config/versions';
import { principalOf } from './platform/auth';
import { dynamo } from './platform/clients/dynamodb';
import { httpHandler, json, jsonBody } from './platform/http';
import { routedLeads } from './platform/lead-store-history';
import { leadsTableName } from './platform/leads-table';
import { logger } from './platform/observability';
import { configVersions } from './platform/shipped-config';
import { shippedPeople } from './platform/shipped-routing';

const table = leadsTableName();
const versions = configVersions(dynamo, table);

const BacktestSchema = z
  .object({
    yaml: z.string().min(1).max(300_000).optional(),
    version: z.coerce.number().int().positive().optional(),
    examples: z.coerce.number().int().min(0).max(50).default(5),
  })
  .refine((b) => (b.yaml === undefined) !== (b.version === undefined), {
    error: 'give either yaml (a document) or version (a stored version)',
    path: ['yaml'],
  });

export const handler = httpHandler(async (event) => {
  const who = principalOf(event);
  if (who.role !== 'ops') throw new DomainError('forbidden', 'Only ops may backtest scoring rules');
  if (`${event.requestContext.http.method} ${event.rawPath}` !== 'POST /ops/rules/backtest')
    throw new DomainError('not_found', 'Not found');
  const body = jsonBody(event, BacktestSchema);
  const [published, routing, team] = await Promise.all([
    versions.published('rules'),
    versions.published('routing'),
    versions.published('team'),
  ]);
  const draftVersion = body.version === undefined ? undefined : await versions.get('rules', body.version);
  const draft = compileRulesVersion(draftVersion?.yaml ?? (body.yaml as string), draftVersion?.version);
  const current = compileRulesVersion(published.yaml, published.version);
  const setup = routingOfVersions(routing, team);
  // Everyone who can own a lead now or did under the shipped team, and the nurture leads (no owner).
  const people = [...new Set([...shippedPeople().keys(), ...setup.teams.people.keys(), 'unassigned'])];
  const records = await routedLeads(dynamo, table, people);
  const minTier = setup.routing.threshold.minTier;
  const result = backtestVersions(records, draft.file, current.file, {
    qualifiedFrom: minTier === 'cold' ? 'warm' : minTier,
    examples: body.examples,
  });
  logger.info('Rules backtested', {
    leads: result.leads,
    withOutcome: result.withOutcome,
    draft: draft.rulesVersion,
    published: current.rulesVersion,
  });
  return json(200, {
    draft: { version: draftVersion?.version ?? null, rulesVersion: draft.rulesVersion },
    published: { version: published.version, rulesVersion: current.rulesVersion },
    ...result,
  });
});
