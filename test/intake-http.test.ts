/**
 * POST /leads over real HTTP (local API Gateway → the intake Lambda handler → DynamoDB Local + SQS emulator):
 * every provider shape and content type, every error class with the field named, signatures, rate limit,
 * spam traps, the HTML form redirect and CORS. Each describe block runs its own stack (own table and queues)
 * with the configuration it needs; see test/support/intake-stack.ts.
 */
import { createHmac } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixture, HTML_BOUNDARY, JOTFORM_BOUNDARY } from '../functions/agent/testing/intake-requests';
import { type IntakeStack, postLead, startIntakeStack } from './support/intake-stack';
import { receiveAll } from './support/local-aws';

const JSON_TYPE = { 'content-type': 'application/json' };
const FORM_TYPE = { 'content-type': 'application/x-www-form-urlencoded' };
const ULID = /^[0-9A-HJKMNP-TV-Z]{26}$/;
const ORIGIN = 'https://www.example.com';

/** The HTML pricing form as a browser posts it 45 s after rendering; without `_redirect` unless asked. */
const pricingForm = (options: { redirect?: boolean; renderedAgoMs?: number } = {}) => {
  const body = fixture('html-pricing.urlencoded.txt')
    .trim()
    .replace('RENDERED_AT', String(Date.now() - (options.renderedAgoMs ?? 45_000)));
  return options.redirect ? body : body.replace(/&_redirect=[^&]*/, '');
};

interface ProviderCase {
  readonly name: string;
  readonly body: () => string;
  readonly contentType: string;
  readonly provider: string;
  readonly email: string;
}

const PROVIDERS: readonly ProviderCase[] = [
  {
    name: 'own JSON (en)',
    body: () => fixture('json-contact-en.json'),
    contentType: 'application/json',
    provider: 'json',
    email: 'sarah.jones@northwind-logistics.co.uk',
  },
  {
    name: 'own JSON (nl, charset)',
    body: () => fixture('json-demo-nl.json'),
    contentType: 'application/json; charset=utf-8',
    provider: 'json',
    email: 'j.devries@bakkerij-devries.nl',
  },
  {
    name: 'HTML form, urlencoded',
    body: () => pricingForm(),
    contentType: 'application/x-www-form-urlencoded',
    provider: 'html',
    email: 'pieter@acme-saas.nl',
  },
  {
    name: 'HTML form, multipart with Dutch labels',
    body: () => fixture('html-nl-labels.multipart.txt'),
    contentType: `multipart/form-data; boundary=${HTML_BOUNDARY}`,
    provider: 'html',
    email: 'lisa@vanleeuwen-advies.nl',
  },
  {
    name: 'HubSpot Forms API v3',
    body: () => fixture('hubspot-v3-submit.json'),
    contentType: 'application/json',
    provider: 'hubspot',
    email: 'mark.peeters@brightfreight.be',
  },
  {
    name: 'HubSpot legacy urlencoded',
    body: () => fixture('hubspot-legacy.urlencoded.txt').trim(),
    contentType: 'application/x-www-form-urlencoded',
    provider: 'hubspot',
    email: 'anna.schmidt@kraftwerk-software.de',
  },
  {
    name: 'Typeform webhook',
    body: () => fixture('typeform-webhook.json'),
    contentType: 'application/json',
    provider: 'typeform',
    email: 'emily@brightpath.io',
  },
  {
    name: 'Webflow v1',
    body: () => fixture('webflow-v1.json'),
    contentType: 'application/json',
    provider: 'webflow',
    email: 'tom@janssens-bouw.be',
  },
  {
    name: 'Webflow v2',
    body: () => fixture('webflow-v2.json'),
    contentType: 'application/json',
    provider: 'webflow',
    email: 'sanne.visser@gmail.com',
  },
  {
    name: 'Tally webhook',
    body: () => fixture('tally-webhook.json'),
    contentType: 'application/json',
    provider: 'tally',
    email: 'ahmed@elamrani-logistiek.nl',
  },
  {
    name: 'Jotform multipart webhook',
    body: () => fixture('jotform-webhook.multipart.txt'),
    contentType: `multipart/form-data; boundary=${JOTFORM_BOUNDARY}`,
    provider: 'jotform',
    email: 'c.dubois@atelier-dubois.fr',
  },
];

