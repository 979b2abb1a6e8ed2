/**
 * One structured chat-completions call (`chat.completions.parse` + `zodResponseFormat`) against any
 * OpenAI-compatible endpoint. Never throws: every failure becomes a `fallbackReason` for the template.
 */
import OpenAI from 'openai';
import {
  APIConnectionError,
  APIConnectionTimeoutError,
  APIError,
  ContentFilterFinishReasonError,
  LengthFinishReasonError,
} from 'openai/error';
import { zodResponseFormat } from 'openai/helpers/zod';
import * as z from 'zod';
import { costOf } from './pricing';
import type { ChatMessages } from './prompt-view';
import type { LlmConfig, UsageRecord } from './types';

/** Kept free of length/count limits: strict structured outputs accept few keywords; guardrails check the rest. */
export const LlmOutputSchema = z.object({
  rationale: z.string(),
  questionsForFirstCall: z.array(z.string()),
  nextAction: z.string(),
  email: z.object({ subject: z.string(), body: z.string() }).nullable(),
});
export type LlmOutput = z.infer<typeof LlmOutputSchema>;

export const RESPONSE_FORMAT_NAME = 'lead_rationale';

/**
 * Output cap per call when the config names none: the rationale (≤ 6 sentences), 2–4 questions, a next action
 * and a draft under 150 words fit in about 700 tokens; a model made to ramble is cut off (→ `truncated_output`,
 * template fallback) instead of billing without limit.
 */
export const DEFAULT_MAX_OUTPUT_TOKENS = 1_200;

/** OpenAI reasoning models refuse the older `max_tokens`; they take `max_completion_tokens` only. */
const REASONING_MODEL_RE = /^(?:o\d|gpt-5)/i;

/**
 * The output-token limit as request parameters: `max_completion_tokens` always (OpenAI's current name; it
 * also bounds reasoning tokens), plus `max_tokens` for every model that still accepts it (older OpenAI models
 * and OpenAI-compatible servers such as Ollama or vLLM that only read that one).
 */
export function outputTokenLimit(cfg: Pick<LlmConfig, 'model' | 'maxOutputTokens'>): {
  max_completion_tokens: number;
  max_tokens?: number;
} {
  const limit = cfg.maxOutputTokens ?? DEFAULT_MAX_OUTPUT_TOKENS;
  return REASONING_MODEL_RE.test(cfg.model)
    ? { max_completion_tokens: limit }
    : { max_completion_tokens: limit, max_tokens: limit };
}

export type LlmCallResult =
  | { ok: true; output: LlmOutput; usage: UsageRecord }
  | { ok: false; reason: string; usage?: UsageRecord };

/** A short, non-personal reason for a failed call. */
export function classifyError(err: unknown): string {
  if (err instanceof APIConnectionTimeoutError) return 'timeout';
  if (err instanceof APIConnectionError) return 'connection_error';
  if (err instanceof APIError) {
    if (err.status === 429) return 'rate_limited';
    if (typeof err.status === 'number' && err.status >= 500) return `server_error_${err.status}`;
    return `api_error_${err.status ?? 'unknown'}`;
  }
  if (err instanceof LengthFinishReasonError) return 'truncated_output';
  if (err instanceof ContentFilterFinishReasonError) return 'content_filter';
  if (err instanceof z.ZodError) return 'schema_violation';
  if (err instanceof SyntaxError) return 'malformed_json';
  return 'unexpected_error';
}

interface RawUsage {
  prompt_tokens?: number;
  completion_tokens?: number;
}

function usageRecord(
  model: string,
  raw: RawUsage | undefined | null,
  attempts: number,
): UsageRecord | undefined {
  if (!raw) return undefined;
  const promptTokens = raw.prompt_tokens ?? 0;
  const completionTokens = raw.completion_tokens ?? 0;
  return {
    model,
    promptTokens,
    completionTokens,
    attempts,
    ...costOf(model, promptTokens, completionTokens),
  };
}

export async function callLlm(cfg: LlmConfig, messages: ChatMessages): Promise<LlmCallResult> {
  let attempts = 0;
  let lastOk: Response | undefined;
  const client = new OpenAI({
    apiKey: cfg.apiKey,
    baseURL: cfg.baseURL,
    timeout: cfg.timeoutMs,
    maxRetries: cfg.maxRetries,
    // Counts attempts and keeps a copy of a 2xx body, so usage is known even when parsing it fails.
    fetch: async (url, init) => {
      attempts++;
      const res = await fetch(url, init);
      lastOk = res.ok ? res.clone() : undefined;
      return res;
    },
  });
  try {
    const completion = await client.chat.completions.parse({
      model: cfg.model,
      messages: [
        { role: 'system', content: messages.system },
        { role: 'user', content: messages.user },
      ],
      response_format: zodResponseFormat(LlmOutputSchema, RESPONSE_FORMAT_NAME),
      ...outputTokenLimit(cfg),
    });
    const model = completion.model || cfg.model;
    const usage = usageRecord(model, completion.usage, attempts) ?? usageRecord(model, {}, attempts)!;
    const message = completion.choices[0]?.message;
    if (!message) return { ok: false, reason: 'empty_output', usage };
    if (message.refusal) return { ok: false, reason: 'refusal', usage };
    if (!message.parsed) return { ok: false, reason: 'empty_output', usage };
    return { ok: true, output: message.parsed, usage };
  } catch (err) {
    let usage: UsageRecord | undefined;
    if (lastOk) {
      try {
        const body = (await lastOk.json()) as { model?: string; usage?: RawUsage };
        usage = usageRecord(body.model || cfg.model, body.usage, attempts);
      } catch {
        usage = undefined;
      }
    }
    return { ok: false, reason: classifyError(err), usage };
  }
}
