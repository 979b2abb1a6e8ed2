import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { formRequest, jsonRequest, RECEIVED_AT, request, TEST_SETTINGS } from '../testing/intake-requests';
import { parseSubmission } from './parse-submission';
import type { ParseFailure, ParseResult, ParseSuccess } from './types';

function failure(result: ParseResult): ParseFailure {
  if (result.ok) throw new Error('expected a failure');
  return result;
}
function success(result: ParseResult): ParseSuccess {
  if (!result.ok) throw new Error(`expected ok, got ${result.kind}: ${JSON.stringify(result.issues)}`);
  return result;
}

describe('parseSubmission: errors', () => {
  it('malformed JSON → 400 naming body', async () => {
    // Prepare
    const input = request('{"email": "a@b.nl",', 'application/json');
    // Act
    const result = failure(await parseSubmission(input, TEST_SETTINGS));
    // Assess
    expect(result.kind).toBe('invalid');
    expect(result.issues[0]?.field).toBe('body');
  });

  it('an invalid email under a field with an empty name → 422 naming email, not an empty field', async () => {
    // Prepare: a form that sends its answers keyed by an empty label
    const input = request(
      JSON.stringify({ name: '', data: { '': '!a@a.aa' }, _id: 'a@a.aa' }),
      'application/json',
    );
    // Act
    const result = failure(await parseSubmission(input, TEST_SETTINGS));
    // Assess
    expect(result.kind).toBe('unprocessable');
    expect(result.issues.map((i) => i.field)).toEqual(['email']);
  });

  it('body over 64 KiB → 413, also when base64-encoded', async () => {
    // Prepare
    const big = JSON.stringify({ email: 'a@acme.nl', message: 'x'.repeat(70_000) });
    const plain = request(big, 'application/json');
    const encoded = request(Buffer.from(big).toString('base64'), 'application/json', {
      isBase64Encoded: true,
    });
    // Act
    const results = [
      await parseSubmission(plain, TEST_SETTINGS),
      await parseSubmission(encoded, TEST_SETTINGS),
    ];
    // Assess
    for (const result of results)
      expect(failure(result)).toMatchObject({ kind: 'too_large', issues: [{ field: 'body' }] });
  });

  it('a body just under the limit is accepted', async () => {
    // Prepare
    const body = JSON.stringify({ email: 'a@acme.nl', message: 'x'.repeat(60_000) });
    // Act
    const result = success(await parseSubmission(request(body, 'application/json'), TEST_SETTINGS));
    // Assess
    expect(result.lead.message).toHaveLength(10_000);
  });

  it.each([['text/plain'], ['application/xml'], [undefined]])(
    'content type %s → 415 naming content-type',
    async (contentType) => {
      // Prepare
      const input = request('{"email":"a@acme.nl"}', contentType);
      // Act
      const result = failure(await parseSubmission(input, TEST_SETTINGS));
      // Assess
      expect(result.kind).toBe('unsupported_media');
      expect(result.issues[0]?.field).toBe('content-type');
    },
  );

  it('multipart without a boundary, and a cut-off multipart body → 400 naming body', async () => {
    // Prepare
    const noBoundary = request('--x\r\n', 'multipart/form-data');
    const truncated = request(
      '--b\r\nContent-Disposition: form-data; name="email"\r\n\r\na@acme.nl',
      'multipart/form-data; boundary=b',
    );
    // Act
    const results = [
      await parseSubmission(noBoundary, TEST_SETTINGS),
      await parseSubmission(truncated, TEST_SETTINGS),
    ];
    // Assess
    for (const result of results)
      expect(failure(result)).toMatchObject({ kind: 'invalid', issues: [{ field: 'body' }] });
  });

  it('a JSON array or string is a 422 on body, an empty body a 400', async () => {
    // Prepare
    const array = request('[1,2]', 'application/json');
    const empty = request('', 'application/json');
    // Act
    const arrayResult = failure(await parseSubmission(array, TEST_SETTINGS));
    const emptyResult = failure(await parseSubmission(empty, TEST_SETTINGS));
    // Assess
    expect(arrayResult).toMatchObject({ kind: 'unprocessable', issues: [{ field: 'body' }] });
    expect(emptyResult).toMatchObject({ kind: 'invalid', issues: [{ field: 'body' }] });
  });

  it('no email and no phone → 422 on email, in English and Dutch', async () => {
    // Prepare
    const input = jsonRequest({ name: 'Anon', message: 'Call me maybe' });
    // Act
    const result = failure(await parseSubmission(input, TEST_SETTINGS));
    // Assess
    expect(result.kind).toBe('unprocessable');
    expect(result.issues).toEqual([
      {
        field: 'email',
        message: 'Give an email address or a phone number so we can reach you',
        messageNl: expect.stringContaining('e-mailadres of telefoonnummer'),
      },
    ]);
  });

  it('an invalid email → 422 naming the field as the form called it', async () => {
    // Prepare
    const input = formRequest({ 'e-mailadres': 'jan@@bedrijf', bedrijfsnaam: 'Bedrijf' });
    // Act
    const result = failure(await parseSubmission(input, TEST_SETTINGS));
    // Assess
    expect(result.kind).toBe('unprocessable');
    expect(result.issues).toHaveLength(1);
    expect(result.issues[0]).toMatchObject({
      field: 'e-mailadres',
      message: expect.stringContaining('valid email'),
    });
  });

  it('an unusable phone as the only contact → 422 naming the phone field', async () => {
    // Prepare
    const input = jsonRequest({ telefoonnummer: 'bel me', name: 'Jan' });
    // Act
    const result = failure(await parseSubmission(input, TEST_SETTINGS));
    // Assess
    expect(result.issues.map((item) => item.field)).toEqual(['telefoonnummer']);
  });

  it('an unusable phone beside a good email is kept for the rep, not rejected', async () => {
    // Prepare
    const input = jsonRequest({ email: 'jan@acme.nl', phone: 'ask reception' });
    // Act
    const result = success(await parseSubmission(input, TEST_SETTINGS));
    // Assess
    expect(result.lead.person.phone).toBeUndefined();
    expect(result.lead.extra['Phone (as entered)']).toBe('ask reception');
  });

  it('a phone number alone is enough to be reachable (NL default country)', async () => {
    // Prepare
    const input = formRequest({ naam: 'Kees', telefoon: '010-1234567' });
    // Act
    const result = success(await parseSubmission(input, TEST_SETTINGS));
    // Assess
    expect(result.lead.person).toMatchObject({ phone: '+31101234567', firstName: 'Kees' });
    expect(result.lead.person.email).toBeUndefined();
  });

  it('the phone default country follows the form country', async () => {
    // Prepare
    const input = jsonRequest({ email: 'x@firma.be', phone: '0470 12 34 56', country: 'België' });
    // Act
    const result = success(await parseSubmission(input, TEST_SETTINGS));
    // Assess
    expect(result.lead.person.phone).toBe('+32470123456');
    expect(result.lead.company.country).toBe('BE');
  });
});

