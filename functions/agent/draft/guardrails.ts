/**
 * Guardrails on what the drafting step writes. Applied to LLM output (any failure → the template draft is
 * used, and the handoff step must force human review), to template output, and (`sanitiseRepEdit`) to what a
 * rep types into a draft.
 *
 * Written as an allow-list where one exists, on text an attacker cannot dress up:
 * - a hard length cap comes first, before any pattern runs; every pass after it is linear in the capped size;
 * - matching happens on a normalised copy: NFKC (full-width `ｈｔｔｐｓ：／／` → `https://`), hidden characters
 *   removed, look-alike and spelt-out dots folded (`。`, `[.]`, `(dot)`, ` dot `), `hxxp` read as `http`;
 * - every link is parsed with `URL` (so `..` segments are resolved) and must be our own domain, or the exact
 *   origin of an allowed URL with a path under it on segment boundaries; IP hosts, bare IP addresses,
 *   credentials in URLs, backslashes, encoded separators and non-http schemes are refused;
 * - every email address must be on the allow-list;
 * - no phone numbers, bank account numbers, prices, amounts, percentages, discounts, free offers, guarantees,
 *   payment or credential requests, unless a phrase from our own configuration (`allowList.phrases`) says so;
 * - exactly one signature, the rep's, at the end; a one-line subject of bounded length;
 * - HTML is stripped (drafts are plain text) and hidden unicode removed, each reported;
 * - the rationale: figures must exist in the ledger / score / enrichment, no other tier, quadrant or score,
 *   no requests to re-score, re-route or skip review.
 */
import sanitizeHtml from 'sanitize-html';
import { parse as parseDomain } from 'tldts';
import type { Enrichment } from '../enrichment';
import type { Lead } from '../lead';
import type { Quadrant, Route, Score, Tier } from '../qualification';
import { emailAllowed, hostAllowed, linkVerdict } from './allow-list';
import {
  countHidden,
  hasLineBreak,
  hasLongRun,
  LIMITS,
  type Meter,
  matchingText,
  oneLine,
  plainLineBreaks,
  round1,
  stripHidden,
  tick,
} from './text';
import { allowedFigures, numberReadings } from './trusted-facts';
import type { AllowList, RepInfo } from './types';

export interface GuardrailContext {
  allowList: AllowList;
  score: Score;
  route: Route;
  enrichment: Enrichment;
  lead: Lead;
  rep?: RepInfo;
  /** The signature block the draft must end with (functions/agent/draft/template.ts `signature`). */
  signature?: string;
  /** The team's time zone: the rationale may state the first-contact time in it. */
  timeZone?: string;
}

export interface DraftText {
  subject: string;
  body: string;
}

export interface RationaleParts {
  rationale: string;
  questionsForFirstCall: string[];
  nextAction: string;
}

// ---------------------------------------------------------------------------------------------------------
// Tokens and links

