/**
 * POST /auth/dev-login {"personId"} → { token, person }: LOCAL STACK ONLY. Answers 404 unless STAGE=local and
 * the local stack handed over its dev signing key (LOCAL_JWT_PRIVATE_JWK, see functions/platform/local-jwt.ts).
 * The CDK stack does not deploy this route (FUNCTIONS.authDev is `localOnly`).
 *
 * Another web page in the same browser must not mint a token: only `application/json` is accepted (a page
 * cannot send that cross-origin without a CORS preflight, which gets no grant), and a request with an `Origin`
 * must come from the page's own origin. The local gateway already refuses a `Host` that is not localhost.
 */
import type { JWK } from 'jose';
import * as z from 'zod';
import { appRoleForTeamRole } from './agent/auth/principal';
import { defaultRoutingSetup } from './agent/route/config-file';
import { commonConfig } from './platform/config';
import { HttpError, type HttpEvent, httpHandler, json } from './platform/http';
import { DEV_KEY_ENV, signDevToken } from './platform/local-jwt';

const Body = z.object({ personId: z.string().min(1).max(64) });

const isJson = (contentType: string | undefined) =>
  contentType?.split(';')[0]?.trim().toLowerCase() === 'application/json';

/** The request's own origin(s): the scheme the gateway saw (or either) with the Host it was addressed to. */
const ownOrigins = (event: HttpEvent): string[] => {
  const host = event.headers.host;
  if (!host) return [];
  const proto = event.headers['x-forwarded-proto'];
  const h = host.toLowerCase();
  return proto ? [`${proto.toLowerCase()}://${h}`] : [`http://${h}`, `https://${h}`];
};

export const handler = httpHandler(async (event) => {
  const key = process.env[DEV_KEY_ENV];
  if (commonConfig().STAGE !== 'local' || !key) throw new HttpError(404, 'Not Found');
  if (!isJson(event.headers['content-type']))
    throw new HttpError(415, 'Send the sign-in as application/json', [
      { field: 'content-type', message: 'must be application/json' },
    ]);
  const origin = event.headers.origin;
  if (origin !== undefined && !ownOrigins(event).includes(origin.toLowerCase()))
    throw new HttpError(403, 'Sign-in is only possible from the local stack’s own pages', [
      { field: 'origin', message: 'not this server' },
    ]);
  let raw: unknown;
  try {
    raw = JSON.parse(
      event.isBase64Encoded ? Buffer.from(event.body ?? '', 'base64').toString('utf8') : (event.body ?? ''),
    );
  } catch {
    throw new HttpError(400, 'The body must be JSON', [{ field: 'body', message: 'not JSON' }]);
  }
  const { personId } = Body.parse(raw);
  const person = defaultRoutingSetup().teams.people.get(personId);
  if (!person)
    throw new HttpError(404, 'No such person in team.yaml', [{ field: 'personId', message: 'unknown' }]);
  const token = await signDevToken(JSON.parse(key) as JWK, person);
  return json(200, {
    token,
    person: { personId: person.id, name: person.name, role: appRoleForTeamRole(person.role) },
  });
});
