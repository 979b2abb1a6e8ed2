/**
 * fast-check over the intake handler: 1,000 random bodies, content types, query strings and headers — a mix of
 * provider-shaped submissions and garbage — as API Gateway v2 events built by the local gateway's `buildEvent`
 * (in process for speed; the HTTP path is covered by test/intake-http.test.ts). Properties: never a 5xx,
 * never a redirect to an origin that is not allowed, every 202 has a complete lead item with its DEDUP item,
 * and a 4xx writes nothing (the table holds exactly the leads that were answered 202, and their guards).
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LeadSchema } from '../functions/agent/lead';
import { fixture, HTML_BOUNDARY } from '../functions/agent/testing/intake-requests';
import { buildEvent } from '../local/http-gateway';
import { createLambdaContext } from '../local/lambda-context';
import { type IntakeStack, startIntakeStack } from './support/intake-stack';

const FIELDS = [
  'email',
  'phone',
  'name',
  'firstName',
  'lastName',
  'company',
  'website',
  'employees',
  'country',
  'message',
  'formType',
  'language',
  'submissionId',
  'pageUrl',
  'utm_source',
  '_gotcha',
  '_ts',
  '_redirect',
  'e-mailadres',
  'bedrijfsnaam',
  '__proto__',
  'constructor',
];
const value = fc.oneof(
  fc.emailAddress(),
  fc.string({ maxLength: 40 }),
  fc.constantFrom(
    '+31 6 12345678',
    '020-1234567',
    '11-50',
    '1.000-5.000',
    'Nederland',
    'nl',
    'demo',
    'https://www.example.com/x',
  ),
  fc.integer().map(String),
  fc.string({ unit: 'grapheme', maxLength: 20 }),
);
const record = fc.dictionary(fc.constantFrom(...FIELDS), value, { maxKeys: 8 });
/** A plausible contact, so that a good share of the submissions is accepted. */
const contact = fc
  .tuple(
    fc.constantFrom('anna', 'j.de.vries', 'sales+demo', 'o'),
    fc.constantFrom('acme-fuzz.nl', 'bedrijf-fuzz.be', 'gmail.com', 'firma-fuzz.de'),
    fc.nat(99_999),
  )
  .map(([user, domain, n]) => `${user}${n}@${domain}`);
const validish = fc
  .tuple(record, contact)
  .map(([r, email]) => ({ ...r, email, _ts: r._ts ?? '' }) as Record<string, string>);
const PROVIDER_FIXTURES = [
  'json-contact-en.json',
  'hubspot-v3-submit.json',
  'typeform-webhook.json',
  'webflow-v1.json',
  'webflow-v2.json',
  'tally-webhook.json',
].map((f) => JSON.parse(fixture(f)) as unknown);

/** A provider payload with one subtree replaced by a random JSON value (shape drift, wrong types, nulls). */
const mutatedProvider = fc
  .tuple(fc.constantFrom(...PROVIDER_FIXTURES), fc.jsonValue({ maxDepth: 2 }), fc.nat(), fc.boolean())
  .map(([payload, replacement, n, drop]) => {
    const copy = structuredClone(payload) as Record<string, unknown>;
    const walk = (node: unknown, depth: number): void => {
      if (!node || typeof node !== 'object') return;
      const keys = Object.keys(node as object);
      if (keys.length === 0) return;
      const key = keys[(n + depth) % keys.length]!;
      const obj = node as Record<string, unknown>;
      if (depth >= 2 || typeof obj[key] !== 'object' || obj[key] === null) {
        if (drop) delete obj[key];
        else obj[key] = replacement;
      } else walk(obj[key], depth + 1);
    };
    walk(copy, 0);
    return JSON.stringify(copy);
  });

const multipart = (fields: Record<string, string>) =>
  `${Object.entries(fields)
    .map(([k, v]) => `--${HTML_BOUNDARY}\r\nContent-Disposition: form-data; name="${k}"\r\n\r\n${v}\r\n`)
    .join('')}--${HTML_BOUNDARY}--\r\n`;

