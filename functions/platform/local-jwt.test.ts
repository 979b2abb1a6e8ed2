import { chmodSync, mkdirSync, mkdtempSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { generateKeyPair, importJWK, SignJWT } from 'jose';
import { afterEach, describe, expect, it } from 'vitest';
import type { Person } from '../agent/route/team';
import {
  createDevKey,
  DEV_AUDIENCE,
  DEV_ISSUER,
  devClaims,
  devKeyFile,
  findRunKeyFile,
  privateKeyDir,
  readDevKey,
  signDevToken,
  verifyDevToken,
  writeDevKey,
} from './local-jwt';

const sofie = { id: 'mgr-sofie', name: 'Sofie', email: 'sofie@example.com', role: 'manager' } as Person;

describe('dev tokens', () => {
  it('attack: a token without exp, without iat, living longer than an hour or from another key is refused', async () => {
    // Prepare
    const key = await createDevKey();
    const mine = await importJWK(key.privateJwk, 'ES256');
    const { privateKey: theirs } = await generateKeyPair('ES256');
    const claims = { 'cognito:username': 'mgr-sofie', 'cognito:groups': ['manager'] };
    const base = () =>
      new SignJWT(claims)
        .setProtectedHeader({ alg: 'ES256' })
        .setIssuer(DEV_ISSUER)
        .setAudience(DEV_AUDIENCE);
    const tokens = [
      await base().setIssuedAt().sign(mine),
      await base().setExpirationTime('10m').sign(mine),
      await base().setIssuedAt().setExpirationTime('30d').sign(mine),
      await base()
        .setIssuedAt(Math.floor(Date.now() / 1000) - 7200)
        .setExpirationTime('10m')
        .sign(mine),
      await base().setIssuedAt().setExpirationTime('10m').sign(theirs),
      await base().setIssuedAt().setExpirationTime('10m').sign(mine),
      await signDevToken(key.privateJwk, sofie),
    ];
    // Act
    const verdicts = await Promise.all(tokens.map((t) => verifyDevToken(key.publicJwk, `Bearer ${t}`)));
    // Assess
    expect(verdicts.map((v) => v !== null)).toEqual([false, false, false, false, false, true, true]);
  });

  it('carries the claims of a Cognito ID token and no user-writable person attribute', () => {
    // Act
    const claims = devClaims(sofie);
    // Assess
    expect(claims).toMatchObject({ 'cognito:username': 'mgr-sofie', 'cognito:groups': ['manager'] });
    expect(claims).not.toHaveProperty('custom:personId');
  });
});

describe('dev key files', () => {
  const roots: string[] = [];
  const root = () => {
    const r = mkdtempSync(join(tmpdir(), 'lq-jwt-'));
    roots.push(r);
    return r;
  };
  afterEach(() => {
    for (const r of roots.splice(0)) rmSync(r, { recursive: true, force: true });
  });

  it('keeps a run key in a private per-user directory under a name nobody can guess', async () => {
    // Prepare
    const base = root();
    const key = await createDevKey();
    // Act
    const a = devKeyFile(null, 3000, base);
    const b = devKeyFile(null, 3000, base);
    writeDevKey(a, key);
    // Assess
    expect(a).not.toBe(b);
    expect(basename(dirname(a))).toBe(`lead-qualifier-${process.getuid?.()}`);
    expect(statSync(dirname(a)).mode & 0o777).toBe(0o700);
    expect(statSync(a).mode & 0o777).toBe(0o600);
    expect(findRunKeyFile(3000, base)).toBe(a);
    expect(findRunKeyFile(3001, base)).toBeUndefined();
    expect(readDevKey(a)).toEqual(key);
    expect(privateKeyDir(base)).toBe(dirname(a));
  });

  it('attack: refuses a key directory someone else prepared (other permissions, or a symlink)', () => {
    // Prepare
    const open = root();
    mkdirSync(join(open, `lead-qualifier-${process.getuid?.()}`), { mode: 0o777 });
    chmodSync(join(open, `lead-qualifier-${process.getuid?.()}`), 0o777);
    const linked = root();
    const target = root();
    symlinkSync(target, join(linked, `lead-qualifier-${process.getuid?.()}`));
    // Act / Assess
    expect(() => devKeyFile(null, 3000, open)).toThrow(/only you can read/);
    expect(() => devKeyFile(null, 3000, linked)).toThrow(/only you can read/);
  });

  it('attack: refuses to read a key file others can read', async () => {
    // Prepare
    const file = join(root(), 'dev-jwt-key.json');
    writeFileSync(file, JSON.stringify(await createDevKey()), { mode: 0o644 });
    chmodSync(file, 0o644);
    // Act / Assess
    expect(() => readDevKey(file)).toThrow(/only you can read/);
  });
});
