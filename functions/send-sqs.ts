/** SQS send queue → the approved first email goes out through SES v2, exactly once per draft (send-draft.ts). */
import { delayUntil } from './agent/pipeline/draft-lead';
import { sendDraft } from './agent/pipeline/send-draft';
import { defaultRoutingSetup } from './agent/route/config-file';
import { dynamo } from './platform/clients/dynamodb';
import { ses } from './platform/clients/sesv2';
import { commonConfig } from './platform/config';
import { leadStore, leadsTableName } from './platform/leads-table';
import { sesMailer } from './platform/mailer-ses';
import { logger } from './platform/observability';
import { queue } from './platform/queues';
import { DynamoAutoSendGate } from './platform/send-limits-dynamodb';
import { leadMessageHandler } from './platform/sqs';

const config = commonConfig();
const store = leadStore();
const mailer = sesMailer(ses, config.SES_CONFIGURATION_SET);
const people = defaultRoutingSetup().teams.people;
const sendQueue = queue('send');
const autoSendGate = new DynamoAutoSendGate(dynamo, leadsTableName(), {
  recipientDays: config.AUTO_SEND_RECIPIENT_DAYS,
  domainPerDay: config.AUTO_SEND_DOMAIN_PER_DAY,
});
/**
 * A `sending` draft older than this is a dead attempt (see send-draft.ts). Below the send queue's visibility
 * timeout (180 s), so the dead attempt's own redelivery resolves it.
 */
const STUCK_AFTER_SECONDS = Number(process.env.SEND_STUCK_AFTER_SECONDS ?? 120);

export const handler = leadMessageHandler({
  queue: 'send',
  step: 'send',
  store,
  process: async (leadId) => {
    const result = await sendDraft(leadId, {
      store,
      mailer,
      fromAddress: config.SES_FROM_ADDRESS,
      rep: (ownerId) => {
        const p = ownerId ? people.get(ownerId) : undefined;
        return p ? { name: p.name, email: p.email } : undefined;
      },
      now: () => new Date(),
      stuckAfterSeconds: STUCK_AFTER_SECONDS,
      autoSendGate,
    });
    // Not due yet, or held by another attempt: a delayed message brings the draft back here when it matters.
    const comeBackAt =
      result.outcome === 'scheduled'
        ? result.sendAfter
        : result.outcome === 'skipped' && result.reason === 'in_flight'
          ? result.recheckAt
          : undefined;
    if (comeBackAt) await sendQueue.send({ leadId }, { delaySeconds: delayUntil(comeBackAt, new Date()) });
    logger.info('Send step done', { leadId, ...result });
  },
});
