/**
 * Facts: the flat, typed, non-personal view of a lead + its enrichment that the scoring rules speak of.
 * `deriveFacts` is pure: `now` and the settings are passed in; no I/O, no clock.
 *
 * Missing values are `null` (never `undefined`), so `exists` has one meaning and Facts serialise to JSON.
 * Ages are whole days (floored) between the newest matching activity/signal and `now`; 0 when in the future.
 * No personal data lives here: no email address, name, phone number or message text (only its length).
 * `deriveFactsWithEvidence` adds, beside the facts, the prospect's own words each fact was read from, for the
 * ledger on the lead record (never logged).
 */
import { inBusinessHours } from '../business-time';
import type { Enrichment, Industry, IntentSignal } from '../enrichment';
import { type Evidence, INDUSTRY_KEYWORDS, type LeadReading, readLead } from '../judge/read-lead';
import type { Signal } from '../judge/signals';
import type { Activity, FormType, Language, Lead } from '../lead';
import { type CustomFactDeclarations, type CustomFactValues, customFactsFromLead } from './custom-facts';

/** A fact's kind as the rules speak of it, whether it can be null, and (as a type only) its TypeScript type. */
export interface FactSpec<T> {
  readonly kind: FactKind;
  readonly nullable: boolean;
  /** Never set: carries the fact's type from the table to `Facts`. */
  readonly type?: T;
}
export type FactKind = 'number' | 'boolean' | 'string' | 'string[]';

const num = <T extends number = number>(): FactSpec<T> => ({ kind: 'number', nullable: false });
const bool = (): FactSpec<boolean> => ({ kind: 'boolean', nullable: false });
const str = <T extends string = string>(): FactSpec<T> => ({ kind: 'string', nullable: false });
const strs = (): FactSpec<string[]> => ({ kind: 'string[]', nullable: false });
const nullable = <T>(spec: FactSpec<T>): FactSpec<T | null> => ({ kind: spec.kind, nullable: true });

/**
 * Every fact, once: its kind and nullability (the rules schema and validator speak of these) and its type
 * (`Facts` is derived from this table).
 */