/** Special-use and commonly abused pseudo-TLDs tldts does not call ICANN. */
const EXTRA_TLDS = new Set(['example', 'test', 'invalid', 'localhost', 'local', 'onion', 'internal', 'lan']);
const LEAD_PUNCT = new Set([...`"'“”‘’«»([{<*_‹`]);
const TRAIL_PUNCT = new Set([...`"'“”‘’«»)]}>.,;:!?*_›`]);
/** Characters that never belong to a link as written in prose: markdown and quoting split links from text. */
const PART_SPLIT_RE = /[()[\]<>"'`{}|^*‹›«»“”‘’]+/;

const trimPunct = (s: string): string => {
  let a = 0;
  let b = s.length;
  while (a < b && LEAD_PUNCT.has(s[a]!)) a++;
  while (b > a && TRAIL_PUNCT.has(s[b - 1]!)) b--;
  return s.slice(a, b);
};

export type LinkKind = 'url' | 'email' | 'host' | 'ip' | 'scheme' | 'phone-link';
export interface LinkCandidate {
  readonly kind: LinkKind;
  readonly text: string;
}

const SCHEME_URL_RE = /^[a-z][a-z0-9+.-]{0,20}:\/\//i;
const BAD_SCHEME_RE = /^(?:javascript|data|vbscript|file|blob|about|ms-[a-z-]{1,20}):/i;
const PHONE_SCHEME_RE = /^(?:tel|sms|callto|facetime|whatsapp|skype):/i;
const EMAIL_PART_RE = /^([^@\s]{1,64})@([\p{L}\p{N}-]{1,63}(?:\.[\p{L}\p{N}-]{1,63}){1,10})\.?$/u;
const IPV4_START_RE = /^\d{1,3}(?:\.\d{1,3}){3}(?:[:/?#]|$)/;
const HOST_START_RE = /^((?:[\p{L}\p{N}-]{1,63}\.){1,10}[\p{L}\p{N}-]{2,63})\.?(?:[:/?#]|$)/u;

function isRealTld(host: string): boolean {
  const tld = host.slice(host.lastIndexOf('.') + 1).toLowerCase();
  if (!/^(?:\p{L}{2,63}|xn--[a-z0-9-]{1,59})$/u.test(tld)) return false;
  if (EXTRA_TLDS.has(tld)) return true;
  const info = parseDomain(host);
  return info.isIcann === true || info.isPrivate === true;
}

/** One part of a token (≤ LIMITS.token characters) as a link, an address, an IP, or nothing. */
function classifyPart(raw: string): LinkCandidate | undefined {
  const p = trimPunct(raw);
  if (p.length < 4) return undefined;
  if (SCHEME_URL_RE.test(p)) return { kind: 'url', text: p };
  if (/^mailto:/i.test(p)) return { kind: 'email', text: p.slice(7).split(/[?,;]/)[0] ?? '' };
  if (PHONE_SCHEME_RE.test(p)) return { kind: 'phone-link', text: p };
  if (BAD_SCHEME_RE.test(p)) return { kind: 'scheme', text: p };
  if (p.startsWith('//') && /^\/\/[\p{L}\p{N}[]/u.test(p)) return { kind: 'url', text: p };
  if (p.includes('@')) {
    const m = EMAIL_PART_RE.exec(p);
    if (m && isRealTld(m[2]!)) return { kind: 'email', text: p.replace(/\.$/, '') };
    return undefined;
  }
  if (IPV4_START_RE.test(p)) return { kind: 'ip', text: p };
  const host = HOST_START_RE.exec(p)?.[1];
  if (host && isRealTld(host)) return { kind: /^www\./i.test(p) ? 'url' : 'host', text: p };
  return undefined;
}

/** Every link-like thing in already normalised text (`matchingText`): linear, one pass over its tokens. */
function scanLinks(s: string, m?: Meter): LinkCandidate[] {
  const out: LinkCandidate[] = [];
  for (const token of s.split(' ')) {
    tick(m, token.length + 1);
    if (token.length < 4) continue;
    for (const part of token.split(PART_SPLIT_RE)) {
      const c = classifyPart(part);
      if (c) out.push(c);
    }
  }
  return out;
}

const FIND_MAX = 200_000;

/** Links written with a scheme, as `//host/…`, or as `www.host…` (normalised first: see `matchingText`). */
export function findUrls(text: string): string[] {
  return scanLinks(matchingText(text, FIND_MAX))
    .filter((c) => c.kind === 'url')
    .map((c) => c.text);
}

export function findEmails(text: string): string[] {
  return scanLinks(matchingText(text, FIND_MAX))
    .filter((c) => c.kind === 'email')
    .map((c) => c.text);
}

/** Host names written without scheme or `www.` ("evil.example", "acme.nl") that have a real TLD. */
export function findBareHosts(text: string): string[] {
  return scanLinks(matchingText(text, FIND_MAX))
    .filter((c) => c.kind === 'host')
    .map((c) => HOST_START_RE.exec(c.text)?.[1]?.toLowerCase() ?? c.text.toLowerCase());
}

export { emailAllowed, urlAllowed } from './allow-list';

function linkIssues(
  where: string,
  links: readonly LinkCandidate[],
  allow: AllowList,
  extraHosts: readonly string[] = [],
): string[] {
  const issues = new Set<string>();
  for (const c of links) {
    switch (c.kind) {
      case 'email':
        if (!emailAllowed(c.text, allow)) issues.add(`${where}: email address not on the allow-list`);
        break;
      case 'ip':
        issues.add(`${where}: an IP address`);
        break;
      case 'scheme':
        issues.add(`${where}: a link with a scheme other than http(s)`);
        break;
      case 'phone-link':
        issues.add(`${where}: a phone or messaging link`);
        break;
      case 'host': {
        const host = HOST_START_RE.exec(c.text)?.[1] ?? '';
        if (hostAllowed(host, extraHosts) && !/[/?#:]/.test(c.text.slice(host.length))) break;
        const v = linkVerdict(c.text, allow);
        if (!v.ok)
          issues.add(
            v.why === 'a link not on the allow-list'
              ? `${where}: host name not on the allow-list`
              : `${where}: ${v.why}`,
          );
        break;
      }
      case 'url': {
        const v = linkVerdict(c.text, allow);
        if (!v.ok)
          issues.add(
            v.why === 'a link not on the allow-list'
              ? `${where}: link not on the allow-list`
              : `${where}: ${v.why}`,
          );
        break;
      }
    }
  }
  return [...issues];
}

// ---------------------------------------------------------------------------------------------------------
// HTML and hidden unicode

function decodeBasicEntities(s: string): string {
  return s
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&amp;/g, '&');
}

/** Strips every tag (and script/style content); returns plain text. */
export function stripHtml(text: string): string {
  return decodeBasicEntities(sanitizeHtml(text, { allowedTags: [], allowedAttributes: {} }));
}

const TAG_RE = /<\/?[a-z!][^<>]{0,500}>/i;

/** Removes hidden characters and HTML; reports what it found. Linear (bounded tag pattern, htmlparser2). */
export function cleanText(where: string, text: string, m?: Meter): { text: string; issues: string[] } {
  tick(m, text.length * 3);
  const issues: string[] = [];
  const hidden = countHidden(text);
  let out = hidden > 0 ? stripHidden(text) : text;
  if (hidden > 0) issues.push(`${where}: ${hidden} hidden unicode character(s) removed`);
  if (TAG_RE.test(out)) {
    const stripped = stripHtml(out);
    if (stripped !== out) {
      issues.push(`${where}: HTML removed`);
      out = stripped;
    }
  }
  return { text: out, issues };
}

// ---------------------------------------------------------------------------------------------------------
// Numbers, money, offers, payment requests

const CURRENCY_SYMBOL_RE = /[€$£¥₿₽₹]/;
const CURRENCY_WORDS = new Set([
  'eur',
  'euro',
  'euros',
  'usd',
  'dollar',
  'dollars',
  'gbp',
  'pound',
  'pounds',
  'chf',
  'k€',
  'keur',
]);
const PERIOD_WORDS = new Set([
  'month',
  'months',
  'maand',
  'maanden',
  'year',
  'jaar',
  'user',
  'users',
  'gebruiker',
  'seat',
  'licence',
  'license',
  'licentie',
  'week',
  'day',
  'dag',
  'mo',
  'yr',
]);
const PERCENT_WORDS = new Set(['percent', 'procent', 'pct', 'percentage']);
const OFFER_WORDS = new Set([
  'discount',
  'discounts',
  'discounted',
  'korting',
  'kortingen',
  'gratis',
  'kosteloos',
  'complimentary',
  'cashback',
  'refund',
  'refunds',
  'refunded',
  'restitutie',
  'guarantee',
  'guaranteed',
  'guarantees',
  'garantie',
  'gegarandeerd',
  'garanderen',
  'voucher',
  'vouchers',
  'coupon',
  'coupons',
  'waive',
  'waived',
  'kortingscode',
  'actiecode',
  'promocode',
  'freebie',
  'giveaway',
  'money-back',
  'free-of-charge',
  'half-price',
]);
const OFFER_BIGRAMS = new Set([
  'for free',
  'free trial',
  'free month',
  'free months',
  'free year',
  'free years',
  'free upgrade',
  'free licence',
  'free license',
  'free access',
  'free setup',
  'free onboarding',
  'free seats',
  'free plan',
  'free consultation',
  'free audit',
  'year free',
  'years free',
  'month free',
  'months free',
  'half off',
  'half price',
  'halve prijs',
  'no cost',
  'no charge',
  'zero cost',
  'geen kosten',
  'zonder kosten',
  'voor niets',
  'money back',
  'geld terug',
  'promo code',
  'two for',
]);
const OFFER_TRIGRAMS = new Set([
  'free of charge',
  'free of cost',
  'on the house',
  'at no cost',
  'at no charge',
]);
/** Words are split on spaces and on the brackets and quotes of markdown and quoting. */
const WORD_SPLIT_RE = /[ ()[\]<>"'`{}|^*‹›«»“”‘’]+/;
const PAYMENT_WORDS = new Set([
  'iban',
  'bic',
  'swift',
  'rekeningnummer',
  'bankrekening',
  'bankrekeningnummer',
  'overmaken',
  'overboeken',
  'betaalverzoek',
  'betaallink',
  'tikkie',
  'bitcoin',
  'btc',
  'crypto',
  'cryptocurrency',
  'wachtwoord',
  'password',
  'passwords',
  'inloggegevens',
  'pincode',
  'creditcard',
  'verificatiecode',
  'giftcard',
  'cadeaukaart',
]);
const PAYMENT_BIGRAMS = new Set([
  'bank account',
  'account number',
  'wire transfer',
  'wire the',
  'transfer the',
  'pay now',
  'betaal nu',
  'payment link',
  'gift card',
  'credit card',
  'card number',
  'log in',
  'login details',
  'verify your',
  'account locked',
  'is locked',
  'is geblokkeerd',
  'security code',
  'verification code',
  'your invoice',
  'uw factuur',
  'outstanding invoice',
  'openstaande factuur',
]);

const IBAN_RE = /\b[A-Z]{2}\d{2} ?(?:[A-Z0-9]{4} ?){2,7}[A-Z0-9]{0,4}\b/;
const PRICE_PHRASE_RE =
  /\b(?:prijs|price|kost|costs?|tarief|rate)\s(?:is\s|van\s|of\s|bedraagt\s)?(?:only\s|slechts\s|maar\s)?\d/i;
const DATE_RE = /^(?:\d{4}[-/.]\d{1,2}[-/.]\d{1,2}|\d{1,2}[-/.]\d{1,2}[-/.]\d{2,4})$/;

const wordOf = (token: string): string => trimPunct(token).toLowerCase();
const isNumeric = (w: string): boolean => /^[+-]?\d[\d.,]*(?:k|m|mln|mio)?-?$/.test(w);

/**
 * Phone-like numbers: a run of digits with at most single separators (space, `-`, `.`, `/`, brackets)
 * between them, optionally starting with `+`, holding 7 or more digits, that is not a date. One pass.
 */
function phoneRuns(s: string, m?: Meter): string[] {
  tick(m, s.length);
  const found: string[] = [];
  const isDigit = (c: number) => c >= 48 && c <= 57;
  const isSep = (c: number) => c === 32 || c === 45 || c === 46 || c === 47 || c === 40 || c === 41;
  let i = 0;
  while (i < s.length) {
    const c = s.charCodeAt(i);
    const starts = isDigit(c) || ((c === 43 || c === 40) && isDigit(s.charCodeAt(i + 1)));
    if (!starts) {
      i++;
      continue;
    }
    const from = i;
    let digits = 0;
    let last = i;
    while (i < s.length) {
      const d = s.charCodeAt(i);
      if (isDigit(d)) {
        digits++;
        last = i;
        i++;
      } else if (
        (isSep(d) || d === 43) &&
        i + 1 < s.length &&
        (isDigit(s.charCodeAt(i + 1)) || s.charCodeAt(i + 1) === 40)
      ) {
        i++;
      } else if (d === 41 && i > from) {
        i++;
      } else break;
    }
    const run = s.slice(from, last + 1);
    if (digits >= 7 && !DATE_RE.test(run.trim())) found.push(run);
    if (i === from) i++;
  }
  return found;
}

interface ClaimFindings {
  phone: boolean;
  iban: boolean;
  money: boolean;
  percent: boolean;
  offer: boolean;
  payment: boolean;
}

/** Money, percentages, offers and payment requests in normalised text: one pass over its words. */
function claimFindings(s: string, m?: Meter): ClaimFindings {
  const f: ClaimFindings = {
    phone: phoneRuns(s, m).length > 0,
    iban: IBAN_RE.test(s.toUpperCase()),
    money: PRICE_PHRASE_RE.test(s),
    percent: false,
    offer: false,
    payment: false,
  };
  tick(m, s.length * 3);
  const tokens = s.split(WORD_SPLIT_RE);
  const words = tokens.map(wordOf);
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i]!;
    const w = words[i]!;
    const next = words[i + 1] ?? '';
    const prev = words[i - 1] ?? '';
    const hasDigit = /\d/.test(t);
    if (CURRENCY_SYMBOL_RE.test(t)) f.money = true;
    if (hasDigit && (/\d[,.]-$/.test(t) || /\d\/(?:m|mnd|maand|month|mo|jr|yr|year|jaar)\b/i.test(t)))
      f.money = true;
    if (isNumeric(w) && (CURRENCY_WORDS.has(next) || CURRENCY_WORDS.has(prev))) f.money = true;
    if (
      isNumeric(w) &&
      (next === 'per' || next === 'a' || next === 'p') &&
      PERIOD_WORDS.has(words[i + 2] ?? '')
    )
      f.money = true;
    if (isNumeric(w) && (next === 'p/m' || next === 'p.m' || next === 'pm' || next === 'p/j')) f.money = true;
    if ((hasDigit && t.includes('%')) || (isNumeric(w) && PERCENT_WORDS.has(next))) f.percent = true;
    if ((isNumeric(w) || w.endsWith('%')) && next === 'off') f.offer = true;
    if (OFFER_WORDS.has(w)) f.offer = true;
    const bigram = `${w} ${next}`;
    if (OFFER_BIGRAMS.has(bigram) || OFFER_TRIGRAMS.has(`${bigram} ${words[i + 2] ?? ''}`)) f.offer = true;
    if (PAYMENT_WORDS.has(w) || PAYMENT_BIGRAMS.has(bigram)) f.payment = true;
  }
  return f;
}

// ---------------------------------------------------------------------------------------------------------
// Claims: score, tier, route

const TIER_WORDS: Record<string, Tier> = {
  hot: 'hot',
  heet: 'hot',
  hete: 'hot',
  warm: 'warm',
  warme: 'warm',
  cold: 'cold',
  koud: 'cold',
  koude: 'cold',
};
const TIER_WORD_RE = /\b(hot|heet|hete|warm|warme|cold|koud|koude)\b/gi;

const QUADRANT_PHRASES: [RegExp, Quadrant][] = [
  [/\bact[ _-]now\b|\bnu handelen\b/i, 'act_now'],
  [/\bproactive[ _-]outreach\b|\bproactief benaderen\b/i, 'proactive_outreach'],
  [/\bmonitor(?:en)?\b/i, 'monitor'],
];

// The text these run on has single spaces and no run longer than LIMITS.token: `\w*` and `\s` are bounded.
const DECISION_RE =
  /\b(?:mark(?:ed|ing)?\s(?:(?:this|the|me|him|her|them|it)\s)?(?:lead\s)?(?:as\s)?(?:hot|warm|cold|qualified|priority|urgent)|(?:upgrad|downgrad)\w*\s(?:(?:this|the|it|them)\s)?(?:lead|tier|score|to\s(?:hot|warm|cold))|re-?assign\w*|re-?rout\w*|escalat\w*|overrid\w*|(?:set|change|raise|increase|bump|adjust)\s(?:the\s|its\s|their\s|his\s|her\s)?(?:lead\s)?(?:score|tier|route|routing|priority)|markeer\w*\s(?:als|deze|de)|verhoog\w*\s(?:de\s)?(?:score|prioriteit|tier)|escaleer\w*|herrout\w*|auto-?send\w*|send (?:this|it) (?:immediately|now)|skip (?:the )?review)\b/i;

const SCORE_CLAIM_RE =
  /\b(?:score|total|totaal|totaalscore)\s?(?:of|is|:|=|at|van|op)?\s?(\d+(?:[.,]\d+)?)/gi;

const SCORING_TALK_RE =
  /\b(?:lead ?scores?|scores?|scored|scoring|tiers?|quadrant|hot leads?|warm leads?|cold leads?|hete leads?|warme leads?|koude leads?|high[- ]priority|top[- ]priority|prioriteit|(?:sales[- ])?qualified|gekwalificeerd|nurture|routed|vip)\b/i;
const ROUTE_CLAIM_RE = /\b(?:escalat\w*|re-?assign\w*|assigned (?:you )?to|toegewezen aan|doorgezet naar)\b/i;

function tierClaimIssues(where: string, text: string, score: Score): string[] {
  const issues: string[] = [];
  for (const m of text.matchAll(TIER_WORD_RE)) {
    const tier = TIER_WORDS[m[1]!.toLowerCase()];
    if (tier && tier !== score.tier)
      issues.push(`${where}: claims tier "${tier}" but the tier is "${score.tier}"`);
  }
  return [...new Set(issues)];
}

function quadrantClaimIssues(where: string, text: string, score: Score): string[] {
  const issues: string[] = [];
  for (const [re, q] of QUADRANT_PHRASES)
    if (re.test(text) && q !== score.quadrant)
      issues.push(`${where}: claims quadrant "${q}" but it is "${score.quadrant}"`);
  return issues;
}

function scoreClaimIssues(where: string, text: string, score: Score): string[] {
  const truth = new Set([score.total, score.fit, score.intent, score.engagement].map(round1));
  const issues: string[] = [];
  for (const m of text.matchAll(SCORE_CLAIM_RE)) {
    if (!numberReadings(m[1]!).some((n) => truth.has(round1(n))))
      issues.push(`${where}: claims a score of ${m[1]} that is not in the score`);
  }
  return issues;
}

function figureIssues(where: string, text: string, allowed: Set<number>): string[] {
  const bad = new Set<string>();
  // Figures glued to letters (e.g. "B2B", "Q3") are names, not cited figures.
  for (const m of text.matchAll(/(?<![\p{L}\d.,])\d+(?:[.,]\d+)*(?![\p{L}\d])/gu)) {
    const token = m[0].replace(/[.,]$/, '');
    if (!numberReadings(token).some((n) => allowed.has(round1(n)))) bad.add(token);
  }
  return [...bad].slice(0, 5).map((t) => `${where}: figure ${t} is not in the ledger, score or enrichment`);
}

// ---------------------------------------------------------------------------------------------------------
// Signature

const CLOSING_RE =
  /^(?:kind regards|best regards|warm regards|warmest regards|regards|best wishes|all the best|best|cheers|sincerely|yours sincerely|yours truly|yours|many thanks|thanks again|met vriendelijke groet(?:en)?|vriendelijke groet(?:en)?|hartelijke groet(?:en)?|met hartelijke groet(?:en)?|groet(?:en|jes)?|mvg|hoogachtend|liefs)[,.!]?$/i;

const normLine = (s: string) => stripHidden(s.normalize('NFKC')).replace(/\s+/g, ' ').trim().toLowerCase();

/**
 * Exactly one signature, the rep's, at the end: at most one closing line ("Kind regards,"), and after it (or,
 * without one, at the end) only lines of the trusted signature, the rep's name among them; the rep's name
 * stands on a line of its own nowhere else.
 */
function signatureIssues(body: string, signature: string, repName: string | undefined, m?: Meter): string[] {
  tick(m, body.length * 2);
  const sig = new Set(signature.split('\n').map(normLine).filter(Boolean));
  const name = repName ? normLine(repName) : undefined;
  const lines = body.split('\n').map(normLine).filter(Boolean);
  const closings = lines.flatMap((l, i) => (l.length <= 40 && CLOSING_RE.test(l) ? [i] : []));
  const issues: string[] = [];
  if (closings.length > 1) issues.push('draft: more than one closing or signature');
  let start = lines.length;
  if (closings.length > 0) start = closings[closings.length - 1]! + 1;
  else while (start > 0 && sig.has(lines[start - 1]!)) start--;
  const tail = lines.slice(start);
  if (tail.length === 0 || (name !== undefined && !tail.includes(name)))
    issues.push('draft: not signed by the assigned rep');
  else if (tail.some((l) => !sig.has(l))) issues.push('draft: text after the signature');
  if (name !== undefined && lines.slice(0, start).includes(name))
    issues.push('draft: more than one closing or signature');
  return [...new Set(issues)];
}

// ---------------------------------------------------------------------------------------------------------
// Public checks

/** Blanks out every approved phrase (our own configuration) so what it states is not held against a draft. */
function withoutApproved(s: string, phrases: readonly string[] | undefined, m?: Meter): string {
  let out = s;
  for (const p of phrases ?? []) {
    const norm = matchingText(p, LIMITS.token, m).trim();
    if (norm.length >= 3 && out.includes(norm)) out = out.split(norm).join(' ');
    tick(m, out.length);
  }
  return out;
}

/** The checks every prospect-facing text gets, on its normalised form. */
function prospectTextIssues(where: string, normalised: string, allow: AllowList, m?: Meter): string[] {
  const issues = linkIssues(where, scanLinks(normalised, m), allow);
  const text = withoutApproved(normalised, allow.phrases, m);
  const f = claimFindings(text, m);
  tick(m, text.length * 3);
  if (f.phone) issues.push(`${where}: states a phone number`);
  if (f.iban) issues.push(`${where}: states a bank account number`);
  if (f.payment) issues.push(`${where}: asks for a payment, bank details or credentials`);
  if (f.money) issues.push(`${where}: states a price or currency amount not in the input`);
  if (f.percent) issues.push(`${where}: states a percentage (discount?) not in the input`);
  if (f.offer) issues.push(`${where}: promises a discount, free offer or guarantee`);
  if (SCORING_TALK_RE.test(text)) issues.push(`${where}: mentions internal scoring, tier or routing`);
  if (ROUTE_CLAIM_RE.test(text)) issues.push(`${where}: claims an escalation or another assignment`);
  if (DECISION_RE.test(text)) issues.push(`${where}: talks about marking, re-scoring or skipping review`);
  return issues;
}

/**
 * Checks a prospect-facing draft; returns the cleaned text and the issues (empty = passed). Work is bounded
 * by `LIMITS.subject + LIMITS.body` whatever the input size (`m` counts it).
 */
export function checkDraft(
  draft: DraftText,
  ctx: GuardrailContext,
  m?: Meter,
): { draft: DraftText; issues: string[] } {
  const issues: string[] = [];
  let rawSubject = draft.subject;
  let rawBody = draft.body;
  if (rawSubject.length > LIMITS.subject) {
    issues.push(`draft: subject longer than ${LIMITS.subject} characters`);
    rawSubject = rawSubject.slice(0, LIMITS.subject);
  }
  if (rawBody.length > LIMITS.body) {
    issues.push(`draft: body longer than ${LIMITS.body} characters`);
    rawBody = rawBody.slice(0, LIMITS.body);
  }
  tick(m, rawSubject.length + rawBody.length);
  if (hasLineBreak(rawSubject)) {
    issues.push('draft subject: more than one line');
    rawSubject = oneLine(rawSubject);
  }
  const subject = cleanText('draft subject', rawSubject, m);
  const body = cleanText('draft body', plainLineBreaks(rawBody), m);
  issues.push(...subject.issues, ...body.issues);
  if (hasLongRun(`${subject.text} ${body.text}`, m))
    issues.push(`draft: an unbroken run of more than ${LIMITS.token} characters`);
  const all = matchingText(`${subject.text}\n${body.text}`, LIMITS.subject + LIMITS.body + 1, m);
  issues.push(...prospectTextIssues('draft', all, ctx.allowList, m));
  if (ctx.signature) issues.push(...signatureIssues(body.text, ctx.signature, ctx.rep?.name, m));
  else if (ctx.rep && !body.text.includes(ctx.rep.name)) issues.push('draft: not signed by the assigned rep');
  if (!subject.text.trim() || !body.text.trim()) issues.push('draft: empty subject or body');
  return { draft: { subject: subject.text.trim(), body: body.text.trim() }, issues: [...new Set(issues)] };
}

/** Checks the rep-facing rationale, questions and next action. Work is bounded by `LIMITS.rationale` each. */
export function checkRationale(
  parts: RationaleParts,
  ctx: GuardrailContext,
  m?: Meter,
): { parts: RationaleParts; issues: string[] } {
  const issues: string[] = [];
  const cap = (where: string, s: string) => {
    if (s.length <= LIMITS.rationale) return s;
    issues.push(`${where}: longer than ${LIMITS.rationale} characters`);
    return s.slice(0, LIMITS.rationale);
  };
  const rationale = cleanText('rationale', cap('rationale', parts.rationale), m);
  const nextAction = cleanText('nextAction', cap('nextAction', parts.nextAction), m);
  const questions = parts.questionsForFirstCall
    .slice(0, 10)
    .map((q) => cleanText('questions', cap('questions', q), m));
  issues.push(...rationale.issues, ...nextAction.issues, ...questions.flatMap((q) => q.issues));
  const all = matchingText(
    [rationale.text, nextAction.text, ...questions.map((q) => q.text)].join('\n'),
    LIMITS.rationale * 12,
    m,
  );
  // The lead's own domains may be named to the rep ("free mail domain gmail.com"), never linked.
  // Rule ids and reasons from our own config may look like host names ("route.nl-smb").
  const leadHosts = [ctx.enrichment.email?.domain, ctx.lead.company.domain].filter((h): h is string => !!h);
  const trusted = [
    ctx.route.ruleId,
    ctx.route.reason,
    ...ctx.score.ledger.flatMap((e) => [e.ruleId, e.reason]),
  ];
  const okHosts = [...leadHosts.map((h) => h.toLowerCase()), ...findBareHosts(trusted.join('\n'))];
  issues.push(...linkIssues('rationale', scanLinks(all, m), ctx.allowList, okHosts));
  tick(m, all.length * 8);
  issues.push(...figureIssues('rationale', all, allowedFigures(ctx)));
  issues.push(...tierClaimIssues('rationale', all, ctx.score));
  issues.push(...quadrantClaimIssues('rationale', all, ctx.score));
  issues.push(...scoreClaimIssues('rationale', all, ctx.score));
  if (DECISION_RE.test(all))
    issues.push('rationale: asks to change the score, tier or route, or to skip review');
  if (!rationale.text.trim()) issues.push('rationale: empty');
  return {
    parts: {
      rationale: rationale.text.trim(),
      nextAction: nextAction.text.trim(),
      questionsForFirstCall: questions.map((q) => q.text.trim()).filter(Boolean),
    },
    issues: [...new Set(issues)],
  };
}

// ---------------------------------------------------------------------------------------------------------
// A rep's own edits

export interface RepEditResult {
  readonly subject: string;
  readonly body: string;
  /** What was taken out, in words (hidden characters, HTML); empty when nothing was. */
  readonly removed: string[];
  /** What the rep must fix first (field, message); empty when the edit may be saved. */
  readonly problems: { readonly field: 'subject' | 'body'; readonly message: string }[];
}

/**
 * The guardrails for what a rep types: hidden and bidi characters and HTML are removed (and said so), the
 * subject must be one line, and links and addresses must be on the allow-list (a rep's account can be taken
 * over too, and mail clients render links the same whoever typed them). A rep may state prices, phone numbers
 * and offers: they speak for the company.
 */
export function sanitiseRepEdit(
  edit: { subject: string; body: string },
  allow: AllowList | undefined,
  m?: Meter,
): RepEditResult {
  const problems: { field: 'subject' | 'body'; message: string }[] = [];
  if (edit.subject.length > LIMITS.subject)
    problems.push({ field: 'subject', message: `subject is longer than ${LIMITS.subject} characters` });
  if (edit.body.length > LIMITS.repBody)
    problems.push({ field: 'body', message: `body is longer than ${LIMITS.repBody} characters` });
  if (problems.length > 0) return { subject: edit.subject, body: edit.body, removed: [], problems };
  if (hasLineBreak(edit.subject))
    problems.push({ field: 'subject', message: 'subject must be one line (no line or paragraph breaks)' });
  const subject = cleanText('subject', edit.subject, m);
  const body = cleanText('body', plainLineBreaks(edit.body), m);
  if (allow) {
    for (const [field, text] of [
      ['subject', subject.text],
      ['body', body.text],
    ] as const) {
      const found = linkIssues(field, scanLinks(matchingText(text, LIMITS.repBody, m), m), allow);
      for (const issue of found) {
        const what = issue.slice(field.length + 2);
        problems.push({
          field,
          message: `The ${field} contains ${/^an? /.test(what) ? what : `a ${what}`}: only our own site, your booking link and your own address may be linked`,
        });
      }
    }
  }
  return {
    subject: subject.text.trim(),
    body: body.text.trim(),
    removed: [...subject.issues, ...body.issues],
    problems,
  };
}
