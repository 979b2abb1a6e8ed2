/**
 * What the enrichment tools found about a lead. Each tool fills its own part or leaves it null; `tools`
 * records how each run went, and `confidence` (0..1) drops for every tool that failed or timed out.
 * Pure data, no AWS.
 */
import * as z from 'zod';

export const ToolRunSchema = z.object({
  status: z.enum(['ok', 'error', 'timeout', 'skipped']),
  ms: z.number().nonnegative(),
  cached: z.boolean().optional(),
  /** A short, non-personal error description (never the lead's data). */
  error: z.string().max(500).optional(),
});
export type ToolRun = z.infer<typeof ToolRunSchema>;

export const EmailFactsSchema = z.object({
  domain: z.string(),
  freeMail: z.boolean(),
  disposable: z.boolean(),
  roleAddress: z.boolean(),
  businessDomain: z.boolean(),
  /** null when the lookup could not be made. */
  mx: z.boolean().nullable(),
});
export type EmailFacts = z.infer<typeof EmailFactsSchema>;

export const TechnologySchema = z.object({
  name: z.string(),
  categories: z.array(z.string()),
});

export const WebsiteFactsSchema = z.object({
  url: z.string(),
  finalUrl: z.string(),
  status: z.number().int(),
  title: z.string().optional(),
  name: z.string().optional(),
  description: z.string().optional(),
  language: z.string().optional(),
  careersUrl: z.string().optional(),
  pricingUrl: z.string().optional(),
  technologies: z.array(TechnologySchema),
  /** CRM products detected (HubSpot, Salesforce, Pipedrive, …). */
  crm: z.array(z.string()),
  marketingAutomation: z.array(z.string()),
  ecommerce: z.array(z.string()),
});
export type WebsiteFacts = z.infer<typeof WebsiteFactsSchema>;

/** Normalised industries the scoring rules speak of. */
export const INDUSTRIES = [
  'saas',
  'software',
  'ecommerce',
  'logistics',
  'manufacturing',
  'wholesale',
  'retail',
  'finance',
  'healthcare',
  'education',
  'government',
  'consulting',
  'marketing',
  'construction',
  'hospitality',
  'other',
] as const;
export const IndustrySchema = z.enum(INDUSTRIES);
export type Industry = z.infer<typeof IndustrySchema>;

export const RegistryFactsSchema = z.object({
  source: z.enum(['kvk', 'directory']),
  kvkNumber: z.string().optional(),
  legalName: z.string(),
  tradeNames: z.array(z.string()).optional(),
  legalForm: z.string().optional(),
  sbiCodes: z.array(z.string()),
  industry: IndustrySchema,
  employees: z.number().int().nonnegative().optional(),
  address: z
    .object({
      street: z.string().optional(),
      postalCode: z.string().optional(),
      city: z.string().optional(),
      country: z.string().regex(/^[A-Z]{2}$/),
    })
    .optional(),
  website: z.string().optional(),
  founded: z.string().optional(),
});
export type RegistryFacts = z.infer<typeof RegistryFactsSchema>;

export const PhoneFactsSchema = z.object({
  e164: z.string(),
  country: z
    .string()
    .regex(/^[A-Z]{2}$/)
    .optional(),
  type: z.string().optional(),
});
export type PhoneFacts = z.infer<typeof PhoneFactsSchema>;

export const GeoFactsSchema = z.object({
  /** Best guess ISO 3166-1 alpha-2, or null. */
  country: z
    .string()
    .regex(/^[A-Z]{2}$/)
    .nullable(),
  /** Where it came from, strongest first: form, registry, phone, tld. */
  sources: z.array(z.enum(['form', 'registry', 'phone', 'tld'])),
});
export type GeoFacts = z.infer<typeof GeoFactsSchema>;

export const INTENT_SIGNAL_TYPES = ['hiring', 'funding', 'new_system', 'growth'] as const;
export const IntentSignalSchema = z.object({
  type: z.enum(INTENT_SIGNAL_TYPES),
  detail: z.string(),
  at: z.string(),
  source: z.string(),
  /** Where it was read (an account signal's or a job posting's page). */
  url: z.string().optional(),
});
export type IntentSignal = z.infer<typeof IntentSignalSchema>;

/** One open position, as read from the careers page (schema.org JobPosting) or a job board's public API. */
export const JobPostingSchema = z.object({
  title: z.string().max(300),
  /** ISO date (or date-time) it was posted, when the source says. */
  postedAt: z.string().max(40).optional(),
  url: z.string().max(2000).optional(),
  /** `careers` (the page's JSON-LD), `greenhouse`, `lever` or `recruitee`. */
  source: z.enum(['careers', 'greenhouse', 'lever', 'recruitee']),
});
export type JobPosting = z.infer<typeof JobPostingSchema>;

/** Job postings: the company's open positions, a free intent source (hiring sales reps, engineers). */
export const JobsFactsSchema = z.object({
  openPositions: z.number().int().nonnegative(),
  salesRoles: z.number().int().nonnegative(),
  engineeringRoles: z.number().int().nonnegative(),
  newestPostedAt: z.string().max(40).optional(),
  /** Where they were read: the careers page URL and the job boards used. */
  sources: z.array(z.string().max(2000)).max(10),
  /** The newest postings (at most 10), sales roles first, for the rep and the ledger's evidence. */
  postings: z.array(JobPostingSchema).max(10),
});
export type JobsFacts = z.infer<typeof JobsFactsSchema>;

export const EnrichmentSchema = z.object({
  email: EmailFactsSchema.nullable(),
  website: WebsiteFactsSchema.nullable(),
  registry: RegistryFactsSchema.nullable(),
  phone: PhoneFactsSchema.nullable(),
  geo: GeoFactsSchema,
  intent: z.object({ signals: z.array(IntentSignalSchema) }).nullable(),
  /** Absent on enrichments stored before the job postings tool existed. */
  jobs: JobsFactsSchema.nullable().optional(),
  tools: z.record(z.string(), ToolRunSchema),
  /** 0..1: the share of tools that answered, weighted; 1 when all answered. */
  confidence: z.number().min(0).max(1),
});
export type Enrichment = z.infer<typeof EnrichmentSchema>;
