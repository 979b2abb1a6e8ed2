/**
 * Access (GDPR art. 15): everything held about an email address as JSON, with a plain-language summary in
 * Dutch and English. Found through the `byEmail` index (no scan); each lead with every item of its
 * partition as stored (submissions, enrichment, score versions with their ledger and rules version, route,
 * drafts, emails sent, outcomes, events, audit — whatever a feature keeps under the lead), the source of
 * each enrichment field, the explanation of the assessment, and the suppression state. The export itself is
 * recorded on each lead (who asked, when). Pure: ports only.
 */

import type { Enrichment } from '../enrichment';
import { DomainError } from '../errors';
import type { LeadRecord } from '../lead-record';
import type { PrivacyStore } from '../ports';
import type { Tier } from '../qualification';
import type { CompiledRules } from '../score';
import { type Explanation, explainAssessment } from './explain';
import { saltedEmailHash } from './links';
import type { PrivacyPolicy } from './policy';
import { emailSha256 } from './rights';

export interface FieldSource {
  readonly field: string;
  readonly value: unknown;
  readonly source: string;
}

/** Where each enrichment field came from. */
export const enrichmentSources = (e: Enrichment | undefined): FieldSource[] => {
  if (!e) return [];
  const out: FieldSource[] = [];
  if (e.email)
    for (const [k, v] of Object.entries(e.email))
      out.push({
        field: `email.${k}`,
        value: v,
        source: 'the address domain (public lists and DNS MX lookup)',
      });
  if (e.website)
    for (const [k, v] of Object.entries(e.website))
      out.push({ field: `website.${k}`, value: v, source: `the company website ${e.website.finalUrl}` });
  if (e.registry)
    for (const [k, v] of Object.entries(e.registry))
      out.push({
        field: `registry.${k}`,
        value: v,
        source:
          e.registry.source === 'kvk'
            ? `the Dutch KvK trade register${e.registry.kvkNumber ? ` (KvK ${e.registry.kvkNumber})` : ''}`
            : 'the embedded public company directory',
      });
  if (e.phone)
    for (const [k, v] of Object.entries(e.phone))
      out.push({
        field: `phone.${k}`,
        value: v,
        source: 'the phone number given on the form (numbering plan)',
      });
  out.push({
    field: 'geo.country',
    value: e.geo.country,
    source: `derived from: ${e.geo.sources.join(', ') || 'nothing'}`,
  });
  for (const [i, s] of (e.intent?.signals ?? []).entries())
    out.push({ field: `intent.signals[${i}]`, value: s, source: s.source });
  return out;
};

export interface AccessDeps {
  readonly store: PrivacyStore;
  readonly policy: PrivacyPolicy;
  readonly secret: string;
  readonly rules: CompiledRules;
  readonly thresholdTier: Tier;
  readonly now: () => Date;
}

export interface LeadExport {
  readonly leadId: string;
  readonly receivedAt: string;
  readonly status: string;
  readonly privacy?: LeadRecord['privacy'];
  readonly submission: Pick<LeadRecord, 'lead' | 'raw' | 'provider' | 'submissionId'>;
  readonly enrichmentSources: readonly FieldSource[];
  readonly explanation: { readonly nl: Explanation; readonly en: Explanation };
  /** Every stored item of the lead, as stored (table keys included), the lead item first. */
  readonly items: readonly Record<string, unknown>[];
}

export interface PersonalDataExport {
  readonly generatedAt: string;
  readonly controller: PrivacyPolicy['controller'];
  readonly summary: { readonly nl: string; readonly en: string };
  readonly suppressed: { readonly reason: string; readonly at: string; readonly noProfiling: boolean } | null;
  readonly leads: readonly LeadExport[];
  /** Events received for the address before any lead of it existed (kept for the parking window), as stored. */
  readonly parkedEvents: readonly Record<string, unknown>[];
}

