import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { LeadRecord } from '../lead-record';
import { sampleEnrichment, sampleLead, sampleRoute, sampleScore } from '../testing/samples';
import {
  autoSendBlockers,
  leadFreeText,
  recipientBlockers,
  VERBATIM_WORDS,
  verbatimRun,
} from './eligibility';
import { decideHandoff, parseHandoffPolicy } from './policy';

/** A corroborated lead: pieter@bakkerlogistiek.nl, MX, website bakkerlogistiek.nl fetched. */
const record = (change: (r: LeadRecord & { lead: LeadRecord['lead'] }) => void = () => {}): LeadRecord => {
  const r = {
    leadId: '01JTESTLEAD0000000000000000',
    status: 'routed',
    receivedAt: '2026-03-02T08:14:00.000Z',
    provider: 'json',
    dedupKey: 'k',
    lead: sampleLead(),
    raw: { contentType: 'application/json', body: '{}', isBase64Encoded: false },
    enrichment: sampleEnrichment(),
    score: sampleScore(),
    route: { ...sampleRoute(), team: 'smb' },
    steps: {},
  } as LeadRecord;
  change(r as LeadRecord & { lead: LeadRecord['lead'] });
  return r;
};

const drafting = (
  body = 'Beste Pieter,\n\nDank voor uw aanvraag.\n\nAnna de Vries',
  provider = 'openai' as const,
) => ({
  draft: {
    subject: 'Uw aanvraag',
    body,
    language: 'nl' as const,
    guardrail: { passed: true, issues: [] },
    provider,
    promptVersion: 'p@1',
    createdAt: '2026-03-02T08:14:06.000Z',
  },
  humanReviewRequired: false,
});

const autoEverything = parseHandoffPolicy({ version: 'v', default: 'auto', rules: [] });
const NOW = new Date('2026-03-02T09:00:00.000Z');

describe('auto-send eligibility', () => {
  it('lets a corroborated business address with a draft of our own words go out automatically', () => {
    // Act
    const decision = decideHandoff(record(), drafting(), autoEverything, NOW);
    // Assess
    expect(autoSendBlockers(record(), drafting())).toEqual([]);
    expect(decision.mode).toBe('auto');
  });

  it.each([
    [
      'a stranger types a free-mail victim',
      (r: LeadRecord) => {
        (r.lead.person as { email?: string }).email = 'victim@gmail.com';
        Object.assign(r.enrichment!.email!, { domain: 'gmail.com', freeMail: true, businessDomain: false });
      },
      'it is a free-mail address',
    ],
    [
      'the address is not the website’s domain',
      (r: LeadRecord) => {
        (r.lead.person as { email?: string }).email = 'ceo@victim-corp.nl';
      },
      "the address's domain is not the company website's domain",
    ],
    [
      'no website was fetched',
      (r: LeadRecord) => {
        (r.enrichment as { website: unknown }).website = null;
      },
      'no company website was fetched to corroborate the address',
    ],
    [
      'the website is an IP address',
      (r: LeadRecord) => {
        Object.assign(r.enrichment!.website!, { url: 'http://185.23.4.5/', finalUrl: 'http://185.23.4.5/' });
      },
      "the address's domain is not the company website's domain",
    ],
    [
      'the website answered an error',
      (r: LeadRecord) => {
        Object.assign(r.enrichment!.website!, { status: 404 });
      },
      'no company website was fetched to corroborate the address',
    ],
    [
      'the domain has no MX',
      (r: LeadRecord) => {
        Object.assign(r.enrichment!.email!, { mx: false });
      },
      'its domain has no MX record',
    ],
    [
      'the MX lookup failed',
      (r: LeadRecord) => {
        Object.assign(r.enrichment!.email!, { mx: null });
      },
      'its domain has no MX record',
    ],
    [
      'a role address',
      (r: LeadRecord) => {
        Object.assign(r.enrichment!.email!, { roleAddress: true });
      },
      'it is a role address (info@, sales@, …)',
    ],
    [
      'a disposable address',
      (r: LeadRecord) => {
        Object.assign(r.enrichment!.email!, { disposable: true });
      },
      'it is a disposable address',
    ],
    [
      'email was never checked',
      (r: LeadRecord) => {
        (r.enrichment as { email: unknown }).email = null;
      },
      'the email domain was not checked',
    ],
  ])('attack: %s → review, with the reason', (_what, change, reason) => {
    // Prepare
    const r = record(change);
    // Act
    const decision = decideHandoff(r, drafting(), autoEverything, NOW);
    // Assess
    expect(decision.mode).toBe('review');
    expect(decision.reason).toContain(`recipient not corroborated: ${reason}`);
  });

  it('attack: an LLM draft that carries the prospect’s own sentence goes to a person', () => {
    // Prepare
    const r = record((x) => {
      x.lead.qualifying.productInterest = 'your invoice. Your account is locked, call 0900 555 0199 now';
    });
    const quoting = drafting(
      'Beste Pieter,\n\nAbout your invoice: your account is locked, call us.\n\nAnna de Vries',
    );
    // Act
    const decision = decideHandoff(r, quoting, autoEverything, NOW);
    // Assess
    expect(decision.mode).toBe('review');
    expect(decision.reason).toMatch(/the draft repeats \d+ consecutive words the prospect wrote/);
    expect(decision.reason).not.toContain('locked');
  });

  it('does not count common phrasing as a quote', () => {
    // Prepare
    const r = record((x) => {
      x.lead.message = 'Thank you for your quick reply, we are looking at the options.';
    });
    // Act
    const run = verbatimRun(
      leadFreeText(r.lead, r.enrichment),
      'Thank you for your message. We are glad to help.',
    );
    // Assess
    expect(run).toBe(0);
  });

  it('finds any run of lead words the draft repeats (fuzz)', () => {
    const word = fc.constantFrom(
      'account',
      'locked',
      'call',
      'invoice',
      'portal',
      'verify',
      'urgent',
      'payment',
      'wire',
    );
    fc.assert(
      fc.property(fc.array(word, { minLength: VERBATIM_WORDS, maxLength: 12 }), fc.nat(), (quote, at) => {
        // Prepare
        const lead = record((x) => {
          x.lead.message = `Hello there. ${quote.join(' ')}. Kind regards`;
        });
        const text = ['Dear Pieter,', 'thanks for', 'reaching out.'];
        text.splice(at % (text.length + 1), 0, quote.join(' '));
        // Act
        const run = verbatimRun(leadFreeText(lead.lead, lead.enrichment), text.join(' '));
        // Assess
        expect(run).toBeGreaterThanOrEqual(VERBATIM_WORDS);
      }),
      { numRuns: 300 },
    );
  });

  it('keeps review and none decisions as they are (the rails only hold back auto)', () => {
    // Prepare
    const r = record((x) => {
      (x.lead.person as { email?: string }).email = 'victim@gmail.com';
    });
    const policy = parseHandoffPolicy({
      version: 'v',
      default: 'review',
      rules: [{ id: 'cold', when: { tier: ['warm'] }, mode: 'none' }],
    });
    // Act / Assess
    expect(decideHandoff(r, drafting(), policy, NOW)).toMatchObject({ mode: 'none', ruleId: 'cold' });
    expect(recipientBlockers(r.lead, r.enrichment).length).toBeGreaterThan(0);
  });
});