/** The stored lead item (GET /leads/{id} is behind auth; its authorization has its own tests). */
const readLead = async (stack: IntakeStack, leadId: string) => {
  const item = await stack.lead(leadId);
  expect(item).toBeDefined();
  return item as unknown as {
    status: string;
    provider: string;
    lead: { person: { email?: string }; company: { domain?: string } };
    spam?: { reason: string };
  };
};

describe('POST /leads: every provider shape and content type', () => {
  let stack: IntakeStack;
  beforeAll(async () => {
    stack = await startIntakeStack({ env: { ALLOWED_ORIGINS: ORIGIN, REDIRECT_ORIGINS: ORIGIN } });
  });
  afterAll(async () => {
    await stack?.stop();
  });

  it.each(PROVIDERS)('$name → 202 {leadId, status}; stored normalised, raw body verbatim', async (c) => {
    // Prepare
    const body = c.body();
    // Act
    const res = await postLead(stack.url, body, { 'content-type': c.contentType });
    // Assess
    expect(res.status, JSON.stringify(res.body)).toBe(202);
    expect(res.body.leadId).toMatch(ULID);
    expect(res.body.status).toBe('received');
    const stored = await readLead(stack, res.body.leadId!);
    expect(stored.status).toBe('received');
    expect(stored.provider).toBe(c.provider);
    expect(stored.lead.person.email).toBe(c.email);
    // The raw submission is kept verbatim in the store (GET /leads/{id} does not expose it).
    const raw = (await stack.lead(res.body.leadId!))?.raw as {
      body: string;
      isBase64Encoded: boolean;
      contentType: string;
    };
    const rawBytes = raw.isBase64Encoded ? Buffer.from(raw.body, 'base64') : Buffer.from(raw.body);
    expect(rawBytes.toString('utf8')).toBe(body);
    expect(raw.contentType).toBe(c.contentType);
  });

  it('intake sends no message: the stored lead waits in the outbox for the table stream to hand it on', async () => {
    // Prepare
    const res = await postLead(stack.url, JSON.stringify({ email: 'queue.check@acme-queue.nl' }), JSON_TYPE);
    // Act
    const messages = await receiveAll(stack.queues.qualify);
    const item = await stack.lead(res.body.leadId!);
    // Assess
    expect(messages.filter((m) => m.Body?.includes(res.body.leadId!))).toEqual([]);
    expect(item).toMatchObject({ status: 'received', outboxPk: 'OUTBOX' });
  });

  it.each([
    ['400 malformed JSON', '{"email": "a@acme-x.nl",', JSON_TYPE, 400, 'body'],
    [
      '413 over 64 KB',
      JSON.stringify({ email: 'big@acme-x.nl', message: 'x'.repeat(70_000) }),
      JSON_TYPE,
      413,
      'body',
    ],
    [
      '415 unsupported type (XML)',
      '<lead><email>a@acme-x.nl</email></lead>',
      { 'content-type': 'application/xml' },
      415,
      'content-type',
    ],
    ['415 no content type', '{"email":"a@acme-x.nl"}', {}, 415, 'content-type'],
    ['422 no contact', JSON.stringify({ name: 'Jan Jansen', company: 'Acme' }), JSON_TYPE, 422, 'email'],
    ['422 invalid email', JSON.stringify({ email: 'not-an-email' }), JSON_TYPE, 422, 'email'],
    ['422 no contact (form)', 'firstName=Jan&company=Acme', FORM_TYPE, 422, 'email'],
  ] as const)('%s: names the field, writes nothing', async (_name, body, headers, status, field) => {
    // Prepare
    const before = await stack.items();
    // Act
    const res = await postLead(stack.url, body, headers);
    // Assess
    expect(res.status).toBe(status);
    expect(typeof res.body.message).toBe('string');
    expect((res.body.issues as { field: string }[]).map((i) => i.field)).toContain(field);
    const after = await stack.items();
    expect(after.leads.length).toBe(before.leads.length);
    expect(after.other.length).toBe(before.other.length);
  });

  it('answers errors in Dutch for a Dutch browser', async () => {
    // Act
    const res = await postLead(stack.url, JSON.stringify({ name: 'Jan' }), {
      ...JSON_TYPE,
      'accept-language': 'nl-NL,nl;q=0.9',
    });
    // Assess
    expect(res.status).toBe(422);
    const issues = res.body.issues as { field: string; message: string }[];
    expect(issues[0]?.message).not.toBe('Give an email address or a phone number so we can reach you');
  });

  it('honeypot filled → 202, stored as spam, never queued for qualification', async () => {
    // Prepare
    const body = JSON.stringify({
      email: 'bot@acme-spam.nl',
      message: 'buy',
      _gotcha: 'http://spam.example',
    });
    await receiveAll(stack.queues.qualify);
    // Act
    const res = await postLead(stack.url, body, JSON_TYPE);
    // Assess
    expect(res.status).toBe(202);
    expect(res.body.status).toBe('spam');
    const stored = await readLead(stack, res.body.leadId!);
    expect(stored.status).toBe('spam');
    expect(stored.spam?.reason).toBeTruthy();
    const item = await stack.lead(res.body.leadId!);
    expect(item?.outboxPk).toBeUndefined();
    const queued = await receiveAll(stack.queues.qualify);
    expect(queued.filter((m) => m.Body?.includes(res.body.leadId!))).toEqual([]);
  });

  it('time trap (form posted 200 ms after rendering) → 202, stored as spam, never queued', async () => {
    // Prepare
    const body = pricingForm({ renderedAgoMs: 200 }).replace('pieter%40acme-saas.nl', 'fast%40acme-bot.nl');
    await receiveAll(stack.queues.qualify);
    // Act
    const res = await postLead(stack.url, body, FORM_TYPE);
    // Assess
    expect(res.status).toBe(202);
    expect(res.body.status).toBe('spam');
    expect((await readLead(stack, res.body.leadId!)).status).toBe('spam');
    const queued = await receiveAll(stack.queues.qualify);
    expect(queued.filter((m) => m.Body?.includes(res.body.leadId!))).toEqual([]);
  });

  it('HTML form with _redirect to an allowed origin → 303 Location, and the lead is stored', async () => {
    // Prepare
    const body = pricingForm({ redirect: true }).replace('pieter%40acme-saas.nl', 'redirect%40acme-saas.nl');
    // Act
    const res = await postLead(stack.url, body, FORM_TYPE);
    // Assess
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe('https://www.example.com/bedankt');
    const { leads } = await stack.items();
    expect(
      leads.filter((l) => (l.lead as { person: { email: string } }).person.email === 'redirect@acme-saas.nl'),
    ).toHaveLength(1);
  });

  it('HTML form with _redirect to another origin → no redirect to it', async () => {
    // Prepare
    const body = pricingForm({ redirect: true })
      .replace('www.example.com', 'evil.example.net')
      .replace('pieter%40acme-saas.nl', 'noredirect%40acme-saas.nl');
    // Act
    const res = await postLead(stack.url, body, FORM_TYPE);
    // Assess
    expect(res.status).toBeLessThan(500);
    expect(res.headers.get('location') ?? '').not.toContain('evil.example.net');
  });

  it('CORS: preflight and POST answer an allowed origin, and nothing for another origin', async () => {
    // Act
    const preflight = await fetch(new URL('/leads', stack.url), {
      method: 'OPTIONS',
      headers: {
        origin: ORIGIN,
        'access-control-request-method': 'POST',
        'access-control-request-headers': 'content-type',
      },
    });
    const foreign = await fetch(new URL('/leads', stack.url), {
      method: 'OPTIONS',
      headers: { origin: 'https://evil.example.net', 'access-control-request-method': 'POST' },
    });
    const post = await postLead(stack.url, JSON.stringify({ email: 'cors@acme-cors.nl' }), {
      ...JSON_TYPE,
      origin: ORIGIN,
    });
    const foreignPost = await postLead(stack.url, JSON.stringify({ email: 'cors2@acme-cors.nl' }), {
      ...JSON_TYPE,
      origin: 'https://evil.example.net',
    });
    // Assess
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get('access-control-allow-origin')).toBe(ORIGIN);
    expect(preflight.headers.get('access-control-allow-methods')).toContain('POST');
    expect(preflight.headers.get('access-control-allow-headers')).toContain('content-type');
    expect(foreign.headers.get('access-control-allow-origin')).toBeNull();
    expect(post.status).toBe(202);
    expect(post.headers.get('access-control-allow-origin')).toBe(ORIGIN);
    expect(foreignPost.headers.get('access-control-allow-origin')).toBeNull();
  });
});

