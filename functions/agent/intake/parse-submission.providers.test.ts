import { describe, expect, it } from 'vitest';
import { LeadSchema } from '../lead';
import {
  fixture,
  HTML_BOUNDARY,
  JOTFORM_BOUNDARY,
  RECEIVED_AT,
  request,
  TEST_SETTINGS,
} from '../testing/intake-requests';
import { parseSubmission } from './parse-submission';
import type { ParseResult, ParseSuccess } from './types';

function expectOk(result: ParseResult): ParseSuccess {
  if (!result.ok) throw new Error(`expected ok, got ${result.kind}: ${JSON.stringify(result.issues)}`);
  expect(() => LeadSchema.parse(result.lead)).not.toThrow();
  return result;
}

describe('parseSubmission: provider fixtures', () => {
  it('own JSON (English): every documented field lands in the lead', async () => {
    // Prepare
    const input = request(fixture('json-contact-en.json'), 'application/json');
    // Act
    const result = expectOk(await parseSubmission(input, TEST_SETTINGS));
    // Assess
    expect(result.provider).toBe('json');
    expect(result.submissionId).toBe('own-7f3c2a');
    expect(result.lead.person).toEqual({
      firstName: 'Sarah',
      lastName: 'Jones',
      fullName: 'Sarah Jones',
      email: 'sarah.jones@northwind-logistics.co.uk',
      phone: '+442079460958',
      jobTitle: 'Head of Operations',
    });
    expect(result.lead.company).toMatchObject({
      name: 'Northwind Logistics Ltd',
      domain: 'northwind-logistics.co.uk',
      employees: 50,
      employeesRaw: '50+',
      country: 'GB',
    });
    expect(result.lead.qualifying).toEqual({
      budget: '€20k-50k per year',
      authority: 'I sign off on tooling',
      need: 'Faster first response to inbound leads',
      timeline: 'Next quarter',
      productInterest: 'Lead qualification',
    });
    expect(result.lead.consent).toMatchObject({ marketingOptIn: true, privacyNoticeVersion: '2026-03' });
    expect(result.lead.consent.purpose).toBeTruthy();
    expect(result.lead.utm).toEqual({ source: 'linkedin', medium: 'paid_social', campaign: 'q2-logistics' });
    expect(result.lead.source).toMatchObject({
      formId: 'contact-main',
      referrer: 'https://www.linkedin.com/',
    });
    expect(result.lead.formType).toBe('contact');
    expect(result.lead.language).toBe('en');
    expect(result.lead.submittedAt).toBe(RECEIVED_AT.toISOString());
    expect(result.lead.extra).toEqual({ howDidYouHear: 'Podcast' });
    expect(result.rawFields.howDidYouHear).toBe('Podcast');
  });

  it('own JSON (Dutch demo): NL mobile to E.164, "1.000-5.000" lower bound, UTM from page URL, demo activity', async () => {
    // Prepare
    const input = request(fixture('json-demo-nl.json'), 'application/json; charset=utf-8');
    // Act
    const result = expectOk(await parseSubmission(input, TEST_SETTINGS));
    // Assess
    expect(result.lead.person).toMatchObject({
      firstName: 'Jan',
      lastName: 'de Vries',
      phone: '+31612345678',
    });
    expect(result.lead.company).toMatchObject({
      employees: 1000,
      employeesRaw: '1.000-5.000',
      country: 'NL',
    });
    expect(result.lead.formType).toBe('demo_request');
    expect(result.lead.language).toBe('nl');
    expect(result.lead.utm).toEqual({ source: 'google', medium: 'cpc', campaign: 'demo-nl' });
    expect(result.lead.activities.map((activity) => activity.type)).toEqual([
      'form_submission',
      'demo_request',
    ]);
    expect(result.lead.consent.marketingOptIn).toBe(true);
    expect(result.submissionId).toBeUndefined();
  });

  it('plain HTML form, urlencoded: checkbox group joined, redirect to an allowed origin returned', async () => {
    // Prepare
    const body = fixture('html-pricing.urlencoded.txt').replace(
      'RENDERED_AT',
      String(RECEIVED_AT.getTime() - 45_000),
    );
    // Act
    const result = expectOk(
      await parseSubmission(request(body, 'application/x-www-form-urlencoded'), TEST_SETTINGS),
    );
    // Assess
    expect(result.provider).toBe('html');
    expect(result.spam).toBeUndefined();
    expect(result.redirectTo).toBe('https://www.example.com/bedankt');
    expect(result.lead.person.email).toBe('pieter@acme-saas.nl');
    expect(result.lead.company).toMatchObject({
      domain: 'acme-saas.nl',
      website: 'acme-saas.nl',
      employees: 11,
    });
    expect(result.lead.qualifying.productInterest).toBe('CRM, Email');
    expect(result.lead.extra).not.toHaveProperty('_ts');
    expect(result.lead.extra).not.toHaveProperty('_redirect');
  });

  it('plain HTML form, multipart with Dutch field names: every field mapped, file part ignored', async () => {
    // Prepare
    const input = request(
      fixture('html-nl-labels.multipart.txt'),
      `multipart/form-data; boundary=${HTML_BOUNDARY}`,
    );
    // Act
    const result = expectOk(await parseSubmission(input, TEST_SETTINGS));
    // Assess
    expect(result.lead.person).toEqual({
      firstName: 'Lisa',
      lastName: 'van Leeuwen',
      fullName: 'Lisa van Leeuwen',
      email: 'lisa@vanleeuwen-advies.nl',
      phone: '+31201234567',
      jobTitle: 'Directeur',
    });
    expect(result.lead.company).toMatchObject({ name: 'Van Leeuwen Advies', employees: 10, country: 'NL' });
    expect(result.lead.message).toContain('sneller opvolgen');
    expect(result.lead.consent.marketingOptIn).toBe(true);
    expect(result.rawFields).not.toHaveProperty('bijlage');
  });

  it('HubSpot Forms API v3: company object fields, legal consent, context page and submittedAt', async () => {
    // Prepare
    const input = request(fixture('hubspot-v3-submit.json'), 'application/json');
    // Act
    const result = expectOk(await parseSubmission(input, TEST_SETTINGS));
    // Assess
    expect(result.provider).toBe('hubspot');
    expect(result.lead.person).toMatchObject({
      firstName: 'Mark',
      jobTitle: 'Sales Director',
      phone: '+32470123456',
    });
    expect(result.lead.company).toMatchObject({
      name: 'BrightFreight NV',
      domain: 'brightfreight.be',
      employees: 201,
      country: 'BE',
    });
    expect(result.lead.consent.marketingOptIn).toBe(true);
    expect(result.lead.source.formName).toBe('Book a demo');
    expect(result.lead.formType).toBe('demo_request');
    expect(result.lead.utm).toEqual({ source: 'newsletter', medium: 'email', campaign: 'nov-demo' });
    expect(result.lead.submittedAt).toBe(new Date(1764511200000).toISOString());
  });

  it('HubSpot legacy urlencoded post with hs_context: page URL, pricing page activity, country name', async () => {
    // Prepare
    const input = request(fixture('hubspot-legacy.urlencoded.txt'), 'application/x-www-form-urlencoded');
    // Act
    const result = expectOk(await parseSubmission(input, TEST_SETTINGS));
    // Assess
    expect(result.provider).toBe('hubspot');
    expect(result.lead.company).toMatchObject({
      country: 'DE',
      employees: 51,
      domain: 'kraftwerk-software.de',
    });
    expect(result.lead.source.pageUrl).toBe('https://www.example.com/en/pricing');
    expect(result.lead.formType).toBe('pricing');
    expect(result.lead.activities.map((activity) => activity.type)).toContain('pricing_page');
    expect(result.rawFields.email).toBe('anna.schmidt@kraftwerk-software.de');
    expect(result.lead.extra).toEqual({});
  });

  it('Typeform webhook: labels from definition, typed answers, hidden UTM, token as submission id', async () => {
    // Prepare
    const input = request(fixture('typeform-webhook.json'), 'application/json');
    // Act
    const result = expectOk(await parseSubmission(input, TEST_SETTINGS));
    // Assess
    expect(result.provider).toBe('typeform');
    expect(result.submissionId).toBe('a3a12ec67a1365927098a606107fac15');
    expect(result.lead.person).toMatchObject({
      fullName: 'Emily Carter',
      email: 'emily@brightpath.io',
      phone: '+14155550132',
    });
    expect(result.lead.company).toMatchObject({ name: 'BrightPath', domain: 'brightpath.io', employees: 11 });
    expect(result.lead.formType).toBe('trial');
    expect(result.lead.consent.marketingOptIn).toBe(true);
    expect(result.lead.utm).toEqual({ source: 'g2', campaign: 'comparison' });
    expect(result.lead.submittedAt).toBe('2026-11-20T10:15:44.000Z');
    expect(result.lead.extra).toEqual({
      'Which tools do you use today?': 'HubSpot, Slack',
      'How many seats do you need?': '12',
    });
  });

  it('Webflow v1 webhook: data keys as labels, _id and d', async () => {
    // Prepare
    const input = request(fixture('webflow-v1.json'), 'application/json');
    // Act
    const result = expectOk(await parseSubmission(input, TEST_SETTINGS));
    // Assess
    expect(result.provider).toBe('webflow');
    expect(result.submissionId).toBe('6321ca84df3949bfc6752327');
    expect(result.lead.person).toMatchObject({
      firstName: 'Tom',
      lastName: 'Janssens',
      email: 'tom@janssens-bouw.be',
    });
    expect(result.lead.company.domain).toBe('janssens-bouw.be');
    expect(result.lead.formType).toBe('contact');
    expect(result.lead.submittedAt).toBe('2026-11-19T08:35:16.117Z');
  });

  it('Webflow v2 webhook, Dutch labels: numeric phone, free-mail gives no domain, download activity', async () => {
    // Prepare
    const input = request(fixture('webflow-v2.json'), 'application/json');
    // Act
    const result = expectOk(await parseSubmission(input, TEST_SETTINGS));
    // Assess
    expect(result.submissionId).toBe('6565ab6bfa2aeaec15b06b6d');
    expect(result.lead.source.formId).toBe('65429eadebe8a9f3a30f62d0');
    expect(result.lead.person).toMatchObject({
      firstName: 'Sanne',
      lastName: 'Visser',
      phone: '+31612345678',
    });
    expect(result.lead.company.domain).toBeUndefined();
    expect(result.lead.company.employees).toBe(1);
    expect(result.lead.language).toBe('nl');
    expect(result.lead.formType).toBe('download');
    expect(result.lead.activities.map((activity) => activity.type)).toEqual(['form_submission', 'download']);
  });

  it('Tally webhook: option ids mapped to their text, hidden field UTM, null answers skipped', async () => {
    // Prepare
    const input = request(fixture('tally-webhook.json'), 'application/json');
    // Act
    const result = expectOk(await parseSubmission(input, TEST_SETTINGS));
    // Assess
    expect(result.provider).toBe('tally');
    expect(result.submissionId).toBe('2wgx4n');
    expect(result.lead.company).toMatchObject({
      name: 'El Amrani Logistiek',
      employees: 11,
      employeesRaw: '11-50',
    });
    expect(result.lead.qualifying).toMatchObject({ budget: '€5.000 - €25.000', timeline: '2027-01-15' });
    expect(result.lead.extra['Welke modules?']).toBe('Scoring, E-mail drafts');
    expect(result.lead.utm.source).toBe('tally-embed');
    expect(result.lead.formType).toBe('pricing');
    expect(result.lead.company.website).toBeUndefined();
  });

  it('Jotform multipart webhook: rawRequest keys without qN_ prefix, nested name and phone', async () => {
    // Prepare
    const input = request(
      fixture('jotform-webhook.multipart.txt'),
      `multipart/form-data; boundary=${JOTFORM_BOUNDARY}`,
    );
    // Act
    const result = expectOk(await parseSubmission(input, TEST_SETTINGS));
    // Assess
    expect(result.provider).toBe('jotform');
    expect(result.submissionId).toBe('5981234567891234567');
    expect(result.lead.source).toMatchObject({ formId: '241234567890123', formName: 'Request a demo' });
    expect(result.lead.person).toMatchObject({
      firstName: 'Claire',
      lastName: 'Dubois',
      phone: '+33142685300',
    });
    expect(result.lead.company).toMatchObject({ name: 'Atelier Dubois', country: 'FR', employees: 11 });
    expect(result.lead.formType).toBe('demo_request');
    // The CRM question is a self-reported fact the scoring reads (current tools), not an extra.
    expect(result.lead.qualifying.currentTools).toBe('Pipedrive');
    expect(result.lead.extra).toEqual({});
  });

  it('?source= forces a provider, and a body of the wrong shape for it is a 422 on body', async () => {
    // Prepare
    const typeformAsJson = request(fixture('typeform-webhook.json'), 'application/json', {
      query: { source: 'tally' },
    });
    const unknownSource = request('{}', 'application/json', { query: { source: 'wufoo' } });
    // Act
    const wrongShape = await parseSubmission(typeformAsJson, TEST_SETTINGS);
    const unknown = await parseSubmission(unknownSource, TEST_SETTINGS);
    // Assess
    expect(wrongShape).toMatchObject({ ok: false, kind: 'unprocessable', issues: [{ field: 'body' }] });
    expect(unknown).toMatchObject({ ok: false, kind: 'invalid', issues: [{ field: 'source' }] });
  });

  it('?source=json treats a webhook-looking body as our own flat shape', async () => {
    // Prepare
    const input = request(
      JSON.stringify({ email: 'a@b-company.nl', name: 'Sample form', site: 'x', data: {}, _id: '1' }),
      'application/json',
      { query: { source: 'json' } },
    );
    // Act
    const result = expectOk(await parseSubmission(input, TEST_SETTINGS));
    // Assess
    expect(result.provider).toBe('json');
    expect(result.lead.person.email).toBe('a@b-company.nl');
  });
});
