/**
 * Not every form is a lead. Before routing, each submission gets a disposition: a sales lead, or a job
 * application, a student or researcher, a vendor or agency pitching its services, a competitor, a support
 * request from a customer, a partner, or spam/a test. Non-sales dispositions never reach a rep and never get
 * a sales email; `config/dispositions.yaml` says where each one goes (forwarded to an address, or archived
 * with the reason). Deterministic lexicons in Dutch and English; the quote shows the words that decided.
 */

import * as z from 'zod';
import type { Lead } from '../lead';
import { PARSE_ONCE } from '../parse-once';
import { parseYamlText } from '../yaml-text';
import { quoteAround } from './signals';

export const DISPOSITIONS = [
  'sales',
  'job_application',
  'student_research',
  'vendor_pitch',
  'competitor',
  'support',
  'partner',
  'spam_test',
] as const;
export type DispositionKind = (typeof DISPOSITIONS)[number];
export const DispositionKindSchema = z.enum(DISPOSITIONS);

export const DestinationSchema = z.union([
  z.object({ action: z.literal('forward'), to: z.email(), reason: z.string().min(1).max(300).optional() }),
  z.object({ action: z.literal('archive'), reason: z.string().min(1).max(300).optional() }),
]);
export type Destination = z.infer<typeof DestinationSchema>;

export const DispositionsFileSchema = z
  .object({
    version: z.string().min(1),
    /** Domains of competitors: a submission from one is a competitor, whatever it says. */
    competitorDomains: z.array(z.string().min(3)).default([]),
    /** Where each non-sales disposition goes. */
    destinations: z.object({
      job_application: DestinationSchema,
      student_research: DestinationSchema,
      vendor_pitch: DestinationSchema,
      competitor: DestinationSchema,
      support: DestinationSchema,
      partner: DestinationSchema,
      spam_test: DestinationSchema,
    }),
  })
  .strict();
export type DispositionsFile = z.infer<typeof DispositionsFileSchema>;

/** Parses `config/dispositions.yaml`; throws an Error naming the field on a bad file. */
export function parseDispositions(yamlText: string): DispositionsFile {
  const parsed = DispositionsFileSchema.safeParse(parseYamlText(yamlText), PARSE_ONCE);
  if (!parsed.success) {
    const first = parsed.error.issues[0];
    throw new Error(`dispositions: ${first?.path.join('.') || '(file)'}: ${first?.message ?? 'invalid'}`);
  }
  return parsed.data;
}

export const DispositionSchema = z.object({
  kind: DispositionKindSchema,
  /** Why, in words a manager reads. */
  reason: z.string(),
  /** The prospect's words that decided, verbatim. */
  quote: z.string().optional(),
  /** `rules`: the lexicons decided; `person`: someone overrode it. */
  decidedBy: z.enum(['rules', 'person']),
  destination: DestinationSchema.optional(),
});
export type Disposition = z.infer<typeof DispositionSchema>;

type Cue = [DispositionKind, RegExp, string];

