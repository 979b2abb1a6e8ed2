export { buildAllowList } from './allow-list';
export {
  checkDraft,
  checkRationale,
  findBareHosts,
  findEmails,
  findUrls,
  type GuardrailContext,
  stripHtml,
} from './guardrails';
export { costOf, PRICE_PER_MILLION_USD } from './pricing';
export { buildMessages } from './prompt-view';
export { PROMPT_VERSION, type PromptTemplates, readPromptTemplates } from './prompts';
export { TEMPLATE_VERSION, writeTemplate } from './template';
export type {
  AllowList,
  DraftingDeps,
  DraftingInput,
  DraftingResult,
  DraftPart,
  GuardrailVerdict,
  LlmConfig,
  RepInfo,
  UsageRecord,
} from './types';
export { writeRationaleAndDraft } from './write';
