/**
 * Configuration, read once from the environment and validated by zod. A missing or malformed variable
 * fails at cold start with its name, never later with an `undefined` somewhere deep in a request.
 */
import * as z from 'zod';
import { QUEUES, TABLES } from '../../infra/data-plane';
import { PARSE_ONCE } from '../agent/parse-once';
// Secrets given as references (INTAKE_SECRETS_SECRET_REF, …) are resolved into the environment first.
import './secrets-bootstrap';

export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

const csv = z
  .string()
  .optional()
  .transform((v) =>
    (v ?? '')
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean),
  );
const bool = z
  .enum(['true', 'false', '1', '0', ''])
  .optional()
  .transform((v) => v === 'true' || v === '1');

/**
 * Replacements for the shipped files (absent: the file shipped with the code; present: it must exist). Read
 * on their own by functions/platform/shipped-files.ts, so the ops CLI needs no other variable.
 */
export const ShippedPathsSchema = z.object({
  RULES_FILE: z.string().min(1).optional(),
  ROUTING_FILE: z.string().min(1).optional(),
  TEAM_FILE: z.string().min(1).optional(),
  HANDOFF_FILE: z.string().min(1).optional(),
  INTAKE_FILE: z.string().min(1).optional(),
  PROMPTS_DIR: z.string().min(1).optional(),
  DISPOSITIONS_FILE: z.string().min(1).optional(),
  COMPANY_FILE: z.string().min(1).optional(),
  PRIVACY_FILE: z.string().min(1).optional(),
  FOLLOW_UP_FILE: z.string().min(1).optional(),
});
export type ShippedPaths = z.infer<typeof ShippedPathsSchema>;

let shipped: ShippedPaths | undefined;
/** The shipped-file variables, parsed on first use and cached for the life of the container. */
export const shippedPaths = (): ShippedPaths => {
  shipped ??= parseConfig(ShippedPathsSchema, process.env);
  return shipped;
};