describe('parseSubmission: spam traps', () => {
  it('a filled honeypot is spam, still ok so the handler can store it', async () => {
    // Prepare
    const input = formRequest({ email: 'bot@spam.example', _gotcha: 'http://cheap.example' });
    // Act
    const result = success(await parseSubmission(input, TEST_SETTINGS));
    // Assess
    expect(result.spam).toEqual({ reason: 'honeypot' });
    expect(result.lead.extra).not.toHaveProperty('_gotcha');
  });

  it('spam with no contact details still yields a storable lead', async () => {
    // Prepare
    const input = formRequest({ website_hp: 'x', message: 'buy now' });
    // Act
    const result = success(await parseSubmission(input, TEST_SETTINGS));
    // Assess
    expect(result.spam).toEqual({ reason: 'honeypot' });
    expect(result.lead.message).toBe('buy now');
  });

  it.each([
    ['posted 1 s after render (ms)', String(RECEIVED_AT.getTime() - 1_000), 'time_trap'],
    [
      'posted 25 h after render (ISO)',
      new Date(RECEIVED_AT.getTime() - 25 * 3_600_000).toISOString(),
      'time_trap',
    ],
    ['posted 30 s after render', String(RECEIVED_AT.getTime() - 30_000), undefined],
    ['unreadable render time', 'soon', undefined],
  ])('time trap: %s', async (_name, renderedAt, expected) => {
    // Prepare
    const input = formRequest({ email: 'jan@acme.nl', _ts: renderedAt });
    // Act
    const result = success(await parseSubmission(input, TEST_SETTINGS));
    // Assess
    expect(result.spam?.reason).toBe(expected);
  });

  it('honeypot names come from settings', async () => {
    // Prepare
    const settings = { ...TEST_SETTINGS, honeypotFields: ['fax_number'] };
    const input = formRequest({ email: 'jan@acme.nl', fax_number: '123', _gotcha: 'x' });
    // Act
    const result = success(await parseSubmission(input, settings));
    // Assess
    expect(result.spam).toEqual({ reason: 'honeypot' });
    expect(result.lead.extra).toHaveProperty('_gotcha');
  });
});

