/**
 * Input, dependencies and result of the drafting step (after scoring and routing). The step explains and
 * drafts; it never decides: score, tier, quadrant and route are inputs only and are returned untouched.
 */
import type { Enrichment } from '../enrichment';
import type { Language, Lead } from '../lead';
import type { Draft, Rationale, Route, Score } from '../qualification';
import type { PromptTemplates } from './prompts';
import type { SellerInfo } from './request';

export interface RepInfo {
  id: string;
  name: string;
  email: string;
  title?: string;
  bookingUrl?: string;
}

export interface DraftingInput {
  leadId: string;
  lead: Lead;
  enrichment: Enrichment;
  score: Score;
  route: Route;
  /** The assigned rep (absent for nurture routes). */
  rep?: RepInfo;
  /** Whether a first-response email draft is wanted (handoff mode, consent, route). */
  wantsEmail: boolean;
  /** Our own company's website (the seller's, from config) — never the lead's site. */
  companySiteUrl?: string;
  /** Language of the rationale for the rep; defaults to English. The draft always follows `lead.language`. */
  rationaleLanguage?: Language;
  /** IANA time zone of the owner's team (business calendar): the rationale's times are local to it. */
  timeZone?: string;
  /** Our company and product as the draft names them (config/company.yaml). */
  seller?: SellerInfo;
}

export interface LlmConfig {
  apiKey: string;
  /** Any OpenAI-compatible endpoint: OpenAI, Azure OpenAI (`…/openai/v1/`), Ollama, vLLM, a test server. */
  baseURL?: string;
  model: string;
  /** Per attempt (SDK `timeout`). */
  timeoutMs: number;
  /** Retries after the first attempt (SDK `maxRetries`, exponential backoff, honours Retry-After). */
  maxRetries: number;
  /** The prompt templates (functions/platform/shipped-files.ts reads them from prompts/). */
  prompts: PromptTemplates;
  /**
   * Most tokens the model may write per call (`max_completion_tokens`, and `max_tokens` for models and servers
   * that only know that one); default `DEFAULT_MAX_OUTPUT_TOKENS`. Caps what one lead can cost.
   */
  maxOutputTokens?: number;
}

/** Links and addresses a draft may contain: our site's domain, the rep's address, the booking link. */
export interface AllowList {
  domains: string[];
  emails: string[];
  urls: string[];
  /**
   * Phrases from our own configuration (pricing, company facts) a draft may repeat verbatim even though they
   * state an amount, a phone number or an offer; absent = none.
   */
  phrases?: string[];
}

export interface DraftingDeps {
  /** Absent (or empty apiKey): the template writer is used, no network. */
  llm?: LlmConfig;
  now: () => Date;
  /** Build it with `buildAllowList(input)`. */
  allowList: AllowList;
}

export interface GuardrailVerdict {
  passed: boolean;
  issues: string[];
}

/** The draft parts of `Draft` this step writes; status and handoff are set by the handoff step. */
export type DraftPart = Pick<
  Draft,
  'subject' | 'body' | 'language' | 'provider' | 'promptVersion' | 'guardrail' | 'createdAt'
> & {
  /** Model that was asked (also when its output was replaced by the template). */
  model?: string;
  /** Why this draft came from the template although an LLM was configured. */
  fallbackReason?: string;
};

export interface UsageRecord {
  model: string;
  promptTokens: number;
  completionTokens: number;
  costUsd: number;
  /** Set when the cost could not be computed, e.g. a model missing from the price table. */
  costNote?: string;
  /** HTTP attempts made (1 + retries). */
  attempts: number;
}

export interface DraftingResult {
  rationale: Rationale;
  draft?: DraftPart;
  nextAction: string;
  questionsForFirstCall: string[];
  /**
   * True when LLM output (or, exceptionally, template output) failed a guardrail. The handoff step must then
   * force human review of this lead's draft whatever its configured mode (never auto-send).
   */
  humanReviewRequired: boolean;
  /** Why human review is forced (guardrail issues), empty otherwise. */
  humanReviewReasons: string[];
  /** Token usage and cost of the LLM call, when one answered. */
  usage?: UsageRecord;
}
