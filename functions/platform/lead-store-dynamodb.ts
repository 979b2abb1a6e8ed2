/**
 * LeadStore on the single DynamoDB table (see infra/data-plane.ts). Every write is conditional so that
 * at-least-once delivery never produces a second lead, a second score or a status that goes backwards.
 */
import { ConditionalCheckFailedException, TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import {
  type DynamoDBDocumentClient,
  GetCommand,
  QueryCommand,
  ScanCommand,
  TransactWriteCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import type { Enrichment } from '../agent/enrichment';
import { type InboxOrderInput, inboxOrderKey } from '../agent/inbox-order';
import type { LeadError, LeadRecord, PipelineStep, StepTiming } from '../agent/lead-record';
import {
  type BeginSendResult,
  type CreateLeadResult,
  InvalidCursorError,
  type LeadChange,
  type LeadStore,
  type ReviewStore,
  type SendStore,
  type StoreCursor,
} from '../agent/ports';
import type { Draft, DraftStatus, LeadStatus, Rationale, Score } from '../agent/qualification';

export const leadKey = (leadId: string) => ({ pk: `LEAD#${leadId}`, sk: 'LEAD' });
const dedupKey = (key: string) => ({ pk: `DEDUP#${key}`, sk: 'DEDUP' });
const OUTBOX = 'OUTBOX';
/** Tries of `create` when concurrent identical submissions conflict (see `create`). */
const CREATE_ATTEMPTS = 5;
/** Tries of a write whose index keys were computed from a read that a concurrent write made stale. */
const REORDER_ATTEMPTS = 5;

/**
 * The sparse `drafts` index (infra/data-plane.ts): a lead with a draft carries `draftPk = DRAFT#<status>`,
 * maintained by every write that moves the draft status, and `draftSk` = its inbox order key, maintained by
 * every write that changes the effective tier or SLA due time (draft saved, score overridden).
 */
export const draftIndexPk = (status: DraftStatus) => `DRAFT#${status}`;
/** What a read needs to compute `draftSk`. */
const ORDER_PROJECTION = {
  ProjectionExpression: 'leadId, #score.#tier, #override, #route.#sla, #rationale.#writtenAt, draftSk',
  ExpressionAttributeNames: {
    '#score': 'score',
    '#tier': 'tier',
    '#override': 'override',
    '#route': 'route',
    '#sla': 'slaDueAt',
    '#rationale': 'rationale',
    '#writtenAt': 'writtenAt',
  },
} as const;

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
    draftPk: _d1,
    draftSk: _d2,
    ...record
  } = item;
  return record as unknown as LeadRecord;
};