describe('parseSubmission: redirect allow-list', () => {
  it.each([
    [
      'allowed origin via _redirect',
      { _redirect: 'https://www.example.com/thanks?x=1' },
      {},
      'https://www.example.com/thanks?x=1',
    ],
    [
      'allowed origin via ?redirect=',
      {},
      { redirect: 'https://www.example.com/dank' },
      'https://www.example.com/dank',
    ],
    ['other origin ignored', { _redirect: 'https://evil.example/phish' }, {}, undefined],
    ['look-alike host ignored', { _redirect: 'https://www.example.com.evil.example/' }, {}, undefined],
    ['javascript: ignored', { _redirect: 'javascript:alert(1)' }, {}, undefined],
    ['http on an https-only origin ignored', { _redirect: 'http://www.example.com/thanks' }, {}, undefined],
  ])('%s', async (_name, fields, query, expected) => {
    // Prepare
    const input = formRequest({ email: 'jan@acme.nl', ...fields }, { query });
    // Act
    const result = success(await parseSubmission(input, TEST_SETTINGS));
    // Assess
    expect(result.redirectTo).toBe(expected);
  });
});

describe('parseSubmission: labels and language', () => {
  it('English labels map the same as Dutch ones', async () => {
    // Prepare
    const english = formRequest({
      'Work email': 'kim@acme.io',
      'Company name': 'Acme',
      'Company size': '201-500',
      'Job title': 'CTO',
      'Phone number': '+31 6 1234 5678',
      Message: 'Hi',
    });
    const dutch = formRequest({
      'Zakelijk e-mailadres': 'kim@acme.io',
      Bedrijfsnaam: 'Acme',
      'Aantal medewerkers': '201-500',
      Functie: 'CTO',
      Telefoonnummer: '+31 6 1234 5678',
      Bericht: 'Hi',
    });
    // Act
    const [en, nl] = [
      success(await parseSubmission(english, TEST_SETTINGS)),
      success(await parseSubmission(dutch, TEST_SETTINGS)),
    ];
    // Assess
    expect(nl.lead.person).toEqual(en.lead.person);
    expect(nl.lead.company).toEqual(en.lead.company);
    expect(en.lead.company).toMatchObject({ name: 'Acme', employees: 201, domain: 'acme.io' });
    expect(en.lead.person).toMatchObject({ email: 'kim@acme.io', jobTitle: 'CTO', phone: '+31612345678' });
    expect(nl.lead.message).toBe('Hi');
  });

  it.each([
    [{ language: 'nl-NL' }, {}, 'nl'],
    [{ language: 'de' }, { 'accept-language': 'nl' }, 'en'],
    [{}, { 'accept-language': 'nl-BE,nl;q=0.9,en;q=0.8' }, 'nl'],
    [{}, { 'accept-language': 'fr-FR,fr;q=0.9' }, 'en'],
    [{}, { 'accept-language': 'en;q=0.5,nl;q=0.9' }, 'nl'],
    [{}, {}, 'en'],
  ])('language from form %j and headers %j → %s', async (fields, headers, expected) => {
    // Prepare: a .com address, so the domain says nothing and Accept-Language has its say
    const input = formRequest({ email: 'jan@acme.com', ...fields });
    input.headers = { ...input.headers, ...headers };
    // Act
    const result = success(await parseSubmission(input, TEST_SETTINGS));
    // Assess
    expect(result.lead.language).toBe(expected);
  });

  it('an HTML form without a page URL field takes it from the Referer header', async () => {
    // Prepare
    const input = formRequest({ email: 'jan@acme.nl' });
    input.headers.referer = 'https://www.example.com/nl/prijzen?utm_source=bing&utm_medium=cpc';
    // Act
    const result = success(await parseSubmission(input, TEST_SETTINGS));
    // Assess
    expect(result.lead.source.pageUrl).toBe(
      'https://www.example.com/nl/prijzen?utm_source=bing&utm_medium=cpc',
    );
    expect(result.lead.utm).toEqual({ source: 'bing', medium: 'cpc' });
    expect(result.lead.formType).toBe('pricing');
    expect(result.lead.language).toBe('nl');
    expect(result.lead.activities.map((activity) => activity.type)).toEqual([
      'form_submission',
      'pricing_page',
    ]);
  });

  it('over-long answers are cut to the schema limits', async () => {
    // Prepare
    const input = jsonRequest({
      email: 'jan@acme.nl',
      company: 'C'.repeat(500),
      jobTitle: 'J'.repeat(300),
      [`q${'k'.repeat(300)}`]: 'v'.repeat(3000),
    });
    // Act
    const result = success(await parseSubmission(input, TEST_SETTINGS));
    // Assess
    expect(result.lead.company.name).toHaveLength(300);
    expect(result.lead.person.jobTitle).toHaveLength(200);
    const [[key, value]] = Object.entries(result.lead.extra) as [[string, string]];
    expect(key).toHaveLength(200);
    expect(value).toHaveLength(2000);
  });
});

