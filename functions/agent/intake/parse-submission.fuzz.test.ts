import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { LeadSchema, PROVIDERS } from '../lead';
import { fixture, JOTFORM_BOUNDARY, RECEIVED_AT, TEST_SETTINGS } from '../testing/intake-requests';
import { parseSubmission } from './parse-submission';
import type { SubmissionInput } from './types';

const ALLOWED_KINDS = ['invalid', 'unprocessable', 'too_large', 'unsupported_media'];
const FIELD_NAMES = [
  'email',
  'e-mailadres',
  'Work email',
  'phone',
  'telefoonnummer',
  'name',
  'firstName',
  'bedrijfsnaam',
  'website',
  'employees',
  'aantal medewerkers',
  'country',
  'land',
  'message',
  'formType',
  'language',
  'pageUrl',
  '_gotcha',
  '_ts',
  '_redirect',
  'utm_source',
  'marketingOptIn',
  '__proto__',
  'constructor',
  'hs_context',
  'rawRequest',
];
const CONTENT_TYPES = [
  'application/json',
  'application/json; charset=utf-8',
  'application/x-www-form-urlencoded',
  `multipart/form-data; boundary=${JOTFORM_BOUNDARY}`,
  'multipart/form-data; boundary=b',
  'multipart/form-data',
  'text/plain',
  'application/vnd.api+json',
];

const scalar = fc.oneof(
  fc.string(),
  fc.emailAddress(),
  fc.constantFrom(
    '06 12345678',
    '+31 20 123 4567',
    '11-50',
    '1.000-5.000',
    'Nederland',
    'BE',
    'ja',
    'nee',
    '',
  ),
  fc.integer(),
  fc.double(),
  fc.boolean(),
  fc.constant(null),
  fc.string({ unit: 'grapheme', maxLength: 3000 }),
);
const flatAnswers = fc.dictionary(fc.oneof(fc.constantFrom(...FIELD_NAMES), fc.string()), scalar, {
  maxKeys: 15,
});
const jsonValue = fc.oneof(
  flatAnswers,
  fc.jsonValue({ maxDepth: 6 }),
  fc.record({ event_type: fc.constant('form_response'), form_response: fc.jsonValue() }),
  fc.record({
    eventType: fc.constant('FORM_RESPONSE'),
    data: fc.record({
      fields: fc.array(
        fc.record({
          key: fc.string(),
          label: scalar,
          type: fc.string(),
          value: fc.jsonValue(),
          options: fc.jsonValue(),
        }),
        { maxLength: 8 },
      ),
    }),
  }),
  fc.record({
    triggerType: fc.constant('form_submission'),
    payload: fc.record({ data: flatAnswers, submittedAt: scalar, id: scalar }),
  }),
  fc.record({ name: fc.string(), site: fc.string(), data: flatAnswers, d: scalar, _id: scalar }),
  fc.record({
    fields: fc.array(
      fc.record({
        name: fc.constantFrom(...FIELD_NAMES),
        value: scalar,
        objectTypeId: fc.constantFrom('0-1', '0-2'),
      }),
    ),
    context: fc.jsonValue(),
    legalConsentOptions: fc.jsonValue(),
    submittedAt: scalar,
  }),
);
const multipartPart = ([name, value]: [string, string]) =>
  `--${JOTFORM_BOUNDARY}\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`;
const multipart = fc
  .array(
    fc.tuple(
      fc.constantFrom(...FIELD_NAMES, 'formID', 'submissionID', 'pretty'),
      fc.oneof(fc.string(), fc.json()),
    ),
    {
      maxLength: 10,
    },
  )
  .map((parts) => [...parts.map(multipartPart), `--${JOTFORM_BOUNDARY}--\r\n`].join(''));