export const FACT_KINDS = {
  /** Registry employee count, else the form's (lower bound of a range); null when unknown. */
  employees: nullable(num()),
  employeesSource: nullable(str<'registry' | 'form'>()),
  /** Registry industry, else the form's answer, else inferred from the website, else 'other'. */
  industry: str<Industry>(),
  industrySource: str<'registry' | 'form' | 'inferred' | 'none'>(),
  /** ISO 3166-1 alpha-2: form > registry > phone > tld (enrichment.geo). */
  country: nullable(str()),
  countrySource: nullable(str<'form' | 'registry' | 'phone' | 'tld'>()),
  freeMail: bool(),
  disposableEmail: bool(),
  roleAddress: bool(),
  businessEmail: bool(),
  /** MX record found for the email domain; null when not checked. */
  emailMx: nullable(bool()),
  hasCrm: bool(),
  /** Detected CRM products, lower case (e.g. ['hubspot']). */
  crm: strs(),
  usesMarketingAutomation: bool(),
  marketingAutomation: strs(),
  /** Website runs an e-commerce platform (Shopify, WooCommerce, …). */
  ecommercePlatform: bool(),
  /** Detected technologies, lower case. */
  technologies: strs(),
  /** The job title names a decision maker (owner, director, head of, C-level, …); the title itself is not kept. */
  decisionMakerTitle: bool(),
  /** The job title's level: executive (CEO, DGA, owner), vp_director, head_manager, staff; null when no title. */
  seniority: nullable(str<'executive' | 'vp_director' | 'head_manager' | 'staff'>()),
  formType: str<FormType>(),
  language: str<Language>(),
  /** Mon–Fri 09:00–17:30 (configurable) in the lead's time zone (by country, default Europe/Amsterdam). */
  submittedInOfficeHours: bool(),
  submittedAgeDays: num(),
  hiring: bool(),
  hiringAgeDays: nullable(num()),
  funding: bool(),
  fundingAgeDays: nullable(num()),
  newSystem: bool(),
  newSystemAgeDays: nullable(num()),
  growth: bool(),
  growthAgeDays: nullable(num()),
  intentSignals: num(),
  /** Open positions on the careers page and job boards; null when they could not be read. */
  openPositions: nullable(num()),
  /** A sales role (account executive, SDR, verkoper, …) among the open positions. */
  hiringSalesReps: bool(),
  /** Age of the newest sales posting (null when undated or none). */
  hiringSalesRepsAgeDays: nullable(num()),
  /** An engineering role among the open positions. */
  hiringEngineers: bool(),
  newestJobPostingAgeDays: nullable(num()),
  /** A demo request activity, the form itself is a demo/trial request, or the message asks for one. */
  demoRequest: bool(),
  demoRequestAgeDays: nullable(num()),
  /** A pricing-page visit, or the form itself is the pricing/quote form. */
  pricingPageVisit: bool(),
  pricingPageVisitAgeDays: nullable(num()),
  download: bool(),
  downloadAgeDays: nullable(num()),
  webinar: bool(),
  webinarAgeDays: nullable(num()),
  emailClick: bool(),
  emailClickAgeDays: nullable(num()),
  /** A person opened our email (a machine open — privacy proxy, scanner — never counts). */
  emailOpen: bool(),
  emailOpenAgeDays: nullable(num()),
  /** The prospect replied to our email. */
  emailReply: bool(),
  emailReplyAgeDays: nullable(num()),
  /** The prospect unsubscribed from our emails: outreach stops (the address is suppressed). */
  unsubscribed: bool(),
  unsubscribedAgeDays: nullable(num()),
  pageViews: num(),
  pageViewAgeDays: nullable(num()),
  /** Age of the newest own-channel activity of any kind; the submission counts, so never null. */
  lastActivityAgeDays: num(),
  hasBudget: bool(),
  hasTimeline: bool(),
  hasAuthority: bool(),
  hasNeed: bool(),
  /** Months until the stated timeline ("asap" → 0, "binnen 3 maanden" → 3, "Q3" → months to Q3 start). */
  timelineMonths: nullable(num()),
  /** What the prospect says of the budget: approved, reserved, a range/amount, or just mentioned. */
  budgetStatus: nullable(str<'approved' | 'reserved' | 'range' | 'mentioned'>()),
  /** The budget is approved or reserved (form or message). */
  budgetApproved: bool(),
  /** Where they are in buying, as they say it: researching, evaluating, comparing, ready_to_buy. */
  buyingStage: nullable(str<'researching' | 'evaluating' | 'comparing' | 'ready_to_buy'>()),
  /** The strongest thing they asked for: demo, trial, pricing, call, information; null when nothing. */
  requestedAction: nullable(str<'demo' | 'trial' | 'pricing' | 'call' | 'information'>()),
  /**
   * An explicit hand-raise: they asked for a demo, a trial, pricing or a call (form type or message), or
   * asked a concrete product question (SSO, integrations) that a person should answer.
   */
  handRaise: bool(),
  /** Team or volume size they state (reps, users, seats); null when not stated. */
  teamSize: nullable(num()),
  marketingOptIn: bool(),
  dataConfidence: num(),
  messageLength: num(),
} as const satisfies Record<string, FactSpec<unknown>>;

export type FactName = keyof typeof FACT_KINDS;
/** The facts of one lead, typed from FACT_KINDS. */
export type Facts = {
  -readonly [K in FactName]: (typeof FACT_KINDS)[K] extends FactSpec<infer T> ? T : never;
};

export const FACT_NAMES = Object.keys(FACT_KINDS) as [FactName, ...FactName[]];

