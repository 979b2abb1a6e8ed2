/**
 * POST /auth/dev-login {"personId"} → { token, person }: LOCAL STACK ONLY. Answers 404 unless STAGE=local and
 * the local stack handed over its dev signing key (LOCAL_JWT_PRIVATE_JWK, see functions/platform/local-jwt.ts).
 * On AWS people sign in with Cognito; this route exists there but always answers 404.
 */
import type { JWK } from 'jose';
import * as z from 'zod';
import { appRoleForTeamRole } from './agent/auth/principal';
import { defaultRoutingSetup } from './agent/route/config-file';
import { commonConfig } from './platform/config';
import { HttpError, httpHandler, json } from './platform/http';
import { DEV_KEY_ENV, signDevToken } from './platform/local-jwt';

const Body = z.object({ personId: z.string().min(1).max(64) });

export const handler = httpHandler(async (event) => {
  const key = process.env[DEV_KEY_ENV];
  if (commonConfig().STAGE !== 'local' || !key) throw new HttpError(404, 'Not Found');
  let raw: unknown;
  try {
    raw = JSON.parse(event.body ?? '');
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
