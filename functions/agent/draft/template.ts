/**
 * The template writer: deterministic rationale, next action, first-call questions and draft from the
 * ledger, enrichment and route. Used when no LLM is configured and whenever the LLM call or its output
 * fails. The prospect-facing draft quotes nothing the lead typed: its only lead-derived word is a first name
 * in the greeting, and only when it is one plain word (`safeName`), which cannot carry a message, a number
 * or a link. It invents no facts, prices or promises.
 */
import type { FormType, Language } from '../lead';
import { nextActionLine, rationaleLines, rationaleText } from './rationale-lines';
import { repLabel, safeName } from './text';
import { BANT_CONFIRM, BANT_QUESTION, missingBant } from './trusted-facts';
import type { DraftingInput } from './types';

export const TEMPLATE_VERSION = 'template@1';

export interface TemplateOutput {
  rationale: string;
  nextAction: string;
  questionsForFirstCall: string[];
  email?: { subject: string; body: string };
}

export interface TemplateOptions {
  /** Leave out every lead-provided value (the first name too): the last-resort draft. */
  neutral?: boolean;
}

const SUBJECT: Record<Language, Record<FormType, string>> = {
  en: {
    demo_request: 'Your demo request',
    pricing: 'Your question about pricing',
    download: 'Following up on your download',
    trial: 'Your trial',
    contact: 'Your message',
    newsletter: 'Thank you for signing up',
    other: 'Your enquiry',
  },
  nl: {
    demo_request: 'Uw demo-aanvraag',
    pricing: 'Uw vraag over prijzen',
    download: 'Naar aanleiding van uw download',
    trial: 'Uw proefperiode',
    contact: 'Uw bericht',
    newsletter: 'Bedankt voor uw aanmelding',
    other: 'Uw aanvraag',
  },
};

interface BodyParts {
  booking?: string;
}

function opening(lang: Language, form: FormType): string {
  if (lang === 'nl') {
    switch (form) {
      case 'demo_request':
        return 'Dank voor uw demo-aanvraag. Ik laat u graag zien hoe het in uw situatie kan werken.';
      case 'pricing':
        return 'Dank voor uw interesse in onze prijzen. Welke optie past, hangt af van uw situatie. Daarom stel ik een kort gesprek voor om door te nemen wat u nodig hebt.';
      case 'download':
        return 'Dank voor het downloaden van ons materiaal; ik hoop dat u er iets aan hebt. Als er bij het lezen vragen opkomen, loop ik ze graag met u door.';
      case 'trial':
        return 'Dank voor het starten van uw proefperiode. Als u hulp wilt bij het inrichten voor uw situatie, help ik u daar graag mee.';
      case 'newsletter':
        return 'Dank voor uw aanmelding. Hebt u ooit een vraag, dan kunt u gewoon op deze e-mail antwoorden.';
      default:
        return 'Dank voor uw bericht. Ik zorg dat u een goed antwoord krijgt; een kort gesprek is vaak de snelste weg daarnaartoe.';
    }
  }
  switch (form) {
    case 'demo_request':
      return "Thank you for your demo request. I'd be glad to show you how it could work in your situation.";
    case 'pricing':
      return "Thank you for your interest in our pricing. The right option depends on your situation, so I'd suggest a short call to go through what you need.";
    case 'download':
      return "Thank you for downloading our material; I hope it is useful. If questions come up while reading, I'm happy to go through them with you.";
    case 'trial':
      return "Thank you for starting a trial. If you'd like help setting it up for your situation, I'm happy to help.";
    case 'newsletter':
      return 'Thank you for signing up. If you ever have a question, just reply to this email.';
    default:
      return "Thank you for your message. I'll make sure you get a proper answer; a short call is often the quickest way there.";
  }
}

function callToAction(lang: Language, form: FormType, p: BodyParts): string | undefined {
  if (form === 'newsletter') return undefined;
  if (lang === 'nl') {
    if (p.booking) return `U kunt hier een moment kiezen dat u schikt: ${p.booking}`;
    return form === 'demo_request'
      ? 'Kunt u een paar momenten deze of volgende week noemen die u schikken? Dan stuur ik een uitnodiging.'
      : 'Laat u weten wanneer een kort gesprek u uitkomt?';
  }
  if (p.booking) return `You can pick a time that suits you here: ${p.booking}`;
  return form === 'demo_request'
    ? "Could you let me know a few moments this week or next that suit you? I'll send an invitation."
    : 'Would you let me know when a short call suits you?';
}

/** The signature the draft ends with (also given to the LLM verbatim). */
export function signature(input: Pick<DraftingInput, 'rep' | 'companySiteUrl' | 'lead'>): string {
  const lang = input.lead.language;
  const lines: string[] = [];
  if (input.rep) {
    lines.push(input.rep.name);
    if (input.rep.title) lines.push(input.rep.title);
    lines.push(input.rep.email);
  } else {
    lines.push(lang === 'nl' ? 'Het salesteam' : 'The sales team');
  }
  if (input.companySiteUrl) lines.push(input.companySiteUrl);
  return lines.join('\n');
}

export function templateEmail(
  input: DraftingInput,
  options: TemplateOptions = {},
): { subject: string; body: string } {
  const lang = input.lead.language;
  const form = input.lead.formType;
  const first = options.neutral ? undefined : safeName(input.lead.person.firstName);
  const parts: BodyParts = { booking: input.rep?.bookingUrl };
  const greeting =
    lang === 'nl' ? (first ? `Beste ${first},` : 'Goedendag,') : first ? `Hi ${first},` : 'Hello,';
  const cta = callToAction(lang, form, parts);
  const closing = lang === 'nl' ? 'Met vriendelijke groet,' : 'Kind regards,';
  const open = opening(lang, form);
  const body = [greeting, open, cta, `${closing}\n\n${signature(input)}`]
    .filter((x): x is string => !!x)
    .join('\n\n');
  return { subject: SUBJECT[lang][form], body };
}

function _companyLabel(input: DraftingInput): string {
  return (
    repLabel(input.lead.company.name) ??
    repLabel(input.enrichment.registry?.legalName) ??
    repLabel(input.lead.company.domain) ??
    'Lead'
  );
}

export function templateRationale(input: DraftingInput): Omit<TemplateOutput, 'email'> {
  const lang = input.rationaleLanguage ?? 'en';
  const missing = missingBant(input.score);
  const questionsForFirstCall =
    missing.length > 0 ? missing.map((k) => BANT_QUESTION[lang][k]) : [BANT_CONFIRM[lang]];
  // Three to five short lines a rep reads in ten seconds (./rationale-lines.ts); the ledger is on the lead page.
  return {
    rationale: rationaleText(rationaleLines(input)),
    nextAction: nextActionLine(input),
    questionsForFirstCall,
  };
}

export function writeTemplate(input: DraftingInput, options: TemplateOptions = {}): TemplateOutput {
  const base = templateRationale(input);
  return input.wantsEmail ? { ...base, email: templateEmail(input, options) } : base;
}
