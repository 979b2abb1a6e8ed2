/**
 * What the CRM sync reads of a lead: one flat view built from the lead record, so the rest of the module
 * never depends on how the record nests its parts. `fieldValue` answers the field keys of the mapping file.
 */
import type { LeadRecord } from '../lead-record';
import type { Draft, Rationale, Route, Score } from '../qualification';
import type { FieldKey } from './mapping';

export interface CrmLeadView {
  readonly leadId: string;
  readonly leadUrl?: string;
  readonly receivedAt: string;
  readonly formType: string;
  readonly language: 'nl' | 'en';
  readonly source: string;
  readonly utm: { readonly source?: string; readonly medium?: string; readonly campaign?: string };
  readonly disposition?: string;
  readonly person: {
    readonly email?: string;
    readonly firstName?: string;
    readonly lastName?: string;
    readonly fullName?: string;
    readonly phone?: string;
    readonly jobTitle?: string;
  };
  readonly company: {
    readonly name?: string;
    readonly domain?: string;
    readonly website?: string;
    readonly country?: string;
    readonly employees?: number;
    readonly industry?: string;
    readonly kvkNumber?: string;
    readonly city?: string;
    readonly technologies: readonly string[];
    readonly crm: readonly string[];
  };
  readonly score?: Score;
  readonly route?: Route;
  readonly rationale?: Rationale;
  readonly draft?: Draft;
}

/** Builds the view; `leadPageBaseUrl` (e.g. https://leads.example.com/#/leads/) + lead id is the link back. */
export const crmLeadView = (record: LeadRecord, leadPageBaseUrl?: string): CrmLeadView => {
  const { lead, enrichment } = record;
  const registry = enrichment?.registry ?? undefined;
  const website = enrichment?.website ?? undefined;
  // A disposition (job application, vendor pitch, …) is recorded by the qualification when present.
  const disposition = (record as { disposition?: unknown }).disposition;
  const dispositionText =
    typeof disposition === 'string'
      ? disposition
      : disposition && typeof disposition === 'object' && 'kind' in disposition
        ? String((disposition as { kind: unknown }).kind)
        : undefined;
  return {
    leadId: record.leadId,
    leadUrl: leadPageBaseUrl ? `${leadPageBaseUrl}${encodeURIComponent(record.leadId)}` : undefined,
    receivedAt: record.receivedAt,
    formType: lead.formType,
    language: lead.language,
    source: lead.source.provider,
    utm: { source: lead.utm.source, medium: lead.utm.medium, campaign: lead.utm.campaign },
    disposition: dispositionText,
    person: {
      email: lead.person.email?.toLowerCase(),
      firstName: lead.person.firstName,
      lastName: lead.person.lastName,
      fullName:
        lead.person.fullName ??
        ([lead.person.firstName, lead.person.lastName].filter(Boolean).join(' ') || undefined),
      phone: enrichment?.phone?.e164 ?? lead.person.phone,
      jobTitle: lead.person.jobTitle,
    },
    company: {
      name: lead.company.name ?? registry?.tradeNames?.[0] ?? registry?.legalName ?? website?.name,
      domain:
        lead.company.domain ?? (enrichment?.email?.businessDomain ? enrichment.email.domain : undefined),
      website: lead.company.website ?? website?.finalUrl,
      country: lead.company.country ?? enrichment?.geo.country ?? undefined,
      employees: registry?.employees ?? lead.company.employees,
      industry: registry?.industry,
      kvkNumber: registry?.kvkNumber,
      city: registry?.address?.city,
      technologies: website?.technologies.map((t) => t.name) ?? [],
      crm: website?.crm ?? [],
    },
    score: record.score,
    route: record.route,
    rationale: record.rationale,
    draft: record.draft,
  };
};

/** Reasons of the rules that fired, strongest first, e.g. "10–200 employees (+20); NL or BE (+10)". */
export const topReasons = (score: Score, limit = 5): string =>
  score.ledger
    .filter((e) => e.fired && e.awarded !== 0)
    .sort((a, b) => Math.abs(b.awarded) - Math.abs(a.awarded))
    .slice(0, limit)
    .map((e) => `${e.reason} (${e.awarded > 0 ? '+' : ''}${e.awarded})`)
    .join('; ');

export const fieldValue = (view: CrmLeadView, key: FieldKey): string | number | undefined => {
  const s = view.score;
  const r = view.route;
  switch (key) {
    case 'lead.id':
      return view.leadId;
    case 'lead.url':
      return view.leadUrl;
    case 'lead.receivedAt':
      return view.receivedAt;
    case 'lead.formType':
      return view.formType;
    case 'lead.language':
      return view.language;
    case 'lead.source':
      return view.source;
    case 'lead.utmSource':
      return view.utm.source;
    case 'lead.utmMedium':
      return view.utm.medium;
    case 'lead.utmCampaign':
      return view.utm.campaign;
    case 'lead.disposition':
      return view.disposition;
    case 'person.firstName':
      return view.person.firstName;
    case 'person.lastName':
      return view.person.lastName;
    case 'person.fullName':
      return view.person.fullName;
    case 'person.email':
      return view.person.email;
    case 'person.phone':
      return view.person.phone;
    case 'person.jobTitle':
      return view.person.jobTitle;
    case 'company.name':
      return view.company.name;
    case 'company.domain':
      return view.company.domain;
    case 'company.website':
      return view.company.website;
    case 'company.country':
      return view.company.country;
    case 'company.employees':
      return view.company.employees;
    case 'company.industry':
      return view.company.industry;
    case 'company.kvkNumber':
      return view.company.kvkNumber;
    case 'company.city':
      return view.company.city;
    case 'company.technologies':
      return view.company.technologies.join(', ') || undefined;
    case 'company.crm':
      return view.company.crm.join(', ') || undefined;
    case 'score.fit':
      return s?.fit;
    case 'score.intent':
      return s?.intent;
    case 'score.engagement':
      return s?.engagement;
    case 'score.total':
      return s?.total;
    case 'score.tier':
      return s?.tier;
    case 'score.quadrant':
      return s?.quadrant;
    case 'score.dataConfidence':
      return s ? Math.round(s.dataConfidence * 100) / 100 : undefined;
    case 'score.rulesVersion':
      return s?.rulesVersion;
    case 'score.scoredAt':
      return s?.scoredAt;
    case 'score.topReasons':
      return s ? topReasons(s) || undefined : undefined;
    case 'route.kind':
      return r?.kind;
    case 'route.ownerId':
      return r?.ownerId;
    case 'route.team':
      return r?.team;
    case 'route.slaDueAt':
      return r?.slaDueAt;
    case 'route.reason':
      return r?.reason;
    case 'rationale.nextAction':
      return view.rationale?.nextAction;
  }
};

/** CRM properties from a mapping (CRM property → our field); unknown values are left out, not cleared. */
export const mapProperties = (
  view: CrmLeadView,
  map: Readonly<Record<string, FieldKey>>,
): Record<string, string | number> => {
  const out: Record<string, string | number> = {};
  for (const [property, field] of Object.entries(map)) {
    const value = fieldValue(view, field);
    if (value !== undefined && value !== '') out[property] = value;
  }
  return out;
};
