/**
 * With an LLM configured: one structured extraction call that proposes facts from the message, each with a
 * verbatim quote. A proposal is kept only when its quote is in the message word for word (and not in a
 * sentence that addresses the system) and its value is one the rules know; everything else is dropped. The
 * LLM proposes; the rules award the points; the ledger shows the quote. Never throws: a failed call
 * proposes nothing (the deterministic reader already ran).
 */
import * as z from 'zod';
import { renderPrompt } from '../draft/prompts';
import type {
  BudgetStatus,
  BuyingStage,
  QuestionTopic,
  RequestedAction,
  Signal,
  ToolCategory,
} from './signals';
import { withoutInstructions } from './signals';

export const MESSAGE_FACTS_PROMPT = 'message-facts';
export const MESSAGE_FACTS_VERSION = `${MESSAGE_FACTS_PROMPT}@1`;

export const ProposalSchema = z.object({
  facts: z.array(
    z.object({
      kind: z.enum(['budget', 'timeline', 'stage', 'need', 'teamSize', 'tool', 'action', 'question']),
      value: z.string(),
      quote: z.string(),
    }),
  ),
});
export type Proposal = z.infer<typeof ProposalSchema>;

export interface ExtractionConfig {
  readonly apiKey: string;
  readonly baseURL?: string;
  readonly model: string;
  readonly timeoutMs: number;
  readonly maxRetries: number;
  readonly prompts: { readonly system: string; readonly user: string };
}

export interface Extraction {
  readonly signals: Signal[];
  /** Proposals dropped: quote not in the message, in an instruction, or a value the rules do not know. */
  readonly dropped: number;
  readonly failure?: string;
}

const BUDGETS: readonly BudgetStatus[] = ['approved', 'reserved', 'range', 'mentioned'];
const STAGES: readonly BuyingStage[] = ['researching', 'evaluating', 'comparing', 'ready_to_buy'];
const ACTIONS: readonly RequestedAction[] = ['demo', 'trial', 'pricing', 'call', 'information'];
const QUESTIONS: readonly QuestionTopic[] = ['sso', 'integration'];
const CRMS = new Set([
  'hubspot',
  'salesforce',
  'pipedrive',
  'microsoft dynamics',
  'zoho',
  'teamleader',
  'freshsales',
  'copper',
  'close',
]);
const AUTOMATION = new Set([
  'marketo',
  'pardot',
  'mailchimp',
  'activecampaign',
  'spotler',
  'klaviyo',
  'hubspot marketing',
]);

/** Turns one proposal into a typed signal, or undefined when the value is not one the rules know. */
function typed(kind: Proposal['facts'][number]['kind'], raw: string, quote: string): Signal | undefined {
  const value = raw.trim().toLowerCase();
  const source = 'message' as const;
  switch (kind) {
    case 'budget':
      return BUDGETS.includes(value as BudgetStatus)
        ? { kind, value: value as BudgetStatus, quote, source }
        : undefined;
    case 'stage':
      return STAGES.includes(value as BuyingStage)
        ? { kind, value: value as BuyingStage, quote, source }
        : undefined;
    case 'action':
      return ACTIONS.includes(value as RequestedAction)
        ? { kind, value: value as RequestedAction, quote, source }
        : undefined;
    case 'question':
      return QUESTIONS.includes(value as QuestionTopic)
        ? { kind, value: value as QuestionTopic, quote, source }
        : undefined;
    case 'need':
      return value === 'true' ? { kind, value: true, quote, source } : undefined;
    case 'timeline':
    case 'teamSize': {
      const n = Number(value);
      if (!Number.isFinite(n) || n < 0 || n > (kind === 'timeline' ? 36 : 100_000)) return undefined;
      return kind === 'timeline'
        ? { kind, value: n, quote, source }
        : { kind, value: Math.round(n), quote, source };
    }
    case 'tool': {
      const category: ToolCategory | undefined = CRMS.has(value)
        ? 'crm'
        : AUTOMATION.has(value)
          ? 'marketing_automation'
          : undefined;
      return category ? { kind, value, category, quote, source } : undefined;
    }
    default:
      return undefined;
  }
}

/** Keeps the proposals whose quote is in the message verbatim and outside any instruction. */
export function checkProposal(message: string, proposal: Proposal): Extraction {
  const trusted = withoutInstructions(message);
  const signals: Signal[] = [];
  let dropped = 0;
  for (const fact of proposal.facts.slice(0, 50)) {
    const quote = fact.quote.trim();
    const signal =
      quote.length >= 3 && message.includes(quote) && trusted.includes(quote)
        ? typed(fact.kind, fact.value, quote)
        : undefined;
    if (signal) signals.push(signal);
    else dropped++;
  }
  return { signals, dropped };
}

/** One extraction call for the message; proposals that fail the checks are dropped. */
export async function proposeSignals(
  message: string | undefined,
  now: Date,
  cfg: ExtractionConfig,
): Promise<Extraction> {
  if (!message?.trim()) return { signals: [], dropped: 0 };
  // The OpenAI client loads with the first call: a deployment without a key never needs it.
  const { OpenAI, zodResponseFormat } = await import('./openai-client');
  const client = new OpenAI({
    apiKey: cfg.apiKey,
    ...(cfg.baseURL ? { baseURL: cfg.baseURL } : {}),
    timeout: cfg.timeoutMs,
    maxRetries: cfg.maxRetries,
  });
  const view = { today: now.toISOString().slice(0, 10), message: message.slice(0, 10_000) };
  try {
    const completion = await client.chat.completions.parse({
      model: cfg.model,
      messages: [
        { role: 'system', content: renderPrompt(cfg.prompts.system, view) },
        { role: 'user', content: renderPrompt(cfg.prompts.user, view) },
      ],
      response_format: zodResponseFormat(ProposalSchema, 'message_facts'),
      max_completion_tokens: 800,
    });
    const parsed = completion.choices[0]?.message.parsed;
    if (!parsed) return { signals: [], dropped: 0, failure: 'no_output' };
    return checkProposal(message, parsed);
  } catch (error) {
    return { signals: [], dropped: 0, failure: error instanceof Error ? error.name : 'error' };
  }
}
