/**
 * The behaviours of DynamoLeadStore that DynamoDB Local cannot be made to show on demand: concurrent identical
 * submissions cancelled with `TransactionConflict` (AWS does this; Local serialises), and an override landing
 * between saveDraft's read and its write. The rest of the store is covered against DynamoDB Local by
 * test/intake-*.test.ts and test/review-api.test.ts.
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

/** The value an UpdateItem input SETs a top-level attribute to. */
const assigned = (input: Record<string, unknown>, attribute: string): unknown => {
  const names = input.ExpressionAttributeNames as Record<string, string>;
  const values = input.ExpressionAttributeValues as Record<string, unknown>;
  const name = Object.keys(names).find((k) => names[k] === attribute);
  const placeholder = new RegExp(`(?:SET |, )${name} = (:\\w+)`).exec(input.UpdateExpression as string)?.[1];
  return placeholder ? values[placeholder] : undefined;
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

describe('DynamoLeadStore.saveDraft while a person overrides the tier', () => {
  it('reads again and files the draft in the inbox under the overridden tier', async () => {
    // Prepare: the first write loses to an override to hot that landed after the read
    const { ConditionalCheckFailedException } = await import('@aws-sdk/client-dynamodb');
    const writes: Record<string, unknown>[] = [];
    const answers: unknown[] = [
      { Item: { leadId: 'L3', score: { tier: 'warm' }, route: { slaDueAt: '2030-01-01T10:00:00.000Z' } } },
      new ConditionalCheckFailedException({ message: 'The conditional request failed', $metadata: {} }),
      {
        Item: {
          leadId: 'L3',
          score: { tier: 'warm' },
          override: { tier: 'hot', at: '2026-12-01T10:00:00.000Z' },
          route: { slaDueAt: '2030-01-01T10:00:00.000Z' },
        },
      },
      {},
    ];
    const db = {
      send: async (command: { constructor: { name: string }; input: Record<string, unknown> }) => {
        if (command.constructor.name === 'UpdateCommand') writes.push(command.input);
        const next = answers.shift();
        if (next instanceof Error) throw next;
        return next;
      },
    } as unknown as DynamoDBDocumentClient;
    const draft = { status: 'pending', subject: 'S', body: 'B' } as never;
    // Act
    const saved = await new DynamoLeadStore(db, 't').saveDraft('L3', {
      rationale: { text: 'r' } as never,
      draft,
      routeKind: 'owner',
      steps: {},
    });
    // Assess
    expect(saved).toBe(true);
    expect(writes.map((w) => assigned(w, 'draftSk'))).toEqual([
      '1#2030-01-01T10:00:00.000Z#L3',
      '0#2030-01-01T10:00:00.000Z#L3',
    ]);
    expect(writes[1]?.ConditionExpression).toContain('#override.#at = ');
    expect(Object.values(writes[1]?.ExpressionAttributeValues as object)).toContain(
      '2026-12-01T10:00:00.000Z',
    );
    expect(assigned(writes[1]!, 'draftPk')).toBe('DRAFT#pending');
  });
});
