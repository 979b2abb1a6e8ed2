/**
 * SQS rescore queue → a new score version of each lead from its events (debounced by the events API); a nurtured
 * lead whose tier rises goes back to routing through the qualify queue, an owned one's owner is alerted (SES).
 */
import { ulid } from 'ulid';
import { rescoreLead } from './agent/pipeline/rescore-lead';
import { ses } from './platform/clients/sesv2';
import { commonConfig, livingScoreConfig } from './platform/config';
import { crmNotifier } from './platform/crm-notifier';
import { leadMessageHandler } from './platform/lead-message-consumer';
import { leadQueue } from './platform/lead-queues';
import { leadStore } from './platform/leads-table';
import { sesMailer } from './platform/mailer-ses';
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
  crm: crmNotifier(),
  alerts: {
    store,
    mailer: sesMailer(ses, config.SES_CONFIGURATION_SET),
    fromAddress: config.SES_FROM_ADDRESS,
    people: shippedPeople(),
    ...(LEAD_PAGE_BASE_URL ? { leadPageBaseUrl: LEAD_PAGE_BASE_URL } : {}),
    newId: ulid,
  },
};

export const handler = leadMessageHandler({
  queue: 'rescore',
  step: 'score',
  // A re-score that keeps failing is recorded on the lead but never marks it failed: the lead itself is fine.
  store: { recordError: (leadId, error) => store.recordError(leadId, error, false) },
  process: async (leadId) => {
    // Events from now on mark the lead again, so none arriving during this re-score is left out.
    await store.clearRescoreRequest(leadId);
    return { ...(await rescoreLead(leadId, deps)) };
  },
});