/**
 * What the engine scores: the built-in facts plus, when the rules file declares `customFacts`, their values
 * by name (`custom.leadSource` in a condition reads `custom.leadSource` here).
 */
export type LeadFacts = Facts & { custom?: CustomFactValues };

/** Where each fact's value came from and the prospect's words, for the ledger ("— 'Het budget is goedgekeurd'"). */
export type FactEvidence = Partial<Record<FactName, Evidence>>;

/** Settings deriveFacts needs (the rules file's `settings` block satisfies this). */
export interface FactSettings {
  /** IANA zone used when the lead's country has no entry in `timeZonesByCountry`. */
  timeZone: string;
  timeZonesByCountry?: Record<string, string>;
  /** ISO weekdays 1 (Mon) … 7 (Sun); start inclusive, end exclusive, "HH:MM" local time. */
  officeHours: { days: number[]; start: string; end: string };
}

export const DEFAULT_FACT_SETTINGS: FactSettings = {
  timeZone: 'Europe/Amsterdam',
  timeZonesByCountry: { BE: 'Europe/Brussels', DE: 'Europe/Berlin', GB: 'Europe/London' },
  officeHours: { days: [1, 2, 3, 4, 5], start: '09:00', end: '17:30' },
};

const DAY_MS = 86_400_000;
const ENGINEERING_TITLE =
  /\b(engineer|engineering|developer|software|ontwikkelaar|devops|programmeur|architect|data\s*scientist)\b/i;
const INTENT_KEYS = ['hiring', 'funding', 'new_system', 'growth'] as const;

function ageDays(at: string | undefined, nowMs: number): number | null {
  if (!at) return null;
  const t = Date.parse(at);
  if (Number.isNaN(t)) return null;
  return Math.max(0, Math.floor((nowMs - t) / DAY_MS));
}

function minAge(a: number | null, b: number | null): number | null {
  if (a === null) return b;
  if (b === null) return a;
  return a < b ? a : b;
}

// --- industry inference -------------------------------------------------------------------------------

function inferIndustry(enrichment: Enrichment): Industry | null {
  const site = enrichment.website;
  if (!site) return null;
  if (site.ecommerce.length > 0) return 'ecommerce';
  const categories = site.technologies.flatMap((t) => t.categories).join(' ');
  if (/\b(ecommerce|e-commerce)\b/i.test(categories)) return 'ecommerce';
  const text = [site.title, site.name, site.description].filter(Boolean).join(' ');
  if (!text) return null;
  for (const [industry, re] of INDUSTRY_KEYWORDS) if (re.test(text)) return industry;
  return null;
}

// --- answers ------------------------------------------------------------------------------------------

/** An answer that says nothing: empty, a dash, "n/a", "geen", "no", "unknown", "weet ik niet", … */
const NON_ANSWER =
  /^\s*(|-+|\.+|\?+|x|n\.?\s?v\.?\s?t\.?|n\/?a|none|nothing|no|nee|geen(\s.*)?|not\s.*|niet\s.*|no\s.*|unknown|onbekend|tbd|nvt|weet\s(ik\s)?niet|geen idee|don'?t know|i don'?t know|idk)\s*[.!]?\s*$/i;

export function meaningfulAnswer(value: string | undefined): boolean {
  if (value === undefined) return false;
  const v = value.trim();
  if (v.length < 2) return false;
  return !NON_ANSWER.test(v);
}

const DECISION_MAKER =
  /\b(ceo|cto|cfo|coo|cmo|cio|chief|founder|co-?founder|oprichter|owner|eigenaar|directeur|director|managing|head of|hoofd|vp|vice president|partner|dga|bestuurder|manager)\b/i;

const NUMBER_WORDS: Record<string, number> = {
  een: 1,
  één: 1,
  one: 1,
  a: 1,
  an: 1,
  twee: 2,
  two: 2,
  drie: 3,
  three: 3,
  vier: 4,
  four: 4,
  vijf: 5,
  five: 5,
  zes: 6,
  six: 6,
  zeven: 7,
  seven: 7,
  acht: 8,
  eight: 8,
  negen: 9,
  nine: 9,
  tien: 10,
  ten: 10,
  elf: 11,
  eleven: 11,
  twaalf: 12,
  twelve: 12,
};

