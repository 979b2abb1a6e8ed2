/**
 * A table whose stream stays empty for a while, while other tables are written, still hands its first record to
 * the function. On DynamoDB Local the iterator taken on the empty shard is then answered with
 * TrimmedDataAccessException (its sequence numbers are shared by all tables); the poller takes a fresh iterator
 * instead of asking with the old one for ever — a lead submitted after a quiet spell is qualified.
 */
import { randomUUID } from 'node:crypto';
import { CreateTableCommand, DeleteTableCommand, PutItemCommand } from '@aws-sdk/client-dynamodb';
import type { DynamoDBRecord } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningStreamPollers, startStreamPollers } from '../local/stream-poller';
import { dynamoClient, waitFor } from './support/local-aws';

const ddb = dynamoClient();
const quiet = `stream-quiet-${randomUUID().slice(0, 8)}`;
const busy = `stream-busy-${randomUUID().slice(0, 8)}`;
const delivered: DynamoDBRecord[] = [];
let streams: RunningStreamPollers | undefined;

const createStreamTable = (TableName: string) =>
  ddb.send(
    new CreateTableCommand({
      TableName,
      BillingMode: 'PAY_PER_REQUEST',
      AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }],
      KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
      StreamSpecification: { StreamEnabled: true, StreamViewType: 'NEW_IMAGE' },
    }),
  );

beforeAll(async () => {
  await createStreamTable(quiet);
  await createStreamTable(busy);
  streams = startStreamPollers({
    dynamodbEndpoint: process.env.AWS_ENDPOINT_URL_DYNAMODB as string,
    consumers: [
      {
        functionName: 'QuietConsumer',
        tableName: quiet,
        handler: async (event: { Records: DynamoDBRecord[] }) => {
          delivered.push(...event.Records);
          return { batchItemFailures: [] };
        },
        batchSize: 10,
        retryAttempts: 2,
      },
    ],
    pollIntervalMs: 50,
  });
});

afterAll(async () => {
  await streams?.stop();
  await Promise.allSettled([quiet, busy].map((TableName) => ddb.send(new DeleteTableCommand({ TableName }))));
  ddb.destroy();
});

describe('a stream that was empty while other tables were written', () => {
  it('delivers its first record and the ones after it, once each', async () => {
    // Prepare: the poller holds an iterator on the empty shard and has polled it
    await waitFor(() => {
      const status = streams?.status().QuietConsumer;
      return status !== undefined && status.shards === 1 && status.pollError === undefined;
    });
    await new Promise((r) => setTimeout(r, 300));
    for (let i = 0; i < 5; i++)
      await ddb.send(new PutItemCommand({ TableName: busy, Item: { pk: { S: `other-${i}` } } }));
    // Act
    await ddb.send(new PutItemCommand({ TableName: quiet, Item: { pk: { S: 'first' } } }));
    await waitFor(() => delivered.length >= 1);
    await ddb.send(new PutItemCommand({ TableName: busy, Item: { pk: { S: 'other-late' } } }));
    await ddb.send(new PutItemCommand({ TableName: quiet, Item: { pk: { S: 'second' } } }));
    await waitFor(() => delivered.length >= 2);
    await new Promise((r) => setTimeout(r, 500));
    // Assess
    expect(delivered.map((r) => r.dynamodb?.Keys?.pk?.S)).toEqual(['first', 'second']);
    expect(streams?.status().QuietConsumer).toMatchObject({ failed: 0, discarded: 0, pending: 0 });
  });
});
