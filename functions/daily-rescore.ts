/**
 * Scheduled daily (EventBridge on AWS, local/scheduler.ts locally): re-scores every open lead as of today so decay
 * and inactivity rules apply (functions/agent/pipeline/rescore-lead.ts `runDailyRescore`); idempotent per day. A
 * lead the day's score raises alerts its owner (SES), like an event's re-score.
 */
import { ulid } from 'ulid';
import { runDailyRescore } from './agent/pipeline/rescore-lead';
import { ses } from './platform/clients/sesv2';
import { commonConfig, livingScoreConfig } from './platform/config';
import { leadQueue } from './platform/lead-queues';
import { leadStore } from './platform/leads-table';
import { sesMailer } from './platform/mailer-ses';
import { logger } from './platform/observability';
import { shippedPeople } from './platform/shipped-routing';
import { shippedRules } from './platform/shipped-rules';

const config = commonConfig();
const { LEAD_PAGE_BASE_URL } = livingScoreConfig();
const store = leadStore();
const deps = {
  store,
  rules: shippedRules,
  now: () => new Date(),
  qualifyQueue: leadQueue('qualify'),
  ownerIds: [...shippedPeople().keys()],
  alerts: {
    store,
    mailer: sesMailer(ses, config.SES_CONFIGURATION_SET),
    fromAddress: config.SES_FROM_ADDRESS,
    people: shippedPeople(),
    ...(LEAD_PAGE_BASE_URL ? { leadPageBaseUrl: LEAD_PAGE_BASE_URL } : {}),
    newId: ulid,
  },
};

export const handler = async () => {
  const result = await runDailyRescore(deps);
  logger.info('Daily re-score done', { ...result });
  return result;
};