const NUM = `(\\d+(?:[.,]\\d+)?|${Object.keys(NUMBER_WORDS).join('|')})`;
const TIMELINE_AMOUNT = new RegExp(
  `(?:^|[^\\p{L}\\d])${NUM}\\s*(?:(?:-|–|tot|to)\\s*${NUM}\\s*)?(maanden|maand|months?|mnd|weken|week|weeks?|wk|dagen|dag|days?|jaar|years?)(?![\\p{L}])`,
  'u',
);

/**
 * Months until the stated timeline, or null when it cannot be read. Whole months where possible; weeks and
 * days become fractions rounded to one decimal. Ranges ("3-6 months") use their lower bound.
 */
export function parseTimelineMonths(text: string | undefined, now: Date): number | null {
  if (!text) return null;
  const t = text.trim().toLowerCase();
  if (!t) return null;
  if (
    /\b(asap|a\.s\.a\.p|z\.?s\.?m\.?|zo snel mogelijk|as soon as possible|immediately|direct|meteen|nu|now|urgent|spoed)\b/.test(
      t,
    )
  )
    return 0;
  if (/\b(this|deze) (month|maand)\b/.test(t)) return 0;
  if (/\b(next|volgende) (month|maand)\b/.test(t)) return 1;
  if (/\b(this|deze) (week)\b/.test(t) || /\b(next|volgende) week\b/.test(t)) return 0;
  if (/\b(this|deze|dit) (quarter|kwartaal)\b/.test(t)) return 0;
  if (/\b(next|volgend|volgende) (quarter|kwartaal)\b/.test(t)) return 3;
  const q = /\bq([1-4])\b/.exec(t);
  if (q) {
    const month = now.getUTCMonth();
    const startMonth = (Number(q[1]) - 1) * 3;
    const currentQ = Math.floor(month / 3);
    if (Number(q[1]) - 1 === currentQ) return 0;
    let diff = startMonth - month;
    if (diff < 0) diff += 12;
    return diff;
  }
  if (/\b(half (a )?year|half jaar|halfjaar)\b/.test(t)) return 6;
  if (/\b(this|dit) (year|jaar)\b/.test(t)) return 11 - now.getUTCMonth();
  if (/\b(next|volgend) (year|jaar)\b/.test(t)) return 12;
  const m = TIMELINE_AMOUNT.exec(t);
  if (m) {
    const raw = m[1]!;
    const n = /\d/.test(raw) ? Number(raw.replace(',', '.')) : NUMBER_WORDS[raw];
    if (n === undefined || !Number.isFinite(n)) return null;
    const unit = m[3]!;
    if (unit.startsWith('maand') || unit.startsWith('month') || unit === 'mnd') return n;
    if (unit.startsWith('we') || unit === 'wk') return Math.round((n / 4.345) * 10) / 10;
    if (unit.startsWith('da')) return Math.round((n / 30.44) * 10) / 10;
    return n * 12;
  }
  return null;
}

// --- office hours -------------------------------------------------------------------------------------

/** Whether `at` falls in office hours in `timeZone` (the business-time model routing uses too). */
export function inOfficeHours(at: Date, timeZone: string, hours: FactSettings['officeHours']): boolean {
  return inBusinessHours(at, {
    timeZone,
    workingDays: hours.days,
    hours: { start: hours.start, end: hours.end },
  });
}

// --- deriveFacts --------------------------------------------------------------------------------------

/**
 * The facts of a lead. `customFacts` (the rules file's declarations) adds `custom`: each declared fact read
 * from the lead's form fields, hidden fields, UTM values or source.
 */
