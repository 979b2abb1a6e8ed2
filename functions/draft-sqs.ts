/** SQS draft queue → rationale and first-response draft for each routed lead, then the handoff point. */
import { buildAllowList, writeRationaleAndDraft } from './agent/draft';
import { draftLead, type HandoffDecision } from './agent/pipeline/draft-lead';
import { defaultRoutingSetup } from './agent/route/config-file';
import { commonConfig } from './platform/config';
import { leadStore, queue } from './platform/leads-table';
import { logger } from './platform/observability';
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
    }
  : undefined;

/** Every draft waits for its owner's approval: the safe default handoff point. */
const reviewEverything = (): HandoffDecision => ({
  mode: 'review',
  reason: 'default: review every draft',
  version: 'default',
});

export const handler = leadMessageHandler({
  queue: 'draft',
  step: 'draft',
  store,
  process: async (leadId) => {
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
      handoff: reviewEverything,
      sendQueue,
      clock: () => performance.now(),
      now: () => new Date(),
    });
    logger.info('Draft step done', { leadId, ...result });
  },
});
