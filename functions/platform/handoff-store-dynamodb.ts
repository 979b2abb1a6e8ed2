/**
 * Versioned handoff configuration on the leads table: `CONFIG#handoff` / `V#<000001>` items hold each
 * version (config, author, time, note) and `CONFIG#handoff` / `ACTIVE` points at the one in force. Publishing
 * writes the new version and moves the pointer in one transaction (optimistic on the pointer), so concurrent
 * edits never lose one another; a rollback publishes an old version's config as a new version. The first read
 * seeds version 1 from the shipped `config/handoff.yaml`.
 */
import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import {
  type DynamoDBDocumentClient,
  GetCommand,
  QueryCommand,
  TransactWriteCommand,
} from '@aws-sdk/lib-dynamodb';
import { DomainError } from '../agent/errors';
import { type HandoffPolicy, parseHandoffPolicy } from '../agent/handoff/policy';

const PK = 'CONFIG#handoff';
const vKey = (n: number) => ({ pk: PK, sk: `V#${String(n).padStart(6, '0')}` });
const ACTIVE = { pk: PK, sk: 'ACTIVE' };

export interface HandoffVersion {
  readonly version: number;
  readonly config: HandoffPolicy;
  readonly author: string;
  readonly at: string;
  readonly note: string;
}

/** The policy as decided with: its `version` names the stored version so every draft records it. */
export const policyOf = (v: HandoffVersion): HandoffPolicy => ({
  ...v.config,
  version: `handoff@v${v.version}`,
});

export class HandoffStore {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly table: string,
    private readonly seed: () => HandoffPolicy,
    private readonly now: () => Date = () => new Date(),
  ) {}

  async active(): Promise<HandoffVersion> {
    const pointer = await this.db.send(
      new GetCommand({ TableName: this.table, Key: ACTIVE, ConsistentRead: true }),
    );
    const n = Number(pointer.Item?.version ?? 0);
    if (n === 0) {
      await this.publish(this.seed(), 'seed', 'from config/handoff.yaml', 0).catch((e) => {
        if (!(e instanceof TransactionCanceledException)) throw e; // another instance seeded it first
      });
      return this.active();
    }
    return this.get(n);
  }

  async get(version: number): Promise<HandoffVersion> {
    const out = await this.db.send(
      new GetCommand({ TableName: this.table, Key: vKey(version), ConsistentRead: true }),
    );
    if (!out.Item)
      throw new DomainError('not_found', `No handoff version ${version}`, {
        issues: [{ field: 'version', message: 'no such version' }],
      });
    const { pk: _pk, sk: _sk, ...v } = out.Item;
    return v as HandoffVersion;
  }

  async list(): Promise<Omit<HandoffVersion, 'config'>[]> {
    const out = await this.db.send(
      new QueryCommand({
        TableName: this.table,
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :v)',
        ExpressionAttributeValues: { ':pk': PK, ':v': 'V#' },
        ProjectionExpression: 'version, author, #at, note',
        ExpressionAttributeNames: { '#at': 'at' },
        ScanIndexForward: false,
      }),
    );
    return (out.Items ?? []) as Omit<HandoffVersion, 'config'>[];
  }

  /**
   * Validates and publishes `config` as the next version (throws a DomainError naming the rule and field).
   * `expectedActive` (the version the editor saw) makes a concurrent edit fail instead of being overwritten.
   */
  async publish(
    config: unknown,
    author: string,
    note: string,
    expectedActive?: number,
  ): Promise<HandoffVersion> {
    const policy = parseHandoffPolicy(config);
    const current =
      expectedActive ??
      Number(
        (await this.db.send(new GetCommand({ TableName: this.table, Key: ACTIVE, ConsistentRead: true })))
          .Item?.version ?? 0,
      );
    const next: HandoffVersion = {
      version: current + 1,
      config: policy,
      author,
      at: this.now().toISOString(),
      note,
    };
    await this.db.send(
      new TransactWriteCommand({
        TransactItems: [
          {
            Put: {
              TableName: this.table,
              Item: { ...vKey(next.version), ...next },
              ConditionExpression: 'attribute_not_exists(pk)',
            },
          },
          {
            Put: {
              TableName: this.table,
              Item: { ...ACTIVE, version: next.version },
              ConditionExpression: current === 0 ? 'attribute_not_exists(pk)' : 'version = :current',
              ...(current === 0 ? {} : { ExpressionAttributeValues: { ':current': current } }),
            },
          },
        ],
      }),
    );
    return next;
  }

  async rollback(version: number, author: string): Promise<HandoffVersion> {
    const old = await this.get(version);
    return this.publish(old.config, author, `rollback to version ${version}`);
  }
}

/** The active policy for the draft step, re-read at most every `ttlMs` per container. */
export const cachedActivePolicy = (store: HandoffStore, ttlMs = 30_000, clock = () => Date.now()) => {
  let cached: { policy: HandoffPolicy; at: number } | undefined;
  // One read at a time: concurrent drafts at a cold or expired cache share it (and the seeding of version 1).
  let reading: Promise<HandoffPolicy> | undefined;
  return (): Promise<HandoffPolicy> => {
    if (cached && clock() - cached.at <= ttlMs) return Promise.resolve(cached.policy);
    reading ??= store
      .active()
      .then((active) => {
        cached = { policy: policyOf(active), at: clock() };
        return cached.policy;
      })
      .finally(() => {
        reading = undefined;
      });
    return reading;
  };
};
