/**
 * LeadStore on the single DynamoDB table (see infra/data-plane.ts). Every write is conditional so that
 * at-least-once delivery never produces a second lead, a second score or a status that goes backwards.
 */
import { ConditionalCheckFailedException, TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import {
  type DynamoDBDocumentClient,
  GetCommand,
  QueryCommand,
  TransactWriteCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import type { Enrichment } from '../agent/enrichment';
import type { LeadError, LeadRecord, PipelineStep, StepTiming } from '../agent/lead-record';
import type { CreateLeadResult, LeadStore } from '../agent/ports';
import type { Draft, LeadStatus, Rationale, Score } from '../agent/qualification';

export const leadKey = (leadId: string) => ({ pk: `LEAD#${leadId}`, sk: 'LEAD' });
const dedupKey = (key: string) => ({ pk: `DEDUP#${key}`, sk: 'DEDUP' });
const OUTBOX = 'OUTBOX';

const isConditionFailure = (error: unknown) => error instanceof ConditionalCheckFailedException;

/** Strips the table's own attributes from a stored lead item. */
export const toLeadRecord = (item: Record<string, unknown>): LeadRecord => {
  const {
    pk: _pk,
    sk: _sk,
    outboxPk: _o1,
    outboxSk: _o2,
    outboxSweeps: _o3,
    ownerPk: _w1,
    ownerSk: _w2,
    ...record
  } = item;
  return record as unknown as LeadRecord;
};

export class DynamoLeadStore implements LeadStore {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly table: string,
    private readonly now: () => Date = () => new Date(),
  ) {}

  async create(
    record: LeadRecord,
    options: { dedupWindowSeconds: number; pendingEnqueue: boolean },
  ): Promise<CreateLeadResult> {
    const nowSeconds = Math.floor(this.now().getTime() / 1000);
    const outbox = options.pendingEnqueue
      ? { outboxPk: OUTBOX, outboxSk: `${record.receivedAt}#${record.leadId}` }
      : {};
    try {
      await this.db.send(
        new TransactWriteCommand({
          TransactItems: [
            {
              Put: {
                TableName: this.table,
                Item: {
                  ...dedupKey(record.dedupKey),
                  leadId: record.leadId,
                  expiresAt: nowSeconds + options.dedupWindowSeconds,
                },
                ConditionExpression: 'attribute_not_exists(pk) OR expiresAt < :now',
                ExpressionAttributeValues: { ':now': nowSeconds },
              },
            },
            {
              Put: {
                TableName: this.table,
                Item: { ...leadKey(record.leadId), ...record, ...outbox },
                ConditionExpression: 'attribute_not_exists(pk)',
              },
            },
          ],
        }),
      );
      return { created: true, leadId: record.leadId };
    } catch (error) {
      if (!(error instanceof TransactionCanceledException)) throw error;
      const reasons = error.CancellationReasons ?? [];
      if (reasons[0]?.Code !== 'ConditionalCheckFailed') throw error;
      const existing = await this.db.send(
        new GetCommand({ TableName: this.table, Key: dedupKey(record.dedupKey), ConsistentRead: true }),
      );
      const leadId = existing.Item?.leadId as string | undefined;
      if (!leadId) throw error;
      const lead = await this.get(leadId);
      return { created: false, leadId, status: lead?.status ?? 'received' };
    }
  }

  async get(leadId: string): Promise<LeadRecord | undefined> {
    const out = await this.db.send(
      new GetCommand({ TableName: this.table, Key: leadKey(leadId), ConsistentRead: true }),
    );
    return out.Item ? toLeadRecord(out.Item) : undefined;
  }

  async rearmOutbox(leadId: string): Promise<void> {
    try {
      await this.db.send(
        new UpdateCommand({
          TableName: this.table,
          Key: leadKey(leadId),
          UpdateExpression: 'SET outboxSk = :sk ADD outboxSweeps :one',
          ConditionExpression: 'attribute_exists(outboxPk)',
          ExpressionAttributeValues: { ':sk': `${this.now().toISOString()}#${leadId}`, ':one': 1 },
        }),
      );
    } catch (error) {
      if (!isConditionFailure(error)) throw error;
      // Qualification picked it up meanwhile: nothing to re-arm.
    }
  }

  async listOutbox(olderThanSeconds: number, limit: number): Promise<string[]> {
    const cutoff = new Date(this.now().getTime() - olderThanSeconds * 1000).toISOString();
    const out = await this.db.send(
      new QueryCommand({
        TableName: this.table,
        IndexName: 'outbox',
        KeyConditionExpression: 'outboxPk = :o AND outboxSk < :cutoff',
        ExpressionAttributeValues: { ':o': OUTBOX, ':cutoff': cutoff },
        Limit: limit,
      }),
    );
    return (out.Items ?? []).map((i) => i.leadId as string);
  }

  async saveQualification(
    leadId: string,
    result: {
      enrichment: Enrichment;
      score: Score;
      steps: Partial<Record<PipelineStep, StepTiming>>;
    },
  ): Promise<boolean> {
    const stepNames = Object.keys(result.steps);
    try {
      await this.db.send(
        new UpdateCommand({
          TableName: this.table,
          Key: leadKey(leadId),
          UpdateExpression: `SET enrichment = :e, score = :s${stepNames.map((_, i) => `, steps.#st${i} = :st${i}`).join('')} REMOVE outboxPk, outboxSk`,
          ConditionExpression: 'attribute_exists(pk) AND attribute_not_exists(score)',
          ExpressionAttributeNames: Object.fromEntries(stepNames.map((n, i) => [`#st${i}`, n])),
          ExpressionAttributeValues: {
            ':e': result.enrichment,
            ':s': result.score,
            ...Object.fromEntries(stepNames.map((n, i) => [`:st${i}`, result.steps[n as PipelineStep]])),
          },
        }),
      );
      return true;
    } catch (error) {
      if (!isConditionFailure(error)) throw error;
      // Already scored by an earlier delivery: the first score stands.
      return false;
    }
  }

  async recordSteps(leadId: string, steps: Partial<Record<PipelineStep, StepTiming>>): Promise<void> {
    const names = Object.keys(steps);
    if (names.length === 0) return;
    await this.db.send(
      new UpdateCommand({
        TableName: this.table,
        Key: leadKey(leadId),
        UpdateExpression: `SET ${names.map((_, i) => `steps.#st${i} = :st${i}`).join(', ')}`,
        ConditionExpression: 'attribute_exists(pk)',
        ExpressionAttributeNames: Object.fromEntries(names.map((n, i) => [`#st${i}`, n])),
        ExpressionAttributeValues: Object.fromEntries(
          names.map((n, i) => [`:st${i}`, steps[n as PipelineStep]]),
        ),
      }),
    );
  }

  async saveDraft(
    leadId: string,
    result: {
      rationale: Rationale;
      draft?: Draft;
      status: LeadStatus;
      steps: Partial<Record<PipelineStep, StepTiming>>;
    },
  ): Promise<boolean> {
    const names = Object.keys(result.steps);
    try {
      await this.db.send(
        new UpdateCommand({
          TableName: this.table,
          Key: leadKey(leadId),
          UpdateExpression: `SET rationale = :r, #s = :s${result.draft ? ', draft = :d' : ''}${names.map((_, i) => `, steps.#st${i} = :st${i}`).join('')}`,
          ConditionExpression: 'attribute_exists(pk) AND attribute_not_exists(rationale)',
          ExpressionAttributeNames: {
            '#s': 'status',
            ...Object.fromEntries(names.map((n, i) => [`#st${i}`, n])),
          },
          ExpressionAttributeValues: {
            ':r': result.rationale,
            ':s': result.status,
            ...(result.draft ? { ':d': result.draft } : {}),
            ...Object.fromEntries(names.map((n, i) => [`:st${i}`, result.steps[n as PipelineStep]])),
          },
        }),
      );
      return true;
    } catch (error) {
      if (!isConditionFailure(error)) throw error;
      return false;
    }
  }

  async recordError(leadId: string, error: LeadError, final: boolean): Promise<void> {
    await this.db.send(
      new UpdateCommand({
        TableName: this.table,
        Key: leadKey(leadId),
        UpdateExpression: final ? 'SET #err = :e, #s = :failed REMOVE outboxPk, outboxSk' : 'SET #err = :e',
        ConditionExpression: 'attribute_exists(pk)',
        ExpressionAttributeNames: { '#err': 'error', ...(final ? { '#s': 'status' } : {}) },
        ExpressionAttributeValues: { ':e': error, ...(final ? { ':failed': 'failed' } : {}) },
      }),
    );
  }

  async setStatus(
    leadId: string,
    status: LeadStatus,
    expectedStatuses: readonly LeadStatus[],
  ): Promise<boolean> {
    const names = expectedStatuses.map((_, i) => `:x${i}`);
    try {
      await this.db.send(
        new UpdateCommand({
          TableName: this.table,
          Key: leadKey(leadId),
          UpdateExpression: 'SET #s = :s',
          ConditionExpression: `#s IN (${names.join(', ')})`,
          ExpressionAttributeNames: { '#s': 'status' },
          ExpressionAttributeValues: {
            ':s': status,
            ...Object.fromEntries(expectedStatuses.map((s, i) => [`:x${i}`, s])),
          },
        }),
      );
      return true;
    } catch (error) {
      if (isConditionFailure(error)) return false;
      throw error;
    }
  }
}