describe('POST /leads: webhook signatures when INTAKE_SECRETS has a secret for the source', () => {
  const SECRETS = { hubspot: 'hs-secret-1', typeform: 'tf-secret-2', json: 'own-secret-3' };
  let stack: IntakeStack;
  beforeAll(async () => {
    stack = await startIntakeStack({ env: { INTAKE_SECRETS: JSON.stringify(SECRETS) } });
  });
  afterAll(async () => {
    await stack?.stop();
  });

  const hmac = (secret: string, data: string) => createHmac('sha256', secret).update(data);
  /** The URL as the sender called it: the gateway's domain name (127.0.0.1) over https. */
  const signedUrl = 'https://127.0.0.1/leads';

  const SIGNED = [
    {
      source: 'HubSpot v3',
      body: () => fixture('hubspot-v3-submit.json'),
      sign: (body: string, secret: string) => {
        const ts = String(Date.now());
        return {
          'x-hubspot-request-timestamp': ts,
          'x-hubspot-signature-v3': hmac(secret, `POST${signedUrl}${body}${ts}`).digest('base64'),
        };
      },
      secret: SECRETS.hubspot,
    },
    {
      source: 'Typeform',
      body: () => fixture('typeform-webhook.json'),
      sign: (body: string, secret: string) => ({
        'typeform-signature': `sha256=${hmac(secret, body).digest('base64')}`,
      }),
      secret: SECRETS.typeform,
    },
    {
      source: 'generic (own JSON)',
      body: () => JSON.stringify({ email: 'signed@acme-signed.nl', message: 'Signed post' }),
      sign: (body: string, secret: string) => ({
        'x-signature': `sha256=${hmac(secret, body).digest('hex')}`,
      }),
      secret: SECRETS.json,
    },
  ];

  it.each(SIGNED)('$source: unsigned → 401, wrongly signed → 401, correctly signed → 202', async (c) => {
    // Prepare
    const body = c.body();
    // Act
    const unsigned = await postLead(stack.url, body, JSON_TYPE);
    const wrong = await postLead(stack.url, body, { ...JSON_TYPE, ...c.sign(body, 'not-the-secret') });
    const tampered = await postLead(stack.url, body.replace('@', '+x@'), {
      ...JSON_TYPE,
      ...c.sign(body, c.secret),
    });
    const itemsBefore = await stack.items();
    const signed = await postLead(stack.url, body, { ...JSON_TYPE, ...c.sign(body, c.secret) });
    // Assess
    for (const refused of [unsigned, wrong, tampered]) {
      expect(refused.status).toBe(401);
      expect((refused.body.issues as { field: string }[])[0]?.field).toBe('signature');
    }
    expect(itemsBefore.leads).toHaveLength(SIGNED.indexOf(c));
    expect(signed.status, JSON.stringify(signed.body)).toBe(202);
    expect(signed.body.leadId).toMatch(ULID);
  });

  it('a source without a secret is still accepted unsigned', async () => {
    // Act
    const res = await postLead(stack.url, fixture('tally-webhook.json'), JSON_TYPE);
    // Assess
    expect(res.status).toBe(202);
  });
});

