/**
 * Who may get an email that no person read first. A webform accepts any address, so an `auto` handoff would
 * otherwise let anyone make our verified sender mail anyone, signed by a real rep. An auto-send therefore
 * needs, on top of the ops rule that chose `auto`:
 *
 * - a corroborated recipient: a business address (not free mail, not disposable, not a role address like
 *   info@), whose domain has MX records, and whose registrable domain is the domain of the company website
 *   that enrichment fetched (the address a prospect typed and the site we found agree);
 * - a draft that does not repeat the prospect's own words: an LLM draft quoting `VERBATIM_WORDS` or more
 *   consecutive words of lead text (with at most one stop word among them) goes to a person — lead text in
 *   a mail nobody read is how the form becomes a relay for someone else's message;
 * - and, checked by the send step (functions/agent/pipeline/send-draft.ts), the per-recipient and per-domain
 *   send limits (`AutoSendGate`).
 *
 * A draft that fails any of these waits for review, with the reason on the draft. Pure: no I/O.
 */
import { getDomain, getHostname } from 'tldts';
import type { DraftingResult } from '../draft';
import type { Enrichment } from '../enrichment';
import type { Lead } from '../lead';
import type { LeadRecord } from '../lead-record';

/** A shared run this long (in words) of lead text and draft sends the draft to a person. */
export const VERBATIM_WORDS = 4;
/** Lead text and draft are compared on at most this many characters each (the draft cap is smaller). */
const MAX_COMPARED_CHARS = 20_000;

const STOP_WORDS = new Set(
  (
    'a an the and or but of to for in on at by with from as is are was were be been it its this that these ' +
    'those you your yours we our us i me my he she they them their his her will would can could shall should ' +
    'may might do does did have has had not no so if then than there here what which who how when where ' +
    'all any some just also very about into out up over please thank thanks hi hello dear ' +
    'de het een en of maar van voor in op aan bij met uit als is zijn was waren wordt worden het dit dat ' +
    'deze die u uw je jij jullie we wij ons onze ik mij mijn hij zij ze hun haar zal zou kan kunnen mag ' +
    'moet niet geen dan er hier wat welke wie hoe wanneer waar ook heel graag dank bedankt beste hallo te om naar'
  ).split(' '),
);

const registrable = (host: string | null | undefined): string | undefined => {
  if (!host) return undefined;
  const h = host.toLowerCase().replace(/\.$/, '');
  if (/^\d{1,3}(?:\.\d{1,3}){3}$/.test(h) || h.includes(':') || h.startsWith('[')) return undefined;
  return getDomain(h) ?? undefined;
};

/** Why this lead's address is not corroborated (empty when it is). */
export function recipientBlockers(lead: Lead, enrichment: Enrichment | undefined): string[] {
  const to = lead.person.email;
  if (!to) return ['there is no recipient address'];
  const domain = registrable(to.slice(to.lastIndexOf('@') + 1));
  if (!domain) return ['the address has no registrable domain'];
  const e = enrichment?.email;
  const reasons: string[] = [];
  if (!e) reasons.push('the email domain was not checked');
  else {
    if (e.freeMail) reasons.push('it is a free-mail address');
    if (e.disposable) reasons.push('it is a disposable address');
    if (e.roleAddress) reasons.push('it is a role address (info@, sales@, …)');
    if (e.mx !== true) reasons.push('its domain has no MX record');
  }
  const w = enrichment?.website;
  if (!w || w.status >= 400) reasons.push('no company website was fetched to corroborate the address');
  else {
    const site = [registrable(getHostname(w.url)), registrable(getHostname(w.finalUrl))];
    if (!site.includes(domain)) reasons.push("the address's domain is not the company website's domain");
  }
  return reasons;
}

const words = (text: string): string[] =>
  (text.length > MAX_COMPARED_CHARS ? text.slice(0, MAX_COMPARED_CHARS) : text)
    .normalize('NFKC')
    .toLowerCase()
    .split(/[^\p{L}\p{N}]+/u)
    .filter(Boolean);

/** Everything the prospect (or their website) wrote that a draft could repeat. */
export function leadFreeText(lead: Lead, enrichment: Enrichment | undefined): string[] {
  const q = lead.qualifying;
  return [
    lead.message,
    q.budget,
    q.authority,
    q.need,
    q.timeline,
    q.productInterest,
    ...Object.values(lead.extra ?? {}),
    lead.company.name,
    lead.person.jobTitle,
    lead.person.fullName,
    lead.source.formName,
    enrichment?.website?.title,
    enrichment?.website?.description,
  ].filter((t): t is string => typeof t === 'string' && t.trim().length > 0);
}

/**
 * The longest run (in words, ≥ `VERBATIM_WORDS`) the draft shares with the lead's text, counting a window only
 * when at most one of its words is a stop word ("thank you for your" is not a quote); 0 when none. Linear:
 * a set of the lead's word windows, one pass over the draft's.
 */
export function verbatimRun(leadTexts: readonly string[], draft: string): number {
  const k = VERBATIM_WORDS;
  const windows = new Set<string>();
  for (const text of leadTexts) {
    const w = words(text);
    for (let i = 0; i + k <= w.length; i++) windows.add(w.slice(i, i + k).join(' '));
  }
  if (windows.size === 0) return 0;
  const d = words(draft);
  let best = 0;
  let run = 0;
  for (let i = 0; i + k <= d.length; i++) {
    const win = d.slice(i, i + k);
    const quoted = win.filter((x) => STOP_WORDS.has(x)).length <= 1 && windows.has(win.join(' '));
    run = quoted ? (run === 0 ? k : run + 1) : 0;
    best = Math.max(best, run);
  }
  return best;
}

/**
 * Why this drafted lead may not be mailed without a person reading the draft first (empty = it may).
 * The send limits are checked later, by the send step.
 */
export function autoSendBlockers(
  record: Pick<LeadRecord, 'lead' | 'enrichment'>,
  drafting: Pick<DraftingResult, 'draft'>,
): string[] {
  const reasons = recipientBlockers(record.lead, record.enrichment).map(
    (r) => `recipient not corroborated: ${r}`,
  );
  const draft = drafting.draft;
  if (draft) {
    const run = verbatimRun(leadFreeText(record.lead, record.enrichment), `${draft.subject}\n${draft.body}`);
    if (run > 0) reasons.push(`the draft repeats ${run} consecutive words the prospect wrote`);
  }
  return reasons;
}
