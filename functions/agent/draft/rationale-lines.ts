/**
 * The rationale a rep reads in ten seconds: three to five short lines, in the rep's language —
 *   1. why this tier (the strongest reasons from the ledger, in the rules' own words, and what held it back);
 *   2. what to open the call with (what they asked for, and the strongest buying signal);
 *   3. what is still missing (BANT gaps and sources we could not check), or that nothing is;
 *   4. when first contact is due, in the team's local time (or that no rep is needed: nurture);
 * plain words, no internal terms (no rule ids, no tool names, no UTC timestamps). The full ledger stays on the
 * lead page. Deterministic: the template writer's rationale; the LLM prompt asks for the same lines.
 */
import type { Enrichment } from '../enrichment';
import type { FormType, Language } from '../lead';
import type { Bant, LedgerEntry } from '../qualification';
import { DEFAULT_TIME_ZONE, localDue } from './local-time';
import { round1, signed } from './text';
import { missingBant } from './trusted-facts';
import type { DraftingInput } from './types';

/** The lines' labels: the same in the template and in the LLM prompt. */
export const LINE_LABELS: Record<Language, { why: string; open: string; missing: string; when: string }> = {
  en: { why: 'Why', open: 'Open with', missing: 'Missing', when: 'When' },
  nl: { why: 'Waarom', open: 'Openen met', missing: 'Ontbreekt', when: 'Wanneer' },
};

const TIER_WORD: Record<Language, Record<'hot' | 'warm' | 'cold', string>> = {
  en: { hot: 'Hot', warm: 'Warm', cold: 'Cold' },
  nl: { hot: 'Heet', warm: 'Warm', cold: 'Koud' },
};

const OPENER: Record<Language, Record<FormType, string>> = {
  en: {
    demo_request: 'their demo request: propose two times',
    pricing: 'their pricing question: ask what they need before naming a plan',
    download: 'the material they downloaded: ask what prompted it',
    trial: 'their trial: offer help getting started',
    contact: 'the question they sent us',
    newsletter: 'whether there is a concrete need behind the sign-up',
    other: 'what they are looking for',
  },
  nl: {
    demo_request: 'hun demo-aanvraag: stel twee momenten voor',
    pricing: 'hun prijsvraag: vraag eerst wat ze nodig hebben',
    download: 'het gedownloade materiaal: vraag wat de aanleiding was',
    trial: 'hun proefperiode: bied hulp bij het opstarten',
    contact: 'de vraag die ze ons stuurden',
    newsletter: 'of er een concrete behoefte achter de aanmelding zit',
    other: 'waar ze naar op zoek zijn',
  },
};

const SIGNAL: Record<Language, Record<string, string>> = {
  en: {
    hiring: 'they are hiring',
    funding: 'they raised funding',
    new_system: 'they are changing systems',
    growth: 'they are growing',
  },
  nl: {
    hiring: 'ze werven personeel',
    funding: 'ze haalden financiering op',
    new_system: 'ze wisselen van systeem',
    growth: 'ze groeien',
  },
};

const BANT_WORD: Record<Language, Record<keyof Bant, string>> = {
  en: { budget: 'budget', authority: 'who decides', need: 'the need', timing: 'timing' },
  nl: { budget: 'budget', authority: 'wie beslist', need: 'de behoefte', timing: 'timing' },
};

/** What a source we could not reach means to a rep. */
const SOURCE_WORD: Record<Language, Record<string, string>> = {
  en: {
    registry: 'company registry',
    website: 'their website',
    email: 'the email domain',
    phone: 'the phone number',
    intent: 'buying signals',
  },
  nl: {
    registry: 'handelsregister',
    website: 'hun website',
    email: 'het e-maildomein',
    phone: 'het telefoonnummer',
    intent: 'koopsignalen',
  },
};

/** A ledger reason as a rep reads it: the rule's own words, without a trailing period. */
const reasonOf = (e: LedgerEntry) =>
  e.reason
    .replace(/\s+/g, ' ')
    .replace(/[.\s]+$/, '')
    .slice(0, 80);

const strongest = (ledger: readonly LedgerEntry[], sign: 1 | -1, n: number) =>
  ledger
    .filter((e) => e.fired && Math.sign(e.awarded) === sign)
    .sort((a, b) => Math.abs(b.awarded) - Math.abs(a.awarded))
    .slice(0, n);

