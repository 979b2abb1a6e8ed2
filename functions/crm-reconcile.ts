/** Scheduled: pulls CRM changes since the last run into outcome events (functions/agent/crm/reconcile.ts). */
import type { ScheduledEvent } from 'aws-lambda';
import { reconcile } from './agent/crm/reconcile';
import { crmConfig, crmMapping, crmPort, crmStore } from './platform/crm-wiring';
import { describeError, logger } from './platform/observability';

const config = crmConfig();
// Cold start: a bad mapping file fails here, naming the field, not on the first webhook.
if (config.CRM !== 'none') crmMapping();

export const handler = async (_event: ScheduledEvent): Promise<void> => {
  const feed = crmPort();
  if (!feed || config.CRM === 'none') return;
  const store = crmStore();
  try {
    const result = await reconcile({
      feed,
      cursors: store.cursors,
      mapping: crmMapping(),
      links: store,
      inbox: store,
      replay: store,
      now: () => new Date(),
    });
    logger.info('CRM reconciliation', { crm: feed.kind, ...result.streams });
  } catch (error) {
    // The next run starts from the stored cursor; nothing is lost.
    logger.error('CRM reconciliation failed', { crm: feed.kind, error: describeError(error) });
    throw error;
  }
};
