/**
 * Value normalisers: phone → E.164, website/email → registrable domain, employee ranges → lower bound,
 * country names → ISO alpha-2, form type, language, yes/no answers. All total: bad input → undefined.
 */
import { type CountryCode, parsePhoneNumberFromString } from 'libphonenumber-js';
import { getDomain } from 'tldts';
import * as z from 'zod';
import type { FormType, Language } from '../lead';
import { normaliseName } from './field-mapping';

const EmailSchema = z.email().max(320);

export function normaliseEmail(value: string): string | undefined {
  const email = value.trim().toLowerCase();
  return EmailSchema.safeParse(email).success ? email : undefined;
}

export function normalisePhone(value: string, defaultCountry: string): string | undefined {
  const text = value.trim().replace(/^00/, '+');
  if (!/\d/.test(text) || text.length > 40) return undefined;
  try {
    const phone = parsePhoneNumberFromString(text, defaultCountry as CountryCode);
    if (!phone?.isPossible()) return undefined;
    const e164 = phone.number;
    return /^\+[1-9]\d{6,14}$/.test(e164) ? e164 : undefined;
  } catch {
    return undefined;
  }
}

/** Registrable domain of a website ("https://www.acme.co.uk/x" → "acme.co.uk"). */
export function domainOfWebsite(website: string): string | undefined {
  const text = website.trim();
  if (!text || /\s/.test(text)) return undefined;
  const domain = getDomain(/^[a-z][a-z0-9+.-]*:\/\//i.test(text) ? text : `https://${text}`);
  return domain && domain.length <= 253 ? domain.toLowerCase() : undefined;
}

/** Registrable domain of a business email; undefined for free-mail addresses. */
export function domainOfEmail(email: string, freeMailDomains: readonly string[]): string | undefined {
  const host = email.slice(email.lastIndexOf('@') + 1);
  const domain = getDomain(host);
  if (!domain) return undefined;
  const free = new Set(freeMailDomains.map((entry) => entry.toLowerCase()));
  return free.has(domain) || free.has(host) ? undefined : domain;
}

/** "11-50" → 11, "50+" → 50, "1.000-5.000" → 1000, "5k+" → 5000, "<10" → 1, "250" → 250. */
export function employeesLowerBound(raw: string): number | undefined {
  const text = raw.trim().toLowerCase();
  const match = /(\d{1,3}(?:[.,\s]\d{3})+|\d+)(?:\s*(k))?/.exec(text);
  if (!match) return undefined;
  const number = Number(match[1]!.replace(/[.,\s]/g, '')) * (match[2] ? 1000 : 1);
  if (!Number.isSafeInteger(number)) return undefined;
  const upperOnly = /^(<|≤|less than|fewer than|minder dan|tot|up to|max)/.test(text);
  return upperOnly ? 1 : number;
}

const EXTRA_COUNTRY_NAMES: Record<string, string> = {
  holland: 'NL',
  thenetherlands: 'NL',
  nederlands: 'NL',
  uk: 'GB',
  england: 'GB',
  engeland: 'GB',
  greatbritain: 'GB',
  usa: 'US',
  us: 'US',
  unitedstatesofamerica: 'US',
  amerika: 'US',
  deutschland: 'DE',
  belgique: 'BE',
  belgie: 'BE',
  vlaanderen: 'BE',
};
const NOT_COUNTRIES = new Set(['EU', 'EZ', 'UN', 'QO', 'XA', 'XB', 'ZZ']);
let countryNames: Map<string, string> | undefined;
let countryCodes: Set<string> | undefined;

/** "UK" → "GB", "DD" → "DE" (Unicode region aliases); undefined when it is not a region code. */
function canonicalRegion(code: string): string | undefined {
  try {
    return Intl.getCanonicalLocales(`und-${code}`)[0]?.slice(4);
  } catch {
    return undefined;
  }
}

function countryNameTable(): Map<string, string> {
  if (countryNames) return countryNames;
  const table = new Map<string, string>(Object.entries(EXTRA_COUNTRY_NAMES));
  const displays = ['en', 'nl', 'de', 'fr'].map(
    (locale) => new Intl.DisplayNames([locale], { type: 'region' }),
  );
  for (let first = 65; first <= 90; first++) {
    for (let second = 65; second <= 90; second++) {
      const code = String.fromCharCode(first, second);
      if (NOT_COUNTRIES.has(code) || canonicalRegion(code) !== code) continue;
      for (const display of displays) {
        const name = display.of(code);
        if (name && name !== code && !/unknown|onbekend|unbekannt|inconnue/i.test(name)) {
          const key = normaliseName(name);
          if (!table.has(key)) table.set(key, code);
        }
      }
    }
  }
  countryNames = table;
  countryCodes = new Set(table.values());
  return table;
}

/** "NL", "nl", "Nederland", "Netherlands", "België" → ISO 3166-1 alpha-2. */
export function countryCode(value: string): string | undefined {
  const text = value.trim();
  if (/^[a-z]{2}$/i.test(text)) {
    countryNameTable();
    const code = canonicalRegion(text.toUpperCase());
    return code && countryCodes?.has(code) ? code : undefined;
  }
  return countryNameTable().get(normaliseName(text));
}

const FORM_TYPE_WORDS: Array<[FormType, RegExp]> = [
  ['demo_request', /\bdemo|demonstrati/],
  ['trial', /\btrial|proefperiode|proefversie|probeer|free.?account|gratis.?account/],
  ['pricing', /\bpricing|\bprice|\bprijs|\bprijzen|tarieven|offerte|\bquote/],
  ['download', /download|whitepaper|white.?paper|e-?book|\bgids\b|\bguide\b|checklist/],
  ['newsletter', /newsletter|nieuwsbrief|subscribe|inschrijven/],
  ['contact', /contact|enquiry|inquiry|\bvraag\b|question|callback|terugbel/],
];

/** The first of explicit value, form name, page URL path that names a form type. */
export function detectFormType(candidates: Array<string | undefined>): FormType {
  for (const candidate of candidates) {
    if (!candidate) continue;
    const text = candidate.toLowerCase();
    const exact = FORM_TYPE_WORDS.find(([type]) => type === text);
    if (exact) return exact[0];
    const match = FORM_TYPE_WORDS.find(([, words]) => words.test(text));
    if (match) return match[0];
  }
  return 'other';
}

const PRICING_PATH = /\/(pricing|prices|prijzen|tarieven|plans|abonnementen|kosten)(\/|$|\?|#)/i;

export function isPricingPage(pageUrl: string | undefined): boolean {
  if (!pageUrl) return false;
  try {
    return PRICING_PATH.test(new URL(pageUrl).pathname);
  } catch {
    return PRICING_PATH.test(pageUrl);
  }
}

/** "nl-NL" → nl, "en" → en, anything else → undefined (caller falls back). */
export function languageOf(value: string | undefined): Language | undefined {
  const primary = (value ?? '').trim().toLowerCase().split(/[-_]/)[0];
  if (primary === 'nl' || primary === 'dutch' || primary === 'nederlands') return 'nl';
  if (primary === 'en' || primary === 'english' || primary === 'engels') return 'en';
  return undefined;
}

/** The preferred language in an Accept-Language header, or undefined when none is nl/en. */
export function languageFromAcceptLanguage(header: string | undefined): Language | undefined {
  if (!header) return undefined;
  const ranked = header
    .split(',')
    .slice(0, 20)
    .map((part, index) => {
      const [tag, ...params] = part.trim().split(';');
      const q = params.map((param) => /^\s*q=([0-9.]+)\s*$/.exec(param)?.[1]).find(Boolean);
      return { tag: tag ?? '', q: q === undefined ? 1 : Number(q), index };
    })
    .filter((entry) => entry.tag && entry.q > 0)
    .sort((a, b) => b.q - a.q || a.index - b.index);
  const first = ranked[0];
  return first ? languageOf(first.tag) : undefined;
}

const YES = new Set([
  'true',
  'yes',
  'y',
  'ja',
  'j',
  'on',
  '1',
  'checked',
  'agree',
  'akkoord',
  'iagree',
  'ikgaakkoord',
  'accepted',
]);

/** A checkbox or yes/no answer → boolean: yes-words (yes, ja, on, true, 1, checked) or text starting "yes"/"ja"/"I agree". */
export function isYes(value: string | undefined): boolean {
  if (value === undefined) return false;
  const normalised = normaliseName(value);
  if (YES.has(normalised)) return true;
  if (['', 'false', 'no', 'n', 'nee', 'off', '0', 'unchecked', 'none'].includes(normalised)) return false;
  return /^(yes|ja|ik wil|i want|i agree|ik ga akkoord)/i.test(value.trim());
}

/** utm_* parameters of a URL (page URL fallback for UTM fields). */
export function utmFromUrl(url: string | undefined): Record<string, string> {
  if (!url) return {};
  try {
    const params = new URL(url).searchParams;
    const utm: Record<string, string> = {};
    for (const name of ['source', 'medium', 'campaign', 'term', 'content']) {
      const value = params.get(`utm_${name}`);
      if (value) utm[name] = value;
    }
    return utm;
  } catch {
    return {};
  }
}
