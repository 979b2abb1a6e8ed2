/**
 * Consumer plumbing shared by the pipeline Lambdas: Powertools partial batch responses (only failed records
 * come back), ids-only message parsing, and failures recorded on the lead so a poison lead that ends in the
 * DLQ shows why on the lead itself. Two event sources: an SQS queue of `{ leadId }` messages, and the leads
 * table's stream (new lead items, as infra/data-plane.ts filters them).
 */
import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import type {
  Context,
  DynamoDBBatchResponse,
  DynamoDBRecord,
  DynamoDBStreamEvent,
  SQSBatchResponse,
  SQSEvent,
  SQSRecord,
} from 'aws-lambda';
import { QUEUES, type QueueName } from '../../infra/data-plane';
import type { PipelineStep } from '../agent/lead-record';
import { LeadMessageSchema } from '../agent/pipeline/lead-message';
import type { LeadQueue, LeadStore } from '../agent/ports';
import { describeError, logger } from './observability';

export interface LeadMessageOptions {
  readonly queue: QueueName;
  readonly step: PipelineStep;
  /** Where a failure is recorded on the lead. */
  readonly store: Pick<LeadStore, 'recordError'>;
  /** Works on one lead; what it returns (ids, counts and outcomes only) is logged as the step's result. */
  readonly process: (leadId: string, record: SQSRecord) => Promise<Readonly<Record<string, unknown>>>;
}

/** A handler for a queue of `{ leadId }` messages with partial batch failures. */
export const leadMessageHandler = (options: LeadMessageOptions) => {
  const maxReceiveCount = QUEUES[options.queue].maxReceiveCount;

  const recordHandler = async (record: SQSRecord): Promise<void> => {
    const parsed = LeadMessageSchema.safeParse(safeJson(record.body));
    if (!parsed.success) {
      // Not ours to retry: a malformed message would only loop into the DLQ. Log and drop it.
      logger.error('Malformed message dropped', { messageId: record.messageId, queue: options.queue });
      return;
    }
    const { leadId } = parsed.data;
    try {
      const result = await options.process(leadId, record);
      logger.info('Step done', { step: options.step, leadId, ...result });
    } catch (error) {
      const attempts = Number(record.attributes.ApproximateReceiveCount ?? '1');
      const final = attempts >= maxReceiveCount;
      logger.error('Step failed', {
        leadId,
        step: options.step,
        attempts,
        final,
        error: describeError(error),
      });
      await options.store
        .recordError(
          leadId,
          { step: options.step, message: describeError(error), attempts, at: new Date().toISOString() },
          final,
        )
        .catch((e) =>
          logger.error('Could not record the error on the lead', { leadId, error: describeError(e) }),
        );
      throw error;
    }
  };

  return middy<SQSEvent, SQSBatchResponse>()
    .use(injectLambdaContext(logger, { resetKeys: true }))
    .handler(async (event: SQSEvent, context: Context) =>
      // A processor per invocation: it keeps the batch's records and failures as state, so a shared one mixes
      // up batches that run at the same time in one process (the local stack runs two per function).
      processPartialResponse(event, recordHandler, new BatchProcessor(EventType.SQS), {
        context,
        throwOnFullBatchFailure: false,
      }),
    );
};

/** The string attributes of a stream record's new image that a new-lead hook reads. */
export interface NewLeadImage {
  readonly leadId: string;
  readonly dedupKey: string;
  readonly receivedAt: string;
  readonly submissionId?: string;
}

export interface LeadStreamOptions {
  readonly step: PipelineStep;
  readonly store: LeadStore;
  /** Runs first for each new lead (e.g. the dedup reservation of its next bucket); a failure retries the record. */
  readonly onNewLead?: (lead: NewLeadImage) => Promise<void>;
  readonly process: (leadId: string) => Promise<Readonly<Record<string, unknown>>>;
  /**
   * Where a lead whose processing failed is retried: its `{ leadId }` is queued there, held back `delaySeconds`,
   * and the stream record counts as done — the queue's own redelivery and DLQ take over, and the stream moves
   * on. Only when that send fails does the record fail (the event source retries it, then describes it on the
   * on-failure queue; the lead stays in the outbox, so the sweeper finds it). Absent: the record fails.
   */
  readonly retry?: { readonly queue: Pick<LeadQueue, 'send'>; readonly delaySeconds: number };
}

const imageOf = (record: DynamoDBRecord): NewLeadImage | undefined => {
  const image = record.dynamodb?.NewImage;
  const leadId = image?.leadId?.S;
  if (!image || !leadId) return undefined;
  return {
    leadId,
    dedupKey: image.dedupKey?.S ?? '',
    receivedAt: image.receivedAt?.S ?? '',
    ...(image.submissionId?.S ? { submissionId: image.submissionId.S } : {}),
  };
};

/**
 * A handler for the leads table's stream (NEW_IMAGE records of new leads) with partial batch failures. A lead
 * whose processing fails is queued for a retry (`retry`); a record fails only when that is not possible: the
 * event source mapping retries it, then describes it on its on-failure DLQ; the lead stays in the outbox
 * index, so the sweeper re-queues it.
 */
export const leadStreamHandler = (options: LeadStreamOptions) => {
  const recordHandler = async (record: DynamoDBRecord): Promise<void> => {
    const lead = imageOf(record);
    if (!lead) {
      logger.error('Stream record without a lead dropped', { eventId: record.eventID });
      return;
    }
    const { leadId } = lead;
    // The new-lead hook runs first; a queued retry of a record that failed before it finished asks the queue's
    // consumer to run it (`reserve`).
    let hooked = false;
    try {
      await options.onNewLead?.(lead);
      hooked = true;
      const result = await options.process(leadId);
      logger.info('Step done', { step: options.step, leadId, source: 'stream', ...result });
    } catch (error) {
      logger.error('Step failed', {
        leadId,
        step: options.step,
        source: 'stream',
        error: describeError(error),
      });
      await options.store
        .recordError(
          leadId,
          { step: options.step, message: describeError(error), attempts: 1, at: new Date().toISOString() },
          false,
        )
        .catch((e) =>
          logger.error('Could not record the error on the lead', { leadId, error: describeError(e) }),
        );
      if (!options.retry) throw error;
      try {
        // A retry whose new-lead hook did not run yet carries `reserve`, so the queue's consumer runs it first.
        await options.retry.queue.send(
          { leadId, ...(hooked ? {} : { reserve: true as const }) },
          { delaySeconds: options.retry.delaySeconds },
        );
      } catch (sendError) {
        logger.error('Could not queue the retry; the stream record is retried', {
          leadId,
          step: options.step,
          error: describeError(sendError),
        });
        throw error;
      }
      logger.info('Retry queued', { leadId, step: options.step, delaySeconds: options.retry.delaySeconds });
    }
  };

  return middy<DynamoDBStreamEvent, DynamoDBBatchResponse>()
    .use(injectLambdaContext(logger, { resetKeys: true }))
    .handler(async (event: DynamoDBStreamEvent, context: Context) =>
      processPartialResponse(event, recordHandler, new BatchProcessor(EventType.DynamoDBStreams), {
        context,
        throwOnFullBatchFailure: false,
      }),
    );
};

/** Whether an event is a batch of DynamoDB stream records (else SQS). */
export const isStreamEvent = (event: { Records?: readonly { eventSource?: string }[] }): boolean =>
  event.Records?.[0]?.eventSource === 'aws:dynamodb';

const safeJson = (text: string): unknown => {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
};
