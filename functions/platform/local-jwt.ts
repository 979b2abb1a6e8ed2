/**
 * LOCAL STACK ONLY: a stand-in for the Cognito JWT authorizer. `local/start.ts` creates an ES256 key pair at
 * start (or reuses the one in the data dir), verifies `Authorization: Bearer <token>` on non-public routes
 * with the public key and hands the token's claims to the handlers exactly where API Gateway puts Cognito's
 * (`requestContext.authorizer.jwt.claims`). Tokens carry the same claims as a Cognito ID token:
 * `cognito:username` and `custom:personId` (the team.yaml id) and `cognito:groups` ([sales|manager|ops]).
 *
 * The private key reaches POST /auth/dev-login through the env var LOCAL_JWT_PRIVATE_JWK (in-process) and
 * `npm run token` through a key file: `<dataDir>/dev-jwt-key.json`, or with `--in-memory`
 * `<os tmpdir>/lead-qualifier-dev-jwt-<api port>.json` (deleted when the stack stops).
 */
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { exportJWK, generateKeyPair, importJWK, type JWK, jwtVerify, SignJWT } from 'jose';
import { type AppRole, appRoleForTeamRole } from '../agent/auth/principal';
import type { Person } from '../agent/route/team';

export const DEV_ISSUER = 'lead-qualifier-local';
export const DEV_AUDIENCE = 'lead-qualifier';
export const DEV_KEY_ENV = 'LOCAL_JWT_PRIVATE_JWK';

export interface DevKey {
  readonly privateJwk: JWK;
  readonly publicJwk: JWK;
}

export const createDevKey = async (): Promise<DevKey> => {
  const { privateKey, publicKey } = await generateKeyPair('ES256', { extractable: true });
  return { privateJwk: await exportJWK(privateKey), publicJwk: await exportJWK(publicKey) };
};

export const devKeyFile = (dataDir: string | null, apiPort: number): string =>
  dataDir ? join(dataDir, 'dev-jwt-key.json') : join(tmpdir(), `lead-qualifier-dev-jwt-${apiPort}.json`);

export const readDevKey = (file: string): DevKey | undefined =>
  existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as DevKey) : undefined;

export const writeDevKey = (file: string, key: DevKey): void => {
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, JSON.stringify(key), { mode: 0o600 });
};

export const removeDevKey = (file: string): void => rmSync(file, { force: true });

export const devClaims = (person: Person, role: AppRole = appRoleForTeamRole(person.role)) => ({
  sub: person.id,
  'cognito:username': person.id,
  'custom:personId': person.id,
  'cognito:groups': [role],
  email: person.email,
  name: person.name,
});

export const signDevToken = async (privateJwk: JWK, person: Person, ttl = '12h'): Promise<string> =>
  new SignJWT(devClaims(person))
    .setProtectedHeader({ alg: 'ES256' })
    .setIssuer(DEV_ISSUER)
    .setAudience(DEV_AUDIENCE)
    .setIssuedAt()
    .setExpirationTime(ttl)
    .sign(await importJWK(privateJwk, 'ES256'));

/** Verifies a bearer token; the claims on success, else null (→ 401 at the gateway). */
export const verifyDevToken = async (
  publicJwk: JWK,
  authorization: string | undefined,
): Promise<Record<string, string | number | boolean | string[]> | null> => {
  const token = /^Bearer\s+(\S+)$/i.exec(authorization ?? '')?.[1];
  if (!token) return null;
  try {
    const { payload } = await jwtVerify(token, await importJWK(publicJwk, 'ES256'), {
      issuer: DEV_ISSUER,
      audience: DEV_AUDIENCE,
      algorithms: ['ES256'],
    });
    return payload as Record<string, string | number | boolean | string[]>;
  } catch {
    return null;
  }
};