const request = fc.oneof(
  {
    arbitrary: validish.map((r) => ({
      contentType: 'application/json',
      body: Buffer.from(JSON.stringify(r)),
    })),
    weight: 3,
  },
  {
    arbitrary: validish.map((r) => ({
      contentType: 'application/x-www-form-urlencoded',
      body: Buffer.from(new URLSearchParams(r).toString()),
    })),
    weight: 2,
  },
  record.map((r) => ({ contentType: 'application/json', body: Buffer.from(JSON.stringify(r)) })),
  mutatedProvider.map((b) => ({ contentType: 'application/json; charset=utf-8', body: Buffer.from(b) })),
  record.map((r) => ({
    contentType: 'application/x-www-form-urlencoded',
    body: Buffer.from(new URLSearchParams(r).toString()),
  })),
  record.map((r) => ({
    contentType: `multipart/form-data; boundary=${HTML_BOUNDARY}`,
    body: Buffer.from(multipart(r)),
  })),
  fc
    .tuple(
      fc.constantFrom(
        'application/json',
        'application/x-www-form-urlencoded',
        `multipart/form-data; boundary=${HTML_BOUNDARY}`,
        'multipart/form-data',
        'text/plain',
        'application/xml',
        'application/json; charset=latin1',
        '',
        '%%%',
      ),
      fc.oneof(
        fc.string({ maxLength: 200 }),
        fc.json(),
        fc.uint8Array({ maxLength: 300 }).map((b) => Buffer.from(b).toString('latin1')),
      ),
    )
    .map(([contentType, body]) => ({ contentType, body: Buffer.from(body, 'latin1') })),
  fc.constant({ contentType: 'application/json', body: Buffer.alloc(70_000, 0x61) }),
);

const extras = fc.record({
  source: fc.option(
    fc.constantFrom('json', 'html', 'hubspot', 'typeform', 'webflow', 'tally', 'jotform', 'nope', ''),
    {
      nil: undefined,
    },
  ),
  headers: fc.dictionary(
    fc.constantFrom(
      'accept-language',
      'origin',
      'x-signature',
      'typeform-signature',
      'x-hubspot-signature-v3',
      'referer',
      'user-agent',
    ),
    fc.string({ maxLength: 30 }),
    { maxKeys: 3 },
  ),
});

describe('intake fuzz: never a 5xx, 202 is complete, 4xx writes nothing', () => {
  let stack: IntakeStack;
  beforeAll(async () => {
    stack = await startIntakeStack();
  });
  afterAll(async () => {
    await stack?.stop();
  });

  it('holds for 1,000 random submissions', { timeout: 180_000 }, async () => {
    // Prepare
    const accepted = new Set<string>();
    const statuses = new Map<number, number>();
    // Act
    await fc.assert(
      fc.asyncProperty(request, extras, async (req, extra) => {
        const url =
          extra.source === undefined ? '/leads' : `/leads?source=${encodeURIComponent(extra.source)}`;
        const rawHeaders = [
          'host',
          'api.example.com',
          ...(req.contentType ? ['content-type', req.contentType] : []),
          ...Object.entries(extra.headers).flat(),
        ];
        const event = buildEvent(
          { method: 'POST', url, rawHeaders, body: req.body, sourceIp: '203.0.113.9', protocol: 'HTTP/1.1' },
          'POST /leads',
          undefined,
        );
        const result = (await stack.intake(
          event,
          createLambdaContext({ functionName: 'IntakeFunction' }),
        )) as {
          statusCode: number;
          body: string;
          headers?: Record<string, string>;
        };
        statuses.set(result.statusCode, (statuses.get(result.statusCode) ?? 0) + 1);
        // Assess (per request)
        expect(result.statusCode, result.body).toBeLessThan(500);
        expect(result.statusCode).not.toBe(303);
        const answer = JSON.parse(result.body) as { leadId?: string; issues?: { field: string }[] };
        if (result.statusCode === 202) accepted.add(answer.leadId!);
        else {
          expect(result.statusCode).toBeGreaterThanOrEqual(400);
          expect(answer.leadId).toBeUndefined();
        }
      }),
      { numRuns: 1_000 },
    );
    // Assess (the table): exactly the accepted leads, each complete, and nothing else (no rate counters)
    const { leads, other } = await stack.items();
    expect(new Set(leads.map((l) => l.leadId))).toEqual(accepted);
    for (const l of leads) {
      expect(() => LeadSchema.parse(l.lead)).not.toThrow();
      expect(['received', 'spam']).toContain(l.status);
      expect(typeof (l.raw as { body: unknown }).body).toBe('string');
    }
    expect(other).toEqual([]);
    // The mix must exercise both sides.
    expect(accepted.size).toBeGreaterThan(50);
    expect([...statuses.keys()].filter((s) => s >= 400).length).toBeGreaterThanOrEqual(3);
  });
});
