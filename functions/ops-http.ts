/**
 * The ops API (JWT-authorized, role ops):
 * - GET /ops/handoff (active version and history), PUT /ops/handoff (validate and publish a new version),
 *   POST /ops/handoff/rollback (publish an old version again);
 * - GET /ops/config/{kind} (kind: rules | routing | team; the published version, the history, and with
 *   `?version=N` that version's document), PUT /ops/config/{kind} (validate and save a new version as a
 *   draft, or publish it at once with `publish: true`), POST /ops/config/{kind}/publish (publish a draft),
 *   POST /ops/config/{kind}/rollback (publish an old version's document again). An invalid document is
 *   refused with 422 and one issue per rule and field.
 */
import * as z from 'zod';
import { DomainError } from './agent/errors';
import { parseHandoffPolicy } from './agent/handoff/policy';
import { CONFIG_KINDS, type ConfigKind } from './agent/ops-config/versions';
import { principalOf } from './platform/auth';
import { dynamo } from './platform/clients/dynamodb';
import { HandoffStore } from './platform/handoff-store-dynamodb';
import { httpHandler, json, jsonBody } from './platform/http';
import { leadsTableName } from './platform/leads-table';
import { logger } from './platform/observability';
import { configVersions } from './platform/shipped-config';
import { shippedHandoff } from './platform/shipped-handoff';

const store = new HandoffStore(dynamo, leadsTableName(), shippedHandoff);
const versions = configVersions(dynamo, leadsTableName());

const PublishSchema = z.object({
  config: z.record(z.string(), z.unknown()),
  note: z.string().trim().min(1).max(500),
});
const RollbackSchema = z.object({ version: z.coerce.number().int().positive() });
const SaveConfigSchema = z.object({
  yaml: z.string().min(1).max(300_000),
  note: z.string().trim().min(1, 'say what changed and why').max(500),
  publish: z.boolean().default(false),
  expectedPublished: z.number().int().nonnegative().optional(),
});
const PublishConfigSchema = z.object({
  version: z.coerce.number().int().positive(),
  expectedPublished: z.number().int().nonnegative().optional(),
});
const VersionQuery = z.coerce.number().int().positive();

const state = async () => {
  const active = await store.active();
  return { active, versions: await store.list() };
};

const CONFIG_PATH = /^\/ops\/config\/([a-z]+)(\/publish|\/rollback)?$/;

const configState = async (kind: ConfigKind, version?: number) => ({
  ...(await versions.state(kind)),
  ...(version === undefined ? {} : { version: await versions.get(kind, version) }),
});

const configRoute = async (
  method: string,
  kind: ConfigKind,
  action: string,
  event: Parameters<typeof jsonBody>[0],
  who: string,
) => {
  switch (`${method} ${action}`) {
    case 'GET ': {
      const raw = event.queryStringParameters?.version;
      const parsed = raw === undefined ? undefined : VersionQuery.safeParse(raw);
      if (parsed && !parsed.success)
        throw new DomainError('invalid', 'version must be a positive whole number', { field: 'version' });
      return json(200, await configState(kind, parsed?.data));
    }
    case 'PUT ': {
      const body = jsonBody(event, SaveConfigSchema);
      const saved = await versions.save(kind, { ...body, author: who });
      logger.info('Config saved', { kind, version: saved.version, status: saved.status, by: who });
      return json(200, await configState(kind, saved.version));
    }
    case 'POST /publish': {
      const { version, expectedPublished } = jsonBody(event, PublishConfigSchema);
      const published = await versions.publish(kind, version, who, expectedPublished);
      logger.info('Config published', { kind, version: published.version, by: who });
      return json(200, await configState(kind, published.version));
    }
    case 'POST /rollback': {
      const { version } = jsonBody(event, RollbackSchema);
      const published = await versions.rollback(kind, version, who);
      logger.info('Config rolled back', { kind, to: version, version: published.version, by: who });
      return json(200, await configState(kind, published.version));
    }
    default:
      throw new DomainError('not_found', 'Not found');
  }
};

export const handler = httpHandler(async (event) => {
  const who = principalOf(event);
  if (who.role !== 'ops')
    throw new DomainError('forbidden', 'Only ops may read or change the ops configuration');
  const method = event.requestContext.http.method;
  const config = CONFIG_PATH.exec(event.rawPath);
  if (config) {
    const kind = config[1] as ConfigKind;
    if (!CONFIG_KINDS.includes(kind))
      throw new DomainError('not_found', `No configuration "${config[1]}" (${CONFIG_KINDS.join(', ')})`);
    return configRoute(method, kind, config[2] ?? '', event, who.personId);
  }
  switch (`${method} ${event.rawPath}`) {
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
