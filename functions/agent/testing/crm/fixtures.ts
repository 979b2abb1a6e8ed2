/**
 * Lead records for the CRM sync's tests and benchmark: the drafting fixtures' fictional lead, varied per
 * index (own email, one of `companies` domains, tier), plus mappings that point at the local servers.
 */

import { type CrmMapping, parseCrmMapping } from '../../crm/mapping';
import type { LeadRecord } from '../../lead-record';
import type { Tier } from '../../qualification';
import { sampleEnrichment, sampleLead, sampleRoute, sampleScore } from '../samples';

export interface FixtureOptions {
  /** How many distinct company domains the leads share (default: one per lead). */
  readonly companies?: number;
  readonly tier?: Tier;
  readonly nurture?: boolean;
  readonly sent?: boolean;
  readonly withRationale?: boolean;
}

export const crmLeadRecord = (n: number, options: FixtureOptions = {}): LeadRecord => {
  const lead = sampleLead('nl');
  const company = options.companies ? n % options.companies : n;
  const domain = `bedrijf${company}.example`;
  const tier = options.tier ?? (['hot', 'warm', 'cold'] as const)[n % 3]!;
  const score = { ...sampleScore(), tier, total: tier === 'hot' ? 80 : tier === 'warm' ? 55 : 20 };
  const route = options.nurture
    ? {
        ...sampleRoute(),
        kind: 'nurture' as const,
        ownerId: 'mkt-noor',
        slaDueAt: undefined,
        team: undefined,
      }
    : { ...sampleRoute(), ownerId: 'rep-bram', team: 'smb' };
  const leadId = `01JCRM${String(n).padStart(20, '0')}`;
  return {
    leadId,
    status: options.sent ? 'sent' : options.nurture ? 'nurture' : 'drafted',
    receivedAt: '2026-03-02T08:14:00.000Z',
    provider: 'json',
    dedupKey: `dedup-${leadId}`,
    lead: {
      ...lead,
      person: {
        ...lead.person,
        email: `contact${n}@${domain}`,
        firstName: 'Pieter',
        lastName: `Jansen ${n}`,
      },
      company: { ...lead.company, name: `Bedrijf ${company} B.V.`, domain, website: `https://${domain}` },
    },
    raw: { contentType: 'application/json', body: '{}', isBase64Encoded: false },
    enrichment: {
      ...sampleEnrichment(),
      email: { ...sampleEnrichment().email!, domain },
      registry: {
        ...sampleEnrichment().registry!,
        kvkNumber: String(10_000_000 + company),
        tradeNames: undefined,
        legalName: `Bedrijf ${company} B.V.`,
      },
    },
    score,
    route,
    ...(options.withRationale !== false
      ? {
          rationale: {
            text: 'Logistiek bedrijf van 45 medewerkers in NL dat een demo vroeg en planners werft.',
            nextAction: 'Bel binnen een uur en stel een demo voor.',
            provider: 'template' as const,
            promptVersion: 'rationale@1',
            writtenAt: '2026-03-02T08:14:07.000Z',
          },
        }
      : {}),
    ...(options.sent
      ? {
          draft: {
            subject: 'Uw demo-aanvraag',
            body: 'Beste Pieter,\n\nDank voor uw aanvraag.\n\nGroet, Bram',
            language: 'nl' as const,
            status: 'sent' as const,
            handoff: 'auto' as const,
            guardrail: { passed: true, issues: [] },
            provider: 'template' as const,
            promptVersion: 'draft@1',
            createdAt: '2026-03-02T08:14:08.000Z',
            send: {
              attemptId: `attempt-${n}`,
              startedAt: '2026-03-02T08:15:00.000Z',
              messageId: `ses-message-${n}`,
              sentAt: '2026-03-02T08:15:01.000Z',
            },
          },
        }
      : {}),
    steps: {},
  };
};

/** A mapping with both CRMs, valid against the local servers' defaults. */
export const testMapping = (overrides: Record<string, unknown> = {}): CrmMapping =>
  parseCrmMapping({
    version: 'test@1',
    language: 'en',
    hubspot: {
      owners: { 'rep-bram': '75500003' },
      deal: {
        stageByTier: { hot: 'appointmentscheduled', warm: 'qualifiedtobuy', cold: 'qualifiedtobuy' },
        stageByOutcome: { meeting_booked: 'presentationscheduled', won: 'closedwon', lost: 'closedlost' },
      },
      contact: {
        lifecycleStageByRoute: { owner: 'salesqualifiedlead', nurture: 'marketingqualifiedlead' },
        leadStatusByRoute: { owner: 'NEW' },
        leadStatusOnEmailSent: 'ATTEMPTED_TO_CONTACT',
        leadStatusByOutcome: { contacted: 'CONNECTED', disqualified: 'UNQUALIFIED' },
      },
      properties: {
        company: { name: 'company.name', domain: 'company.domain', lq_industry: 'company.industry' },
        contact: {
          firstname: 'person.firstName',
          lastname: 'person.lastName',
          lq_total_score: 'score.total',
          lq_lead_id: 'lead.id',
        },
        deal: {
          lq_fit_score: 'score.fit',
          lq_intent_score: 'score.intent',
          lq_engagement_score: 'score.engagement',
          lq_tier: 'score.tier',
          lq_quadrant: 'score.quadrant',
          lq_lead_url: 'lead.url',
        },
      },
      inbound: {
        lifecycleStages: { customer: 'won' },
        leadStatuses: { CONNECTED: 'contacted', UNQUALIFIED: 'disqualified' },
        dealStages: { closedwon: 'won', closedlost: 'lost', presentationscheduled: 'meeting_booked' },
      },
    },
    pipedrive: {
      owners: { 'rep-bram': 1000003 },
      deal: {
        pipelineId: 1,
        stageByTier: { hot: 2, warm: 1, cold: 1 },
        stageByOutcome: { meeting_booked: 3 },
      },
      organizationDomainField: 'a'.repeat(40),
      fields: {
        organization: { ['b'.repeat(40)]: 'company.industry' },
        person: {},
        deal: {
          ['c'.repeat(40)]: 'lead.id',
          ['d'.repeat(40)]: 'score.total',
          ['e'.repeat(40)]: 'score.tier',
        },
      },
      inbound: { dealStages: { '3': 'meeting_booked' } },
    },
    ...overrides,
  });