const body = fc.oneof(
  jsonValue.map((value) => JSON.stringify(value) ?? ''),
  flatAnswers.map((answers) =>
    new URLSearchParams(Object.entries(answers).map(([k, v]) => [k, String(v)])).toString(),
  ),
  multipart,
  fc.string({ maxLength: 2000 }),
  fc.constantFrom(
    fixture('typeform-webhook.json'),
    fixture('jotform-webhook.multipart.txt'),
    fixture('hubspot-legacy.urlencoded.txt'),
  ),
  fc.string({ maxLength: 70_000, minLength: 65_000 }),
);
const headerValue = fc.option(fc.string(), { nil: undefined });
const anyInput: fc.Arbitrary<SubmissionInput> = fc.record({
  body,
  isBase64Encoded: fc.boolean(),
  headers: fc.record({
    'content-type': fc.oneof(fc.constantFrom(...CONTENT_TYPES), headerValue),
    'accept-language': headerValue,
    referer: fc.oneof(fc.webUrl({ withQueryParameters: true }), headerValue),
  }),
  query: fc.record({
    source: fc.option(fc.oneof(fc.constantFrom(...PROVIDERS), fc.string()), { nil: undefined }),
    redirect: fc.option(fc.webUrl(), { nil: undefined }),
  }),
  method: fc.constant('POST'),
  path: fc.constant('/leads'),
  receivedAt: fc.oneof(fc.constant(RECEIVED_AT), fc.date()),
});

/** A real provider's submission with its own content type and random extra headers: these must become leads. */
const wellFormed: fc.Arbitrary<SubmissionInput> = fc
  .record({
    body: fc.constantFrom(
      [fixture('typeform-webhook.json'), 'application/json'],
      [fixture('jotform-webhook.multipart.txt'), `multipart/form-data; boundary=${JOTFORM_BOUNDARY}`],
      [fixture('hubspot-legacy.urlencoded.txt'), 'application/x-www-form-urlencoded'],
    ),
    acceptLanguage: headerValue,
    referer: fc.oneof(fc.webUrl({ withQueryParameters: true }), headerValue),
  })
  .map(({ body: [text, contentType], acceptLanguage, referer }) => ({
    body: text,
    isBase64Encoded: false,
    headers: { 'content-type': contentType, 'accept-language': acceptLanguage, referer },
    query: { source: undefined, redirect: undefined },
    method: 'POST',
    path: '/leads',
    receivedAt: RECEIVED_AT,
  }));
/** Mostly anything at all; one in five a well-formed submission, so every run reaches real leads too. */
const input = fc.oneof({ arbitrary: anyInput, weight: 4 }, { arbitrary: wellFormed, weight: 1 });

describe('parseSubmission fuzz', () => {
  it('never throws; ok results pass LeadSchema; errors have an allowed kind and a field', async () => {
    // Prepare
    const outcomes = new Map<string | number, number>();
    const property = fc.asyncProperty(input, fc.boolean(), async (generated, encode) => {
      const request =
        encode && !generated.isBase64Encoded
          ? { ...generated, body: Buffer.from(generated.body).toString('base64'), isBase64Encoded: true }
          : generated;
      // Act
      const result = await parseSubmission(request, TEST_SETTINGS);
      // Assess
      outcomes.set(result.ok ? 'ok' : result.kind, (outcomes.get(result.ok ? 'ok' : result.kind) ?? 0) + 1);
      if (result.ok) {
        expect(() => LeadSchema.parse(result.lead)).not.toThrow();
        expect(PROVIDERS).toContain(result.provider);
      } else {
        expect(ALLOWED_KINDS).toContain(result.kind);
        // The catch-all answer means an internal bug, not a bad request.
        expect(result.error).not.toBe('Unreadable submission');
        // Nor should a lead we built ever fail the schema.
        expect(result.error).not.toBe('The submission is invalid');
        expect(result.issues.length).toBeGreaterThan(0);
        for (const issue of result.issues) expect(issue.field).toMatch(/\S/);
      }
    });
    await fc.assert(property, { numRuns: 1_500 });
    // The generators reach both sides: real leads and every kind of refusal.
    expect([...outcomes.keys()]).toEqual(
      expect.arrayContaining(['ok', 'invalid', 'too_large', 'unsupported_media', 'unprocessable']),
    );
    // 1,500 runs take ~10 s on an idle 2-core machine and a minute on a busy one.
  }, 240_000);
});