/** Variables every function may use; all optional with defaults. */
export const CommonConfigSchema = z.object({
  STAGE: z.enum(['local', 'aws']).default('aws'),
  /** Origins allowed to post forms from the browser (CORS), comma separated. `*` allows any. */
  ALLOWED_ORIGINS: csv,
  /** Origins a plain HTML form may redirect back to after posting. */
  REDIRECT_ORIGINS: csv,
  /** JSON object: source → HMAC secret, e.g. {"typeform":"…","hubspot":"…"}. */
  INTAKE_SECRETS: z
    .string()
    .optional()
    .transform((v, ctx) => {
      if (!v) return {} as Record<string, string>;
      try {
        return z.record(z.string(), z.string().min(1)).parse(JSON.parse(v));
      } catch {
        ctx.addIssue({ code: 'custom', message: 'must be a JSON object of source → secret' });
        return z.NEVER;
      }
    }),
  /** JSON object: event source → HMAC secret for POST /events (`x-signature: sha256=<hex>`), e.g. {"site":"…"}. */
  EVENT_SECRETS: z
    .string()
    .optional()
    .transform((v, ctx) => {
      if (!v) return {} as Record<string, string>;
      try {
        return z.record(z.string(), z.string().min(1)).parse(JSON.parse(v));
      } catch {
        ctx.addIssue({ code: 'custom', message: 'must be a JSON object of source → secret' });
        return z.NEVER;
      }
    }),
  /**
   * POST /events: an event given by `email` for which no lead exists yet is parked (under a salted hash of the
   * address) for this many days, and attached once a lead with that address arrives; then it expires (TTL).
   */
  EVENT_PARKING_DAYS: z.coerce
    .number({ error: 'EVENT_PARKING_DAYS must be a number of days' })
    .int('EVENT_PARKING_DAYS must be whole days')
    .min(1, 'EVENT_PARKING_DAYS must be at least 1')
    .max(365, 'EVENT_PARKING_DAYS must be at most 365')
    .default(30),
  /** Requests per minute per source before 429. */
  INTAKE_RATE_PER_MINUTE: z.coerce.number().int().positive().default(600),
  /** Requests per minute per client address before 429. */
  INTAKE_CLIENT_RATE_PER_MINUTE: z.coerce.number().int().positive().default(120),
  /** Submissions judged spam per source and minute before 429 (a budget apart from real leads). */
  INTAKE_SPAM_RATE_PER_MINUTE: z.coerce.number().int().positive().default(60),
  /** Every source must sign its submissions: a provider without an INTAKE_SECRETS entry is refused (401). */
  INTAKE_REQUIRE_SIGNATURE: bool,
  /** Same-content resubmissions inside this window return the first lead. */
  DEDUP_WINDOW_SECONDS: z.coerce.number().int().positive().default(600),
  /** Allow enrichment to fetch private/loopback addresses (local stack and tests only). */
  ALLOW_PRIVATE_TARGETS: bool,
  OPENAI_API_KEY: z.string().optional(),
  OPENAI_BASE_URL: z.url().optional(),
  OPENAI_MODEL: z.string().default('gpt-4o-mini'),
  LLM_TIMEOUT_MS: z.coerce.number().int().positive().default(15_000),
  LLM_MAX_RETRIES: z.coerce.number().int().min(0).max(5).default(2),
  /** Most tokens the model may write per lead (`max_completion_tokens` / `max_tokens`). */
  LLM_MAX_OUTPUT_TOKENS: z.coerce.number().int().min(200).max(16_000).default(1_200),
  /**
   * Per-tool enrichment timeouts in ms, as JSON (`{"registry": 5000, "website": 6000}`), overriding each tool's
   * default (registry 3 s, website 4 s, email 2 s, intent 2 s, phone 0.5 s, jobs 3 s). A tool that does not answer in time
   * is recorded as `timeout` and the lead is scored on what the other tools found.
   */
  ENRICH_TOOL_TIMEOUTS_MS: z
    .string()
    .optional()
    .transform((v, ctx) => {
      if (!v) return {} as Record<string, number>;
      try {
        return z.record(z.string(), z.number().int().positive().max(60_000)).parse(JSON.parse(v));
      } catch {
        ctx.addIssue({
          code: 'custom',
          message: 'must be a JSON object of tool name → timeout in ms (1–60000)',
        });
        return z.NEVER;
      }
    }),
  /** The jobs enrichment tool's public job-board APIs (defaults: the real ones; tests point them at local servers). */
  JOB_BOARD_GREENHOUSE_URL: z.url({ error: 'JOB_BOARD_GREENHOUSE_URL must be a URL' }).optional(),
  JOB_BOARD_LEVER_URL: z.url({ error: 'JOB_BOARD_LEVER_URL must be a URL' }).optional(),
  /** Recruitee's careers-site API base with `{company}` for the company's Recruitee name. */
  JOB_BOARD_RECRUITEE_URL: z
    .string()
    .regex(
      /^https?:\/\/\S*\{company\}\S*$/,
      'JOB_BOARD_RECRUITEE_URL must be an http(s) URL with {company} in it',
    )
    .optional(),
  KVK_API_URL: z.url().optional(),
  KVK_API_KEY: z.string().optional(),
  /** Our own website: the only outside link a draft may carry besides the rep's booking link. */
  COMPANY_SITE_URL: z.url().optional(),
  SES_FROM_ADDRESS: z.email().default('sales@example.com'),
  /** Automatic (unreviewed) first emails: one per address in this many days … */
  AUTO_SEND_RECIPIENT_DAYS: z.coerce.number().int().min(1).max(365).default(30),
  /** … and at most this many per recipient domain per UTC day. */
  AUTO_SEND_DOMAIN_PER_DAY: z.coerce.number().int().min(1).max(1_000).default(5),
  SES_CONFIGURATION_SET: z.string().optional(),
  /**
   * A `sending` draft older than this is a dead attempt (functions/agent/pipeline/send-draft.ts). Keep it
   * below the send queue's visibility timeout (180 s), so the dead attempt's own redelivery resolves it.
   */
  SEND_STUCK_AFTER_SECONDS: z.coerce.number().int().positive().default(120),
  /**
   * How long a container keeps the published scoring rules, routing and team (ops API versions) before it
   * reads them again: a publish reaches the pipeline within this time.
   */
  CONFIG_CACHE_SECONDS: z.coerce.number().int().min(0).max(600).default(30),
  ...ShippedPathsSchema.shape,
  /**
   * Signs the prospect's privacy links (objection, explanation, erasure) and salts the address hashes that
   * outlive an erasure. At least 32 characters; required on AWS (set PRIVACY_SECRET_SECRET_REF).
   */
  PRIVACY_SECRET: z.string().min(32, 'PRIVACY_SECRET must be at least 32 characters').optional(),
  /** The public API base URL the privacy links in emails point at, e.g. https://api.example.com. */
  PRIVACY_BASE_URL: z.url().optional(),
  /** LOCAL STACK ONLY: the dev signing key (JWK JSON) for POST /auth/dev-login (functions/platform/local-jwt.ts). */
  LOCAL_JWT_PRIVATE_JWK: z.string().min(1).optional(),
  /**
   * On AWS the secrets above arrive as references, resolved at cold start by ./secrets.ts:
   * `ssm:<parameter>` or `secretsmanager:<name or ARN>[#key]`.
   */
  INTAKE_SECRETS_SECRET_REF: z.string().optional(),
  /** The pages' sign-in on AWS: the Cognito hosted UI's base URL and the web client's id (set by the CDK stack). */
  AUTH_HOSTED_UI_URL: z.url().optional(),
  AUTH_CLIENT_ID: z.string().min(1).optional(),
  EVENT_SECRETS_SECRET_REF: z.string().optional(),
  OPENAI_API_KEY_SECRET_REF: z.string().optional(),
  KVK_API_KEY_SECRET_REF: z.string().optional(),
  PRIVACY_SECRET_SECRET_REF: z.string().optional(),
});
export type CommonConfig = z.infer<typeof CommonConfigSchema>;

