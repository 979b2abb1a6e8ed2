/**
 * Webhook signature checks per provider, constant-time:
 * - hubspot: `x-hubspot-signature-v3` = base64(HMAC-SHA256(secret, method + uri + body + timestamp)),
 *   `x-hubspot-request-timestamp` (ms) within 5 minutes.
 * - typeform: `typeform-signature` = 'sha256=' + base64(HMAC-SHA256(secret, body)).
 * - tally: `tally-signature` = base64(HMAC-SHA256(secret, body)).
 * - webflow: `x-webflow-signature` = hex(HMAC-SHA256(secret, timestamp + ':' + body)),
 *   `x-webflow-timestamp` (ms) within 5 minutes.
 * - json, html, jotform (own/generic): `x-signature` = 'sha256=' + hex(HMAC-SHA256(secret, body)).
 * `rawBody` must be the bytes as received (decode base64 first), never re-serialised JSON.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import type { Provider } from '../lead';

export interface SignatureInput {
  rawBody: string | Buffer;
  /** Header names in lower case. */
  headers: Record<string, string | undefined>;
  method: string;
  /** The full request URL as the sender called it (HubSpot signs it), e.g. https://api.example.com/leads?source=hubspot */
  url: string;
  secret: string;
  now: Date;
}

export type SignatureFailureReason =
  | 'missing_signature'
  | 'missing_timestamp'
  | 'expired'
  | 'invalid_signature';
export type SignatureResult = { ok: true } | { ok: false; reason: SignatureFailureReason };

export const SIGNATURE_MAX_AGE_MS = 5 * 60 * 1000;

export function verifySignature(provider: Provider, input: SignatureInput): SignatureResult {
  switch (provider) {
    case 'hubspot':
      return verifyHubspotV3(input);
    case 'typeform':
      return verifyPrefixedBase64(input, 'typeform-signature');
    case 'tally':
      return verifyTally(input);
    case 'webflow':
      return verifyWebflow(input);
    default:
      return verifyGeneric(input);
  }
}

function hmac(secret: string, data: string | Buffer): Buffer {
  return createHmac('sha256', secret).update(data).digest();
}

function bodyBuffer(rawBody: string | Buffer): Buffer {
  return typeof rawBody === 'string' ? Buffer.from(rawBody, 'utf8') : rawBody;
}

/** Constant-time comparison of the expected digest with the received text in the given encoding. */
function sameDigest(expected: Buffer, received: string, encoding: 'base64' | 'hex'): boolean {
  const text = received.trim();
  const wellFormed = encoding === 'hex' ? /^[0-9a-f]+$/i.test(text) : /^[A-Za-z0-9+/]+={0,2}$/.test(text);
  if (!wellFormed) return false;
  const actual = Buffer.from(text, encoding);
  return actual.length === expected.length && timingSafeEqual(actual, expected);
}

function checkTimestamp(timestamp: string | undefined, now: Date): SignatureResult | undefined {
  if (!timestamp?.trim()) return { ok: false, reason: 'missing_timestamp' };
  const millis = Number(timestamp.trim());
  if (!Number.isFinite(millis)) return { ok: false, reason: 'missing_timestamp' };
  return Math.abs(now.getTime() - millis) > SIGNATURE_MAX_AGE_MS
    ? { ok: false, reason: 'expired' }
    : undefined;
}

function verifyHubspotV3(input: SignatureInput): SignatureResult {
  const signature = input.headers['x-hubspot-signature-v3'];
  if (!signature) return { ok: false, reason: 'missing_signature' };
  const timestamp = input.headers['x-hubspot-request-timestamp'];
  const stale = checkTimestamp(timestamp, input.now);
  if (stale) return stale;
  const source = Buffer.concat([
    Buffer.from(`${input.method.toUpperCase()}${hubspotUri(input.url)}`, 'utf8'),
    bodyBuffer(input.rawBody),
    Buffer.from(timestamp!.trim(), 'utf8'),
  ]);
  return result(sameDigest(hmac(input.secret, source), signature, 'base64'));
}

/** HubSpot signs the URI with these characters decoded (their docs list them). */
function hubspotUri(url: string): string {
  const decoded: Record<string, string> = {
    '%3A': ':',
    '%2F': '/',
    '%3F': '?',
    '%40': '@',
    '%21': '!',
    '%24': '$',
    '%27': "'",
    '%28': '(',
    '%29': ')',
    '%2A': '*',
    '%2C': ',',
    '%3B': ';',
  };
  return url.replace(
    /%(3A|2F|3F|40|21|24|27|28|29|2A|2C|3B)/gi,
    (match) => decoded[match.toUpperCase()] ?? match,
  );
}

function verifyPrefixedBase64(input: SignatureInput, header: string): SignatureResult {
  const signature = input.headers[header];
  if (!signature) return { ok: false, reason: 'missing_signature' };
  const [scheme, digest] = splitScheme(signature);
  if (scheme !== 'sha256' || !digest) return { ok: false, reason: 'invalid_signature' };
  return result(sameDigest(hmac(input.secret, bodyBuffer(input.rawBody)), digest, 'base64'));
}

function verifyTally(input: SignatureInput): SignatureResult {
  const signature = input.headers['tally-signature'];
  if (!signature) return { ok: false, reason: 'missing_signature' };
  return result(sameDigest(hmac(input.secret, bodyBuffer(input.rawBody)), signature, 'base64'));
}

function verifyWebflow(input: SignatureInput): SignatureResult {
  const signature = input.headers['x-webflow-signature'];
  if (!signature) return { ok: false, reason: 'missing_signature' };
  const timestamp = input.headers['x-webflow-timestamp'];
  const stale = checkTimestamp(timestamp, input.now);
  if (stale) return stale;
  const source = Buffer.concat([Buffer.from(`${timestamp!.trim()}:`, 'utf8'), bodyBuffer(input.rawBody)]);
  return result(sameDigest(hmac(input.secret, source), signature, 'hex'));
}

function verifyGeneric(input: SignatureInput): SignatureResult {
  const signature = input.headers['x-signature'];
  if (!signature) return { ok: false, reason: 'missing_signature' };
  const [scheme, digest] = splitScheme(signature);
  if (scheme !== 'sha256' || !digest) return { ok: false, reason: 'invalid_signature' };
  return result(sameDigest(hmac(input.secret, bodyBuffer(input.rawBody)), digest, 'hex'));
}

function splitScheme(header: string): [string, string | undefined] {
  const equals = header.indexOf('=');
  if (equals < 0) return [header.trim().toLowerCase(), undefined];
  return [header.slice(0, equals).trim().toLowerCase(), header.slice(equals + 1).trim()];
}

function result(valid: boolean): SignatureResult {
  return valid ? { ok: true } : { ok: false, reason: 'invalid_signature' };
}

/** Signs a body the way `verifySignature` expects for own JSON/HTML posts (for clients and tests). */
export function signGeneric(rawBody: string | Buffer, secret: string): string {
  return `sha256=${hmac(secret, bodyBuffer(rawBody)).toString('hex')}`;
}
