/**
 * Reading many leads by id (`readLeadItems`, what a reader of a keys-only index does next): at most 100 keys per
 * BatchGetItem, the keys DynamoDB left unprocessed asked again, the leads in the order asked.
 */
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import { leadKey, readLeadItems } from './lead-item';

describe('readLeadItems', () => {
  it('reads 150 leads in calls of at most 100 keys, asks again for the unprocessed ones, keeps the order', async () => {
    // Prepare: a table of leads 0…149 (no lead 150) that leaves the first key of each first call unprocessed
    const sizes: number[] = [];
    let calls = 0;
    const db = {
      send: async (command: {
        input: { RequestItems: Record<string, { Keys: { pk: string; sk: string }[] }> };
      }) => {
        const keys = command.input.RequestItems.leads?.Keys ?? [];
        sizes.push(keys.length);
        calls++;
        const [first, ...rest] = keys;
        const leave = calls % 2 === 1 && keys.length > 1 ? [first] : [];
        const served = leave.length ? rest : keys;
        return {
          Responses: {
            leads: served
              .filter((k) => Number(k.pk.slice(5)) < 150)
              .map((k) => ({ ...k, leadId: k.pk.slice(5), status: 'routed' })),
          },
          ...(leave.length ? { UnprocessedKeys: { leads: { Keys: leave } } } : {}),
        };
      },
    } as unknown as DynamoDBDocumentClient;
    const ids = Array.from({ length: 151 }, (_, i) => String(150 - i));

    // Act
    const items = await readLeadItems({ db, table: 'leads', now: () => new Date() }, ids);

    // Assess
    expect(items.map((i) => i.leadId)).toEqual(ids.filter((id) => id !== '150'));
    expect(items[0]).toMatchObject({ ...leadKey('149'), status: 'routed' });
    expect(Math.max(...sizes)).toBeLessThanOrEqual(100);
    expect(sizes).toEqual([100, 1, 51, 1]);
  });
});
