/**
 * Scheduled every 5 minutes (EventBridge on AWS, local/scheduler.ts locally): escalates the leads whose
 * first-contact SLA passed without contact, once per SLA due time, as config/follow-up.yaml says per team
 * (functions/agent/pipeline/escalate-sla.ts): the manager's email, or a reassignment to the next rep.
 */
import { ulid } from 'ulid';
import { runSlaEscalation } from './agent/pipeline/escalate-sla';
import { ses } from './platform/clients/sesv2';
import { commonConfig, livingScoreConfig } from './platform/config';
import { crmNotifier } from './platform/crm-notifier';
import { leadStore } from './platform/leads-table';
import { sesMailer } from './platform/mailer-ses';
import { logger } from './platform/observability';
import { shippedFollowUp } from './platform/shipped-follow-up';
import { shippedRouting } from './platform/shipped-routing';

const config = commonConfig();
const { LEAD_PAGE_BASE_URL } = livingScoreConfig();
const deps = {
  store: leadStore(),
  mailer: sesMailer(ses, config.SES_CONFIGURATION_SET),
  fromAddress: config.SES_FROM_ADDRESS,
  routing: shippedRouting(),
  followUp: shippedFollowUp,
  ...(LEAD_PAGE_BASE_URL ? { leadPageBaseUrl: LEAD_PAGE_BASE_URL } : {}),
  now: () => new Date(),
  newId: ulid,
  crm: crmNotifier(),
};

export const handler = async () => {
  const result = await runSlaEscalation(deps);
  logger.info('SLA escalation done', { ...result });
  return result;
};