const unreachable = (e: Enrichment): string[] =>
  Object.entries(e.tools)
    .filter(([, t]) => t.status === 'error' || t.status === 'timeout')
    .map(([name]) => name);

export interface RationaleLinesOptions {
  /** IANA time zone of the team's business calendar; default Europe/Amsterdam. */
  readonly timeZone?: string;
}

export { localDue };

/** When first contact is due, as the rationale's last line says it (also given to the LLM). */
export function firstContactText(input: DraftingInput, lang: Language): string {
  const nl = lang === 'nl';
  if (input.route.kind === 'nurture')
    return nl
      ? 'geen rep nodig, de lead gaat de nurture-reeks in'
      : 'no rep needed, the lead goes into the nurture sequence';
  if (!input.route.slaDueAt)
    return nl ? 'geen deadline; neem contact op als het past' : 'no deadline; reach out when it suits';
  const due = localDue(input.route.slaDueAt, input.timeZone ?? DEFAULT_TIME_ZONE, lang);
  return nl ? `eerste contact vóór ${due}` : `first contact before ${due}`;
}

/** The three to five lines, each a short sentence with its label (`Why: …`). */
export function rationaleLines(input: DraftingInput, options: RationaleLinesOptions = {}): string[] {
  const lang: Language = input.rationaleLanguage ?? 'en';
  const nl = lang === 'nl';
  const label = LINE_LABELS[lang];
  const { score, enrichment } = input;
  const tz = options.timeZone ?? input.timeZone ?? DEFAULT_TIME_ZONE;

  const plus = strongest(score.ledger, 1, 3).map((e) => `${reasonOf(e)} (${signed(round1(e.awarded))})`);
  const minus = strongest(score.ledger, -1, 1).map((e) => `${reasonOf(e)} (${signed(round1(e.awarded))})`);
  const why = `${label.why}: ${TIER_WORD[lang][score.tier]} (${round1(score.total)}) — ${
    plus.length ? plus.join(', ') : nl ? 'weinig signalen' : 'few signals'
  }${minus.length ? `; ${nl ? 'maar' : 'but'} ${minus.join(', ')}` : ''}.`;

  const signals = [...new Set((enrichment.intent?.signals ?? []).map((s) => s.type))]
    .map((t) => SIGNAL[lang][t])
    .filter(Boolean);
  const open = `${label.open}: ${OPENER[lang][input.lead.formType]}${
    signals.length ? `; ${nl ? 'noem dat' : 'mention that'} ${signals[0]}` : ''
  }.`;

  const gaps = missingBant(score).map((k) => BANT_WORD[lang][k]);
  const sources = unreachable(enrichment).map((t) => SOURCE_WORD[lang][t] ?? t);
  const missing = `${label.missing}: ${
    gaps.length
      ? gaps.join(', ')
      : nl
        ? 'niets uit BANT, bevestig het beslisproces'
        : 'nothing from BANT; confirm how they decide'
  }${sources.length ? `; ${nl ? 'niet kunnen controleren' : 'could not check'} ${sources.join(', ')}` : ''}.`;

  const when = `${label.when}: ${firstContactText({ ...input, timeZone: tz }, lang)}.`;

  return [why, open, missing, when];
}

/** The next action in one sentence, with the due time in the team's local time. */
export function nextActionLine(input: DraftingInput, options: RationaleLinesOptions = {}): string {
  const lang: Language = input.rationaleLanguage ?? 'en';
  const nl = lang === 'nl';
  if (input.route.kind === 'nurture')
    return nl
      ? 'Geen actie voor een rep: de lead gaat de nurture-reeks in.'
      : 'No rep action: the lead goes into the nurture sequence.';
  const tz = options.timeZone ?? input.timeZone ?? DEFAULT_TIME_ZONE;
  const due = input.route.slaDueAt
    ? ` ${nl ? 'vóór' : 'before'} ${localDue(input.route.slaDueAt, tz, lang)}`
    : '';
  const who = input.rep?.name ? (nl ? `${input.rep.name}, ` : `${input.rep.name}: `) : '';
  return nl
    ? `${who}neem contact op${due} over ${OPENER.nl[input.lead.formType]}.`
    : `${who}contact the lead${due} about ${OPENER.en[input.lead.formType]}.`;
}

/** Lines of the rationale as one text (one line each), as stored and shown. */
export const rationaleText = (lines: readonly string[]) => lines.join('\n');
