/**
 * Scheduled daily (EventBridge on AWS, local/scheduler.ts locally): re-scores every open lead as of today so decay
 * and inactivity rules apply (functions/agent/pipeline/rescore-lead.ts `runDailyRescore`); idempotent per day.
 */
import { runDailyRescore } from './agent/pipeline/rescore-lead';
import { leadQueue } from './platform/lead-queues';
import { leadStore } from './platform/leads-table';
import { logger } from './platform/observability';
import { shippedPeople } from './platform/shipped-routing';
import { shippedRules } from './platform/shipped-rules';

const deps = {
  store: leadStore(),
  rules: shippedRules,
  now: () => new Date(),
  qualifyQueue: leadQueue('qualify'),
  ownerIds: [...shippedPeople().keys()],
};

export const handler = async () => {
  const result = await runDailyRescore(deps);
  logger.info('Daily re-score done', { ...result });
  return result;
};
