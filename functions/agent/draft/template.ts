/**
 * The template writer: deterministic rationale, next action, first-call questions and draft from the
 * ledger, enrichment and route. Used when no LLM is configured and whenever the LLM call or its output
 * fails. The prospect-facing draft quotes nothing the lead typed: its only lead-derived word is a first name
 * in the greeting, and only when it is one plain word (`safeName`), which cannot carry a message, a number
 * or a link. It invents no facts, prices or promises.
 */
import type { FormType, Language } from '../lead';
import { nextActionLine, rationaleLines, rationaleText } from './rationale-lines';
import { type RequestCategory, requestCategory } from './request';
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

const SUBJECT: Record<Language, Record<RequestCategory, string>> = {
  en: {
    demo: 'Your demo request',
    pricing: 'Your question about pricing',
    trial: 'Your trial',
    sso_question: 'Your question about single sign-on',
    integration_question: 'Your question about integrations',
    call: 'Your request for a call',
    information: 'The information you asked for',
    download: 'Following up on your download',
    newsletter: 'Thank you for signing up',
    contact: 'Your message',
  },
  nl: {
    demo: 'Uw demo-aanvraag',
    pricing: 'Uw vraag over prijzen',
    trial: 'Uw proefperiode',
    sso_question: 'Uw vraag over single sign-on',
    integration_question: 'Uw vraag over koppelingen',
    call: 'Uw verzoek om een gesprek',
    information: 'De informatie waar u om vroeg',
    download: 'Naar aanleiding van uw download',
    newsletter: 'Bedankt voor uw aanmelding',
    contact: 'Uw bericht',
  },
};

interface BodyParts {
  booking?: string;
  /** Our product's name (config/company.yaml), else a neutral word. */
  product: string;
  company?: string;
}

function opening(lang: Language, category: RequestCategory, p: BodyParts): string {
  const to = p.company ? (lang === 'nl' ? ` aan ${p.company}` : ` to ${p.company}`) : '';
  if (lang === 'nl') {
    switch (category) {
      case 'demo':
        return `Dank voor uw demo-aanvraag. Ik laat u graag zien hoe ${p.product} in uw situatie kan werken.`;
      case 'pricing':
        return `Dank voor uw vraag over de prijzen van ${p.product}. Welke optie past, hangt af van uw situatie. Daarom stel ik een kort gesprek voor om door te nemen wat u nodig hebt.`;
      case 'trial':
        return `Dank voor uw interesse in een proefperiode van ${p.product}. Als u hulp wilt bij het inrichten voor uw situatie, help ik u daar graag mee.`;
      case 'sso_question':
        return `Dank voor uw vraag over single sign-on in ${p.product}. Ik zoek voor u uit hoe dat in uw omgeving werkt en neem het graag met u door.`;
      case 'integration_question':
        return `Dank voor uw vraag over koppelingen van ${p.product} met uw systemen. Ik neem graag met u door welke koppeling u zoekt en hoe die werkt.`;
      case 'call':
        return `Dank voor uw bericht${to}. U vroeg om een gesprek; dat plan ik graag met u in.`;
      case 'information':
        return `Dank voor uw interesse in ${p.product}. Ik stuur u graag de informatie die bij uw vraag past, en beantwoord eventuele vragen.`;
      case 'download':
        return 'Dank voor het downloaden van ons materiaal; ik hoop dat u er iets aan hebt. Als er bij het lezen vragen opkomen, loop ik ze graag met u door.';
      case 'newsletter':
        return 'Dank voor uw aanmelding. Hebt u ooit een vraag, dan kunt u gewoon op deze e-mail antwoorden.';
      default:
        return `Dank voor uw bericht${to}. Ik zorg dat u een goed antwoord krijgt; een kort gesprek is vaak de snelste weg daarnaartoe.`;
    }
  }
  switch (category) {
    case 'demo':
      return `Thank you for your demo request. I'd be glad to show you how ${p.product} could work in your situation.`;
    case 'pricing':
      return `Thank you for your question about ${p.product} pricing. The right option depends on your situation, so I'd suggest a short call to go through what you need.`;
    case 'trial':
      return `Thank you for your interest in a ${p.product} trial. If you'd like help setting it up for your situation, I'm happy to help.`;
    case 'sso_question':
      return `Thank you for your question about single sign-on in ${p.product}. I'll look into how it would work in your environment and am glad to go through it with you.`;
    case 'integration_question':
      return `Thank you for your question about connecting ${p.product} to your systems. I'm glad to go through the integration you have in mind and how it works.`;
    case 'call':
      return `Thank you for your message${to}. You asked for a call, and I'd be glad to set one up.`;
    case 'information':
      return `Thank you for your interest in ${p.product}. I'm glad to send you the information that fits your question and to answer anything that comes up.`;
    case 'download':
      return "Thank you for downloading our material; I hope it is useful. If questions come up while reading, I'm happy to go through them with you.";
    case 'newsletter':
      return 'Thank you for signing up. If you ever have a question, just reply to this email.';
    default:
      return `Thank you for your message${to}. I'll make sure you get a proper answer; a short call is often the quickest way there.`;
  }
}

