/**
 * The CRM sync's trigger for the pipeline handlers (qualify, draft, send, review): a job on the `crm` queue,
 * kept as pending on the leads table when the queue does not take it (the CRM outbox sweeper queues it
 * later), a no-op when the deployment has no CRM. Built once per container; loads neither CRM adapter.
 */
import * as z from 'zod';
import { noCrm, queuedCrmNotifier } from '../agent/crm/notify';
import type { CrmJob } from '../agent/crm/types';
import type { CrmNotifier } from '../agent/ports';
import { dynamo } from './clients/dynamodb';
import { sqsForNotices } from './clients/sqs';
import { CrmTriggerConfigSchema, parseConfig, queueVar } from './config';
import { DynamoCrmStore } from './crm-store-dynamodb';
import { sqsJsonQueue } from './lead-queues';
import { leadsTableName } from './leads-table';
import { describeError, logger } from './observability';

let notifier: CrmNotifier | undefined;

export const crmNotifier = (): CrmNotifier => {
  if (notifier) return notifier;
  const { CRM } = parseConfig(CrmTriggerConfigSchema, process.env);
  if (CRM === 'none') {
    notifier = noCrm;
    return notifier;
  }
  const url = parseConfig(z.object(queueVar('crm')), process.env).CRM_QUEUE_URL as string;
  notifier = queuedCrmNotifier({
    queue: sqsJsonQueue<CrmJob>(sqsForNotices(), url),
    pending: new DynamoCrmStore(dynamo, leadsTableName()).pending,
    now: () => new Date(),
    onDeferred: (notice, error) =>
      logger.warn('CRM job kept for the CRM outbox sweeper (queue unavailable)', {
        leadId: notice.leadId,
        trigger: notice.trigger,
        error: describeError(error),
      }),
    onLost: (notice, error) =>
      logger.error('CRM job neither queued nor kept; the next trigger of the lead syncs its state', {
        leadId: notice.leadId,
        trigger: notice.trigger,
        error: describeError(error),
      }),
  });
  return notifier;
};
