/**
 * Scheduled (every minute): re-queues leads that were stored over two minutes ago and are still not
 * qualified (the enqueue failed or a message was lost), so a lead accepted with a 202 is never left behind.
 * Qualification is idempotent, so a lead that was merely slow is not harmed by a second message.
 */
import { sweepOutbox } from './agent/pipeline/sweep-outbox';
import { leadQueue } from './platform/lead-queues';
import { leadStore } from './platform/leads-table';
import { logger } from './platform/observability';

const store = leadStore();
const qualifyQueue = leadQueue('qualify');

export const handler = async (): Promise<{ queued: number }> => {
  const queued = await sweepOutbox({ store, qualifyQueue }, { olderThanSeconds: 120, limit: 100 });
  if (queued > 0) logger.info('Outbox swept', { queued });
  return { queued };
};
