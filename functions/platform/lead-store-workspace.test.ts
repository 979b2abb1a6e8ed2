/**
 * The SLA-ordered leads list reads an index that holds only some attributes (infra/data-plane.ts
 * `LEAD_LIST_ATTRIBUTES`): every attribute a list page shows or filters on must be among them, or the page
 * silently misses it (a filter on an attribute the index does not hold matches nothing).
 */
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import { TABLES } from '../../infra/data-plane';
import { leadIndex } from './lead-indexes';
import { listLeads } from './lead-store-workspace';

/** The top-level attribute of each path in an expression (`#a.#b[0]` → the name of `#a`). */
const topLevelNames = (expression: string | undefined, names: Record<string, string>): string[] =>
  [...(expression ?? '').matchAll(/(?<![.\w#])(#\w+)/g)].map((m) => names[m[1] as string] as string);

describe('the SLA-ordered leads list', () => {
  it('asks its index only for attributes the index holds, with every filter and the search words on', async () => {
    // Prepare: a table client that records the query it is sent
    const sent: Record<string, unknown>[] = [];
    const db = {
      send: async (command: { input: Record<string, unknown> }) => {
        sent.push(command.input);
        return { Items: [] };
      },
    } as unknown as DynamoDBDocumentClient;
    const t = { db, table: 'leads', now: () => new Date() };

    // Act
    await listLeads(t, {
      filter: {
        status: 'routed',
        team: 'smb',
        tier: 'hot',
        quadrant: 'pursue',
        disposition: 'sales',
        q: 'acme bv',
      } as never,
      sort: 'sla',
      limit: 25,
    });

    // Assess
    const input = sent[0] as {
      IndexName: string;
      FilterExpression: string;
      ProjectionExpression: string;
      ExpressionAttributeNames: Record<string, string>;
    };
    const index = TABLES.leads.globalSecondaryIndexes.find((i) => i.role === 'listBySla');
    expect(input.IndexName).toBe(leadIndex('listBySla'));
    expect(index?.projection.type).toBe('INCLUDE');
    const held = new Set<string>([
      'pk',
      'sk',
      index?.partitionKey.name as string,
      index?.sortKey.name as string,
      ...(index?.projection.type === 'INCLUDE' ? index.projection.attributes : []),
    ]);
    const asked = [
      ...topLevelNames(input.FilterExpression, input.ExpressionAttributeNames),
      ...topLevelNames(input.ProjectionExpression, input.ExpressionAttributeNames),
    ];
    expect(asked).toContain('listSearch');
    expect(asked).toContain('route');
    expect(asked.filter((name) => !held.has(name))).toEqual([]);
  });
});
