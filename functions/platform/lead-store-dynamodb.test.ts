/**
 * The behaviour of DynamoLeadStore that DynamoDB Local cannot be made to show on demand: an override landing
 * between saveDraft's read and its write. The rest of the store is covered against DynamoDB Local by
 * test/intake-*.test.ts and test/review-api.test.ts.
 */
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import { DynamoLeadStore } from './lead-store-dynamodb';

/** The value an UpdateItem input SETs a top-level attribute to. */
const assigned = (input: Record<string, unknown>, attribute: string): unknown => {
  const names = input.ExpressionAttributeNames as Record<string, string>;
  const values = input.ExpressionAttributeValues as Record<string, unknown>;
  const name = Object.keys(names).find((k) => names[k] === attribute);
  const placeholder = new RegExp(`(?:SET |, )${name} = (:\\w+)`).exec(input.UpdateExpression as string)?.[1];
  return placeholder ? values[placeholder] : undefined;
};

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