const summaryOf = (
  leads: readonly LeadRecord[],
  suppressed: boolean,
  policy: PrivacyPolicy,
  /** Events kept for the address before any enquiry of it (parked), and whether the block list also stops profiling. */
  extra: { parked: number; noProfiling: boolean } = { parked: 0, noProfiling: true },
) => {
  const parkedNl = extra.parked
    ? ` Daarnaast bewaren wij ${extra.parked} activiteit${extra.parked === 1 ? '' : 'en'} (zoals een bezochte pagina of een geopende e-mail) die binnenkwam${extra.parked === 1 ? '' : 'en'} voordat u een aanvraag deed; die worden na korte tijd automatisch verwijderd.`
    : '';
  const parkedEn = extra.parked
    ? ` We also hold ${extra.parked} activit${extra.parked === 1 ? 'y' : 'ies'} (such as a page visit or an opened email) received before you made an enquiry; they are deleted automatically after a short time.`
    : '';
  const blockNl = extra.noProfiling
    ? ' U staat op onze blokkeerlijst: wij mailen u niet meer en beoordelen u niet meer automatisch.'
    : ' U heeft zich afgemeld: wij mailen u niet meer.';
  const blockEn = extra.noProfiling
    ? ' You are on our block list: we no longer email you or assess you automatically.'
    : ' You unsubscribed: we no longer email you.';
  const sent = leads.filter((l) => l.draft?.status === 'sent').length;
  const scored = leads.filter((l) => l.score).length;
  const kinds = new Set<string>();
  for (const l of leads) {
    if (l.enrichment?.registry) kinds.add(l.enrichment.registry.source);
    if (l.enrichment?.website) kinds.add('website');
  }
  const days = policy.retentionDays.unconvertedLead;
  if (leads.length === 0)
    return {
      nl: `${extra.parked ? 'Wij bewaren geen aanvraag van dit e-mailadres.' : 'Wij bewaren geen gegevens over dit e-mailadres.'}${parkedNl}${suppressed ? ' Alleen een onomkeerbare code staat op onze blokkeerlijst, zodat wij u nooit meer mailen.' : ''}`,
      en: `${extra.parked ? 'We hold no enquiry from this email address.' : 'We hold no data about this email address.'}${parkedEn}${suppressed ? ' Only an irreversible code is on our block list, so we never email you again.' : ''}`,
    };
  return {
    nl: [
      `Wij bewaren ${leads.length} aanvra${leads.length === 1 ? 'ag' : 'gen'} van dit e-mailadres: wat u in het formulier invulde, het formulier zoals het binnenkwam, en wat wij erbij opzochten${kinds.has('kvk') ? ' in het Handelsregister van de KvK' : ''}${kinds.has('website') ? ' en op de website van uw organisatie' : ''}.`,
      `${scored} aanvra${scored === 1 ? 'ag is' : 'gen zijn'} automatisch beoordeeld met vaste regels; per aanvraag staat hieronder welke regels meetelden en wat de uitkomst had veranderd.`,
      `Wij stuurden u ${sent} e-mail${sent === 1 ? '' : 's'}.${suppressed ? blockNl : ''}${parkedNl}`,
      `Niet-klanten bewaren wij ${days} dagen na de aanvraag; daarna worden de gegevens automatisch verwijderd.`,
    ].join(' '),
    en: [
      `We hold ${leads.length} enquir${leads.length === 1 ? 'y' : 'ies'} from this email address: what you entered in the form, the form as it arrived, and what we looked up${kinds.has('kvk') ? ' in the Dutch KvK trade register' : ''}${kinds.has('website') ? " and on your organisation's website" : ''}.`,
      `${scored} ${scored === 1 ? 'was' : 'were'} assessed automatically with fixed rules; for each enquiry below you find which rules counted and what would have changed the result.`,
      `We sent you ${sent} email${sent === 1 ? '' : 's'}.${suppressed ? blockEn : ''}${parkedEn}`,
      `For people who did not become customers we keep the data ${days} days after the enquiry; then it is deleted automatically.`,
    ].join(' '),
  };
};

export const exportPersonalData = async (
  deps: AccessDeps,
  email: string | undefined,
  officer: { personId: string },
): Promise<PersonalDataExport> => {
  if (!email || !/^[^\s@]+@[^\s@]+$/.test(email.trim()))
    throw new DomainError('invalid', 'Give the email address to export as ?email=', { field: 'email' });
  const at = deps.now().toISOString();
  const ids = await deps.store.leadIdsByEmail(emailSha256(email));
  const leads: LeadExport[] = [];
  const records: LeadRecord[] = [];
  for (const leadId of ids) {
    const record = await deps.store.get(leadId);
    if (!record) continue;
    await deps.store.recordRequest(leadId, { at, kind: 'export', via: 'ops', by: officer.personId });
    records.push(record);
    const items = await deps.store.leadItems(leadId);
    leads.push({
      leadId,
      receivedAt: record.receivedAt,
      status: record.status,
      ...(record.privacy ? { privacy: record.privacy } : {}),
      submission: {
        lead: record.lead,
        raw: record.raw,
        provider: record.provider,
        ...(record.submissionId ? { submissionId: record.submissionId } : {}),
      },
      enrichmentSources: enrichmentSources(record.enrichment),
      explanation: {
        nl: explainAssessment(record, 'nl', deps.rules, deps.thresholdTier),
        en: explainAssessment(record, 'en', deps.rules, deps.thresholdTier),
      },
      items: [...items].sort((a, b) => (a.sk === 'LEAD' ? -1 : b.sk === 'LEAD' ? 1 : 0)),
    });
  }
  const salted = saltedEmailHash(deps.secret, email);
  const [suppression, parkedEvents] = await Promise.all([
    deps.store.suppression(salted),
    deps.store.parkedItems(salted),
  ]);
  return {
    generatedAt: at,
    controller: deps.policy.controller,
    summary: summaryOf(records, !!suppression, deps.policy, {
      parked: parkedEvents.length,
      noProfiling: suppression?.noProfiling ?? true,
    }),
    suppressed: suppression ?? null,
    leads,
    parkedEvents,
  };
};
