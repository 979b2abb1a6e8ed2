/**
 * Scheduled daily (EventBridge on AWS, local/scheduler.ts locally): re-scores every open lead as of today so decay
 * and inactivity rules apply (functions/agent/pipeline/rescore-lead.ts `runDailyRescore`); idempotent per day. A
 * lead the day's score raises alerts its owner (SES), like an event's re-score. Before that, leads closed lost
 * longer ago than config/follow-up.yaml says are recycled to nurture (functions/agent/pipeline/recycle-lost.ts).
 * Nurtured leads whose enrichment is older than `requalifyAfterDays` are queued on the qualify queue for a
 * re-qualification instead of the day's re-score (functions/agent/pipeline/requalify-lead.ts).
 */
import { ulid } from 'ulid';
import { recycleLostLeads } from './agent/pipeline/recycle-lost';
import { runDailyRescore } from './agent/pipeline/rescore-lead';
import { ses } from './platform/clients/sesv2';
import { commonConfig, livingScoreConfig } from './platform/config';
import { leadQueue } from './platform/lead-queues';
import { leadStore } from './platform/leads-table';
import { sesMailer } from './platform/mailer-ses';
import { logger } from './platform/observability';
import { shippedFollowUp } from './platform/shipped-follow-up';
import { shippedPeople, shippedRouting } from './platform/shipped-routing';
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
  // Leads closed lost long ago go back to nurture first, so today's re-score sees them there.
  const recycled = await recycleLostLeads({ ...deps, routing: shippedRouting(), followUp: shippedFollowUp });
  // Nurtured leads enriched long ago are queued for fresh enrichment (the qualify function runs the tools).
  const requalify = { afterDays: shippedFollowUp().requalify.requalifyAfterDays, queue: deps.qualifyQueue };
  const result = await runDailyRescore({ ...deps, requalify });
  logger.info('Daily re-score done', { ...result, recycled: recycled.recycled });
  return { ...result, recycled };
};