describe('POST /leads: rate limit per source (INTAKE_RATE_PER_MINUTE)', () => {
  const LIMIT = 3;
  let stack: IntakeStack;
  beforeAll(async () => {
    stack = await startIntakeStack({ env: { INTAKE_RATE_PER_MINUTE: String(LIMIT) } });
  });
  afterAll(async () => {
    await stack?.stop();
  });

  it(`the ${LIMIT + 1}th submission of a source in a minute → 429 with Retry-After; other sources still pass`, async () => {
    // Prepare: the window is a calendar minute; do not start in its last seconds
    const intoMinute = Date.now() % 60_000;
    if (intoMinute > 55_000) await new Promise((r) => setTimeout(r, 60_500 - intoMinute));
    const post = (i: number) =>
      postLead(stack.url, JSON.stringify({ email: `rate${i}@acme-rate.nl` }), JSON_TYPE);
    // Act
    const allowed = [];
    for (let i = 0; i < LIMIT; i++) allowed.push(await post(i));
    const limited = await post(LIMIT);
    const otherSource = await postLead(stack.url, fixture('tally-webhook.json'), JSON_TYPE);
    // Assess
    expect(allowed.map((r) => r.status)).toEqual(Array(LIMIT).fill(202));
    expect(limited.status).toBe(429);
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(Number(limited.headers.get('retry-after'))).toBeLessThanOrEqual(60);
    expect(String(limited.body.message)).toMatch(/retry/i);
    expect(otherSource.status).toBe(202);
    const { leads } = await stack.items();
    expect(leads).toHaveLength(LIMIT + 1);
  });
});