/** Checked in order; the first cue that matches decides. Spam first, then what is surely not a buyer. */
const CUES: Cue[] = [
  [
    'spam_test',
    /^\s*(test(ing)?|asdf\w*|qwerty|lorem ipsum[\s\S]*|xxx+|aaa+|\.+|-+|123+|hello world)\s*[.!]*\s*$/iu,
    'a test submission',
  ],
  [
    'spam_test',
    /\b(seo (services|agency|expert)|backlinks?|rank (your|on) (website|google)|first page of google|crypto|bitcoin|casino|viagra|loan offer|guest post)\b/iu,
    'a spam message',
  ],
  [
    'job_application',
    /\b(sollicit\p{L}*|open sollicitatie|vacature\p{L}*|motivatiebrief|mijn cv|m'n cv|cv in de bijlage|job application|apply for the (position|role|job)|applying for|my (cv|resume|résumé)|cover letter|werken bij jullie|work for you|join your team|internship|stageplek|stageplaats|afstudeerplek)\b/iu,
    'a job application',
  ],
  [
    'student_research',
    /\b(student|studente|afstudeer\p{L}*|scriptie|thesis|dissertation|onderzoek voor (mijn|m'n) (studie|opleiding)|research project|school project|schoolopdracht|university assignment|for my studies|voor mijn studie|enquête|survey for my|interview (you|jullie) for)\b/iu,
    'a student or researcher',
  ],
  [
    'support',
    /\b(bestaande klant|existing customer|already a customer|al klant|ons account|our account|my account|mijn account|inloggen|log ?in|wachtwoord|password|factuur|invoice|bug|foutmelding|error message|werkt niet|doesn'?t work|does not work|not working|storing|outage|support ticket|opzeggen|cancel (my|our) subscription|refund)\b/iu,
    'a support request from a customer',
  ],
  [
    'partner',
    /\b(reseller|wederverkoper|become a partner|partner worden|partnerprogramma|partner program(me)?|affiliate|referral partner|white[- ]label partner|implementation partner|implementatiepartner|doorverkopen)\b/iu,
    'a partnership request',
  ],
  [
    'vendor_pitch',
    /\b(we help (companies|businesses|b2b|saas|teams)|wij helpen bedrijven|we helpen bedrijven|our (agency|services|sdr service|team of developers|clients include)|ons bureau|onze diensten|lead generation (services|agency)|appointment setting|outsourc\p{L}*|offshore|white[- ]label (services|development)|we (offer|provide) (a|an|our)|wij bieden|we noticed your (website|company)|i noticed your (website|company)|ik zag (dat jullie|jullie website)|increase your (sales|leads|revenue)|boost your|grow your (pipeline|sales|business)|meer leads voor jullie|(15|fifteen|10|ten) minutes for a (quick )?(intro|call|chat)|quick intro call)\b/iu,
    'a vendor or agency pitching its services',
  ],
];

const STUDENT_TITLE = /\b(student|studente|stagiair\p{L}*|intern|trainee|promovendus|phd candidate)\b/iu;

const NL_REASONS: Record<DispositionKind, string> = {
  sales: 'een verkoopkans',
  job_application: 'een sollicitatie',
  student_research: 'een student of onderzoeker',
  vendor_pitch: 'een leverancier of bureau dat zijn diensten aanbiedt',
  competitor: 'een concurrent',
  support: 'een supportvraag van een klant',
  partner: 'een partnerverzoek',
  spam_test: 'spam of een test',
};

/** The Dutch words for a disposition, for the rationale in Dutch. */
export const dispositionNl = (kind: DispositionKind): string => NL_REASONS[kind];

/**
 * The disposition of a lead. `settings` gives the competitor domains and each destination; without it the
 * lexicons still decide, with no destination.
 */
export function classifyDisposition(lead: Lead, settings?: DispositionsFile): Disposition {
  const destination = (kind: DispositionKind) =>
    kind === 'sales' || !settings ? undefined : settings.destinations[kind];
  const decide = (kind: DispositionKind, reason: string, quote?: string): Disposition => {
    const to = destination(kind);
    return {
      kind,
      reason,
      ...(quote ? { quote } : {}),
      decidedBy: 'rules',
      ...(to ? { destination: to } : {}),
    };
  };
  const domain = lead.company.domain?.toLowerCase();
  if (domain && settings?.competitorDomains.some((d) => domain === d || domain.endsWith(`.${d}`)))
    return decide('competitor', `Submitted from a competitor's domain (${domain})`);

  const texts = [lead.message, lead.qualifying.need, lead.qualifying.productInterest].filter(
    (t): t is string => Boolean(t?.trim()),
  );
  const names = [lead.person.fullName, lead.person.firstName, lead.company.name].filter(Boolean).join(' ');
  if (/^\s*(test|asdf|qwerty)(\s+(test|asdf|qwerty))*\s*$/i.test(names) && texts.every((t) => t.length < 40))
    return decide('spam_test', 'Name and message are a test', texts[0]);
  for (const [kind, re, words] of CUES) {
    for (const text of texts) {
      const m = re.exec(text);
      if (!m) continue;
      return decide(kind, `The message reads as ${words}`, quoteAround(text, m.index, m.index + m[0].length));
    }
  }
  if (lead.person.jobTitle && STUDENT_TITLE.test(lead.person.jobTitle))
    return decide('student_research', 'The job title is a student or intern', lead.person.jobTitle);
  return decide('sales', 'A prospective customer');
}

/**
 * The disposition a new score version carries: a person's stands (a re-score never undoes an override), and
 * an unchanged kind keeps the stored one with its destination.
 */
export const carriedDisposition = <S extends { disposition?: Disposition | undefined }>(
  stored: S,
  next: S,
): S => {
  const kept = stored.disposition;
  if (!kept) return next;
  if (kept.decidedBy === 'person' || kept.kind === next.disposition?.kind)
    return { ...next, disposition: kept };
  return next;
};
