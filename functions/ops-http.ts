/**
 * The ops API (JWT-authorized, role ops): GET /ops/handoff (active version and history), PUT /ops/handoff
 * (validate and publish a new version), POST /ops/handoff/rollback (publish an old version again).
 */
import * as z from 'zod';
import { defaultHandoffPolicy } from './agent/handoff/config-file';
import { HandoffPolicyError } from './agent/handoff/policy';
import { principalOf } from './platform/auth';
import { dynamo } from './platform/clients/dynamodb';
import { HandoffStore } from './platform/handoff-store-dynamodb';
import { HttpError, type HttpEvent, httpHandler, json, zodIssues } from './platform/http';
import { leadsTableName } from './platform/leads-table';
import { logger } from './platform/observability';

const store = new HandoffStore(dynamo, leadsTableName(), defaultHandoffPolicy);

const PublishSchema = z.object({
  config: z.record(z.string(), z.unknown()),
  note: z.string().trim().min(1).max(500),
});
const RollbackSchema = z.object({ version: z.coerce.number().int().positive() });

const bodyOf = <S extends z.ZodType>(event: HttpEvent, schema: S): z.infer<S> => {
  let raw: unknown;
  try {
    raw = JSON.parse(
      event.isBase64Encoded ? Buffer.from(event.body ?? '', 'base64').toString('utf8') : (event.body ?? ''),
    );
  } catch {
    throw new HttpError(400, 'The body must be JSON', [{ field: 'body', message: 'not JSON' }]);
  }
  const parsed = schema.safeParse(raw);
  if (!parsed.success) throw new HttpError(400, 'The request is not valid', zodIssues(parsed.error));
  return parsed.data;
};

/** `handoff: rules[1] (x).mode: …` → field `config.rules[1].mode` for the page to show beside the input. */
const policyIssues = (error: HandoffPolicyError) =>
  error.issues.map((issue) => {
    const [, path = '', message = issue] = /^handoff: (.*?): (.*)$/.exec(issue) ?? [];
    return { field: `config.${path.replace(/ \([^)]*\)/g, '')}`, message: `${path}: ${message}` };
  });

const state = async () => {
  const active = await store.active();
  return { active, versions: await store.list() };
};

export const handler = httpHandler(async (event) => {
  const who = principalOf(event);
  if (who.role !== 'ops') throw new HttpError(403, 'Only ops may read or change the handoff points');
  const route = `${event.requestContext.http.method} ${event.rawPath}`;
  try {
    if (route === 'GET /ops/handoff') return json(200, await state());
    if (route === 'PUT /ops/handoff') {
      const { config, note } = bodyOf(event, PublishSchema);
      const published = await store.publish(config, who.personId, note);
      logger.info('Handoff published', { version: published.version, by: who.personId });
      return json(200, await state());
    }
    if (route === 'POST /ops/handoff/rollback') {
      const { version } = bodyOf(event, RollbackSchema);
      const published = await store.rollback(version, who.personId);
      logger.info('Handoff rolled back', { to: version, version: published.version, by: who.personId });
      return json(200, await state());
    }
  } catch (error) {
    if (error instanceof HandoffPolicyError)
      throw new HttpError(400, 'The handoff configuration is not valid', policyIssues(error));
    if (error instanceof RangeError)
      throw new HttpError(404, error.message, [{ field: 'version', message: 'no such version' }]);
    throw error;
  }
  throw new HttpError(404, 'Not found');
});