describe('parseSubmission: real multipart from an HTTP client', () => {
  it('parses the exact bytes and content type fetch() sends for FormData', async () => {
    // Prepare: a local server captures what a browser-like client puts on the wire.
    const captured = await new Promise<{ body: Buffer; headers: IncomingHttpHeaders }>((resolve, reject) => {
      const server = createServer((req, res) => {
        const chunks: Buffer[] = [];
        req.on('data', (chunk: Buffer) => chunks.push(chunk));
        req.on('end', () => {
          res.end('ok');
          server.close();
          resolve({ body: Buffer.concat(chunks), headers: req.headers });
        });
      });
      server.listen(0, '127.0.0.1', () => {
        const form = new FormData();
        form.append('email', 'eva@studio-zuid.nl');
        form.append('naam', 'Eva Smit');
        form.append('bericht', 'Hallo 👋 — graag een offerte');
        const { port } = server.address() as AddressInfo;
        fetch(`http://127.0.0.1:${port}/leads`, { method: 'POST', body: form }).catch(reject);
      });
    });
    const input = request(captured.body.toString('base64'), captured.headers['content-type'], {
      isBase64Encoded: true,
    });
    // Act
    const result = success(await parseSubmission(input, TEST_SETTINGS));
    // Assess
    expect(result.lead.person).toMatchObject({
      email: 'eva@studio-zuid.nl',
      firstName: 'Eva',
      lastName: 'Smit',
    });
    expect(result.lead.message).toBe('Hallo 👋 — graag een offerte');
  });
});
