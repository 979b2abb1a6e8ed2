/**
 * The intake rate limit on the leads table: a fixed window per source, one atomic counter item per source
 * and minute (`RATE#<source>#<minute>`), expired by TTL. Cheap (one UpdateItem) and shared by every
 * concurrent Lambda instance.
 */
import { type DynamoDBDocumentClient, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { RateLimiter } from '../agent/ports';

export const dynamoRateLimiter = (db: DynamoDBDocumentClient, table: string): RateLimiter => ({
  async consume(source, limitPerMinute, now) {
    const minute = Math.floor(now.getTime() / 60_000);
    const out = await db.send(
      new UpdateCommand({
        TableName: table,
        Key: { pk: `RATE#${source}#${minute}`, sk: 'RATE' },
        UpdateExpression: 'ADD hits :one SET expiresAt = if_not_exists(expiresAt, :exp)',
        ExpressionAttributeValues: { ':one': 1, ':exp': (minute + 2) * 60 },
        ReturnValues: 'UPDATED_NEW',
      }),
    );
    const hits = Number(out.Attributes?.hits ?? 0);
    const retryAfterSeconds = 60 - Math.floor((now.getTime() % 60_000) / 1000);
    return { allowed: hits <= limitPerMinute, retryAfterSeconds };
  },
});
