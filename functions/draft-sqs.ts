/** SQS draft queue → rationale and first-response draft for each routed lead, then the handoff point. */
import { buildAllowList, writeRationaleAndDraft } from './agent/draft';
import { defaultHandoffPolicy, teamCalendar } from './agent/handoff/config-file';
import { decideHandoff } from './agent/handoff/policy';
import { draftLead } from './agent/pipeline/draft-lead';
import { defaultRoutingSetup } from './agent/route/config-file';
import { dynamo } from './platform/clients/dynamodb';
import { commonConfig } from './platform/config';
import { cachedActivePolicy, HandoffStore } from './platform/handoff-store-dynamodb';
import { leadStore, leadsTableName } from './platform/leads-table';
import { logger } from './platform/observability';
import { queue } from './platform/queues';
import { leadMessageHandler } from './platform/sqs';

const config = commonConfig();
const store = leadStore();
const sendQueue = queue('send');
const people = defaultRoutingSetup().teams.people;
const llm = config.OPENAI_API_KEY
  ? {
      apiKey: config.OPENAI_API_KEY,
      ...(config.OPENAI_BASE_URL ? { baseURL: config.OPENAI_BASE_URL } : {}),
      model: config.OPENAI_MODEL,
      timeoutMs: config.LLM_TIMEOUT_MS,
      maxRetries: config.LLM_MAX_RETRIES,
      maxOutputTokens: config.LLM_MAX_OUTPUT_TOKENS,
    }
  : undefined;

/** The active handoff version (ops API), seeded from config/handoff.yaml; re-read at most every 5 s. */
const activeHandoffPolicy = cachedActivePolicy(
  new HandoffStore(dynamo, leadsTableName(), defaultHandoffPolicy),
  5_000,
);
const calendarOf = teamCalendar(defaultRoutingSetup().teams);

export const handler = leadMessageHandler({
  queue: 'draft',
  step: 'draft',
  store,
  process: async (leadId) => {
    const handoffPolicy = await activeHandoffPolicy();
    const result = await draftLead(leadId, {
      store,
      write: (input) =>
        writeRationaleAndDraft(input, {
          ...(llm ? { llm } : {}),
          now: () => new Date(),
          allowList: buildAllowList(input),
        }),
      rep: (ownerId) => {
        const p = ownerId ? people.get(ownerId) : undefined;
        return p
          ? {
              id: p.id,
              name: p.name,
              email: p.email,
              title: p.title,
              ...(p.bookingUrl ? { bookingUrl: p.bookingUrl } : {}),
            }
          : undefined;
      },
      ...(config.COMPANY_SITE_URL ? { companySiteUrl: config.COMPANY_SITE_URL } : {}),
      handoff: (record, drafting) =>
        decideHandoff(record, drafting, handoffPolicy, new Date(), { calendar: calendarOf }),
      sendQueue,
      clock: () => performance.now(),
      now: () => new Date(),
    });
    logger.info('Draft step done', { leadId, ...result });
  },
});
