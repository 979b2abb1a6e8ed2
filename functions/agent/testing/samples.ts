/**
 * Sample inputs for the drafting step's tests and benchmark (a fictional lead; no real personal data).
 */

import type { DraftingInput, RepInfo } from '../draft/types';
import type { Enrichment } from '../enrichment';
import type { FormType, Language, Lead } from '../lead';
import type { Route, Score } from '../qualification';

export const REP: RepInfo = {
  id: 'rep-anna',
  name: 'Anna de Vries',
  email: 'anna@ourco.example',
  title: 'Account Executive',
  bookingUrl: 'https://book.calendar.example/anna/intro',
};
export const COMPANY_SITE = 'https://www.ourco.example';

export function sampleLead(language: Language = 'nl', formType: FormType = 'demo_request'): Lead {
  return {
    person: {
      firstName: 'Pieter',
      lastName: 'Jansen',
      email: 'pieter@bakkerlogistiek.nl',
      jobTitle: 'Operations manager',
    },
    company: {
      name: 'Bakker Logistiek B.V.',
      domain: 'bakkerlogistiek.nl',
      website: 'https://bakkerlogistiek.nl',
      employees: 45,
      employeesRaw: '11-50',
      country: 'NL',
    },
    message: 'We plannen nu alles in Excel en zoeken iets beters.',
    formType,
    qualifying: { need: 'Planning van ritten', productInterest: 'route planning' },
    consent: { marketingOptIn: false },
    source: { provider: 'json', formName: 'Demo NL' },
    utm: {},
    language,
    submittedAt: '2026-03-02T09:14:00+01:00',
    activities: [{ type: 'demo_request', at: '2026-03-02T09:14:00+01:00' }],
    extra: {},
  };
}

export function sampleEnrichment(): Enrichment {
  return {
    email: {
      domain: 'bakkerlogistiek.nl',
      freeMail: false,
      disposable: false,
      roleAddress: false,
      businessDomain: true,
      mx: true,
    },
    website: {
      url: 'https://bakkerlogistiek.nl',
      finalUrl: 'https://bakkerlogistiek.nl/',
      status: 200,
      title: 'Bakker Logistiek – transport en opslag',
      description: 'Transport en opslag voor de Benelux.',
      technologies: [{ name: 'HubSpot', categories: ['crm'] }],
      crm: ['HubSpot'],
      marketingAutomation: [],
      ecommerce: [],
    },
    registry: {
      source: 'kvk',
      kvkNumber: '12345678',
      legalName: 'Bakker Logistiek B.V.',
      sbiCodes: ['4941'],
      industry: 'logistics',
      employees: 45,
      founded: '2009',
    },
    phone: null,
    geo: { country: 'NL', sources: ['form', 'registry'] },
    intent: {
      signals: [{ type: 'hiring', detail: '3 vacatures planner', at: '2026-02-20', source: 'careers page' }],
    },
    tools: {
      kvk: { status: 'ok', ms: 120 },
      website: { status: 'ok', ms: 340 },
      email: { status: 'ok', ms: 15 },
    },
    confidence: 0.9,
  };
}

export function sampleScore(): Score {
  return {
    fit: 30,
    intent: 10,
    engagement: 25,
    total: 65,
    tier: 'warm',
    quadrant: 'proactive_outreach',
    dataConfidence: 0.9,
    bant: { budget: false, authority: true, need: true, timing: false },
    ledger: [
      {
        ruleId: 'fit.size',
        axis: 'fit',
        reason: '10–200 employees',
        fired: true,
        points: 20,
        awarded: 20,
        observed: 45,
      },
      {
        ruleId: 'fit.industry',
        axis: 'fit',
        reason: 'SaaS, e-commerce or software',
        fired: false,
        points: 15,
        awarded: 0,
        observed: 'logistics',
      },
      {
        ruleId: 'fit.region',
        axis: 'fit',
        reason: 'NL or BE',
        fired: true,
        points: 10,
        awarded: 10,
        observed: 'NL',
      },
      {
        ruleId: 'fit.freemail',
        axis: 'fit',
        reason: 'free mail domain',
        fired: false,
        points: -15,
        awarded: 0,
      },
      { ruleId: 'intent.hiring', axis: 'intent', reason: 'hiring', fired: true, points: 10, awarded: 10 },
      {
        ruleId: 'eng.demo',
        axis: 'engagement',
        reason: 'demo request',
        fired: true,
        points: 20,
        awarded: 20,
      },
      {
        ruleId: 'eng.office_hours',
        axis: 'engagement',
        reason: 'submitted during office hours',
        fired: true,
        points: 5,
        awarded: 5,
      },
    ],
    rulesVersion: 'rules@3',
    scoredAt: '2026-03-02T08:14:05.000Z',
  };
}

export function sampleRoute(): Route {
  return {
    kind: 'owner',
    ownerId: REP.id,
    team: 'inside-sales',
    ruleId: 'route.nl-smb',
    reason: 'NL/BE SMB to inside sales',
    slaDueAt: '2026-03-03T08:14:05.000Z',
    routingVersion: 'routing@2',
    assignedAt: '2026-03-02T08:14:05.000Z',
  };
}

export function sampleInput(
  overrides: Partial<DraftingInput> = {},
  language: Language = 'nl',
  formType: FormType = 'demo_request',
): DraftingInput {
  return {
    leadId: '01JTESTLEAD0000000000000000',
    lead: sampleLead(language, formType),
    enrichment: sampleEnrichment(),
    score: sampleScore(),
    route: sampleRoute(),
    rep: REP,
    wantsEmail: true,
    companySiteUrl: COMPANY_SITE,
    ...overrides,
  };
}

export const FIXED_NOW = () => new Date('2026-03-02T08:14:06.000Z');
