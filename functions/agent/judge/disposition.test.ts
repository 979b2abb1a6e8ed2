import { describe, expect, it } from 'vitest';
import { shippedDispositions } from '../../platform/shipped-dispositions';
import { shippedRouting } from '../../platform/shipped-routing';
import { shippedRules } from '../../platform/shipped-rules';
import type { LeadRecord } from '../lead-record';
import { qualifyLead } from '../pipeline/qualify-lead';
import { InMemoryLeadStore, memoryRotation, RecordingQueue } from '../testing/memory-ports';
import { makeEnrichment, makeLead } from '../testing/score-fixtures';
import {
  carriedDisposition,
  classifyDisposition,
  type Disposition,
  type DispositionKind,
  parseDispositions,
} from './disposition';

const SETTINGS = shippedDispositions();

describe('classifyDisposition: not every form is a lead', () => {
  it.each<[string, DispositionKind, string?]>([
    ['Hierbij mijn open sollicitatie als accountmanager, mijn cv zit in de bijlage.', 'job_application'],
    ['I am applying for the SDR role you posted; please find my resume attached.', 'job_application'],
    ['Ik ben student bedrijfskunde en schrijf mijn scriptie over lead scoring.', 'student_research'],
    [
      'We help B2B SaaS companies book more meetings with our SDR service. Do you have 15 minutes for a quick intro call?',
      'vendor_pitch',
    ],
    ['Wij zijn al klant maar kunnen niet meer inloggen, het wachtwoord resetten werkt niet.', 'support'],
    ['We are a CRM consultancy and would like to become a reseller of your product.', 'partner'],
    ['test', 'spam_test'],
    ['We offer backlinks and SEO services to rank your website on the first page of Google.', 'spam_test'],
    ['Het budget is goedgekeurd en we willen dit kwartaal nog een demo zien.', 'sales'],
    ['Could you send pricing for 40 users? We currently use HubSpot.', 'sales'],
  ])('%s → %s', (message, kind) => {
    // Act
    const disposition = classifyDisposition(makeLead({ message }), SETTINGS);
    // Assess
    expect(disposition.kind).toBe(kind);
    if (kind !== 'sales') {
      expect(message).toContain(disposition.quote);
      expect(disposition.destination).toEqual(SETTINGS.destinations[kind]);
    }
  });

  it('a competitor is known by its domain; a bad dispositions file names the field', () => {
    // Prepare
    const settings = { ...SETTINGS, competitorDomains: ['rival-leads.io'] };
    // Act
    const disposition = classifyDisposition(
      makeLead({ company: { domain: 'eu.rival-leads.io' }, message: 'Can we see a demo?' }),
      settings,
    );
    // Assess
    expect(disposition).toMatchObject({ kind: 'competitor', decidedBy: 'rules' });
    expect(() =>
      parseDispositions('version: "1"\ndestinations:\n  job_application: { action: forward, to: nope }\n'),
    ).toThrow(/destinations\.job_application/);
  });
});

describe('qualifyLead with dispositions', () => {
  const NOW = new Date('2026-03-03T09:20:00.000Z');
  const routing = shippedRouting();
  const record = (leadId: string, message: string): LeadRecord => ({
    leadId,
    status: 'received',
    receivedAt: NOW.toISOString(),
    provider: 'json',
    dedupKey: `dedup-${leadId}`,
    lead: makeLead({
      message,
      company: { name: 'Acme', domain: 'acme.nl', employees: 80, country: 'NL' },
      formType: 'demo_request',
      submittedAt: NOW.toISOString(),
      activities: [{ type: 'form_submission', at: NOW.toISOString() }],
    }),
    raw: { contentType: 'application/json', body: '{}', isBase64Encoded: false },
    steps: {},
  });

  it('an agency pitch on the demo form never reaches a rep: nurture, with the disposition on the score', async () => {
    // Prepare
    const store = new InMemoryLeadStore();
    store.seed(
      record(
        'L1',
        'We help SaaS companies grow your pipeline with our SDR service. Do you have 15 minutes for a quick intro call?',
      ),
    );
    const deps = {
      store,
      enrich: async () => makeEnrichment(),
      rules: shippedRules(),
      dispositions: SETTINGS,
      routing,
      assign: memoryRotation(store, routing, () => NOW).assign,
      draftQueue: new RecordingQueue(),
      now: () => NOW,
      clock: () => performance.now(),
    };
    // Act
    const result = await qualifyLead('L1', deps);
    // Assess
    const stored = await store.get('L1');
    expect(result.outcome).toBe('nurture');
    expect(stored?.route).toMatchObject({ kind: 'nurture', ruleId: 'disposition' });
    expect(stored?.route?.ownerId).not.toMatch(/^rep-/);
    expect(stored?.score?.disposition).toMatchObject({
      kind: 'vendor_pitch',
      destination: { action: 'archive' },
    });
  });

  it('an explicit hand-raise from an ICP-fit company is never parked in nurture; the same lead without one is', async () => {
    // Prepare: a contact form after office hours, so only the message can raise a hand
    const evening = '2026-03-03T19:30:00.000Z';
    const store = new InMemoryLeadStore();
    const lead = (leadId: string, message: string): LeadRecord => {
      const base = record(leadId, message);
      return {
        ...base,
        lead: {
          ...base.lead,
          person: { email: `${leadId.toLowerCase()}@acme.nl` },
          formType: 'contact',
          submittedAt: evening,
          activities: [{ type: 'form_submission', at: evening }],
        },
      };
    };
    store.seed(lead('L2', 'Wat kosten jullie licenties per gebruiker?'));
    store.seed(lead('L3', 'Interessant product.'));
    const deps = {
      store,
      enrich: async () => makeEnrichment(),
      rules: shippedRules(),
      dispositions: SETTINGS,
      routing,
      assign: memoryRotation(store, routing, () => NOW).assign,
      draftQueue: new RecordingQueue(),
      now: () => NOW,
      clock: () => performance.now(),
    };
    // Act
    const asked = await qualifyLead('L2', deps);
    const silent = await qualifyLead('L3', deps);
    // Assess
    expect(asked).toMatchObject({ outcome: 'routed', score: { handRaise: true } });
    expect(silent).toMatchObject({ outcome: 'nurture', route: { ruleId: 'threshold' } });
  });
});

describe('the disposition a new score version carries', () => {
  it("keeps a person's disposition and an unchanged kind's destination; a new rules kind replaces the old", () => {
    // Prepare
    const person: Disposition = { kind: 'sales', reason: 'A buyer after all', decidedBy: 'person' };
    const forwarded: Disposition = {
      kind: 'support',
      reason: 'a support request',
      decidedBy: 'rules',
      destination: { action: 'forward', to: 'support@example.com' },
    };
    const rules = (kind: DispositionKind): { disposition?: Disposition } => ({
      disposition: { kind, reason: kind, decidedBy: 'rules' },
    });
    // Act
    const overridden = carriedDisposition({ disposition: person }, rules('vendor_pitch'));
    const same = carriedDisposition({ disposition: forwarded }, rules('support'));
    const changed = carriedDisposition({ disposition: forwarded }, rules('vendor_pitch'));
    // Assess
    expect(overridden.disposition).toEqual(person);
    expect(same.disposition).toEqual(forwarded);
    expect(changed.disposition?.kind).toBe('vendor_pitch');
  });
});
