/**
 * Scheduled (every minute): queues the CRM sync jobs that a pipeline step kept as pending because the CRM
 * queue did not take them (functions/agent/crm/notify.ts), so a queue outage loses no CRM update.
 */
import * as z from 'zod';
import { sweepPendingCrmJobs } from './agent/crm/notify';
import type { CrmJob } from './agent/crm/types';
import { dynamo } from './platform/clients/dynamodb';
import { sqs } from './platform/clients/sqs';
import { CrmTriggerConfigSchema, parseConfig, queueVar } from './platform/config';
import { DynamoCrmStore } from './platform/crm-store-dynamodb';
import { sqsJsonQueue } from './platform/lead-queues';
import { leadsTableName } from './platform/leads-table';
import { logger } from './platform/observability';

const { CRM } = parseConfig(CrmTriggerConfigSchema, process.env);
const pending = new DynamoCrmStore(dynamo, leadsTableName()).pending;
const queue = sqsJsonQueue<CrmJob>(
  sqs,
  parseConfig(z.object(queueVar('crm')), process.env).CRM_QUEUE_URL as string,
);

export const handler = async (): Promise<{ queued: number; left: number }> => {
  if (CRM === 'none') return { queued: 0, left: 0 };
  const result = await sweepPendingCrmJobs({ pending, queue }, { limit: 100 });
  if (result.queued > 0 || result.left > 0) logger.info('CRM outbox swept', result);
  return result;
};
