/**
 * LOCAL STACK ONLY: a stand-in for the Cognito JWT authorizer. `local/start.ts` creates an ES256 key pair at
 * start (or reuses the one in the data dir), verifies `Authorization: Bearer <token>` on non-public routes
 * with the public key and hands the token's claims to the handlers exactly where API Gateway puts Cognito's
 * (`requestContext.authorizer.jwt.claims`). Tokens carry the claims of a Cognito ID token: `cognito:username`
 * (the team.yaml id) and `cognito:groups` ([sales|manager|ops]). A token must carry `exp` and `iat` and live at
 * most `DEV_TOKEN_MAX_AGE`, like a Cognito ID token.
 *
 * The private key reaches POST /auth/dev-login through the env var LOCAL_JWT_PRIVATE_JWK (in-process) and
 * `npm run token` through a key file that only this user can read: `<dataDir>/dev-jwt-key.json`, or with
 * `--in-memory` a randomly named `dev-jwt-<api port>-<random>.json` in this user's private directory
 * `<os tmpdir>/lead-qualifier-<uid>/` (mode 0700, checked to be ours; deleted when the stack stops).
 */
import { randomBytes } from 'node:crypto';
import {
  chmodSync,
  existsSync,
  lstatSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { exportJWK, generateKeyPair, importJWK, type JWK, jwtVerify, SignJWT } from 'jose';
import { type AppRole, appRoleForTeamRole } from '../agent/auth/principal';
import type { Person } from '../agent/route/team';

export const DEV_ISSUER = 'lead-qualifier-local';
export const DEV_AUDIENCE = 'lead-qualifier';
export const DEV_KEY_ENV = 'LOCAL_JWT_PRIVATE_JWK';
/** A dev token lives as long as a Cognito ID token of the web client: one hour. */
export const DEV_TOKEN_MAX_AGE = '1h';

export interface DevKey {
  readonly privateJwk: JWK;
  readonly publicJwk: JWK;
}

export const createDevKey = async (): Promise<DevKey> => {
  const { privateKey, publicKey } = await generateKeyPair('ES256', { extractable: true });
  return { privateJwk: await exportJWK(privateKey), publicJwk: await exportJWK(publicKey) };
};

const uid = (): number | undefined => process.getuid?.();

/** Throws unless `path` is a real directory (not a link) owned by this user that nobody else can enter. */
const assertPrivateDir = (path: string): void => {
  const st = lstatSync(path);
  const mine = uid() === undefined || st.uid === uid();
  if (!st.isDirectory() || st.isSymbolicLink() || !mine || (st.mode & 0o077) !== 0)
    throw new Error(
      `${path} must be a directory of your own that only you can read (mode 0700); remove it and start again`,
    );
};

/** This user's private directory for per-run dev keys, created 0700 and checked to be ours and private. */
export const privateKeyDir = (base: string = tmpdir()): string => {
  const dir = join(base, `lead-qualifier-${uid() ?? 'user'}`);
  if (!existsSync(dir)) mkdirSync(dir, { mode: 0o700 });
  assertPrivateDir(dir);
  return dir;
};

/** The key file: persistent in the data dir, else a new random name in the private directory. */
export const devKeyFile = (dataDir: string | null, apiPort: number, base?: string): string =>
  dataDir
    ? join(dataDir, 'dev-jwt-key.json')
    : join(privateKeyDir(base), `dev-jwt-${apiPort}-${randomBytes(12).toString('hex')}.json`);

/** The per-run key file of the in-memory stack on `apiPort`, if one runs (`npm run token`). */
export const findRunKeyFile = (apiPort: number, base: string = tmpdir()): string | undefined => {
  const dir = join(base, `lead-qualifier-${uid() ?? 'user'}`);
  if (!existsSync(dir)) return undefined;
  assertPrivateDir(dir);
  const name = readdirSync(dir).find((f) => f.startsWith(`dev-jwt-${apiPort}-`) && f.endsWith('.json'));
  return name ? join(dir, name) : undefined;
};

/** Reads a key file; refuses one that others could read or that is not this user's. */
export const readDevKey = (file: string): DevKey | undefined => {
  if (!existsSync(file)) return undefined;
  const st = lstatSync(file);
  if (!st.isFile() || (uid() !== undefined && st.uid !== uid()) || (st.mode & 0o077) !== 0)
    throw new Error(`${file} must be a file of your own that only you can read (mode 0600)`);
  return JSON.parse(readFileSync(file, 'utf8')) as DevKey;
};

export const writeDevKey = (file: string, key: DevKey): void => {
  mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
  writeFileSync(file, JSON.stringify(key), { mode: 0o600 });
  chmodSync(file, 0o600);
};

export const removeDevKey = (file: string): void => rmSync(file, { force: true });

export const devClaims = (person: Person, role: AppRole = appRoleForTeamRole(person.role)) => ({
  sub: person.id,
  'cognito:username': person.id,
  'cognito:groups': [role],
  email: person.email,
  name: person.name,
});

export const signDevToken = async (
  privateJwk: JWK,
  person: Person,
  ttl: string = DEV_TOKEN_MAX_AGE,
): Promise<string> =>
  new SignJWT(devClaims(person))
    .setProtectedHeader({ alg: 'ES256' })
    .setIssuer(DEV_ISSUER)
    .setAudience(DEV_AUDIENCE)
    .setIssuedAt()
    .setExpirationTime(ttl)
    .sign(await importJWK(privateJwk, 'ES256'));

/**
 * Verifies a bearer token; the claims on success, else null (→ 401 at the gateway). Requires `exp` and `iat`,
 * and refuses a token whose lifetime (`exp - iat`) or age exceeds `DEV_TOKEN_MAX_AGE`.
 */
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
      requiredClaims: ['exp', 'iat'],
      maxTokenAge: DEV_TOKEN_MAX_AGE,
      clockTolerance: 5,
    });
    if ((payload.exp as number) - (payload.iat as number) > 3600) return null;
    return payload as Record<string, string | number | boolean | string[]>;
  } catch {
    return null;
  }
};
