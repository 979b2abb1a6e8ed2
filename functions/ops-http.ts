/**
 * The ops API (JWT-authorized, role ops): GET /ops/handoff (active version and history), PUT /ops/handoff
 * (validate and publish a new version), POST /ops/handoff/rollback (publish an old version again).
 */
import * as z from 'zod';
import { DomainError } from './agent/errors';
import { parseHandoffPolicy } from './agent/handoff/policy';
import { principalOf } from './platform/auth';
import { dynamo } from './platform/clients/dynamodb';
import { HandoffStore } from './platform/handoff-store-dynamodb';
import { httpHandler, json, jsonBody } from './platform/http';
import { leadsTableName } from './platform/leads-table';
import { logger } from './platform/observability';
import { shippedHandoff } from './platform/shipped-handoff';

const store = new HandoffStore(dynamo, leadsTableName(), shippedHandoff);

const PublishSchema = z.object({
  config: z.record(z.string(), z.unknown()),
  note: z.string().trim().min(1).max(500),
});
const RollbackSchema = z.object({ version: z.coerce.number().int().positive() });

const state = async () => {
  const active = await store.active();
  return { active, versions: await store.list() };
};

export const handler = httpHandler(async (event) => {
  const who = principalOf(event);
  if (who.role !== 'ops')
    throw new DomainError('forbidden', 'Only ops may read or change the handoff points');
  switch (`${event.requestContext.http.method} ${event.rawPath}`) {
    case 'GET /ops/handoff':
      return json(200, await state());
    case 'PUT /ops/handoff': {
      const { config, note } = jsonBody(event, PublishSchema);
      const published = await store.publish(parseHandoffPolicy(config, 'config'), who.personId, note);
      logger.info('Handoff published', { version: published.version, by: who.personId });
      return json(200, await state());
    }
    case 'POST /ops/handoff/rollback': {
      const { version } = jsonBody(event, RollbackSchema);
      const published = await store.rollback(version, who.personId);
      logger.info('Handoff rolled back', { to: version, version: published.version, by: who.personId });
      return json(200, await state());
    }
    default:
      throw new DomainError('not_found', 'Not found');
  }
});
