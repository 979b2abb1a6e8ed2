/** SQS send queue → the approved first email goes out through SES v2, exactly once per draft (send-draft.ts). */
import { signerFrom } from './agent/pipeline/draft-lead';
import { type SendDeps, sendDraft } from './agent/pipeline/send-draft';
import { dynamo } from './platform/clients/dynamodb';
import { ses } from './platform/clients/sesv2';
import { commonConfig } from './platform/config';
import { crmNotifier } from './platform/crm-notifier';
import { leadMessageHandler } from './platform/lead-message-consumer';
import { leadQueue } from './platform/lead-queues';
import { leadStore, leadsTableName } from './platform/leads-table';
import { sesMailer } from './platform/mailer-ses';
import { privacyLinkSettings } from './platform/privacy-settings';
import { DynamoAutoSendGate } from './platform/send-limits-dynamodb';
import { shippedPeople } from './platform/shipped-routing';

const config = commonConfig();
const store = leadStore();
const mailer = sesMailer(ses, config.SES_CONFIGURATION_SET);
const people = shippedPeople();
const sendQueue = leadQueue('send');

const deps: SendDeps = {
  store,
  mailer,
  fromAddress: config.SES_FROM_ADDRESS,
  rep: signerFrom(people),
  now: () => new Date(),
  stuckAfterSeconds: config.SEND_STUCK_AFTER_SECONDS,
  sendQueue,
  crm: crmNotifier(),
  autoSendGate: new DynamoAutoSendGate(dynamo, leadsTableName(), {
    recipientDays: config.AUTO_SEND_RECIPIENT_DAYS,
    domainPerDay: config.AUTO_SEND_DOMAIN_PER_DAY,
  }),
  privacy: privacyLinkSettings(),
};

export const handler = leadMessageHandler({
  queue: 'send',
  step: 'send',
  store,
  process: (leadId) => sendDraft(leadId, deps),
});