/** Parses `env` with `schema` or throws one ConfigError naming every bad variable. */
export const parseConfig = <S extends z.ZodType>(
  schema: S,
  env: Record<string, string | undefined>,
): z.infer<S> => {
  const result = schema.safeParse(env, PARSE_ONCE);
  if (result.success) return result.data;
  const lines = result.error.issues.map((i) => `${i.path.join('.') || '(env)'}: ${i.message}`);
  throw new ConfigError(`Invalid configuration — ${lines.join('; ')}`);
};

const required = (name: string) =>
  z
    .string({ error: `${name} is required (set by the CDK stack or the local stack)` })
    .min(1, `${name} is empty`);

/** The env var carrying a table's name, required. */
export const tableVar = (t: keyof typeof TABLES) => ({ [TABLES[t].envVar]: required(TABLES[t].envVar) });
/** The env var carrying a queue's URL, required. */
export const queueVar = (q: keyof typeof QUEUES) => ({ [QUEUES[q].envVar]: required(QUEUES[q].envVar) });

/** The logger's own variables, read when the logger is created (before any other configuration). */
export const LoggerConfigSchema = z.object({
  POWERTOOLS_SERVICE_NAME: z.string().min(1).default('lead-qualifier'),
  LOG_LEVEL: z
    .enum(['DEBUG', 'INFO', 'WARN', 'ERROR', 'SILENT', 'debug', 'info', 'warn', 'error', 'silent'])
    .default('INFO')
    .transform((v) => v.toUpperCase() as 'DEBUG' | 'INFO' | 'WARN' | 'ERROR' | 'SILENT'),
});

let common: CommonConfig | undefined;
/** Common config, parsed on first use and cached for the life of the container. */
export const commonConfig = (): CommonConfig => {
  common ??= parseConfig(CommonConfigSchema, process.env);
  return common;
};

/**
 * What a pipeline step needs to trigger the CRM sync (functions/platform/crm-notifier.ts): only whether there
 * is a CRM; the credentials stay with the CRM functions.
 */
export const CrmTriggerConfigSchema = z.object({
  CRM: z.enum(['hubspot', 'pipedrive', 'none']).default('none'),
});

