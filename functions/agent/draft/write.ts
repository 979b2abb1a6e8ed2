/**
 * The drafting step: after scoring and routing, an LLM (or the template writer) writes a rationale for the
 * rep and a first-response draft. It explains and drafts; it never decides — score, tier, quadrant and
 * route are read only and never returned changed.
 */
import type { Language } from '../lead';
import type { Rationale } from '../qualification';
import { checkDraft, checkRationale, cleanText, type GuardrailContext } from './guardrails';
import { buildMessages } from './prompt-view';
import { PROMPT_VERSION } from './prompts';
import { signature, TEMPLATE_VERSION, writeTemplate } from './template';
import type { DraftingDeps, DraftingInput, DraftingResult, DraftPart, UsageRecord } from './types';

const QUESTIONS_LABEL: Record<Language, string> = {
  en: 'Questions for the first call:',
  nl: 'Vragen voor het eerste gesprek:',
};

function rationaleText(text: string, questions: string[], lang: Language): string {
  if (questions.length === 0) return text;
  return `${text}\n\n${QUESTIONS_LABEL[lang]}\n${questions.map((q) => `- ${q}`).join('\n')}`;
}

function usageOf(usage: UsageRecord | undefined): Rationale['usage'] {
  return usage
    ? { promptTokens: usage.promptTokens, completionTokens: usage.completionTokens, costUsd: usage.costUsd }
    : undefined;
}

interface TemplateRun {
  fallbackReason?: string;
  model?: string;
  usage?: UsageRecord;
  /** Issues of LLM output that was rejected: they make the draft fail and force human review. */
  rejectedIssues?: string[];
  /** Keep the LLM's rationale (it passed) and take only the draft from the template. */
  keepRationale?: { rationale: Rationale; nextAction: string; questionsForFirstCall: string[] };
}

function fromTemplate(
  input: DraftingInput,
  deps: DraftingDeps,
  ctx: GuardrailContext,
  run: TemplateRun,
): DraftingResult {
  const writtenAt = deps.now().toISOString();
  const lang = input.rationaleLanguage ?? 'en';
  const tpl = writeTemplate(input);
  const rejected = run.rejectedIssues ?? [];
  let draft: DraftPart | undefined;
  let templateIssues: string[] = [];
  if (input.wantsEmail && tpl.email) {
    let checked = checkDraft(tpl.email, ctx);
    if (checked.issues.length > 0) {
      // Should not happen (lead text is filtered); fall back to the version without any lead-provided text.
      templateIssues = checked.issues.map((i) => `template: ${i}`);
      checked = checkDraft(writeTemplate(input, { neutral: true }).email!, ctx);
      templateIssues.push(...checked.issues.map((i) => `template (neutral): ${i}`));
    }
    const issues = [...rejected, ...templateIssues];
    draft = {
      subject: checked.draft.subject,
      body: checked.draft.body,
      language: input.lead.language,
      provider: 'template',
      promptVersion: TEMPLATE_VERSION,
      guardrail: { passed: issues.length === 0, issues },
      createdAt: writtenAt,
      ...(run.model ? { model: run.model } : {}),
      ...(run.fallbackReason ? { fallbackReason: run.fallbackReason } : {}),
    };
  }
  const reviewReasons = [...rejected, ...templateIssues];
  if (run.keepRationale) {
    return {
      ...run.keepRationale,
      draft,
      humanReviewRequired: reviewReasons.length > 0,
      humanReviewReasons: reviewReasons,
      ...(run.usage ? { usage: run.usage } : {}),
    };
  }
  const text = cleanText('rationale', tpl.rationale).text;
  const rationale: Rationale = {
    text: rationaleText(text, tpl.questionsForFirstCall, lang),
    nextAction: tpl.nextAction,
    provider: 'template',
    promptVersion: TEMPLATE_VERSION,
    writtenAt,
    ...(run.model ? { model: run.model } : {}),
    ...(run.fallbackReason ? { fallbackReason: run.fallbackReason } : {}),
    ...(run.usage ? { usage: usageOf(run.usage) } : {}),
  };
  return {
    rationale,
    draft,
    nextAction: tpl.nextAction,
    questionsForFirstCall: tpl.questionsForFirstCall,
    humanReviewRequired: reviewReasons.length > 0,
    humanReviewReasons: reviewReasons,
    ...(run.usage ? { usage: run.usage } : {}),
  };
}

/**
 * Writes the rationale, next action, first-call questions and (when `wantsEmail`) the first-response draft.
 * Never throws for LLM trouble: timeouts, 429/5xx after retries, refusals, malformed or schema-violating
 * output and guardrail failures all fall back to the template writer, with `fallbackReason` recorded.
 * When LLM output fails a guardrail, `draft.guardrail.passed` is false and `humanReviewRequired` is true.
 */
export async function writeRationaleAndDraft(
  input: DraftingInput,
  deps: DraftingDeps,
): Promise<DraftingResult> {
  const ctx: GuardrailContext = {
    allowList: deps.allowList,
    score: input.score,
    route: input.route,
    enrichment: input.enrichment,
    lead: input.lead,
    rep: input.rep,
    signature: signature(input),
    ...(input.timeZone ? { timeZone: input.timeZone } : {}),
  };
  const llm = deps.llm;
  if (!llm?.apiKey) return fromTemplate(input, deps, ctx, { fallbackReason: 'llm_not_configured' });

  // The OpenAI client loads with the first LLM call: a deployment without a key never needs it.
  const { callLlm } = await import('./llm');
  const call = await callLlm(llm, buildMessages(input, deps.allowList, llm.prompts));
  const model = call.usage?.model ?? llm.model;
  if (!call.ok)
    return fromTemplate(input, deps, ctx, { fallbackReason: call.reason, model, usage: call.usage });

  const out = call.output;
  const rat = checkRationale(
    {
      rationale: out.rationale,
      nextAction: out.nextAction,
      questionsForFirstCall: out.questionsForFirstCall,
    },
    ctx,
  );
  const dr = input.wantsEmail && out.email ? checkDraft(out.email, ctx) : undefined;
  const issues = [...rat.issues, ...(dr?.issues ?? [])];
  if (issues.length > 0) {
    // The whole output is distrusted (a hijacked model rarely fails in one field only).
    return fromTemplate(input, deps, ctx, {
      fallbackReason: 'guardrail',
      model,
      usage: call.usage,
      rejectedIssues: issues,
    });
  }

  const writtenAt = deps.now().toISOString();
  const lang = input.rationaleLanguage ?? 'en';
  const rationale: Rationale = {
    text: rationaleText(rat.parts.rationale, rat.parts.questionsForFirstCall, lang),
    nextAction: rat.parts.nextAction,
    provider: 'openai',
    model,
    promptVersion: PROMPT_VERSION,
    usage: usageOf(call.usage),
    writtenAt,
  };
  const kept = {
    rationale,
    nextAction: rat.parts.nextAction,
    questionsForFirstCall: rat.parts.questionsForFirstCall,
  };
  if (input.wantsEmail && !dr) {
    return fromTemplate(input, deps, ctx, {
      fallbackReason: 'no_email_in_output',
      model,
      usage: call.usage,
      keepRationale: kept,
    });
  }
  const draft: DraftPart | undefined = dr
    ? {
        subject: dr.draft.subject,
        body: dr.draft.body,
        language: input.lead.language,
        provider: 'openai',
        promptVersion: PROMPT_VERSION,
        guardrail: { passed: true, issues: [] },
        createdAt: writtenAt,
        model,
      }
    : undefined;
  return { ...kept, draft, humanReviewRequired: false, humanReviewReasons: [], usage: call.usage };
}
