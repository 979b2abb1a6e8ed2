/**
 * The prospect's privacy link: a token naming the lead, signed with HMAC-SHA256 under PRIVACY_SECRET and
 * valid until a stated time, so only someone who received our email can object, read the explanation, ask
 * for a person's review or erase their data. Also the salted address hash that stays in the suppression list
 * after an erasure (keyed with the same secret, so it cannot be reversed with a list of addresses).
 * Pure (node:crypto only).
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { LEAD_ID_PATTERN } from '../lead-record';

export interface LinkClaims {
  readonly leadId: string;
  /** Expiry, epoch seconds. */
  readonly expiresAt: number;
}

export type LinkVerdict =
  | { readonly ok: true; readonly claims: LinkClaims }
  | { readonly ok: false; readonly reason: 'malformed' | 'bad_signature' | 'expired' };

const b64url = (b: Buffer | string) => Buffer.from(b).toString('base64url');

const mac = (secret: string, label: string, data: string) =>
  createHmac('sha256', secret).update(`${label}\u0000${data}`).digest();

/** `<payload>.<signature>`, both base64url: the payload is `<leadId>.<expiry seconds>`. */
export const signLink = (secret: string, claims: LinkClaims): string => {
  const payload = b64url(`${claims.leadId}.${claims.expiresAt}`);
  return `${payload}.${b64url(mac(secret, 'privacy-link', payload))}`;
};

export const verifyLink = (secret: string, token: string | undefined, now: Date): LinkVerdict => {
  const m = /^([A-Za-z0-9_-]{1,200})\.([A-Za-z0-9_-]{43})$/.exec(token ?? '');
  if (!m) return { ok: false, reason: 'malformed' };
  const expected = mac(secret, 'privacy-link', m[1]!);
  const given = Buffer.from(m[2]!, 'base64url');
  if (given.length !== expected.length || !timingSafeEqual(given, expected))
    return { ok: false, reason: 'bad_signature' };
  const [leadId, exp] = Buffer.from(m[1]!, 'base64url').toString('utf8').split('.');
  const expiresAt = Number(exp);
  if (!leadId || !LEAD_ID_PATTERN.test(leadId) || !Number.isInteger(expiresAt))
    return { ok: false, reason: 'malformed' };
  if (expiresAt * 1000 <= now.getTime()) return { ok: false, reason: 'expired' };
  return { ok: true, claims: { leadId, expiresAt } };
};

/** The lower-cased, trimmed address every hash is taken of. */
export const normaliseEmail = (email: string): string => email.trim().toLowerCase();

/** HMAC-SHA256 of the address under the privacy secret: the suppression key that outlives an erasure. */
export const saltedEmailHash = (secret: string, email: string): string =>
  mac(secret, 'suppression', normaliseEmail(email)).toString('hex');

/** A link valid for `days` from `now`. */
export const linkFor = (secret: string, leadId: string, now: Date, days: number): string =>
  signLink(secret, { leadId, expiresAt: Math.floor(now.getTime() / 1000) + days * 86_400 });
