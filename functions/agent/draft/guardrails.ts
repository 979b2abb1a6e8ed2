/**
 * Guardrails on what the drafting step writes. Applied to LLM output (any failure → the template draft is
 * used, and the handoff step must force human review) and, cheaply, to template output.
 *
 * (a) figures in the rationale must exist in the ledger / score / enrichment;
 * (b) every link and email address in the draft must be on the allow-list;
 * (c) HTML is stripped (drafts are plain text) and its presence is an issue;
 * (d) hidden unicode (zero-width, bidi controls, tag characters) is removed and is an issue;
 * (e) no claims of another score/tier/route, no scoring talk to the prospect, no prices/discounts/promises.
 */
import sanitizeHtml from 'sanitize-html';
import { parse as parseDomain } from 'tldts';
import type { Enrichment } from '../enrichment';
import type { Lead } from '../lead';
import type { Quadrant, Route, Score, Tier } from '../qualification';
import { countHidden, round1, stripHidden } from './text';
import { allowedFigures, numberReadings } from './trusted-facts';
import type { AllowList, RepInfo } from './types';

export interface GuardrailContext {
  allowList: AllowList;
  score: Score;
  route: Route;
  enrichment: Enrichment;
  lead: Lead;
  rep?: RepInfo;
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
// Links and addresses

const URL_RE = /\b(?:https?|hxxps?|ftp):\/\/[^\s<>"'`]+/gi;
const PROTOCOL_RELATIVE_RE = /(?<![\w:/])\/\/[a-z0-9-]+(?:\.[a-z0-9-]+)+[^\s<>"'`]*/gi;
const WWW_RE = /\bwww\.[a-z0-9-]+(?:\.[a-z0-9-]+)+[^\s<>"'`]*/gi;
const EMAIL_RE = /[\p{L}\p{N}._%+-]+@[\p{L}\p{N}-]+(?:\.[\p{L}\p{N}-]+)+/gu;
const BARE_HOST_RE =
  /(?<![\p{L}\p{N}@.-])(?:[\p{L}\p{N}](?:[\p{L}\p{N}-]{0,61}[\p{L}\p{N}])?\.)+\p{L}{2,24}(?![\p{L}\p{N}-])/gu;
/** Special-use and commonly abused pseudo-TLDs tldts does not call ICANN. */
const EXTRA_TLDS = new Set(['example', 'test', 'invalid', 'localhost', 'local', 'onion', 'internal', 'lan']);

function trimTrailing(s: string): string {
  return s.replace(/[.,;:!?)\]}'"»”’]+$/u, '');
}

export function findUrls(text: string): string[] {
  const found = [
    ...(text.match(URL_RE) ?? []),
    ...(text.match(PROTOCOL_RELATIVE_RE) ?? []),
    ...(text.match(WWW_RE) ?? []),
  ];
  return found.map(trimTrailing);
}

export function findEmails(text: string): string[] {
  return (text.match(EMAIL_RE) ?? []).map(trimTrailing);
}

/** Host names written without scheme or `www.` ("evil.example", "acme.nl") that have a real TLD. */
export function findBareHosts(text: string): string[] {
  const rest = text
    .replace(URL_RE, ' ')
    .replace(WWW_RE, ' ')
    .replace(EMAIL_RE, ' ')
    .replace(PROTOCOL_RELATIVE_RE, ' ');
  const hosts: string[] = [];
  for (const m of rest.matchAll(BARE_HOST_RE)) {
    const host = m[0].toLowerCase();
    const info = parseDomain(host);
    const tld = host.slice(host.lastIndexOf('.') + 1);
    if (info.isIcann || EXTRA_TLDS.has(tld)) hosts.push(host);
  }
  return hosts;
}

function hostAllowed(host: string, domains: string[]): boolean {
  const h = host.toLowerCase().replace(/\.$/, '');
  return domains.some((d) => h === d || h.endsWith(`.${d}`));
}

function normaliseUrl(u: string): string {
  return u.replace(/^hxxp/i, 'http').replace(/\/+$/, '').toLowerCase();
}

export function urlAllowed(raw: string, allow: AllowList): boolean {
  const withScheme = raw.startsWith('//') ? `https:${raw}` : /^www\./i.test(raw) ? `https://${raw}` : raw;
  let url: URL;
  try {
    url = new URL(withScheme.replace(/^hxxp/i, 'http'));
  } catch {
    return false;
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return false;
  if (url.username || url.password) return false;
  if (hostAllowed(url.hostname, allow.domains)) return true;
  const candidate = normaliseUrl(withScheme);
  return allow.urls.some((a) => {
    const prefix = normaliseUrl(a);
    if (!candidate.startsWith(prefix)) return false;
    const next = candidate.charAt(prefix.length);
    return next === '' || next === '/' || next === '?' || next === '#';
  });
}

export function emailAllowed(raw: string, allow: AllowList): boolean {
  return allow.emails.includes(raw.toLowerCase());
}

function linkIssues(where: string, text: string, allow: AllowList, extraHosts: string[] = []): string[] {
  const issues: string[] = [];
  for (const u of findUrls(text))
    if (!urlAllowed(u, allow)) issues.push(`${where}: link not on the allow-list`);
  for (const e of findEmails(text))
    if (!emailAllowed(e, allow)) issues.push(`${where}: email address not on the allow-list`);
  for (const h of findBareHosts(text))
    if (!hostAllowed(h, [...allow.domains, ...extraHosts]))
      issues.push(`${where}: host name not on the allow-list`);
  return [...new Set(issues)];
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

/** Removes hidden characters and HTML; reports what it found. */
export function cleanText(where: string, text: string): { text: string; issues: string[] } {
  const issues: string[] = [];
  const hidden = countHidden(text);
  let out = hidden > 0 ? stripHidden(text) : text;
  if (hidden > 0) issues.push(`${where}: ${hidden} hidden unicode character(s) removed`);
  if (/<\/?[a-z!][^>]*>/i.test(out)) {
    const stripped = stripHtml(out);
    if (stripped !== out) {
      issues.push(`${where}: HTML removed`);
      out = stripped;
    }
  }
  return { text: out, issues };
}

// ---------------------------------------------------------------------------------------------------------
// Claims: score, tier, route, prices

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

const DECISION_RE =
  /\b(?:mark(?:ed|ing)?\s+(?:(?:this|the|me|him|her|them|it)\s+)?(?:lead\s+)?(?:as\s+)?(?:hot|warm|cold|qualified|priority|urgent)|(?:upgrad|downgrad)\w*\s+(?:(?:this|the|it|them)\s+)?(?:lead|tier|score|to\s+(?:hot|warm|cold))|re-?assign\w*|re-?rout\w*|escalat\w*|overrid\w*|(?:set|change|raise|increase|bump|adjust)\s+(?:the\s+|its\s+|their\s+|his\s+|her\s+)?(?:lead\s+)?(?:score|tier|route|routing|priority)|markeer\w*\s+(?:als|deze|de)|verhoog\w*\s+(?:de\s+)?(?:score|prioriteit|tier)|escaleer\w*|herrout\w*|auto-?send\w*|send (?:this|it) (?:immediately|now)|skip (?:the )?review)\b/i;

const SCORE_CLAIM_RE =
  /\b(?:score|total|totaal|totaalscore)\s*(?:of|is|:|=|at|van|op)?\s*(\d+(?:[.,]\d+)?)/gi;

const CURRENCY_RE =
  /(?:[€$£¥]|\b(?:eur|usd|gbp)\b)\s?\d|\d[\d.,]*\s?(?:[€$£]|\b(?:euros?|eur|usd|dollars?|pounds?|k€)\b)|\b(?:prijs|price)\s+(?:is|van|of)\s+\d/i;
const PERCENT_RE = /\d[\d.,]*\s?(?:%|procent\b|percent\b|per cent\b)/i;
const PROMISE_RE =
  /\b(?:discounts?|korting\w*|free of charge|for free|at no (?:extra )?cost|no charge|gratis|kosteloos|money[- ]back|guarantee[ds]?|garande\w*|garantie\w*|refunds?|cashback|free (?:months?|year|upgrade|licen[cs]e|trial extension))\b/i;
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
// Public checks

/** Checks a prospect-facing draft; returns the cleaned text and the issues (empty = passed). */
export function checkDraft(draft: DraftText, ctx: GuardrailContext): { draft: DraftText; issues: string[] } {
  const subject = cleanText('draft subject', draft.subject);
  const body = cleanText('draft body', draft.body);
  const issues = [...subject.issues, ...body.issues];
  const all = `${subject.text}\n${body.text}`;
  issues.push(...linkIssues('draft', all, ctx.allowList));
  if (SCORING_TALK_RE.test(all)) issues.push('draft: mentions internal scoring, tier or routing');
  if (ROUTE_CLAIM_RE.test(all)) issues.push('draft: claims an escalation or another assignment');
  if (CURRENCY_RE.test(all)) issues.push('draft: states a price or currency amount not in the input');
  if (PERCENT_RE.test(all)) issues.push('draft: states a percentage (discount?) not in the input');
  if (PROMISE_RE.test(all)) issues.push('draft: promises a discount, free offer or guarantee');
  if (ctx.rep && !body.text.includes(ctx.rep.name)) issues.push('draft: not signed by the assigned rep');
  if (!subject.text.trim() || !body.text.trim()) issues.push('draft: empty subject or body');
  if (subject.text.length > 200) issues.push('draft: subject longer than 200 characters');
  if (body.text.length > 5000) issues.push('draft: body longer than 5000 characters');
  return { draft: { subject: subject.text.trim(), body: body.text.trim() }, issues };
}

/** Checks the rep-facing rationale, questions and next action. */
export function checkRationale(
  parts: RationaleParts,
  ctx: GuardrailContext,
): { parts: RationaleParts; issues: string[] } {
  const rationale = cleanText('rationale', parts.rationale);
  const nextAction = cleanText('nextAction', parts.nextAction);
  const questions = parts.questionsForFirstCall.map((q) => cleanText('questions', q));
  const issues = [...rationale.issues, ...nextAction.issues, ...questions.flatMap((q) => q.issues)];
  const all = [rationale.text, nextAction.text, ...questions.map((q) => q.text)].join('\n');
  // The lead's own domains may be named to the rep ("free mail domain gmail.com"), never linked.
  // Rule ids and reasons from our own config may look like host names ("route.nl-smb").
  const leadHosts = [ctx.enrichment.email?.domain, ctx.lead.company.domain].filter((h): h is string => !!h);
  const trusted = [
    ctx.route.ruleId,
    ctx.route.reason,
    ...ctx.score.ledger.flatMap((e) => [e.ruleId, e.reason]),
  ];
  const okHosts = [...leadHosts.map((h) => h.toLowerCase()), ...findBareHosts(trusted.join('\n'))];
  issues.push(...linkIssues('rationale', all, ctx.allowList, okHosts));
  issues.push(...figureIssues('rationale', all, allowedFigures(ctx)));
  issues.push(...tierClaimIssues('rationale', all, ctx.score));
  issues.push(...quadrantClaimIssues('rationale', all, ctx.score));
  issues.push(...scoreClaimIssues('rationale', all, ctx.score));
  if (DECISION_RE.test(all))
    issues.push('rationale: asks to change the score, tier or route, or to skip review');
  if (!rationale.text.trim()) issues.push('rationale: empty');
  if (rationale.text.length > 2000) issues.push('rationale: longer than 2000 characters');
  return {
    parts: {
      rationale: rationale.text.trim(),
      nextAction: nextAction.text.trim(),
      questionsForFirstCall: questions.map((q) => q.text.trim()).filter(Boolean),
    },
    issues,
  };
}
