/**
 * Assembles the normalised Lead from the mapped fields and the provider's metadata, and collects the
 * field-level validation issues (reachability, email, phone). Strings are trimmed and capped to the
 * schema's limits; values that cannot be normalised are left out (or kept in `extra` for the rep).
 */
import { decideLanguage } from '../judge/language';
import type { Activity, FormType, Lead } from '../lead';
import type { MappedFields } from './field-mapping';
import { issue } from './issues';
import {
  countryCode,
  detectFormType,
  domainOfEmail,
  domainOfWebsite,
  employeesLowerBound,
  isPricingPage,
  isYes,
  normaliseEmail,
  normalisePhone,
  utmFromUrl,
} from './normalise';
import type { IntakeSettings } from './settings';
import type { Answer, Issue, ProviderExtract } from './types';

export interface LeadContext {
  extract: ProviderExtract;
  fields: MappedFields;
  unmapped: Answer[];
  settings: IntakeSettings;
  headers: Record<string, string | undefined>;
  query: Record<string, string | undefined>;
  receivedAt: Date;
}

const MAX_EXTRA_ENTRIES = 100;

/** Trims and cuts to `max` UTF-16 units without leaving half a surrogate pair; empty → undefined. */
export function cap(value: string | undefined, max: number): string | undefined {
  if (value === undefined) return undefined;
  let text = value.trim().slice(0, max);
  if (/[\uD800-\uDBFF]$/.test(text)) text = text.slice(0, -1);
  return text === '' ? undefined : text;
}

export function buildLead(context: LeadContext): { lead: Lead; issues: Issue[] } {
  const { fields, extract } = context;
  const issues: Issue[] = [];
  const extra = extraAnswers(context.unmapped);
  const country = fields.country ? countryCode(fields.country.value) : undefined;
  const email = readEmail(fields, issues);
  const phone = readPhone(fields, country ?? context.settings.defaultCountry, email, issues, extra);
  requireReachability(fields, issues);
  const pageUrl = cap(extract.pageUrl ?? fields.pageUrl?.value ?? pageUrlFromHeaders(context), 2048);
  const formName = cap(extract.formName ?? fields.formName?.value, 300);
  const formType = detectFormType([fields.formType?.value, formName, pageUrl]);
  const submittedAt = (extract.submittedAt ?? context.receivedAt).toISOString();
  const lead: Lead = {
    person: { ...readNames(fields), email, phone, jobTitle: cap(fields.jobTitle?.value, 200) },
    company: readCompany(fields, email, country, context.settings.freeMailDomains),
    message: cap(fields.message?.value, 10_000),
    formType,
    qualifying: {
      budget: cap(fields.budget?.value, 500),
      authority: cap(fields.authority?.value, 500),
      need: cap(fields.need?.value, 2000),
      timeline: cap(fields.timeline?.value, 500),
      productInterest: cap(fields.productInterest?.value, 500),
      currentTools: cap(fields.currentTools?.value, 500),
    },
    consent: {
      marketingOptIn: extract.marketingOptIn ?? isYes(fields.marketingOptIn?.value),
      privacyNoticeVersion: cap(fields.privacyNoticeVersion?.value, 100),
      purpose: cap(context.settings.consentPurpose, 200),
    },
    source: {
      provider: extract.provider,
      submissionId: cap(extract.submissionId ?? fields.submissionId?.value, 200),
      formId: cap(extract.formId ?? fields.formId?.value, 200),
      formName,
      pageUrl,
      referrer: cap(extract.referrer ?? fields.referrer?.value, 2048),
    },
    utm: readUtm(fields, pageUrl, context.query),
    ...languageOfLead(context, pageUrl, country, email, phone),
    submittedAt,
    activities: activitiesOf(formType, formName, pageUrl, submittedAt),
    extra,
  };
  return { lead: dropUndefined(lead), issues };
}

/** The form's own name of a field for an error, or ours when the form gave it none (an empty key). */
const fieldName = (sourceKey: string, canonical: string) => (/\S/.test(sourceKey) ? sourceKey : canonical);

function readEmail(fields: MappedFields, issues: Issue[]): string | undefined {
  if (!fields.email) return undefined;
  const email = normaliseEmail(fields.email.value);
  if (!email) {
    issues.push(
      issue(
        fieldName(fields.email.sourceKey, 'email'),
        'Enter a valid email address, like name@company.com',
        'Vul een geldig e-mailadres in, zoals naam@bedrijf.nl',
      ),
    );
  }
  return email;
}

function readPhone(
  fields: MappedFields,
  defaultCountry: string,
  email: string | undefined,
  issues: Issue[],
  extra: Record<string, string>,
): string | undefined {
  if (!fields.phone) return undefined;
  const phone = normalisePhone(fields.phone.value, defaultCountry);
  if (phone) return phone;
  if (email) {
    const raw = cap(fields.phone.value, 2000);
    if (raw)
      Object.defineProperty(extra, 'Phone (as entered)', { value: raw, enumerable: true, writable: true });
  } else if (!fields.email) {
    issues.push(
      issue(
        fieldName(fields.phone.sourceKey, 'phone'),
        'Enter a valid phone number, like +31 20 123 4567',
        'Vul een geldig telefoonnummer in, zoals 020 123 4567',
      ),
    );
  }
  return undefined;
}