function callToAction(lang: Language, category: RequestCategory, p: BodyParts): string | undefined {
  if (category === 'newsletter') return undefined;
  if (lang === 'nl') {
    if (p.booking) return `U kunt hier een moment kiezen dat u schikt: ${p.booking}`;
    return category === 'demo' || category === 'call'
      ? 'Kunt u een paar momenten deze of volgende week noemen die u schikken? Dan stuur ik een uitnodiging.'
      : 'Laat u weten wanneer een kort gesprek u uitkomt?';
  }
  if (p.booking) return `You can pick a time that suits you here: ${p.booking}`;
  return category === 'demo' || category === 'call'
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
  const category = requestCategory(input.lead);
  const first = options.neutral ? undefined : safeName(input.lead.person.firstName);
  const parts: BodyParts = {
    booking: input.rep?.bookingUrl,
    product: input.seller?.product ?? (lang === 'nl' ? 'onze oplossing' : 'our product'),
    ...(input.seller ? { company: input.seller.name } : {}),
  };
  const greeting =
    lang === 'nl' ? (first ? `Beste ${first},` : 'Goedendag,') : first ? `Hi ${first},` : 'Hello,';
  const cta = callToAction(lang, category, parts);
  const closing = lang === 'nl' ? 'Met vriendelijke groet,' : 'Kind regards,';
  const open = opening(lang, category, parts);
  const body = [greeting, open, cta, `${closing}\n\n${signature(input)}`]
    .filter((x): x is string => !!x)
    .join('\n\n');
  return { subject: SUBJECT[lang][category], body };
}

function _companyLabel(input: DraftingInput): string {
  return (
    repLabel(input.lead.company.name) ??
    repLabel(input.enrichment.registry?.legalName) ??
    repLabel(input.lead.company.domain) ??
    'Lead'
  );
}

function _routeSentence(input: DraftingInput, lang: Language): string {
  const { route, rep } = input;
  const nl = lang === 'nl';
  const reason = repLabel(route.reason, 200) ?? route.ruleId;
  if (route.kind === 'nurture')
    return nl
      ? `Naar nurture via regel ${route.ruleId}: ${reason}.`
      : `Routed to nurture by rule ${route.ruleId}: ${reason}.`;
  const who = rep?.name ?? route.ownerId ?? route.team ?? (nl ? 'een eigenaar' : 'an owner');
  const sla = route.slaDueAt
    ? nl
      ? ` Eerste contact uiterlijk ${route.slaDueAt}.`
      : ` First contact due by ${route.slaDueAt}.`
    : '';
  return nl
    ? `Toegewezen aan ${who} via regel ${route.ruleId}: ${reason}.${sla}`
    : `Routed to ${who} by rule ${route.ruleId}: ${reason}.${sla}`;
}

function _nextActionFor(input: DraftingInput, lang: Language): string {
  const nl = lang === 'nl';
  if (input.route.kind === 'nurture')
    return nl
      ? 'Geen actie voor een rep: de lead gaat de nurture-reeks in.'
      : 'No rep action: the lead goes into the nurture sequence.';
  const due = input.route.slaDueAt
    ? nl
      ? ` vóór ${input.route.slaDueAt}`
      : ` before ${input.route.slaDueAt}`
    : '';
  const what: Record<FormType, [string, string]> = {
    demo_request: ['propose a demo time', 'stel een demomoment voor'],
    pricing: [
      'set up a call to discuss their needs and pricing',
      'plan een gesprek over hun behoefte en prijzen',
    ],
    download: ['follow up on the downloaded resource', 'volg op over het gedownloade materiaal'],
    trial: ['help them get started with the trial', 'help ze op weg met de proefperiode'],
    contact: ['answer their question', 'beantwoord hun vraag'],
    newsletter: ['check whether there is a concrete need', 'ga na of er een concrete behoefte is'],
    other: ['qualify the need in a first call', 'kwalificeer de behoefte in een eerste gesprek'],
  };
  const [en, nlText] = what[input.lead.formType];
  return nl ? `Neem contact op${due} en ${nlText}.` : `Contact the lead${due} and ${en}.`;
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
