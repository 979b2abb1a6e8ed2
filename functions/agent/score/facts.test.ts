import { describe, expect, it } from 'vitest';
import { makeEnrichment, makeLead } from '../testing/score-fixtures';
import { deriveFacts, inOfficeHours, meaningfulAnswer, parseTimelineMonths } from './facts';

const NOW = new Date('2025-02-21T12:00:00Z');
const HOURS = { days: [1, 2, 3, 4, 5], start: '09:00', end: '17:30' };

describe('deriveFacts', () => {
  it('prefers registry employees and industry over the form and the website', () => {
    // Prepare
    const lead = makeLead({ company: { employees: 5, country: 'NL' } });
    const enrichment = makeEnrichment({
      registry: {
        source: 'kvk',
        legalName: 'Voorbeeld B.V.',
        sbiCodes: ['6201'],
        industry: 'saas',
        employees: 120,
      },
    });
    // Act
    const facts = deriveFacts(lead, enrichment, NOW);
    // Assess
    expect(facts.employees).toBe(120);
    expect(facts.employeesSource).toBe('registry');
    expect(facts.industry).toBe('saas');
    expect(facts.industrySource).toBe('registry');
  });

  it('falls back to the form for employees and infers the industry from the website', () => {
    // Prepare
    const lead = makeLead({ company: { employees: 11 } });
    const enrichment = makeEnrichment({
      website: {
        url: 'https://x.nl',
        finalUrl: 'https://x.nl/',
        status: 200,
        description: 'Wij zijn een logistiek dienstverlener voor fulfilment',
        technologies: [{ name: 'HubSpot', categories: ['CRM'] }],
        crm: ['HubSpot'],
        marketingAutomation: [],
        ecommerce: [],
      },
    });
    // Act
    const facts = deriveFacts(lead, enrichment, NOW);
    // Assess
    expect(facts.employees).toBe(11);
    expect(facts.employeesSource).toBe('form');
    expect(facts.industry).toBe('logistics');
    expect(facts.industrySource).toBe('inferred');
    expect(facts.hasCrm).toBe(true);
    expect(facts.crm).toEqual(['hubspot']);
  });

  it('treats a website with a shop platform as e-commerce and an unknown one as other', () => {
    // Prepare
    const site = {
      url: 'https://x.nl',
      finalUrl: 'https://x.nl/',
      status: 200,
      technologies: [],
      crm: [],
      marketingAutomation: [],
      ecommerce: [],
    };
    // Act
    const shop = deriveFacts(
      makeLead(),
      makeEnrichment({ website: { ...site, ecommerce: ['Shopify'] } }),
      NOW,
    );
    const plain = deriveFacts(makeLead(), makeEnrichment({ website: { ...site, title: 'Welkom' } }), NOW);
    // Assess
    expect(shop.industry).toBe('ecommerce');
    expect(plain.industry).toBe('other');
    expect(plain.industrySource).toBe('none');
  });

  it('takes the country from form, then registry, then phone, then the tld', () => {
    // Prepare
    const noFormCountry = makeLead({ company: {} });
    const registry = {
      source: 'kvk' as const,
      legalName: 'X',
      sbiCodes: [],
      industry: 'other' as const,
      address: { country: 'BE' },
    };
    // Act
    const fromForm = deriveFacts(makeLead({ company: { country: 'DE' } }), makeEnrichment({ registry }), NOW);
    const fromRegistry = deriveFacts(noFormCountry, makeEnrichment({ registry }), NOW);
    const fromPhone = deriveFacts(
      noFormCountry,
      makeEnrichment({ phone: { e164: '+3220000000', country: 'BE' } }),
      NOW,
    );
    const fromTld = deriveFacts(
      noFormCountry,
      makeEnrichment({ geo: { country: 'NL', sources: ['tld'] } }),
      NOW,
    );
    // Assess
    expect([fromForm.countrySource, fromForm.country]).toEqual(['form', 'DE']);
    expect([fromRegistry.countrySource, fromRegistry.country]).toEqual(['registry', 'BE']);
    expect([fromPhone.countrySource, fromPhone.country]).toEqual(['phone', 'BE']);
    expect([fromTld.countrySource, fromTld.country]).toEqual(['tld', 'NL']);
  });

  it('ages the newest intent signal and activity of each kind in whole days', () => {
    // Prepare
    const lead = makeLead({
      activities: [
        { type: 'pricing_page', at: '2025-02-01T12:00:00Z' },
        { type: 'pricing_page', at: '2025-02-11T12:00:00Z' },
        { type: 'page_view', at: '2025-02-20T12:00:00Z' },
        { type: 'page_view', at: '2025-02-19T12:00:00Z' },
      ],
    });
    const enrichment = makeEnrichment({
      intent: {
        signals: [
          { type: 'hiring', detail: 'Sales ops', at: '2025-01-22T12:00:00Z', source: 'jobs' },
          { type: 'funding', detail: 'Series A', at: 'not a date', source: 'news' },
        ],
      },
    });
    // Act
    const facts = deriveFacts(lead, enrichment, NOW);
    // Assess
    expect(facts.pricingPageVisit).toBe(true);
    expect(facts.pricingPageVisitAgeDays).toBe(10);
    expect(facts.pageViews).toBe(2);
    expect(facts.pageViewAgeDays).toBe(1);
    expect(facts.hiring).toBe(true);
    expect(facts.hiringAgeDays).toBe(30);
    expect(facts.funding).toBe(true);
    expect(facts.fundingAgeDays).toBeNull();
    expect(facts.growth).toBe(false);
    expect(facts.intentSignals).toBe(2);
  });

  it('counts a demo-request form as a demo request of the submission moment', () => {
    // Prepare
    const lead = makeLead({ formType: 'demo_request', submittedAt: '2025-02-14T12:00:00Z', activities: [] });
    // Act
    const facts = deriveFacts(lead, makeEnrichment(), NOW);
    // Assess
    expect(facts.demoRequest).toBe(true);
    expect(facts.demoRequestAgeDays).toBe(7);
    expect(facts.lastActivityAgeDays).toBe(7);
  });

  it('reads BANT answers, ignoring non-answers, and keeps no personal data', () => {
    // Prepare
    const lead = makeLead({
      message: 'Graag wat meer achtergrond over leads sneller opvolgen.',
      qualifying: {
        budget: '€10k per jaar',
        authority: 'n.v.t.',
        need: 'geen idee',
        timeline: 'binnen 3 maanden',
      },
    });
    // Act
    const facts = deriveFacts(lead, makeEnrichment(), NOW);
    // Assess
    expect(facts.hasBudget).toBe(true);
    expect(facts.hasAuthority).toBe(false);
    expect(facts.hasNeed).toBe(false);
    expect(facts.hasTimeline).toBe(true);
    expect(facts.timelineMonths).toBe(3);
    expect(facts.decisionMakerTitle).toBe(true);
    const json = JSON.stringify(facts);
    expect(json).not.toContain('test@voorbeeld.nl');
    expect(json).not.toContain('Persoon');
    expect(json).not.toContain('leads sneller');
    expect(facts.messageLength).toBe(lead.message!.length);
  });

  it('decides office hours in the lead time zone', () => {
    // Prepare: 16:45 UTC on a Tuesday is 17:45 in Amsterdam (closed) and 16:45 in London (open)
    const lead = (country: string) => makeLead({ company: { country }, submittedAt: '2025-02-11T16:45:00Z' });
    const settings = {
      timeZone: 'Europe/Amsterdam',
      timeZonesByCountry: { GB: 'Europe/London' },
      officeHours: HOURS,
    };
    // Act
    const nl = deriveFacts(lead('NL'), makeEnrichment(), NOW, settings);
    const gb = deriveFacts(lead('GB'), makeEnrichment(), NOW, settings);
    // Assess
    expect(nl.submittedInOfficeHours).toBe(false);
    expect(gb.submittedInOfficeHours).toBe(true);
  });
});

