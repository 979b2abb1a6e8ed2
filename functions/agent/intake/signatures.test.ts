import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { Provider } from '../lead';
import { fixture } from '../testing/intake-requests';
import { type SignatureInput, signGeneric, verifySignature } from './signatures';

const SECRET = 'whsec_test_4f1c9e';
const NOW = new Date('2026-11-23T10:00:00.000Z');
const URL_ = 'https://api.example.com/leads?source=hubspot';

const hmac = (data: string, encoding: 'base64' | 'hex') =>
  createHmac('sha256', SECRET).update(data).digest(encoding);

/** Builds a correctly signed request per provider, the way each provider documents it. */
function signed(provider: Provider, body: string, sentAt: Date = NOW): SignatureInput {
  const ts = String(sentAt.getTime());
  const headersByProvider: Partial<Record<Provider, Record<string, string>>> = {
    hubspot: {
      'x-hubspot-signature-v3': hmac(`POST${URL_}${body}${ts}`, 'base64'),
      'x-hubspot-request-timestamp': ts,
    },
    typeform: { 'typeform-signature': `sha256=${hmac(body, 'base64')}` },
    tally: { 'tally-signature': hmac(body, 'base64') },
    webflow: { 'x-webflow-signature': hmac(`${ts}:${body}`, 'hex'), 'x-webflow-timestamp': ts },
  };
  const headers = headersByProvider[provider] ?? { 'x-signature': signGeneric(body, SECRET) };
  return { rawBody: body, headers, method: 'POST', url: URL_, secret: SECRET, now: NOW };
}

const BODIES: Array<[Provider, string]> = [
  ['hubspot', fixture('hubspot-v3-submit.json')],
  ['typeform', fixture('typeform-webhook.json')],
  ['tally', fixture('tally-webhook.json')],
  ['webflow', fixture('webflow-v2.json')],
  ['json', fixture('json-contact-en.json')],
  ['html', fixture('html-pricing.urlencoded.txt')],
];

describe('verifySignature', () => {
  it.each(BODIES)('%s: a correctly signed body passes', (provider, body) => {
    // Prepare
    const input = signed(provider, body);
    // Act
    const result = verifySignature(provider, input);
    // Assess
    expect(result).toEqual({ ok: true });
  });

  it.each(BODIES)('%s: a body changed by one character fails', (provider, body) => {
    // Prepare
    const input = {
      ...signed(provider, body),
      rawBody: body.replace(/.$/s, (last) => (last === ' ' ? '\t' : ' ')),
    };
    // Act
    const result = verifySignature(provider, input);
    // Assess
    expect(result).toEqual({ ok: false, reason: 'invalid_signature' });
  });

  it.each(BODIES)('%s: the wrong secret fails', (provider, body) => {
    // Prepare
    const input = { ...signed(provider, body), secret: 'another-secret' };
    // Act
    const result = verifySignature(provider, input);
    // Assess
    expect(result).toEqual({ ok: false, reason: 'invalid_signature' });
  });

  it.each(BODIES)('%s: no signature header fails as missing', (provider, body) => {
    // Prepare
    const input = { ...signed(provider, body), headers: {} };
    // Act
    const result = verifySignature(provider, input);
    // Assess
    expect(result).toEqual({ ok: false, reason: 'missing_signature' });
  });

  it.each([['hubspot'], ['webflow']] as Array<[Provider]>)(
    '%s: a signature older than 5 minutes is expired',
    (provider) => {
      // Prepare
      const sixMinutesAgo = new Date(NOW.getTime() - 6 * 60_000);
      const input = signed(provider, '{"a":1}', sixMinutesAgo);
      // Act
      const result = verifySignature(provider, input);
      // Assess
      expect(result).toEqual({ ok: false, reason: 'expired' });
    },
  );

  it.each([['hubspot'], ['webflow']] as Array<[Provider]>)('%s: 4 minutes old still passes', (provider) => {
    // Prepare
    const input = signed(provider, '{"a":1}', new Date(NOW.getTime() - 4 * 60_000));
    // Act
    const result = verifySignature(provider, input);
    // Assess
    expect(result).toEqual({ ok: true });
  });

  it.each([
    ['hubspot', 'x-hubspot-request-timestamp'],
    ['webflow', 'x-webflow-timestamp'],
  ] as Array<[Provider, string]>)('%s: a missing timestamp fails', (provider, header) => {
    // Prepare
    const input = signed(provider, '{"a":1}');
    delete input.headers[header];
    // Act
    const result = verifySignature(provider, input);
    // Assess
    expect(result).toEqual({ ok: false, reason: 'missing_timestamp' });
  });

  it('hubspot: the signed URI includes the query string and method', () => {
    // Prepare
    const input = { ...signed('hubspot', '{"a":1}'), url: 'https://api.example.com/leads' };
    // Act
    const result = verifySignature('hubspot', input);
    // Assess
    expect(result).toEqual({ ok: false, reason: 'invalid_signature' });
  });

  it('hubspot: percent-encoded characters HubSpot decodes before signing still verify', () => {
    // Prepare
    const body = '{"a":1}';
    const ts = String(NOW.getTime());
    const decodedUrl = 'https://api.example.com/leads?page=https://www.example.com/demo';
    const input: SignatureInput = {
      rawBody: body,
      headers: {
        'x-hubspot-signature-v3': hmac(`POST${decodedUrl}${body}${ts}`, 'base64'),
        'x-hubspot-request-timestamp': ts,
      },
      method: 'post',
      url: 'https://api.example.com/leads?page=https%3A%2F%2Fwww.example.com%2Fdemo',
      secret: SECRET,
      now: NOW,
    };
    // Act
    const result = verifySignature('hubspot', input);
    // Assess
    expect(result).toEqual({ ok: true });
  });

  it('typeform and generic: a signature without the sha256= scheme fails', () => {
    // Prepare
    const typeform = signed('typeform', '{}');
    typeform.headers['typeform-signature'] = typeform.headers['typeform-signature']!.replace(
      'sha256=',
      'sha1=',
    );
    const generic = signed('json', '{}');
    generic.headers['x-signature'] = generic.headers['x-signature']!.replace('sha256=', '');
    // Act
    const results = [verifySignature('typeform', typeform), verifySignature('json', generic)];
    // Assess
    expect(results).toEqual([
      { ok: false, reason: 'invalid_signature' },
      { ok: false, reason: 'invalid_signature' },
    ]);
  });

  it('accepts the raw body as a Buffer (base64-decoded API Gateway body)', () => {
    // Prepare
    const body = 'email=jan%40acme.nl';
    const input = { ...signed('tally', body), rawBody: Buffer.from(body) };
    // Act
    const result = verifySignature('tally', input);
    // Assess
    expect(result).toEqual({ ok: true });
  });

  it('garbage and truncated signatures fail without throwing', () => {
    // Prepare
    const garbage = ['', '!!!', 'sha256=', 'sha256=zz', 'a'.repeat(10_000), 'AAAA'];
    // Act
    const results = garbage.flatMap((value) =>
      (['hubspot', 'typeform', 'tally', 'webflow', 'json'] as Provider[]).map((provider) => {
        const input = signed(provider, '{}');
        for (const key of Object.keys(input.headers))
          if (!key.includes('timestamp')) input.headers[key] = value;
        return verifySignature(provider, input).ok;
      }),
    );
    // Assess
    expect(results.every((ok) => ok === false)).toBe(true);
  });
});
