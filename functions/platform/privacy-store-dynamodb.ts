/**
 * The privacy rights on the single leads table. Items it reads and writes:
 * - the lead item (`privacyRequests`, the unscored route of a person who objected to profiling);
 * - the `byEmail` index (`EMAIL#<sha256>`, keys only): every lead of an address, without a scan;
 * - `SUPPRESS#<salted hash>` / `SUPPRESS`: objections and erasures (functions/agent/privacy/links.ts);
 * - a lead's satellites: `CRM#<leadId>` / `CRM` (its CRM links).
 */
import { GetCommand, PutCommand, QueryCommand, type QueryCommandInput } from '@aws-sdk/lib-dynamodb';
import type { LeadRecord, PrivacyRequest } from '../agent/lead-record';
import { leadFrom, qualifyCommand } from '../agent/lifecycle';
import type { PrivacyStore, StepTimings, SuppressionEntry } from '../agent/ports';
import type { Route } from '../agent/qualification';
import { leadIndex } from './lead-indexes';
import {
  emailIndexPk,
  type LeadTable,
  LeadUpdate,
  leadIdOfKey,
  leadKey,
  routedAttributes,
  suppressionKey,
  toLeadRecord,
} from './lead-item';

/** Every page of a query (follows LastEvaluatedKey). */
export const queryAll = async (
  t: LeadTable,
  input: QueryCommandInput,
): Promise<Record<string, unknown>[]> => {
  const items: Record<string, unknown>[] = [];
  let start: Record<string, unknown> | undefined;
  do {
    const out = await t.db.send(
      new QueryCommand({ ...input, ...(start ? { ExclusiveStartKey: start } : {}) }),
    );
    items.push(...(out.Items ?? []));
    start = out.LastEvaluatedKey;
  } while (start);
  return items;
};

export const leadIdsByEmail = async (t: LeadTable, emailSha256: string): Promise<string[]> => {
  const items = await queryAll(t, {
    TableName: t.table,
    IndexName: leadIndex('byEmail'),
    KeyConditionExpression: 'emailPk = :e',
    ExpressionAttributeValues: { ':e': emailIndexPk(emailSha256) },
    // Keys only: the lead id is the item's partition key.
    ProjectionExpression: 'pk',
  });
  return [...new Set(items.map((i) => leadIdOfKey(i.pk)))];
};

/** The satellites of a lead outside its partition. */
export const satelliteKeys = (leadId: string) => [{ pk: `CRM#${leadId}`, sk: 'CRM' }];

const REASON_RANK: Readonly<Record<SuppressionEntry['reason'], number>> = {
  unsubscribe: 0,
  objection: 1,
  erasure: 2,
};

export class DynamoPrivacyStore implements PrivacyStore {
  constructor(private readonly t: LeadTable) {}

  async get(leadId: string): Promise<LeadRecord | undefined> {
    const out = await this.t.db.send(
      new GetCommand({ TableName: this.t.table, Key: leadKey(leadId), ConsistentRead: true }),
    );
    return out.Item ? toLeadRecord(out.Item) : undefined;
  }

  leadIdsByEmail(emailSha256: string): Promise<string[]> {
    return leadIdsByEmail(this.t, emailSha256);
  }

  async leadItems(leadId: string): Promise<Record<string, unknown>[]> {
    const own = await queryAll(this.t, {
      TableName: this.t.table,
      KeyConditionExpression: 'pk = :pk',
      ExpressionAttributeValues: { ':pk': leadKey(leadId).pk },
      ConsistentRead: true,
    });
    const satellites = await Promise.all(
      satelliteKeys(leadId).map(async (Key) => {
        const out = await this.t.db.send(
          new GetCommand({ TableName: this.t.table, Key, ConsistentRead: true }),
        );
        return out.Item;
      }),
    );
    return [...own, ...satellites.filter((i): i is Record<string, unknown> => i !== undefined)];
  }

  parkedItems(saltedHash: string): Promise<Record<string, unknown>[]> {
    return queryAll(this.t, {
      TableName: this.t.table,
      KeyConditionExpression: 'pk = :pk',
      ExpressionAttributeValues: { ':pk': `PARKED#${saltedHash}` },
      ConsistentRead: true,
    });
  }

  async suppression(saltedHash: string): Promise<SuppressionEntry | undefined> {
    const out = await this.t.db.send(
      new GetCommand({ TableName: this.t.table, Key: suppressionKey(saltedHash), ConsistentRead: true }),
    );
    if (!out.Item) return undefined;
    return {
      reason:
        out.Item.reason === 'erasure' || out.Item.reason === 'unsubscribe' ? out.Item.reason : 'objection',
      at: String(out.Item.at ?? ''),
      noProfiling: out.Item.noProfiling === true,
    };
  }

  async suppress(saltedHash: string, entry: SuppressionEntry): Promise<void> {
    const current = await this.suppression(saltedHash);
    await this.t.db.send(
      new PutCommand({
        TableName: this.t.table,
        Item: {
          ...suppressionKey(saltedHash),
          // The strongest reason stays: erasure, then objection, then unsubscribe.
          reason:
            current && REASON_RANK[current.reason] > REASON_RANK[entry.reason]
              ? current.reason
              : entry.reason,
          at: current?.at ?? entry.at,
          noProfiling: entry.noProfiling || (current?.noProfiling ?? false),
        },
      }),
    );
  }

  recordRequest(leadId: string, request: PrivacyRequest): Promise<boolean> {
    return new LeadUpdate(leadId).append('privacyRequests', [request]).run(this.t);
  }

  routeWithoutScore(leadId: string, route: Route, steps: StepTimings): Promise<boolean> {
    const routed = routedAttributes(leadId, route);
    return new LeadUpdate(leadId)
      .set('route', routed.route)
      .set('status', routed.status)
      .set('ownerPk', routed.ownerPk)
      .set('ownerSk', routed.ownerSk)
      .set('unscored', { reason: 'profiling_objection', at: route.assignedAt })
      .setEach('steps', steps)
      .remove('outboxPk', 'outboxSk')
      .absent('route')
      .in('status', leadFrom(qualifyCommand(route.kind)))
      .run(this.t);
  }
}
