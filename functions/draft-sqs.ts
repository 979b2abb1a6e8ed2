/** SQS draft queue → rationale and first-response draft for each routed lead, then the handoff point. */
import { ulid } from 'ulid';
import { buildAllowList, writeRationaleAndDraft } from './agent/draft';
import { teamCalendar } from './agent/handoff/policy';
import { proposeSignals } from './agent/judge/llm-extract';
import { type DraftDeps, draftLead, signerFrom } from './agent/pipeline/draft-lead';
import { type ForwardDeps, forwardLead } from './agent/pipeline/forward-lead';
import { dynamo } from './platform/clients/dynamodb';
import { ses } from './platform/clients/sesv2';
import { commonConfig } from './platform/config';
import { crmNotifier } from './platform/crm-notifier';
import { cachedActivePolicy, HandoffStore } from './platform/handoff-store-dynamodb';
import { leadMessageHandler } from './platform/lead-message-consumer';
import { leadQueue } from './platform/lead-queues';
import { leadStore, leadsTableName } from './platform/leads-table';
import { sesMailer } from './platform/mailer-ses';
import { shippedCompany } from './platform/shipped-company';
import { shippedDispositions } from './platform/shipped-dispositions';
import { shippedHandoff } from './platform/shipped-handoff';
import { shippedMessageFactsPrompts, shippedPrompts } from './platform/shipped-prompts';
import { shippedPeople, shippedRouting } from './platform/shipped-routing';
import { shippedRules } from './platform/shipped-rules';

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
  ...(llm
    ? {
        readMessage: {
          propose: (message: string, now: Date) =>
            proposeSignals(message, now, { ...llm, prompts: shippedMessageFactsPrompts() }),
          rules: shippedRules(),
          dispositions: shippedDispositions(),
        },
      }
    : {}),
  handoffPolicy: activeHandoffPolicy,
  calendar: calendarOf,
  sendQueue,
  crm: crmNotifier(),
  clock: () => performance.now(),
  now: () => new Date(),
};

/** A non-sales submission with a `forward` destination: one internal notification to that team. */
const forwardDeps: ForwardDeps = {
  store,
  mailer: sesMailer(ses, config.SES_CONFIGURATION_SET),
  fromAddress: config.SES_FROM_ADDRESS,
  now: () => new Date(),
  newId: ulid,
};

export const handler = leadMessageHandler({
  queue: 'draft',
  step: 'draft',
  store,
  process: async (leadId) => {
    const drafted = await draftLead(leadId, deps);
    // After the rationale is stored; a redelivery finds the forward mark and sends nothing again.
    await forwardLead(leadId, forwardDeps);
    return drafted;
  },
});
