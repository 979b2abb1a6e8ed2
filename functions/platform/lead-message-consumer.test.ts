/**
 * The SQS consumer plumbing: partial batch failures name exactly the records that failed, also when two
 * batches run at the same time in one process (the local stack's pollers do that; the records of one batch
 * must never be reported, deleted or retried as those of the other).
 */
import type {
  Context,
  DynamoDBBatchResponse,
  DynamoDBRecord,
  DynamoDBStreamEvent,
  SQSBatchResponse,
  SQSEvent,
  SQSRecord,
} from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import type { LeadRecord } from '../agent/lead-record';
import { InMemoryLeadStore, RecordingQueue } from '../agent/testing/memory-ports';
import { leadMessageHandler, leadStreamHandler } from './lead-message-consumer';

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

const streamRecord = (leadId: string, sequence: string): DynamoDBRecord => ({
  eventID: `e-${sequence}`,
  eventName: 'INSERT',
  eventSource: 'aws:dynamodb',
  dynamodb: {
    SequenceNumber: sequence,
    Keys: { pk: { S: `LEAD#${leadId}` }, sk: { S: 'LEAD' } },
    NewImage: {
      pk: { S: `LEAD#${leadId}` },
      sk: { S: 'LEAD' },
      leadId: { S: leadId },
      status: { S: 'received' },
      dedupKey: { S: `k-${leadId}` },
      receivedAt: { S: '2026-12-02T10:00:00.000Z' },
    },
  },
});

/** A storage call that gave up (the DynamoDB client's request timeout). */
class TimeoutError extends Error {
  override name = 'TimeoutError';
}

describe('leadStreamHandler', () => {
  const setup = (
    failing: readonly string[],
    queue: { send: RecordingQueue['send'] },
    hookFails: readonly string[] = [],
  ) => {
    const store = new InMemoryLeadStore();
    for (const leadId of ['a', 'b', 'c'])
      store.seed({ leadId, status: 'received', steps: {} } as unknown as LeadRecord);
    const processed: string[] = [];
    const handler = leadStreamHandler({
      step: 'enrich',
      store,
      onNewLead: async (lead) => {
        if (hookFails.includes(lead.leadId)) throw new TimeoutError('reservation timed out');
      },
      process: async (leadId) => {
        if (failing.includes(leadId)) throw new TimeoutError('socket timed out');
        processed.push(leadId);
        return { outcome: 'routed' };
      },
      retry: { queue, delaySeconds: 5 },
    });
    const event: DynamoDBStreamEvent = {
      Records: [streamRecord('a', '100'), streamRecord('b', '200'), streamRecord('c', '300')],
    };
    return { store, processed, run: () => handler(event, context('s')) as Promise<DynamoDBBatchResponse> };
  };

  it('queues a lead that failed for a retry a few seconds later, and lets the stream move on', async () => {
    // Prepare
    const queue = new RecordingQueue();
    const { store, processed, run } = setup(['b'], queue);
    // Act
    const response = await run();
    // Assess
    expect(response.batchItemFailures).toEqual([]);
    expect(processed).toEqual(['a', 'c']);
    expect(queue.delivered).toEqual([{ message: { leadId: 'b' }, delaySeconds: 5 }]);
    expect((await store.get('b'))?.error).toMatchObject({ step: 'enrich' });
  });

  it('fails the record (the event source retries it) when the retry cannot be queued either', async () => {
    // Prepare
    const queue = {
      send: async () => {
        throw new TimeoutError('queue timed out');
      },
    };
    const { processed, run } = setup(['b'], queue);
    // Act
    const response = await run();
    // Assess
    expect(response.batchItemFailures).toEqual([{ itemIdentifier: '200' }]);
    expect(processed).toEqual(['a', 'c']);
  });

  it('queues a lead whose new-lead hook (the dedup reservation) failed with `reserve`, so the retry makes it', async () => {
    // Prepare
    const queue = new RecordingQueue();
    const { processed, run } = setup([], queue, ['b']);
    // Act
    const response = await run();
    // Assess
    expect(response.batchItemFailures).toEqual([]);
    expect(queue.delivered).toEqual([{ message: { leadId: 'b', reserve: true }, delaySeconds: 5 }]);
    expect(processed).toEqual(['a', 'c']);
  });
});
