/**
 * The normalised lead: what every webform shape (own JSON, HubSpot, Typeform, Webflow, Tally, Jotform,
 * plain HTML) is turned into at intake. Pure data, no AWS. Everything downstream (enrich, score, route,
 * draft) reads this shape only; the provider's raw body is kept verbatim beside it on the lead record.
 */
import * as z from 'zod';

export const PROVIDERS = ['json', 'html', 'hubspot', 'typeform', 'webflow', 'tally', 'jotform'] as const;
export const ProviderSchema = z.enum(PROVIDERS);
export type Provider = z.infer<typeof ProviderSchema>;

export const FORM_TYPES = [
  'demo_request',
  'contact',
  'pricing',
  'trial',
  'download',
  'newsletter',
  'other',
] as const;
export const FormTypeSchema = z.enum(FORM_TYPES);
export type FormType = z.infer<typeof FormTypeSchema>;

/** Languages we write prospect-facing text in. Anything else falls back to English. */
export const LANGUAGES = ['nl', 'en'] as const;
export const LanguageSchema = z.enum(LANGUAGES);
export type Language = z.infer<typeof LanguageSchema>;

/** Own-channel behaviour that the engagement axis scores. */
export const ACTIVITY_TYPES = [
  'form_submission',
  'demo_request',
  'pricing_page',
  'download',
  'webinar',
  'email_click',
  'page_view',
  /** A person opened our email (machine opens never become an activity). */
  'email_open',
  'email_reply',
  /** The prospect unsubscribed from our emails: a stop, not engagement. */
  'unsubscribe',
] as const;
export const ActivitySchema = z.object({
  type: z.enum(ACTIVITY_TYPES),
  at: z.iso.datetime({ offset: true }),
  detail: z.string().max(500).optional(),
});
export type Activity = z.infer<typeof ActivitySchema>;

export const PersonSchema = z.object({
  firstName: z.string().max(200).optional(),
  lastName: z.string().max(200).optional(),
  fullName: z.string().max(400).optional(),
  email: z.email().max(320).optional(),
  /** E.164, e.g. +31201234567 (libphonenumber-js). */
  phone: z
    .string()
    .regex(/^\+[1-9]\d{6,14}$/)
    .optional(),
  jobTitle: z.string().max(200).optional(),
});
export type Person = z.infer<typeof PersonSchema>;

export const CompanySchema = z.object({
  name: z.string().max(300).optional(),
  /** Registrable domain (tldts), from the website field or a business email address. */
  domain: z.string().max(253).optional(),
  website: z.string().max(2048).optional(),
  /** Employees as the form stated it: a number, or the lower bound of a range ("11-50" → 11). */
  employees: z.number().int().nonnegative().optional(),
  employeesRaw: z.string().max(100).optional(),
  /** The industry as the prospect wrote it ("Transport en logistiek"), verbatim. */
  industry: z.string().max(200).optional(),
  /** ISO 3166-1 alpha-2, upper case. */
  country: z
    .string()
    .regex(/^[A-Z]{2}$/)
    .optional(),
});
export type Company = z.infer<typeof CompanySchema>;

/** BANT-style answers when the form asks for them, verbatim (trimmed). */
export const QualifyingAnswersSchema = z.object({
  budget: z.string().max(500).optional(),
  authority: z.string().max(500).optional(),
  need: z.string().max(2000).optional(),
  timeline: z.string().max(500).optional(),
  productInterest: z.string().max(500).optional(),
  /** Tools the prospect says they use now ("HubSpot", "Excel"), verbatim. */
  currentTools: z.string().max(500).optional(),
});
export type QualifyingAnswers = z.infer<typeof QualifyingAnswersSchema>;

export const ConsentSchema = z.object({
  marketingOptIn: z.boolean(),
  privacyNoticeVersion: z.string().max(100).optional(),
  /** Processing purpose recorded with the consent (GDPR art. 6/7). */
  purpose: z.string().max(200).optional(),
});
export type Consent = z.infer<typeof ConsentSchema>;

export const SourceSchema = z.object({
  provider: ProviderSchema,
  /** The provider's own id for this submission (HubSpot conversion id, Typeform token, …). */
  submissionId: z.string().max(200).optional(),
  formId: z.string().max(200).optional(),
  formName: z.string().max(300).optional(),
  pageUrl: z.string().max(2048).optional(),
  referrer: z.string().max(2048).optional(),
});
export type Source = z.infer<typeof SourceSchema>;

export const UtmSchema = z.object({
  source: z.string().max(200).optional(),
  medium: z.string().max(200).optional(),
  campaign: z.string().max(200).optional(),
  term: z.string().max(200).optional(),
  content: z.string().max(200).optional(),
});
export type Utm = z.infer<typeof UtmSchema>;

export const LeadSchema = z.object({
  person: PersonSchema,
  company: CompanySchema,
  message: z.string().max(10_000).optional(),
  formType: FormTypeSchema,
  qualifying: QualifyingAnswersSchema,
  consent: ConsentSchema,
  source: SourceSchema,
  utm: UtmSchema,
  language: LanguageSchema,
  /**
   * What decided the language: the prospect's own text (message), the form's language field, the page
   * URL, the country, the domain, Accept-Language, or the default.
   */
  languageSource: z
    .enum(['message', 'form', 'page_url', 'country', 'domain', 'accept_language', 'default'])
    .optional(),
  /** When the prospect submitted, ISO 8601 with offset. */
  submittedAt: z.iso.datetime({ offset: true }),
  /** Own-channel activity known at intake; the submission itself is always one. */
  activities: z.array(ActivitySchema).max(100),
  /** Any further answers, label → value, for the rep's eyes (never used as instructions). */
  extra: z.record(z.string().max(200), z.string().max(2000)),
});
export type Lead = z.infer<typeof LeadSchema>;
