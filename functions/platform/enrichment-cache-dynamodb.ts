/** The enrichment tools' cache on the leads table: `CACHE#<key>` items that expire by TTL. */
import { type DynamoDBDocumentClient, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import type { EnrichmentCache } from '../agent/enrich';

export const dynamoEnrichmentCache = (
  db: DynamoDBDocumentClient,
  table: string,
  now: () => Date = () => new Date(),
  /** The enrichment cache's retention (config/privacy.yaml): no entry outlives it, whatever the tool asks. */
  maxTtlSeconds = Number.POSITIVE_INFINITY,
): EnrichmentCache => ({
  async get(key) {
    const out = await db.send(new GetCommand({ TableName: table, Key: { pk: `CACHE#${key}`, sk: 'CACHE' } }));
    // DynamoDB deletes expired items lazily: an item past its TTL is a miss.
    if (!out.Item || Number(out.Item.expiresAt) <= Math.floor(now().getTime() / 1000)) return undefined;
    return out.Item.value;
  },
  async put(key, value, ttlSeconds) {
    await db.send(
      new PutCommand({
        TableName: table,
        Item: {
          pk: `CACHE#${key}`,
          sk: 'CACHE',
          value,
          expiresAt: Math.floor(now().getTime() / 1000) + Math.min(ttlSeconds, maxTtlSeconds),
        },
      }),
    );
  },
});
