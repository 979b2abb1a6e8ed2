import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { formRequest, jsonRequest, request, TEST_SETTINGS } from '../testing/intake-requests';
import { parseSubmission } from './parse-submission';
import type { ParseResult, ParseSuccess } from './types';

function success(result: ParseResult): ParseSuccess {
  if (!result.ok) throw new Error(`expected ok, got ${result.kind}: ${JSON.stringify(result.issues)}`);
  return result;
}

describe('parseSubmission: webhook shapes nobody told us about', () => {
  it('nested field objects {name, value, type} map by their name and type', async () => {
    // Prepare
    const input = jsonRequest({
      email: { name: 'Email', value: 'Petra@Vandenberg-Logistiek.nl', type: 'email' },
      company: { name: 'Company', value: 'Van den Berg Logistiek' },
      msg: { label: 'Your question', value: 'Wat kost het voor 40 gebruikers?' },
    });
    // Act
    const result = success(await parseSubmission(input, TEST_SETTINGS));
    // Assess
    expect(result.lead.person.email).toBe('petra@vandenberg-logistiek.nl');
    expect(result.lead.company.name).toBe('Van den Berg Logistiek');
    expect(result.lead.message).toBe('Wat kost het voor 40 gebruikers?');
  });

  it('an array of answers {label, value} (top level or under a key) is read field by field', async () => {
    // Prepare
    const answers = [
      { label: 'Work email', value: 'j.smith@acme-freight.com' },
      { label: 'Job title', value: 'Head of Sales' },
      { label: 'Company size', value: '51-200' },
    ];
    // Act
    const topLevel = success(await parseSubmission(jsonRequest(answers), TEST_SETTINGS));
    const nested = success(await parseSubmission(jsonRequest({ data: { fields: answers } }), TEST_SETTINGS));
    // Assess
    for (const result of [topLevel, nested]) {
      expect(result.lead.person.email).toBe('j.smith@acme-freight.com');
      expect(result.lead.person.jobTitle).toBe('Head of Sales');
      expect(result.lead.company.employees).toBe(51);
    }
  });

  it('an email under a field name we do not know is still found, in JSON and in a urlencoded form', async () => {
    // Prepare
    const json = jsonRequest({ q1: 'Anna', q7: 'anna@bakkerij-de-wit.nl', q9: 'Graag een offerte' });
    const form = formRequest({ field_1: 'anna@bakkerij-de-wit.nl', field_2: 'Bakkerij de Wit' });
    // Act
    const fromJson = success(await parseSubmission(json, TEST_SETTINGS));
    const fromForm = success(await parseSubmission(form, TEST_SETTINGS));
    // Assess
    expect(fromJson.lead.person.email).toBe('anna@bakkerij-de-wit.nl');
    expect(fromJson.lead.extra).toMatchObject({ q9: 'Graag een offerte' });
    expect(fromForm.lead.person.email).toBe('anna@bakkerij-de-wit.nl');
    expect(fromForm.rawFields).toMatchObject({ field_2: 'Bakkerij de Wit' });
  });

  it('an array without field objects and a body without any contact are still refused naming the field', async () => {
    // Prepare
    const numbers = request('[1,2]', 'application/json');
    const noContact = jsonRequest([{ label: 'Company', value: 'Acme' }]);
    // Act
    const numbersResult = await parseSubmission(numbers, TEST_SETTINGS);
    const noContactResult = await parseSubmission(noContact, TEST_SETTINGS);
    // Assess
    expect(numbersResult).toMatchObject({ ok: false, kind: 'unprocessable', issues: [{ field: 'body' }] });
    expect(noContactResult).toMatchObject({ ok: false, kind: 'unprocessable', issues: [{ field: 'email' }] });
  });
});

describe('parseSubmission: generic shapes, fuzzed', () => {
  it('any JSON shape of field objects that carries an email address is accepted with that address', async () => {
    // Prepare
    // Labels that would name an email field of their own (with a filler value) are a different case.
    const key = fc.stringMatching(/^[A-Za-z_][A-Za-z0-9_ ]{0,15}$/).filter((name) => !/mail/i.test(name));
    const filler = fc.oneof(
      fc.string({ maxLength: 40 }).filter((text) => !text.includes('@')),
      fc.integer(),
      fc.boolean(),
    );
    const fieldObject = (value: fc.Arbitrary<unknown>) =>
      fc.record({ label: key, value, type: fc.constantFrom('text', 'hidden', 'number') });
    const shape = fc.tuple(
      fc.array(fc.tuple(key, fieldObject(filler)), { maxLength: 6 }),
      fc.constantFrom('nested', 'array', 'wrapped'),
      fc.nat(6),
    );
    // Act + Assess
    await fc.assert(
      fc.asyncProperty(shape, async ([entries, layout, position]) => {
        const email = {
          label: 'Contact',
          value: 'lead@example-company.nl' as unknown,
          type: 'text' as const,
        };
        const fields = entries.filter(([name]) => !['__proto__', 'constructor'].includes(name));
        fields.splice(Math.min(position, fields.length), 0, ['contact', email]);
        const body =
          layout === 'nested'
            ? Object.fromEntries(fields)
            : layout === 'array'
              ? fields.map(([, field]) => field)
              : { submission: { answers: fields.map(([, field]) => field) } };
        const result = await parseSubmission(jsonRequest(body), TEST_SETTINGS);
        expect(result.ok ? result.lead.person.email : result.issues).toBe('lead@example-company.nl');
      }),
      { numRuns: 150 },
    );
  }, 60_000);
});
