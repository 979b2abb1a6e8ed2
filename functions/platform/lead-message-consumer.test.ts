/**
 * The SQS consumer plumbing: partial batch failures name exactly the records that failed, also when two
 * batches run at the same time in one process (the local stack's pollers do that; the records of one batch
 * must never be reported, deleted or retried as those of the other).
 */
import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import type { LeadRecord } from '../agent/lead-record';
import { InMemoryLeadStore } from '../agent/testing/memory-ports';
import { leadMessageHandler } from './lead-message-consumer';

const record = (leadId: string): SQSRecord =>
  ({
    messageId: `m-${leadId}`,
    receiptHandle: `r-${leadId}`,
    body: JSON.stringify({ leadId }),
    attributes: { ApproximateReceiveCount: '1' },
    messageAttributes: {},
    eventSource: 'aws:sqs',
  }) as unknown as SQSRecord;

const context = (id: string) =>
  ({ functionName: 'QualifyFunction', awsRequestId: id, getRemainingTimeInMillis: () => 30_000 }) as Context;

describe('leadMessageHandler', () => {
  it('reports only each batch’s own failed records when two batches run at once', async () => {
    // Prepare
    const store = new InMemoryLeadStore();
    const ids = ['ok-1', 'bad-1', 'ok-2', 'ok-3', 'ok-4', 'bad-2'];
    for (const leadId of ids) store.seed({ leadId, status: 'received', steps: {} } as unknown as LeadRecord);
    const handler = leadMessageHandler({
      queue: 'qualify',
      step: 'enrich',
      store,
      process: async (leadId) => {
        await new Promise((r) => setTimeout(r, leadId.endsWith('1') ? 30 : 5));
        if (leadId.startsWith('bad')) throw new Error('enrichment failed');
        return { outcome: 'done' };
      },
    });
    const first: SQSEvent = { Records: ['ok-1', 'bad-1', 'ok-2'].map(record) };
    const second: SQSEvent = { Records: ['ok-3', 'ok-4', 'bad-2'].map(record) };
    // Act
    const [a, b] = (await Promise.all([handler(first, context('a')), handler(second, context('b'))])) as [
      SQSBatchResponse,
      SQSBatchResponse,
    ];
    // Assess
    expect(a.batchItemFailures).toEqual([{ itemIdentifier: 'm-bad-1' }]);
    expect(b.batchItemFailures).toEqual([{ itemIdentifier: 'm-bad-2' }]);
    expect((await store.get('bad-1'))?.error?.step).toBe('enrich');
    expect((await store.get('ok-3'))?.error).toBeUndefined();
  });
});