export function deriveFacts(
  lead: Lead,
  enrichment: Enrichment,
  now: Date,
  settings: FactSettings = DEFAULT_FACT_SETTINGS,
  customFacts?: CustomFactDeclarations,
  proposed: readonly Signal[] = [],
): LeadFacts {
  return deriveFactsWithEvidence(lead, enrichment, now, settings, customFacts, proposed).facts;
}

/** The facts and, per fact, where its value came from with the prospect's words (for the ledger). */
export function deriveFactsWithEvidence(
  lead: Lead,
  enrichment: Enrichment,
  now: Date,
  settings: FactSettings = DEFAULT_FACT_SETTINGS,
  customFacts?: CustomFactDeclarations,
  proposed: readonly Signal[] = [],
): { facts: LeadFacts; evidence: FactEvidence; reading: LeadReading } {
  const reading = readLead(lead, now, proposed);
  const builtin = deriveBuiltinFacts(lead, enrichment, now, settings, reading);
  const evidence = evidenceOf(lead, enrichment, builtin, reading);
  const facts =
    customFacts && Object.keys(customFacts).length > 0
      ? { ...builtin, custom: customFactsFromLead(lead, customFacts) }
      : builtin;
  return { facts, evidence, reading };
}

function evidenceOf(lead: Lead, enrichment: Enrichment, facts: Facts, reading: LeadReading): FactEvidence {
  const out: FactEvidence = {};
  const from = reading.evidence;
  const put = (names: FactName[], evidence: Evidence | undefined) => {
    if (evidence) for (const name of names) out[name] = evidence;
  };
  if (facts.employeesSource === 'registry') put(['employees'], { source: 'registry' });
  else if (facts.employeesSource === 'form')
    put(['employees'], {
      source: 'form',
      quote: lead.company.employeesRaw ?? String(lead.company.employees),
    });
  if (facts.industrySource === 'registry') put(['industry'], { source: 'registry' });
  else if (facts.industrySource === 'form') put(['industry'], from.industry);
  else if (facts.industrySource === 'inferred') put(['industry'], { source: 'website' });
  if (facts.countrySource === 'form') put(['country'], { source: 'form', quote: lead.company.country });
  else if (facts.countrySource === 'registry') put(['country'], { source: 'registry' });
  if (facts.hasCrm)
    put(
      ['hasCrm', 'crm'],
      from.crm ?? ((enrichment.website?.crm.length ?? 0) > 0 ? { source: 'website' } : undefined),
    );
  if (facts.usesMarketingAutomation)
    put(
      ['usesMarketingAutomation', 'marketingAutomation'],
      from.marketing_automation ?? { source: 'website' },
    );
  put(['seniority', 'decisionMakerTitle'], from.seniority);
  const formBudget = lead.qualifying.budget
    ? { source: 'form' as const, quote: lead.qualifying.budget }
    : undefined;
  put(['hasBudget', 'budgetStatus', 'budgetApproved'], from.budget ?? formBudget);
  const formTimeline = lead.qualifying.timeline
    ? { source: 'form' as const, quote: lead.qualifying.timeline }
    : undefined;
  put(['timelineMonths', 'hasTimeline'], formTimeline ?? from.timeline);
  put(['hasNeed'], lead.qualifying.need ? { source: 'form', quote: lead.qualifying.need } : from.need);
  put(['buyingStage'], from.stage);
  put(['teamSize'], from.teamSize);
  put(['requestedAction', 'handRaise'], from.action);
  // External intent (account signals, job postings, the intent dataset): the newest signal of each type.
  for (const [type, names] of [
    ['hiring', ['hiring', 'hiringAgeDays']],
    ['funding', ['funding', 'fundingAgeDays']],
    ['new_system', ['newSystem', 'newSystemAgeDays']],
    ['growth', ['growth', 'growthAgeDays']],
  ] as const) {
    const s = (enrichment.intent?.signals ?? [])
      .filter((x) => x.type === type)
      .reduce<IntentSignal | undefined>((acc, x) => (!acc || x.at > acc.at ? x : acc), undefined);
    if (s)
      put([...names], {
        source: s.source === 'careers' || s.source.startsWith('jobs:') ? 'jobs' : 'signal',
        quote: `${s.detail} (${s.source})`,
        ...(s.at ? { at: s.at } : {}),
        ...(s.url ? { url: s.url } : {}),
      });
  }
  // Job postings: the posting (title, URL, date) the rule read.
  const jobs = enrichment.jobs;
  const first = jobs?.postings[0];
  if (jobs && first) {
    const evidence = (p: typeof first) => ({
      source: 'jobs' as const,
      quote: `${p.title} (${p.source})`,
      ...(p.postedAt ? { at: p.postedAt } : {}),
      ...(p.url ? { url: p.url } : {}),
    });
    if (jobs.salesRoles > 0) put(['hiringSalesReps', 'hiringSalesRepsAgeDays'], evidence(first));
    put(['openPositions', 'newestJobPostingAgeDays'], evidence(first));
    const engineer = jobs.postings.find((p) => ENGINEERING_TITLE.test(p.title));
    if (engineer) put(['hiringEngineers'], evidence(engineer));
  }
  // Email engagement: the newest event of each kind, with its source and date.
  const newest = (type: Activity['type']) =>
    lead.activities
      .filter((a) => a.type === type)
      .reduce<Activity | undefined>((acc, a) => (!acc || a.at > acc.at ? a : acc), undefined);
  for (const [type, names] of [
    ['email_open', ['emailOpen', 'emailOpenAgeDays']],
    ['email_reply', ['emailReply', 'emailReplyAgeDays']],
    ['unsubscribe', ['unsubscribed', 'unsubscribedAgeDays']],
  ] as const) {
    const a = newest(type);
    if (a) put([...names], { source: 'event', quote: `${type}${a.detail ? ` ${a.detail}` : ''}`, at: a.at });
  }
  const askedDemo = from['action:demo'] ?? from['action:trial'];
  if (askedDemo?.source === 'message' && !['demo_request', 'trial'].includes(lead.formType))
    put(['demoRequest'], askedDemo);
  return out;
}

