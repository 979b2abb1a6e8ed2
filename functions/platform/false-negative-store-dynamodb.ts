/**
 * The false-negative review queue on the leads table: each sample is one item, `FNSAMPLES` / `S#<id>`; the
 * list is one query of that partition (a few samples a month), sorted by `createdAt`. Answers live in the
 * item's `answers` map, one field per lead, so two managers answering different leads never collide.
 */
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import {
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import type {
  FalseNegativeSample,
  FalseNegativeStore,
  ReviewAnswer,
} from '../agent/insights/false-negatives';

const PK = 'FNSAMPLES';
const key = (id: string) => ({ pk: PK, sk: `S#${id}` });
const fromItem = (item: Record<string, unknown>): FalseNegativeSample => {
  const { pk: _pk, sk: _sk, ...sample } = item;
  return sample as unknown as FalseNegativeSample;
};

export class DynamoFalseNegativeStore implements FalseNegativeStore {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly table: string,
  ) {}

  async createSample(sample: FalseNegativeSample): Promise<boolean> {
    try {
      await this.db.send(
        new PutCommand({
          TableName: this.table,
          Item: { ...key(sample.id), ...sample },
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      );
      return true;
    } catch (e) {
      if (e instanceof ConditionalCheckFailedException) return false;
      throw e;
    }
  }

  async getSample(id: string): Promise<FalseNegativeSample | undefined> {
    const out = await this.db.send(
      new GetCommand({ TableName: this.table, Key: key(id), ConsistentRead: true }),
    );
    return out.Item ? fromItem(out.Item) : undefined;
  }

  async listSamples(limit: number): Promise<FalseNegativeSample[]> {
    const items: Record<string, unknown>[] = [];
    let start: Record<string, unknown> | undefined;
    do {
      const out = await this.db.send(
        new QueryCommand({
          TableName: this.table,
          KeyConditionExpression: 'pk = :pk',
          ExpressionAttributeValues: { ':pk': PK },
          ...(start ? { ExclusiveStartKey: start } : {}),
        }),
      );
      items.push(...(out.Items ?? []));
      start = out.LastEvaluatedKey;
    } while (start);
    return items
      .map(fromItem)
      .sort((a, b) => b.createdAt.localeCompare(a.createdAt))
      .slice(0, limit);
  }

  async recordAnswer(id: string, leadId: string, answer: ReviewAnswer): Promise<void> {
    await this.db.send(
      new UpdateCommand({
        TableName: this.table,
        Key: key(id),
        UpdateExpression: 'SET #answers.#lead = :answer',
        ConditionExpression: 'attribute_exists(pk)',
        ExpressionAttributeNames: { '#answers': 'answers', '#lead': leadId },
        ExpressionAttributeValues: { ':answer': answer },
      }),
    );
  }
}