function requireReachability(fields: MappedFields, issues: Issue[]): void {
  if (fields.email || fields.phone) return;
  issues.push(
    issue(
      'email',
      'Give an email address or a phone number so we can reach you',
      'Vul een e-mailadres of telefoonnummer in zodat we contact met u kunnen opnemen',
    ),
  );
}

function readNames(fields: MappedFields): Pick<Lead['person'], 'firstName' | 'lastName' | 'fullName'> {
  let firstName = cap(fields.firstName?.value, 200);
  let lastName = cap(fields.lastName?.value, 200);
  let fullName = cap(fields.fullName?.value, 400);
  if (fullName && !firstName && !lastName) {
    const [first, ...rest] = fullName.split(/\s+/);
    firstName = cap(first, 200);
    lastName = cap(rest.join(' '), 200);
  }
  if (!fullName && (firstName || lastName))
    fullName = cap([firstName, lastName].filter(Boolean).join(' '), 400);
  return { firstName, lastName, fullName };
}

function readCompany(
  fields: MappedFields,
  email: string | undefined,
  country: string | undefined,
  freeMailDomains: readonly string[],
): Lead['company'] {
  const website = cap(fields.website?.value, 2048);
  const employeesRaw = cap(fields.employees?.value, 100);
  return {
    name: cap(fields.company?.value, 300),
    domain:
      (website && domainOfWebsite(website)) || (email && domainOfEmail(email, freeMailDomains)) || undefined,
    website,
    employees: employeesRaw ? employeesLowerBound(employeesRaw) : undefined,
    employeesRaw,
    industry: cap(fields.industry?.value, 200),
    country,
  };
}

function pageUrlFromHeaders(context: LeadContext): string | undefined {
  return context.extract.provider === 'html' ? context.headers.referer : undefined;
}

function readUtm(
  fields: MappedFields,
  pageUrl: string | undefined,
  query: Record<string, string | undefined>,
): Lead['utm'] {
  const fromPage = utmFromUrl(pageUrl);
  const pick = (name: 'source' | 'medium' | 'campaign' | 'term' | 'content', field: keyof MappedFields) =>
    cap(fields[field]?.value ?? fromPage[name] ?? query[`utm_${name}`], 200);
  return {
    source: pick('source', 'utmSource'),
    medium: pick('medium', 'utmMedium'),
    campaign: pick('campaign', 'utmCampaign'),
    term: pick('term', 'utmTerm'),
    content: pick('content', 'utmContent'),
  };
}

/** What they wrote, then the form's language field, page URL, country, domain, Accept-Language (judge/language). */
function languageOfLead(
  context: LeadContext,
  pageUrl: string | undefined,
  country: string | undefined,
  email: string | undefined,
  phone: string | undefined,
): Pick<Lead, 'language' | 'languageSource'> {
  const { fields } = context;
  const decision = decideLanguage({
    texts: [fields.message?.value, fields.need?.value, fields.productInterest?.value],
    formLanguage: fields.language?.value ?? context.extract.language,
    pageUrl,
    // The form's country, else a Dutch or Belgian phone number's.
    country: country ?? (phone?.startsWith('+31') ? 'NL' : phone?.startsWith('+32') ? 'BE' : undefined),
    domain:
      (fields.website && domainOfWebsite(fields.website.value)) ||
      (email && domainOfEmail(email, context.settings.freeMailDomains)) ||
      undefined,
    acceptLanguage: context.headers['accept-language'],
  });
  return { language: decision.language, languageSource: decision.source };
}

function activitiesOf(
  formType: FormType,
  formName: string | undefined,
  pageUrl: string | undefined,
  at: string,
): Activity[] {
  const detail = cap(formName ?? pageUrl, 500);
  const activities: Activity[] = [{ type: 'form_submission', at, ...(detail ? { detail } : {}) }];
  if (formType === 'demo_request') activities.push({ type: 'demo_request', at });
  if (isPricingPage(pageUrl))
    activities.push({ type: 'pricing_page', at, ...(pageUrl ? { detail: cap(pageUrl, 500) } : {}) });
  if (formType === 'download') activities.push({ type: 'download', at, ...(detail ? { detail } : {}) });
  return activities;
}

function extraAnswers(unmapped: Answer[]): Record<string, string> {
  const extra = new Map<string, string>();
  for (const answer of unmapped) {
    if (extra.size >= MAX_EXTRA_ENTRIES) break;
    const label = cap(answer.label ?? answer.key, 200);
    const value = cap(answer.value, 2000);
    if (label && value && !extra.has(label)) extra.set(label, value);
  }
  // fromEntries defines own properties, so a "__proto__" label stays an ordinary key.
  return Object.fromEntries(extra);
}

/** Removes undefined-valued keys one level deep, so stored leads stay compact. */
function dropUndefined(lead: Lead): Lead {
  const clean = <T extends object>(object: T): T =>
    Object.fromEntries(Object.entries(object).filter(([, value]) => value !== undefined)) as T;
  return {
    ...clean(lead),
    person: clean(lead.person),
    company: clean(lead.company),
    qualifying: clean(lead.qualifying),
    consent: clean(lead.consent),
    source: clean(lead.source),
    utm: clean(lead.utm),
  };
}
