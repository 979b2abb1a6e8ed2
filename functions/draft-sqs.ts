/** SQS draft queue → rationale and first-response draft for each routed lead, then the handoff point. */
import { buildAllowList, writeRationaleAndDraft } from './agent/draft';
import { teamCalendar } from './agent/handoff/policy';
import { type DraftDeps, draftLead, signerFrom } from './agent/pipeline/draft-lead';
import { dynamo } from './platform/clients/dynamodb';
import { commonConfig } from './platform/config';
import { crmNotifier } from './platform/crm-notifier';
import { cachedActivePolicy, HandoffStore } from './platform/handoff-store-dynamodb';
import { leadMessageHandler } from './platform/lead-message-consumer';
import { leadQueue } from './platform/lead-queues';
import { leadStore, leadsTableName } from './platform/leads-table';
import { shippedCompany } from './platform/shipped-company';
import { shippedHandoff } from './platform/shipped-handoff';
import { shippedPrompts } from './platform/shipped-prompts';
import { shippedPeople, shippedRouting } from './platform/shipped-routing';

const config = commonConfig();
const store = leadStore();
const sendQueue = leadQueue('send');
const people = shippedPeople();
const llm = config.OPENAI_API_KEY
  ? {
      apiKey: config.OPENAI_API_KEY,
      ...(config.OPENAI_BASE_URL ? { baseURL: config.OPENAI_BASE_URL } : {}),
      model: config.OPENAI_MODEL,
      timeoutMs: config.LLM_TIMEOUT_MS,
      maxRetries: config.LLM_MAX_RETRIES,
      prompts: shippedPrompts(),
      maxOutputTokens: config.LLM_MAX_OUTPUT_TOKENS,
    }
  : undefined;

/** The active handoff version (ops API), seeded from config/handoff.yaml; re-read at most every 5 s. */
const activeHandoffPolicy = cachedActivePolicy(
  new HandoffStore(dynamo, leadsTableName(), shippedHandoff),
  5_000,
);
const calendarOf = teamCalendar(shippedRouting().teams);

const deps: DraftDeps = {
  store,
  write: (input) =>
    writeRationaleAndDraft(input, {
      ...(llm ? { llm } : {}),
      now: () => new Date(),
      allowList: buildAllowList(input),
    }),
  rep: signerFrom(people),
  ...(config.COMPANY_SITE_URL ? { companySiteUrl: config.COMPANY_SITE_URL } : {}),
  seller: shippedCompany(),
  handoffPolicy: activeHandoffPolicy,
  calendar: calendarOf,
  sendQueue,
  crm: crmNotifier(),
  clock: () => performance.now(),
  now: () => new Date(),
};

export const handler = leadMessageHandler({
  queue: 'draft',
  step: 'draft',
  store,
  process: (leadId) => draftLead(leadId, deps),
});
