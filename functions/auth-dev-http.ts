/**
 * POST /auth/dev-login {"personId"} → { token, person }: LOCAL STACK ONLY. Answers 404 unless STAGE=local and
 * the local stack handed over its dev signing key (LOCAL_JWT_PRIVATE_JWK, see functions/platform/local-jwt.ts).
 * On AWS people sign in with Cognito; this route exists there but always answers 404.
 */
import type { JWK } from 'jose';
import * as z from 'zod';
import { appRoleForTeamRole } from './agent/auth/principal';
import { DomainError } from './agent/errors';
import { commonConfig } from './platform/config';
import { httpHandler, json, jsonBody } from './platform/http';
import { signDevToken } from './platform/local-jwt';
import { shippedPeople } from './platform/shipped-routing';

const Body = z.object({ personId: z.string().min(1).max(64) });

export const handler = httpHandler(async (event) => {
  const { STAGE, LOCAL_JWT_PRIVATE_JWK: key } = commonConfig();
  if (STAGE !== 'local' || !key) throw new DomainError('not_found', 'Not Found');
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
