/**
 * SQS `crm` queue → the CRM (functions/agent/crm/sync.ts). A job that fails (CRM down, rate limited, a
 * record refused) comes back as a delayed copy with exponential backoff and jitter — honouring the CRM's
 * Retry-After — and the original is acknowledged; only after CRM_RETRY_BUDGET_HOURS does the job fail for
 * real and, after the queue's receives, land in the DLQ. Failures are stored on the lead's CRM links
 * (class and status, no personal data); logs carry ids and counts only.
 */
import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import * as z from 'zod';
import { retryDelaySeconds } from './agent/crm/backoff';
import { type SyncItem, type SyncResult, syncLeads } from './agent/crm/sync';
import { type CrmJob, CrmJobSchema } from './agent/crm/types';
import { sqs } from './platform/clients/sqs';
import { commonConfig, parseConfig, queueVar } from './platform/config';
import { crmConfig, crmMapping, crmPort, crmStore } from './platform/crm-wiring';
import { sqsJsonQueue } from './platform/lead-queues';
import { leadStore } from './platform/leads-table';
import { describeError, logger } from './platform/observability';
import { shippedPeople } from './platform/shipped-routing';

const config = crmConfig();
const crm = crmPort();
const mapping = config.CRM === 'none' ? undefined : crmMapping();
const people = shippedPeople();
const crmQueue = sqsJsonQueue<CrmJob>(
  sqs,
  parseConfig(z.object(queueVar('crm')), process.env).CRM_QUEUE_URL as string,
);
const parseJob = (record: SQSRecord): CrmJob | undefined => {
  try {
    const parsed = CrmJobSchema.safeParse(JSON.parse(record.body));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
};

const handle = async (event: SQSEvent, context: Context): Promise<SQSBatchResponse> => {
  const now = new Date();
  const jobs = new Map<string, CrmJob>();
  for (const record of event.Records) {
    const job = parseJob(record);
    if (job) jobs.set(record.messageId, job);
    else logger.error('Malformed CRM job dropped', { messageId: record.messageId });
  }
  const outcomes = new Map<string, SyncResult>();
  if (crm && mapping) {
    const store = leadStore();
    const items: (SyncItem & { messageId: string })[] = [];
    for (const [messageId, job] of jobs) {
      const record = await store.get(job.leadId);
      if (record) items.push({ record, job, messageId });
      else logger.warn('CRM job for an unknown lead dropped', { leadId: job.leadId });
    }
    const results = await syncLeads(items, {
      crm,
      store: crmStore(),
      mapping,
      now: () => new Date(),
      leadPageBaseUrl: config.LEAD_PAGE_BASE_URL,
      fromAddress: commonConfig().SES_FROM_ADDRESS,
      personName: (id) => people.get(id)?.name,
    });
    const byLead = new Map(results.map((r) => [r.leadId, r]));
    for (const item of items) outcomes.set(item.messageId, byLead.get(item.record.leadId)!);
  }

  const recordHandler = async (record: SQSRecord) => {
    const job = jobs.get(record.messageId);
    const result = outcomes.get(record.messageId);
    if (!job || !result) return;
    if (result.status === 'synced' || result.status === 'skipped') {
      logger.info('CRM sync done', {
        leadId: job.leadId,
        trigger: job.trigger,
        status: result.status,
        ...result.created,
      });
      return;
    }
    const attempt = (job.attempt ?? 0) + (result.status === 'failed' ? 1 : 0);
    const firstAttemptAt = job.firstAttemptAt ?? now.toISOString();
    const ageHours = (now.getTime() - Date.parse(firstAttemptAt)) / 3_600_000;
    logger.warn('CRM sync not done', {
      leadId: job.leadId,
      trigger: job.trigger,
      status: result.status,
      attempt,
      error: result.error ? `${result.error.kind} ${result.error.status ?? ''}`.trim() : result.reason,
    });
    if (ageHours > config.CRM_RETRY_BUDGET_HOURS) {
      // The budget is spent: let SQS redeliver and, after maxReceiveCount, dead-letter it.
      throw new Error(`CRM sync of ${job.leadId} still failing after ${Math.round(ageHours)} h`);
    }
    const delay = result.status === 'deferred' ? 5 : retryDelaySeconds(attempt, result.error?.retryAfterMs);
    await crmQueue.send({ ...job, attempt, firstAttemptAt }, { delaySeconds: delay });
  };

  return processPartialResponse(event, recordHandler, new BatchProcessor(EventType.SQS), {
    context,
    throwOnFullBatchFailure: false,
  });
};

export const handler = middy<SQSEvent, SQSBatchResponse>()
  .use(injectLambdaContext(logger, { resetKeys: true }))
  .handler(async (event, context) => {
    try {
      return await handle(event, context);
    } catch (error) {
      // A store outage before any job ran: every message comes back.
      logger.error('CRM batch failed', { error: describeError(error), records: event.Records.length });
      return { batchItemFailures: event.Records.map((r) => ({ itemIdentifier: r.messageId })) };
    }
  });
