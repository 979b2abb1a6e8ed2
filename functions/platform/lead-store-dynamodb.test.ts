/**
 * The one behaviour of DynamoLeadStore that DynamoDB Local does not reproduce: concurrent identical
 * submissions cancelled with `TransactionConflict` (AWS does this; Local serialises). The rest of the store is
 * covered against DynamoDB Local by test/intake-*.test.ts.
 */
import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import type { LeadRecord } from '../agent/lead-record';
import { DynamoLeadStore } from './lead-store-dynamodb';

const cancelled = (code: string) =>
  new TransactionCanceledException({
    message: 'Transaction cancelled',
    $metadata: {},
    CancellationReasons: [{ Code: code }, { Code: 'None' }],
  });

/** A client that answers the commands in order with the given results (an Error is thrown). */
const scripted = (answers: unknown[]) => {
  const sent: string[] = [];
  const db = {
    send: async (command: { constructor: { name: string } }) => {
      sent.push(command.constructor.name);
      const next = answers.shift();
      if (next instanceof Error) throw next;
      return next;
    },
  } as unknown as DynamoDBDocumentClient;
  return { db, sent };
};

const record = {
  leadId: 'L2',
  dedupKey: 'content:abc',
  receivedAt: '2026-11-23T10:00:00.000Z',
} as LeadRecord;

describe('DynamoLeadStore.create under a transaction conflict', () => {
  it('retries and answers with the lead that won the race', async () => {
    // Prepare
    const { db, sent } = scripted([
      cancelled('TransactionConflict'),
      cancelled('ConditionalCheckFailed'),
      { Item: { leadId: 'L1' } },
      { Item: { pk: 'LEAD#L1', sk: 'LEAD', leadId: 'L1', status: 'received' } },
    ]);
    // Act
    const result = await new DynamoLeadStore(db, 't').create(record, {
      dedupWindowSeconds: 600,
      pendingEnqueue: true,
    });
    // Assess
    expect(result).toEqual({ created: false, leadId: 'L1', status: 'received' });
    expect(sent).toEqual(['TransactWriteCommand', 'TransactWriteCommand', 'GetCommand', 'GetCommand']);
  });

  it('gives up after a bounded number of conflicts (the caller answers a server error)', async () => {
    // Prepare
    const { db, sent } = scripted(Array.from({ length: 10 }, () => cancelled('TransactionConflict')));
    // Act
    const attempt = new DynamoLeadStore(db, 't').create(record, {
      dedupWindowSeconds: 600,
      pendingEnqueue: true,
    });
    // Assess
    await expect(attempt).rejects.toBeInstanceOf(TransactionCanceledException);
    expect(sent.length).toBe(5);
  });
});
