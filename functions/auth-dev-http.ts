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
import { DomainError } from './agent/errors';
import { commonConfig } from './platform/config';
import { type HttpEvent, httpHandler, json, jsonBody } from './platform/http';
import { signDevToken } from './platform/local-jwt';
import { shippedPeople } from './platform/shipped-routing';

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
  const { STAGE, LOCAL_JWT_PRIVATE_JWK: key } = commonConfig();
  if (STAGE !== 'local' || !key) throw new DomainError('not_found', 'Not Found');
  if (!isJson(event.headers['content-type']))
    throw new DomainError('unsupported_media', 'Send the sign-in as application/json', {
      issues: [{ field: 'content-type', message: 'must be application/json' }],
    });
  const origin = event.headers.origin;
  if (origin !== undefined && !ownOrigins(event).includes(origin.toLowerCase()))
    throw new DomainError('forbidden', 'Sign-in is only possible from the local stack’s own pages', {
      issues: [{ field: 'origin', message: 'not this server' }],
    });
  const { personId } = jsonBody(event, Body);
  const person = shippedPeople().get(personId);
  if (!person)
    throw new DomainError('not_found', 'No such person in team.yaml', {
      issues: [{ field: 'personId', message: 'unknown' }],
    });
  const token = await signDevToken(JSON.parse(key) as JWK, person);
  return json(200, {
    token,
    person: { personId: person.id, name: person.name, role: appRoleForTeamRole(person.role) },
  });
});