export class DynamoLeadStore implements LeadStore, SendStore, ReviewStore {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly table: string,
    private readonly now: () => Date = () => new Date(),
  ) {}

  async create(
    record: LeadRecord,
    options: { dedupWindowSeconds: number; pendingEnqueue: boolean },
  ): Promise<CreateLeadResult> {
    // Identical submissions at the same moment race on one DEDUP item. DynamoDB cancels all but one of the
    // concurrent transactions with `TransactionConflict` (not `ConditionalCheckFailed`); retried after a short
    // jitter, they find the winner's DEDUP item and answer with its lead instead of failing with a 500.
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.createOnce(record, options);
      } catch (error) {
        const conflict =
          error instanceof TransactionCanceledException &&
          (error.CancellationReasons ?? []).some((r) => r.Code === 'TransactionConflict');
        if (!conflict || attempt >= CREATE_ATTEMPTS) throw error;
        await new Promise((r) => setTimeout(r, Math.random() * 20 * attempt));
      }
    }
  }

  private async createOnce(
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

  async rearmOutbox(leadId: string): Promise<number> {
    try {
      const out = await this.db.send(
        new UpdateCommand({
          TableName: this.table,
          Key: leadKey(leadId),
          UpdateExpression: 'SET outboxSk = :sk ADD outboxSweeps :one',
          ConditionExpression: 'attribute_exists(outboxPk)',
          ExpressionAttributeValues: { ':sk': `${this.now().toISOString()}#${leadId}`, ':one': 1 },
          ReturnValues: 'UPDATED_NEW',
        }),
      );
      return Number(out.Attributes?.outboxSweeps ?? 1);
    } catch (error) {
      if (!isConditionFailure(error)) throw error;
      // Drafting finished meanwhile: nothing to re-arm.
      return 0;
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
          UpdateExpression: `SET enrichment = :e, score = :s${stepNames.map((_, i) => `, steps.#st${i} = :st${i}`).join('')}, outboxSk = :rearm`,
          ConditionExpression: 'attribute_exists(pk) AND attribute_not_exists(score)',
          ExpressionAttributeNames: Object.fromEntries(stepNames.map((n, i) => [`#st${i}`, n])),
          ExpressionAttributeValues: {
            ':e': result.enrichment,
            ':s': result.score,
            // Still in the outbox until drafted; the sweeper's clock restarts now that qualification is done.
            ':rearm': `${this.now().toISOString()}#${leadId}`,
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
    const base = {
      UpdateExpression: `SET rationale = :r, #s = :s${result.draft ? ', draft = :d, draftPk = :dpk, draftSk = :dsk' : ''}${names.map((_, i) => `, steps.#st${i} = :st${i}`).join('')} REMOVE outboxPk, outboxSk, outboxSweeps`,
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
    };
    const key = { TableName: this.table, Key: leadKey(leadId) };
    const once = 'attribute_exists(pk) AND attribute_not_exists(rationale)';
    if (!result.draft) return this.conditional({ ...key, ...base, ConditionExpression: once });
    // With a draft, the inbox order key needs the effective tier: read it, and write only if no override
    // changed it meanwhile (else read again).
    for (let attempt = 1; attempt <= REORDER_ATTEMPTS; attempt++) {
      const current = await this.readOrder(leadId);
      if (!current || current.rationale) return false;
      const overrideAt = (current.override as { at?: string } | undefined)?.at;
      const saved = await this.conditional({
        ...key,
        ...base,
        ConditionExpression: `${once} AND ${overrideAt ? '#override.#at = :oat' : 'attribute_not_exists(#override)'}`,
        ExpressionAttributeNames: {
          ...base.ExpressionAttributeNames,
          '#override': 'override',
          ...(overrideAt ? { '#at': 'at' } : {}),
        },
        ExpressionAttributeValues: {
          ...base.ExpressionAttributeValues,
          ':dpk': draftIndexPk(result.draft.status),
          ':dsk': inboxOrderKey({ ...(current as InboxOrderInput), leadId }),
          ...(overrideAt ? { ':oat': overrideAt } : {}),
        },
      });
      if (saved) return true;
    }
    throw new Error(`The draft of ${leadId} lost ${REORDER_ATTEMPTS} times to a changing score override`);
  }

  /** The attributes the inbox order depends on (consistent read). */
  private async readOrder(leadId: string): Promise<Record<string, unknown> | undefined> {
    const out = await this.db.send(
      new GetCommand({
        TableName: this.table,
        Key: leadKey(leadId),
        ConsistentRead: true,
        ...ORDER_PROJECTION,
      }),
    );
    return out.Item;
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

  /* ---------------------------------------------------------------- send state machine (send-draft.ts) */

  private async conditional(input: ConstructorParameters<typeof UpdateCommand>[0]): Promise<boolean> {
    try {
      await this.db.send(new UpdateCommand(input));
      return true;
    } catch (error) {
      if (isConditionFailure(error)) return false;
      throw error;
    }
  }

  async beginSend(
    leadId: string,
    attempt: { attemptId: string; startedAt: string },
  ): Promise<BeginSendResult> {
    const ok = await this.conditional({
      TableName: this.table,
      Key: leadKey(leadId),
      UpdateExpression: 'SET draft.#st = :sending, draft.#send = :send, draftPk = :dpk',
      ConditionExpression: 'draft.#st = :approved',
      ExpressionAttributeNames: { '#st': 'status', '#send': 'send' },
      ExpressionAttributeValues: {
        ':sending': 'sending',
        ':approved': 'approved',
        ':send': attempt,
        ':dpk': draftIndexPk('sending'),
      },
    });
    return ok ? 'started' : 'conflict';
  }

  async completeSend(
    leadId: string,
    attemptId: string,
    result: { messageId: string; sentAt: string },
  ): Promise<boolean> {
    return this.conditional({
      TableName: this.table,
      Key: leadKey(leadId),
      UpdateExpression:
        'SET draft.#st = :sent, draft.#send.messageId = :m, draft.#send.sentAt = :at, #status = :sent, draftPk = :dpk',
      ConditionExpression: 'draft.#st = :sending AND draft.#send.attemptId = :a',
      ExpressionAttributeNames: { '#st': 'status', '#send': 'send', '#status': 'status' },
      ExpressionAttributeValues: {
        ':sent': 'sent',
        ':dpk': draftIndexPk('sent'),
        ':sending': 'sending',
        ':a': attemptId,
        ':m': result.messageId,
        ':at': result.sentAt,
      },
    });
  }

  async failSend(
    leadId: string,
    from: { status: 'approved' } | { status: 'sending'; attemptId: string },
    failure: { error: string; failedAt: string },
  ): Promise<boolean> {
    if (from.status === 'sending') {
      return this.conditional({
        TableName: this.table,
        Key: leadKey(leadId),
        UpdateExpression:
          'SET draft.#st = :failed, draft.#send.#err = :e, draft.#send.failedAt = :at, draftPk = :dpk',
        ConditionExpression: 'draft.#st = :sending AND draft.#send.attemptId = :a',
        ExpressionAttributeNames: { '#st': 'status', '#send': 'send', '#err': 'error' },
        ExpressionAttributeValues: {
          ':failed': 'failed',
          ':dpk': draftIndexPk('failed'),
          ':sending': 'sending',
          ':a': from.attemptId,
          ':e': failure.error,
          ':at': failure.failedAt,
        },
      });
    }
    return this.conditional({
      TableName: this.table,
      Key: leadKey(leadId),
      UpdateExpression: 'SET draft.#st = :failed, draft.#send = :send, draftPk = :dpk',
      ConditionExpression: 'draft.#st = :approved',
      ExpressionAttributeNames: { '#st': 'status', '#send': 'send' },
      ExpressionAttributeValues: {
        ':failed': 'failed',
        ':dpk': draftIndexPk('failed'),
        ':approved': 'approved',
        ':send': { attemptId: 'none', startedAt: failure.failedAt, ...failure },
      },
    });
  }

  async releaseSend(leadId: string, attemptId: string): Promise<boolean> {
    return this.conditional({
      TableName: this.table,
      Key: leadKey(leadId),
      UpdateExpression: 'SET draft.#st = :approved, draftPk = :dpk REMOVE draft.#send',
      ConditionExpression: 'draft.#st = :sending AND draft.#send.attemptId = :a',
      ExpressionAttributeNames: { '#st': 'status', '#send': 'send' },
      ExpressionAttributeValues: {
        ':approved': 'approved',
        ':sending': 'sending',
        ':a': attemptId,
        ':dpk': draftIndexPk('approved'),
      },
    });
  }

  async isSuppressed(emailSha256: string): Promise<boolean> {
    const out = await this.db.send(
      new GetCommand({
        TableName: this.table,
        Key: { pk: `SUPPRESS#${emailSha256}`, sk: 'SUPPRESS' },
        ProjectionExpression: 'pk',
      }),
    );
    return out.Item !== undefined;
  }

  /* ---------------------------------------------------------------- review (review.ts) */

  async listByOwner(ownerId: string, draftStatus: DraftStatus | 'all'): Promise<LeadRecord[]> {
    const items: Record<string, unknown>[] = [];
    let start: Record<string, unknown> | undefined;
    do {
      const out = await this.db.send(
        new QueryCommand({
          TableName: this.table,
          IndexName: 'byOwner',
          KeyConditionExpression: 'ownerPk = :o',
          FilterExpression: draftStatus === 'all' ? 'attribute_exists(draftPk)' : 'draftPk = :dpk',
          ExpressionAttributeValues: {
            ':o': `OWNER#${ownerId}`,
            ...(draftStatus === 'all' ? {} : { ':dpk': draftIndexPk(draftStatus) }),
          },
          ExclusiveStartKey: start,
        }),
      );
      items.push(...(out.Items ?? []));
      start = out.LastEvaluatedKey;
    } while (start);
    return items.map(toLeadRecord);
  }

  async listDrafts(
    status: DraftStatus,
    page: { readonly limit: number; readonly after?: StoreCursor },
  ): Promise<{ records: LeadRecord[]; next?: StoreCursor }> {
    const pk = draftIndexPk(status);
    if (page.after !== undefined) {
      const keys = Object.keys(page.after).sort().join(',');
      if (
        keys !== 'draftPk,draftSk,pk,sk' ||
        page.after.draftPk !== pk ||
        !page.after.pk?.startsWith('LEAD#')
      )
        throw new InvalidCursorError('not a cursor of this listing');
    }
    const out = await this.db.send(
      new QueryCommand({
        TableName: this.table,
        IndexName: 'drafts',
        KeyConditionExpression: 'draftPk = :p',
        ExpressionAttributeValues: { ':p': pk },
        Limit: page.limit,
        ...(page.after ? { ExclusiveStartKey: page.after } : {}),
      }),
    );
    const next = out.LastEvaluatedKey as StoreCursor | undefined;
    return { records: (out.Items ?? []).map(toLeadRecord), ...(next ? { next } : {}) };
  }

  /**
   * One conditional change. A new `draft.status` moves the lead to that status's partition of the drafts
   * index; a change of the override, route or score re-computes its inbox order key from a fresh read, and
   * the write then also requires that key to be unchanged (a concurrent reorder makes it read again).
   */
  async applyChange(leadId: string, change: LeadChange): Promise<boolean> {
    // What the inbox order key is made of: the effective tier (score, override) and the SLA due time.
    const reorders = Object.keys(change.set).some((path) =>
      /^(override|score)(\.|$)|^route(\.slaDueAt)?$/.test(path),
    );
    for (let attempt = 1; ; attempt++) {
      const current = reorders ? await this.readOrder(leadId) : undefined;
      if (reorders && !current) return false;
      const extra: Record<string, unknown> = {};
      const status = change.set['draft.status'];
      if (typeof status === 'string') extra.draftPk = draftIndexPk(status as DraftStatus);
      let guard: { sk: string | undefined } | undefined;
      if (current) {
        const next = withPaths(current, change.set);
        guard = { sk: current.draftSk as string | undefined };
        if (guard.sk !== undefined) extra.draftSk = inboxOrderKey({ ...(next as InboxOrderInput), leadId });
      }
      const ok = await this.applyOnce(leadId, change, extra, guard);
      if (ok || !guard || attempt >= REORDER_ATTEMPTS) return ok;
      // Lost to a concurrent write: a real conflict when the expectations no longer hold, else re-read.
      const now = await this.get(leadId);
      if (!now || !Object.entries(change.expect).every(([path, v]) => valueAt(now, path) === v)) return false;
    }
  }

  private async applyOnce(
    leadId: string,
    change: LeadChange,
    extra: Record<string, unknown>,
    guard: { sk: string | undefined } | undefined,
  ): Promise<boolean> {
    const names: Record<string, string> = {};
    const values: Record<string, unknown> = { ':audit': [change.audit], ':empty': [] };
    const pathOf = (path: string) =>
      path
        .split('.')
        .map((part) => {
          const key = `#${part.replace(/[^A-Za-z0-9_]/g, '_')}`;
          names[key] = part;
          return key;
        })
        .join('.');
    const sets = Object.entries({ ...change.set, ...extra }).map(([path, value], i) => {
      values[`:v${i}`] = value;
      return `${pathOf(path)} = :v${i}`;
    });
    const conditions = Object.entries(change.expect).map(([path, value], i) => {
      values[`:x${i}`] = value;
      return `${pathOf(path)} = :x${i}`;
    });
    if (guard) {
      if (guard.sk === undefined) conditions.push(`attribute_not_exists(${pathOf('draftSk')})`);
      else {
        values[':gsk'] = guard.sk;
        conditions.push(`${pathOf('draftSk')} = :gsk`);
      }
    }
    names['#audit'] = 'audit';
    return this.conditional({
      TableName: this.table,
      Key: leadKey(leadId),
      UpdateExpression: `SET ${[...sets, '#audit = list_append(if_not_exists(#audit, :empty), :audit)'].join(', ')}`,
      ConditionExpression: ['attribute_exists(pk)', ...conditions].join(' AND '),
      ExpressionAttributeNames: names,
      ExpressionAttributeValues: values,
    });
  }

  /**
   * Gives leads stored before the drafts index existed their index keys (the local stack runs it at start;
   * on AWS run `npx tsx scripts/backfill-draft-index.ts`). Idempotent; returns how many leads it changed.
   */
  async backfillDraftIndex(): Promise<number> {
    let changed = 0;
    let start: Record<string, unknown> | undefined;
    do {
      const out = await this.db.send(
        new ScanCommand({
          TableName: this.table,
          FilterExpression: 'sk = :lead AND attribute_exists(draft) AND attribute_not_exists(draftPk)',
          ExpressionAttributeValues: { ':lead': 'LEAD' },
          ExclusiveStartKey: start,
        }),
      );
      for (const item of out.Items ?? []) {
        const record = toLeadRecord(item);
        if (!record.draft) continue;
        const ok = await this.conditional({
          TableName: this.table,
          Key: leadKey(record.leadId),
          UpdateExpression: 'SET draftPk = :pk, draftSk = :sk',
          ConditionExpression: 'attribute_not_exists(draftPk) AND draft.#st = :st',
          ExpressionAttributeNames: { '#st': 'status' },
          ExpressionAttributeValues: {
            ':pk': draftIndexPk(record.draft.status),
            ':sk': inboxOrderKey(record),
            ':st': record.draft.status,
          },
        });
        if (ok) changed++;
      }
      start = out.LastEvaluatedKey;
    } while (start);
    return changed;
  }
}

/** The value at a dotted path of a plain object. */
const valueAt = (item: unknown, path: string): unknown =>
  path
    .split('.')
    .reduce<unknown>(
      (v, k) => (v && typeof v === 'object' ? (v as Record<string, unknown>)[k] : undefined),
      item,
    );

/** A copy of `item` with each dotted path set to its value (what an UpdateExpression SET would make of it). */
const withPaths = (item: Record<string, unknown>, set: Readonly<Record<string, unknown>>) => {
  const copy = structuredClone(item);
  for (const [path, value] of Object.entries(set)) {
    const parts = path.split('.');
    let target: Record<string, unknown> = copy;
    for (const part of parts.slice(0, -1)) {
      const inner = target[part];
      target[part] = inner && typeof inner === 'object' ? inner : {};
      target = target[part] as Record<string, unknown>;
    }
    target[parts[parts.length - 1] as string] = value;
  }
  return copy;
};