function deriveBuiltinFacts(
  lead: Lead,
  enrichment: Enrichment,
  now: Date,
  settings: FactSettings,
  reading: LeadReading,
): Facts {
  const nowMs = now.getTime();
  const registry = enrichment.registry;
  const site = enrichment.website;
  const email = enrichment.email;

  // Size: the registry is authoritative; the form is self-reported.
  let employees: number | null = null;
  let employeesSource: Facts['employeesSource'] = null;
  if (registry?.employees !== undefined) {
    employees = registry.employees;
    employeesSource = 'registry';
  } else if (lead.company.employees !== undefined) {
    employees = lead.company.employees;
    employeesSource = 'form';
  }

  // Industry: registry (SBI-based) unless it said 'other', then the form's answer, then the website.
  let industry: Industry = 'other';
  let industrySource: Facts['industrySource'] = 'none';
  if (registry && registry.industry !== 'other') {
    industry = registry.industry;
    industrySource = 'registry';
  } else if (reading.industry) {
    industry = reading.industry;
    industrySource = 'form';
  } else {
    const inferred = inferIndustry(enrichment);
    if (inferred) {
      industry = inferred;
      industrySource = 'inferred';
    }
  }

  // Country: form > registry > phone > tld.
  let country: string | null = null;
  let countrySource: Facts['countrySource'] = null;
  if (lead.company.country) {
    country = lead.company.country;
    countrySource = 'form';
  } else if (registry?.address?.country) {
    country = registry.address.country;
    countrySource = 'registry';
  } else if (enrichment.phone?.country) {
    country = enrichment.phone.country;
    countrySource = 'phone';
  } else if (enrichment.geo.country) {
    country = enrichment.geo.country;
    countrySource = enrichment.geo.sources[0] ?? 'tld';
  }

  // Intent signals: newest of each type.
  const intent = { hiring: null, funding: null, new_system: null, growth: null } as Record<
    'hiring' | 'funding' | 'new_system' | 'growth',
    number | null
  >;
  const seen = { hiring: false, funding: false, new_system: false, growth: false };
  const signals = enrichment.intent?.signals ?? [];
  // An undated signal counts as current (null age = not decayed) and wins over dated ones of its type, so
  // learning of another signal can never lower the score.
  const undated = { hiring: false, funding: false, new_system: false, growth: false };
  for (const s of signals) {
    const age = ageDays(s.at, nowMs);
    if (age === null) undated[s.type] = true;
    intent[s.type] = seen[s.type] ? minAge(intent[s.type], age) : age;
    seen[s.type] = true;
  }
  for (const k of INTENT_KEYS) if (undated[k]) intent[k] = null;

  // Job postings (the jobs tool): postings are kept sales roles first, newest first.
  const jobs = enrichment.jobs ?? null;
  const salesPosting = jobs && jobs.salesRoles > 0 ? jobs.postings[0] : undefined;

  // Own-channel activity; the submission itself counts as its form type.
  const submittedAgeDays = ageDays(lead.submittedAt, nowMs) ?? 0;
  let demo: number | null = null;
  let pricing: number | null = null;
  let download: number | null = null;
  let webinar: number | null = null;
  let click: number | null = null;
  let pageView: number | null = null;
  let pageViews = 0;
  let open: number | null = null;
  let reply: number | null = null;
  let unsubscribe: number | null = null;
  let hasOpen = false;
  let hasReply = false;
  let hasUnsubscribe = false;
  let last: number = submittedAgeDays;
  let hasDemo = lead.formType === 'demo_request' || lead.formType === 'trial';
  let hasPricing = lead.formType === 'pricing';
  let hasDownload = lead.formType === 'download';
  let hasWebinar = false;
  let hasClick = false;
  // A demo or trial asked for in the message is a demo request of the submission moment too.
  if (
    !hasDemo &&
    reading.signals.some((s) => s.kind === 'action' && (s.value === 'demo' || s.value === 'trial'))
  )
    hasDemo = true;
  if (hasDemo) demo = submittedAgeDays;
  if (hasPricing) pricing = submittedAgeDays;
  if (hasDownload) download = submittedAgeDays;
  for (const a of lead.activities) {
    const age = ageDays(a.at, nowMs);
    // Unsubscribing is no sign of life: it never resets the inactivity clock.
    if (age !== null && age < last && a.type !== 'unsubscribe') last = age;
    switch (a.type) {
      case 'demo_request':
        hasDemo = true;
        demo = minAge(demo, age);
        break;
      case 'pricing_page':
        hasPricing = true;
        pricing = minAge(pricing, age);
        break;
      case 'download':
        hasDownload = true;
        download = minAge(download, age);
        break;
      case 'webinar':
        hasWebinar = true;
        webinar = minAge(webinar, age);
        break;
      case 'email_click':
        hasClick = true;
        click = minAge(click, age);
        break;
      case 'page_view':
        pageViews++;
        pageView = minAge(pageView, age);
        break;
      case 'email_open':
        hasOpen = true;
        open = minAge(open, age);
        break;
      case 'email_reply':
        hasReply = true;
        reply = minAge(reply, age);
        break;
      case 'unsubscribe':
        hasUnsubscribe = true;
        unsubscribe = minAge(unsubscribe, age);
        break;
      default:
        break;
    }
  }

  const timeZone =
    (country ? settings.timeZonesByCountry?.[country] : undefined) ?? settings.timeZone ?? 'Europe/Amsterdam';
  const submitted = new Date(lead.submittedAt);

  const q = lead.qualifying;
  const timelineMonths = parseTimelineMonths(q.timeline, now) ?? reading.timelineMonths;
  const lower = (xs: string[]) => xs.map((x) => x.toLowerCase()).sort();
  const said = (category: 'crm' | 'marketing_automation') =>
    reading.tools.filter((tool) => tool.category === category).map((tool) => tool.name);
  const crm = [...new Set([...lower(site?.crm ?? []), ...said('crm')])].sort();
  const automation = [
    ...new Set([...lower(site?.marketingAutomation ?? []), ...said('marketing_automation')]),
  ].sort();
  const requestedAction = reading.actions[0] ?? null;

  return {
    employees,
    employeesSource,
    industry,
    industrySource,
    country,
    countrySource,
    freeMail: email?.freeMail ?? false,
    disposableEmail: email?.disposable ?? false,
    roleAddress: email?.roleAddress ?? false,
    businessEmail: email?.businessDomain ?? false,
    emailMx: email?.mx ?? null,
    hasCrm: crm.length > 0,
    crm,
    usesMarketingAutomation: automation.length > 0,
    marketingAutomation: automation,
    ecommercePlatform: (site?.ecommerce.length ?? 0) > 0,
    technologies: lower(site?.technologies.map((t) => t.name) ?? []),
    decisionMakerTitle: DECISION_MAKER.test(lead.person.jobTitle ?? ''),
    seniority: reading.seniority,
    formType: lead.formType,
    language: lead.language,
    submittedInOfficeHours: Number.isNaN(submitted.getTime())
      ? false
      : inOfficeHours(submitted, timeZone, settings.officeHours),
    submittedAgeDays,
    hiring: seen.hiring,
    hiringAgeDays: intent.hiring,
    funding: seen.funding,
    fundingAgeDays: intent.funding,
    newSystem: seen.new_system,
    newSystemAgeDays: intent.new_system,
    growth: seen.growth,
    growthAgeDays: intent.growth,
    intentSignals: signals.length,
    openPositions: jobs ? jobs.openPositions : null,
    hiringSalesReps: (jobs?.salesRoles ?? 0) > 0,
    hiringSalesRepsAgeDays: salesPosting ? ageDays(salesPosting.postedAt, nowMs) : null,
    hiringEngineers: (jobs?.engineeringRoles ?? 0) > 0,
    newestJobPostingAgeDays: ageDays(jobs?.newestPostedAt, nowMs),
    demoRequest: hasDemo,
    demoRequestAgeDays: demo,
    pricingPageVisit: hasPricing,
    pricingPageVisitAgeDays: pricing,
    download: hasDownload,
    downloadAgeDays: download,
    webinar: hasWebinar,
    webinarAgeDays: webinar,
    emailClick: hasClick,
    emailClickAgeDays: click,
    emailOpen: hasOpen,
    emailOpenAgeDays: open,
    emailReply: hasReply,
    emailReplyAgeDays: reply,
    unsubscribed: hasUnsubscribe,
    unsubscribedAgeDays: unsubscribe,
    pageViews,
    pageViewAgeDays: pageView,
    lastActivityAgeDays: last,
    hasBudget: meaningfulAnswer(q.budget) || reading.budget !== null,
    hasTimeline: meaningfulAnswer(q.timeline) || timelineMonths !== null,
    hasAuthority: meaningfulAnswer(q.authority),
    hasNeed: meaningfulAnswer(q.need) || reading.need,
    timelineMonths,
    budgetStatus: reading.budget,
    budgetApproved: reading.budget === 'approved' || reading.budget === 'reserved',
    buyingStage: reading.stage,
    requestedAction,
    handRaise:
      (requestedAction !== null && requestedAction !== 'information') || reading.questions.length > 0,
    teamSize: reading.teamSize,
    marketingOptIn: lead.consent.marketingOptIn,
    dataConfidence: enrichment.confidence,
    messageLength: lead.message?.length ?? 0,
  };
}
