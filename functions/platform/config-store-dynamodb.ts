/**
 * Versioned ops configuration (scoring rules, routing, team) on the leads table: `CONFIG#<kind>` /
 * `V#<000001>` holds each version (YAML, author, time, note, draft or published) and `CONFIG#<kind>` /
 * `PUBLISHED` points at the one in force. Publishing moves the pointer in the same transaction that writes or
 * marks the version, conditional on the pointer the editor saw, so concurrent edits never lose one another.
 * Reads are strongly consistent single-item gets; the history is one query on the kind's partition.
 */
import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import {
  type DynamoDBDocumentClient,
  GetCommand,
  QueryCommand,
  TransactWriteCommand,
} from '@aws-sdk/lib-dynamodb';
import { DomainError } from '../agent/errors';
import type {
  ConfigKind,
  ConfigVersion,
  ConfigVersionStore,
  ConfigVersionSummary,
  NewConfigVersion,
} from '../agent/ops-config/versions';

const pk = (kind: ConfigKind) => `CONFIG#${kind}`;
const vKey = (kind: ConfigKind, n: number) => ({ pk: pk(kind), sk: `V#${String(n).padStart(6, '0')}` });
const pointer = (kind: ConfigKind) => ({ pk: pk(kind), sk: 'PUBLISHED' });

const conflict = (kind: ConfigKind) =>
  new DomainError('conflict', `The ${kind} configuration changed meanwhile; reload and try again`, {
    field: 'version',
  });

const fromItem = (item: Record<string, unknown>): ConfigVersion => {
  const { pk: _pk, sk: _sk, ...v } = item;
  return v as unknown as ConfigVersion;
};

export class DynamoConfigStore implements ConfigVersionStore {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly table: string,
  ) {}

  async publishedNumber(kind: ConfigKind): Promise<number> {
    const out = await this.db.send(
      new GetCommand({ TableName: this.table, Key: pointer(kind), ConsistentRead: true }),
    );
    return Number(out.Item?.version ?? 0);
  }

  async get(kind: ConfigKind, version: number): Promise<ConfigVersion | undefined> {
    const out = await this.db.send(
      new GetCommand({ TableName: this.table, Key: vKey(kind, version), ConsistentRead: true }),
    );
    return out.Item ? fromItem(out.Item) : undefined;
  }

  async list(kind: ConfigKind): Promise<ConfigVersionSummary[]> {
    const items: ConfigVersionSummary[] = [];
    let start: Record<string, unknown> | undefined;
    do {
      const out = await this.db.send(
        new QueryCommand({
          TableName: this.table,
          KeyConditionExpression: 'pk = :pk AND begins_with(sk, :v)',
          ExpressionAttributeValues: { ':pk': pk(kind), ':v': 'V#' },
          ProjectionExpression: 'kind, version, author, #at, note, #status, publishedAt, publishedBy',
          ExpressionAttributeNames: { '#at': 'at', '#status': 'status' },
          ScanIndexForward: false,
          ConsistentRead: true,
          ...(start ? { ExclusiveStartKey: start } : {}),
        }),
      );
      items.push(...((out.Items ?? []) as ConfigVersionSummary[]));
      start = out.LastEvaluatedKey;
    } while (start);
    return items;
  }

  private async latestNumber(kind: ConfigKind): Promise<number> {
    const out = await this.db.send(
      new QueryCommand({
        TableName: this.table,
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :v)',
        ExpressionAttributeValues: { ':pk': pk(kind), ':v': 'V#' },
        ProjectionExpression: 'version',
        ScanIndexForward: false,
        ConsistentRead: true,
        Limit: 1,
      }),
    );
    return Number(out.Items?.[0]?.version ?? 0);
  }

  private pointerPut(kind: ConfigKind, version: number, over: number) {
    return {
      Put: {
        TableName: this.table,
        Item: { ...pointer(kind), version },
        ConditionExpression: over === 0 ? 'attribute_not_exists(pk)' : 'version = :over',
        ...(over === 0 ? {} : { ExpressionAttributeValues: { ':over': over } }),
      },
    };
  }

  async add(kind: ConfigKind, next: NewConfigVersion, publishOver?: number): Promise<ConfigVersion> {
    // Two editors saving at once race for the same number: the loser takes the next one.
    for (let attempt = 0; attempt < 5; attempt++) {
      const n = (await this.latestNumber(kind)) + 1;
      const version: ConfigVersion = {
        kind,
        version: n,
        ...next,
        status: publishOver === undefined ? 'draft' : 'published',
        ...(publishOver === undefined ? {} : { publishedAt: next.at, publishedBy: next.author }),
      };
      const put = {
        Put: {
          TableName: this.table,
          Item: { ...vKey(kind, n), ...version },
          ConditionExpression: 'attribute_not_exists(pk)',
        },
      };
      try {
        await this.db.send(
          new TransactWriteCommand({
            TransactItems: publishOver === undefined ? [put] : [put, this.pointerPut(kind, n, publishOver)],
          }),
        );
        return version;
      } catch (e) {
        if (!(e instanceof TransactionCanceledException)) throw e;
        const [versionTaken, pointerMoved] = (e.CancellationReasons ?? []).map(
          (r) => r.Code === 'ConditionalCheckFailed',
        );
        if (pointerMoved) throw conflict(kind);
        if (!versionTaken) throw e;
      }
    }
    throw conflict(kind);
  }

  async publish(
    kind: ConfigKind,
    version: number,
    by: { readonly author: string; readonly at: string },
    over: number,
  ): Promise<ConfigVersion> {
    try {
      await this.db.send(
        new TransactWriteCommand({
          TransactItems: [
            {
              Update: {
                TableName: this.table,
                Key: vKey(kind, version),
                UpdateExpression: 'SET #status = :published, publishedAt = :at, publishedBy = :by',
                ConditionExpression: 'attribute_exists(pk)',
                ExpressionAttributeNames: { '#status': 'status' },
                ExpressionAttributeValues: { ':published': 'published', ':at': by.at, ':by': by.author },
              },
            },
            this.pointerPut(kind, version, over),
          ],
        }),
      );
    } catch (e) {
      if (e instanceof TransactionCanceledException) throw conflict(kind);
      throw e;
    }
    const stored = await this.get(kind, version);
    if (!stored) throw conflict(kind);
    return stored;
  }
}