/**
 * CRM sync (functions/crm-*.ts): which CRM this deployment syncs with and its credentials. The selected
 * CRM's token and webhook credentials are required; the other CRM's variables are ignored.
 */
export const CrmConfigSchema = z
  .object({
    CRM: z.enum(['hubspot', 'pipedrive', 'none']).default('none'),
    /** HubSpot private app access token (Bearer). */
    HUBSPOT_ACCESS_TOKEN: z.string().min(1).optional(),
    HUBSPOT_BASE_URL: z.url().default('https://api.hubapi.com'),
    /** The app's client secret: HubSpot signs webhooks with it (signature v3). */
    HUBSPOT_WEBHOOK_SECRET: z.string().min(1).optional(),
    PIPEDRIVE_API_TOKEN: z.string().min(1).optional(),
    PIPEDRIVE_BASE_URL: z.url().default('https://api.pipedrive.com'),
    /** HTTP basic auth Pipedrive sends with webhooks (`http_auth_user` / `http_auth_password`). */
    PIPEDRIVE_WEBHOOK_USER: z.string().min(1).optional(),
    PIPEDRIVE_WEBHOOK_PASSWORD: z
      .string()
      .min(8, 'PIPEDRIVE_WEBHOOK_PASSWORD must be at least 8 characters')
      .optional(),
    /** Path of the mapping file; default config/crm-mapping.yaml. */
    CRM_MAPPING_FILE: z.string().min(1).optional(),
    /** Our lead page, the lead id appended: the CRM record links back to it. */
    LEAD_PAGE_BASE_URL: z.url().optional(),
    /** The public base URL the CRM calls webhooks on (HubSpot signs the full URL); default: the request's host. */
    CRM_WEBHOOK_BASE_URL: z.url().optional(),
    /** How long a lead's CRM sync is retried (with backoff) before its message goes to the DLQ. */
    CRM_RETRY_BUDGET_HOURS: z.coerce.number().positive().max(336).default(48),
    /** On AWS the credentials above arrive as references (./secrets.ts), resolved before this is parsed. */
    HUBSPOT_ACCESS_TOKEN_SECRET_REF: z.string().optional(),
    HUBSPOT_WEBHOOK_SECRET_SECRET_REF: z.string().optional(),
    PIPEDRIVE_API_TOKEN_SECRET_REF: z.string().optional(),
    PIPEDRIVE_WEBHOOK_PASSWORD_SECRET_REF: z.string().optional(),
  })
  .superRefine((env, ctx) => {
    const need = (name: keyof typeof env, why: string) => {
      if (!env[name]) ctx.addIssue({ code: 'custom', path: [name], message: `${name} is required ${why}` });
    };
    if (env.CRM === 'hubspot') {
      need('HUBSPOT_ACCESS_TOKEN', 'when CRM=hubspot');
      need('HUBSPOT_WEBHOOK_SECRET', 'when CRM=hubspot (webhook signatures)');
    }
    if (env.CRM === 'pipedrive') {
      need('PIPEDRIVE_API_TOKEN', 'when CRM=pipedrive');
      need('PIPEDRIVE_WEBHOOK_USER', 'when CRM=pipedrive (webhook basic auth)');
      need('PIPEDRIVE_WEBHOOK_PASSWORD', 'when CRM=pipedrive (webhook basic auth)');
    }
  });
export type CrmConfig = z.infer<typeof CrmConfigSchema>;

/**
 * The living score's actions (functions/rescore-sqs.ts, functions/daily-rescore.ts, functions/sla-escalation.ts):
 * where the owner's alert links to, what a missed first-contact SLA does, and when old leads are re-qualified.
 */
export const LivingScoreConfigSchema = z.object({
  /** Our lead page, the lead id appended (the same variable the CRM sync links with): the alert links to it. */
  LEAD_PAGE_BASE_URL: z.url().optional(),
});
export type LivingScoreConfig = z.infer<typeof LivingScoreConfigSchema>;

let livingScore: LivingScoreConfig | undefined;
export const livingScoreConfig = (): LivingScoreConfig => {
  livingScore ??= parseConfig(LivingScoreConfigSchema, process.env);
  return livingScore;
};