describe('inOfficeHours', () => {
  it('is open 09:00–17:29 on weekdays and closed at weekends (summer time too)', () => {
    // Prepare / Act / Assess
    expect(inOfficeHours(new Date('2025-07-07T07:00:00Z'), 'Europe/Amsterdam', HOURS)).toBe(true); // Mon 09:00
    expect(inOfficeHours(new Date('2025-07-07T06:59:00Z'), 'Europe/Amsterdam', HOURS)).toBe(false); // 08:59
    expect(inOfficeHours(new Date('2025-07-07T15:29:00Z'), 'Europe/Amsterdam', HOURS)).toBe(true); // 17:29
    expect(inOfficeHours(new Date('2025-07-07T15:30:00Z'), 'Europe/Amsterdam', HOURS)).toBe(false); // 17:30
    expect(inOfficeHours(new Date('2025-07-05T10:00:00Z'), 'Europe/Amsterdam', HOURS)).toBe(false); // Saturday
  });
});

describe('parseTimelineMonths', () => {
  it.each([
    ['binnen 3 maanden', 3],
    ['within two weeks', 0.5],
    ['asap', 0],
    ['zo snel mogelijk', 0],
    ['this month', 0],
    ['volgende maand', 1],
    ['Q1', 0],
    ['Q3 2025', 5],
    ['3-6 months', 3],
    ['binnen een jaar', 12],
    ['over een half jaar', 6],
    ['weet ik nog niet', null],
  ])('%s → %s', (text, months) => {
    // Prepare
    const now = new Date('2025-02-10T10:00:00Z');
    // Act
    const result = parseTimelineMonths(text, now);
    // Assess
    expect(result).toBe(months);
  });
});

describe('meaningfulAnswer', () => {
  it('rejects empty and non-committal answers and accepts real ones', () => {
    // Prepare / Act / Assess
    for (const v of [
      undefined,
      '',
      ' - ',
      'n/a',
      'nvt',
      'geen',
      'geen budget',
      'no',
      'unknown',
      "don't know",
      '?',
    ])
      expect(meaningfulAnswer(v), String(v)).toBe(false);
    for (const v of ['€5.000', 'ik beslis samen met de CFO', 'Q2', 'Need a CRM integration'])
      expect(meaningfulAnswer(v), v).toBe(true);
  });
});
