/** Test/bench builders: a realistic Lead, Enrichment and Facts to start from (no real person's data). */
import type { Enrichment } from '../enrichment';
import type { Lead } from '../lead';
import type { Facts } from '../score/facts';

export function makeLead(overrides: Partial<Lead> = {}): Lead {
  return {
    person: { firstName: 'Test', lastName: 'Persoon', email: 'test@voorbeeld.nl', jobTitle: 'Head of Sales' },
    company: { name: 'Voorbeeld BV', domain: 'voorbeeld.nl', employees: 40, country: 'NL' },
    message: 'We zoeken een manier om leads sneller op te volgen.',
    formType: 'contact',
    qualifying: {},
    consent: { marketingOptIn: true },
    source: { provider: 'json' },
    utm: {},
    language: 'nl',
    // Tuesday 10:15 in Amsterdam (UTC+1 in winter)
    submittedAt: '2025-02-11T09:15:00Z',
    activities: [{ type: 'form_submission', at: '2025-02-11T09:15:00Z' }],
    extra: {},
    ...overrides,
  };
}

export function makeEnrichment(overrides: Partial<Enrichment> = {}): Enrichment {
  return {
    email: {
      domain: 'voorbeeld.nl',
      freeMail: false,
      disposable: false,
      roleAddress: false,
      businessDomain: true,
      mx: true,
    },
    website: null,
    registry: null,
    phone: null,
    geo: { country: 'NL', sources: ['form'] },
    intent: null,
    tools: {},
    confidence: 1,
    ...overrides,
  };
}

/** Facts of an unremarkable lead: nothing fires except what the overrides switch on. */
export function makeFacts(overrides: Partial<Facts> = {}): Facts {
  return {
    employees: null,
    employeesSource: null,
    industry: 'other',
    industrySource: 'none',
    country: null,
    countrySource: null,
    freeMail: false,
    disposableEmail: false,
    roleAddress: false,
    businessEmail: true,
    emailMx: true,
    hasCrm: false,
    crm: [],
    usesMarketingAutomation: false,
    marketingAutomation: [],
    ecommercePlatform: false,
    technologies: [],
    decisionMakerTitle: false,
    seniority: null,
    formType: 'contact',
    language: 'en',
    submittedInOfficeHours: false,
    submittedAgeDays: 0,
    hiring: false,
    hiringAgeDays: null,
    funding: false,
    fundingAgeDays: null,
    newSystem: false,
    newSystemAgeDays: null,
    growth: false,
    growthAgeDays: null,
    intentSignals: 0,
    demoRequest: false,
    demoRequestAgeDays: null,
    pricingPageVisit: false,
    pricingPageVisitAgeDays: null,
    download: false,
    downloadAgeDays: null,
    webinar: false,
    webinarAgeDays: null,
    emailClick: false,
    emailClickAgeDays: null,
    pageViews: 0,
    pageViewAgeDays: null,
    lastActivityAgeDays: 0,
    hasBudget: false,
    hasTimeline: false,
    hasAuthority: false,
    hasNeed: false,
    timelineMonths: null,
    budgetStatus: null,
    budgetApproved: false,
    buyingStage: null,
    requestedAction: null,
    handRaise: false,
    teamSize: null,
    marketingOptIn: true,
    dataConfidence: 1,
    messageLength: 0,
    ...overrides,
  };
}
