/**
 * The lead item on the single table (infra/data-plane.ts) and how it is written: its keys, the index keys
 * it carries, the codec between the item and a `LeadRecord`, and one builder for conditional updates.
 *
 * Item `LEAD#<id>` / `LEAD` holds the record plus the keys of three sparse indexes:
 * - `byOwner`: `ownerPk = OWNER#<ownerId>`, `ownerSk = <slaDueAt or 9999>#<leadId>` (a rep's leads);
 * - `drafts`: `draftPk = DRAFT#<draft status>`, `draftSk` = the inbox order key (functions/agent/inbox-order.ts),
 *   moved by every write that changes the draft status, the effective tier or the SLA;
 * - `outbox`: `outboxPk = OUTBOX`, `outboxSk = <time>#<leadId>` while the lead is not drafted yet;
 * - the leads list (`listByPriority`, `listBySla`, `ownerByPriority`): every lead carries `listPk = LEADS` and
 *   `prioritySk = <effective tier rank, 3 unscored>#<slaDueAt or 9999>#<leadId>` from intake on, and an
 *   `ownerSk` before it is routed (the SLA order of all leads), plus `listSearch` (lower-case company, name
 *   and address words for `q`). The route and a score override move `prioritySk`.
 * Only the adapters in this folder write these keys.
 */
import { createHash } from 'node:crypto';
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import {
  BatchGetCommand,
  type DynamoDBDocumentClient,
  GetCommand,
  UpdateCommand,
  type UpdateCommandInput,
} from '@aws-sdk/lib-dynamodb';
import type { LeadRecord } from '../agent/lead-record';
import { type DraftStatus, decideLead, type LeadStatus, qualifyCommand } from '../agent/lifecycle';
import type { Route, Tier } from '../agent/qualification';

export const leadKey = (leadId: string) => ({ pk: `LEAD#${leadId}`, sk: 'LEAD' });
/** The lead id of a lead item's partition key (`LEAD#<id>`): what a keys-only index hands back. */
export const leadIdOfKey = (pk: unknown): string => String(pk).slice('LEAD#'.length);
export const dedupItemKey = (key: string) => ({ pk: `DEDUP#${key}`, sk: 'DEDUP' });
export const suppressionKey = (emailSha256: string) => ({ pk: `SUPPRESS#${emailSha256}`, sk: 'SUPPRESS' });
export const OUTBOX = 'OUTBOX';
/** The attribute of a reservation item at a lead key (./lead-store-intake.ts): the lead the id is held for. */
export const RESERVED_FOR = 'reservedFor';
/** The attribute of a new lead item naming the intake call that wrote it (./lead-store-intake.ts). */
export const WRITE_ID = 'writeId';
export const outboxSk = (at: string, leadId: string) => `${at}#${leadId}`;
/** Sorts after every ISO date: leads without an SLA come last in an owner's inbox. */
export const NO_SLA = '9999';
export const ownerIndexKeys = (
  leadId: string,
  ownerId: string | undefined,
  slaDueAt: string | undefined,
) => ({
  ownerPk: `OWNER#${ownerId ?? 'unassigned'}`,
  ownerSk: `${slaDueAt ?? NO_SLA}#${leadId}`,
});
export const draftIndexPk = (status: DraftStatus) => `DRAFT#${status}`;
/** A rep's open-lead counter in `team` (written by the rotation, ./round-robin-dynamodb.ts). */
export const loadKey = (team: string, repId: string) => ({ pk: `LOAD#${team}#${repId}`, sk: 'LOAD' });
/** The load item of a lead's `loadTaken` (`<team>#<rep>`, the capacity its assignment took). */
export const loadKeyOfTaken = (taken: string) => {
  const cut = taken.indexOf('#');
  return loadKey(taken.slice(0, cut), taken.slice(cut + 1));
};

/** The one partition of the leads list indexes (a lead a day per rep is far below a partition's limits). */
export const LIST_PK = 'LEADS';
const LIST_TIER_RANK: Record<Tier, number> = { hot: 0, warm: 1, cold: 2 };
/** Rank of a lead that has no score (received, spam, failed): after every scored lead. */
export const UNSCORED_RANK = 3;
export const listTierRank = (tier: Tier | undefined) => (tier ? LIST_TIER_RANK[tier] : UNSCORED_RANK);
/** The leads list's priority order: effective tier, then the SLA due soonest (none last), then the id. */
export const prioritySortKey = (leadId: string, tier: Tier | undefined, slaDueAt: string | undefined) =>
  `${listTierRank(tier)}#${slaDueAt ?? NO_SLA}#${leadId}`;

/** Lower-case words of the company, the person's name and address: what `q` of the leads list matches. */
export const listSearchText = (record: Pick<LeadRecord, 'lead'>): string => {
  // Tolerant of partial records (a lead stored by an older version, a test's minimal record).
  const company = record.lead?.company;
  const person = record.lead?.person;
  return [
    company?.name,
    company?.domain,
    person?.fullName,
    person?.firstName,
    person?.lastName,
    person?.email,
  ]
    .filter((v): v is string => typeof v === 'string' && v !== '')
    .join(' ')
    .toLowerCase()
    .slice(0, 400);
};

/** The leads list keys of a new lead (intake) or of a lead stored before the list existed (backfill). */
export const listIndexKeys = (record: Pick<LeadRecord, 'leadId' | 'lead'> & Partial<LeadRecord>) => ({
  listPk: LIST_PK,
  prioritySk: prioritySortKey(
    record.leadId,
    record.route ? (record.override?.tier ?? record.score?.tier) : undefined,
    record.route?.slaDueAt,
  ),
  ...(record.route ? {} : { ownerSk: `${NO_SLA}#${record.leadId}` }),
  listSearch: listSearchText(record),
});

/**
 * Sparse `byDomain` index: every lead of a company domain (`DOMAIN#<domain>`, by arrival), so an account signal
 * reaches each lead of its company without a scan.
 */
export const accountIndexKeys = (record: LeadRecord) =>
  record.lead.company.domain
    ? {
        domainPk: domainIndexPk(record.lead.company.domain),
        domainSk: `${record.receivedAt}#${record.leadId}`,
      }
    : {};
export const domainIndexPk = (domain: string) => `DOMAIN#${domain.trim().toLowerCase()}`;

/** Sparse `byEmail` index: every lead of an address, by the SHA-256 of the lower-cased address (no scan). */
export const emailIndexPk = (emailSha256: string) => `EMAIL#${emailSha256}`;

/**
 * The privacy attributes a new lead item carries: its `byEmail` index keys and, when a retention was
 * recorded, the TTL attribute `expiresAt` (epoch seconds) that lets DynamoDB delete it.
 */
export const privacyAttributes = (record: LeadRecord) => {
  const email = record.lead.person.email;
  const until = record.privacy?.retainUntil;
  return {
    ...(email
      ? {
          emailPk: emailIndexPk(createHash('sha256').update(email.trim().toLowerCase()).digest('hex')),
          emailSk: `${record.receivedAt}#${record.leadId}`,
        }
      : {}),
    ...(until ? retentionAttributes(record.leadId, until) : {}),
  };
};

/**
 * The TTL attribute and the sparse `byExpiry` index keys of a lead retained until `until` (ISO): the
 * retention job finds each day's leads by `EXPIRY#<yyyy-mm-dd>` before DynamoDB's TTL removes them.
 */
export const retentionAttributes = (leadId: string, until: string) => ({
  expiresAt: Math.floor(Date.parse(until) / 1000),
  expiryPk: expiryIndexPk(until.slice(0, 10)),
  expirySk: leadId,
});
export const expiryIndexPk = (day: string) => `EXPIRY#${day}`;

/** The attributes a route stores on the lead (lifecycle `qualify`): the route, its status, the owner index. */
export const routedAttributes = (leadId: string, route: Route, tier?: Tier) => {
  const decision = decideLead('received', qualifyCommand(route.kind));
  return {
    route,
    status: (decision.ok ? decision.to : 'routed') as LeadStatus,
    ...ownerIndexKeys(leadId, route.ownerId, route.slaDueAt),
    prioritySk: prioritySortKey(leadId, tier, route.slaDueAt),
  };
};

/** What a read needs to compute the inbox order key (`draftSk`). */
export const ORDER_PROJECTION = {
  ProjectionExpression:
    'leadId, #score.#tier, #override, #route.#sla, #rationale.#writtenAt, draftSk, #status',
  ExpressionAttributeNames: {
    '#score': 'score',
    '#tier': 'tier',
    '#override': 'override',
    '#route': 'route',
    '#sla': 'slaDueAt',
    '#rationale': 'rationale',
    '#writtenAt': 'writtenAt',
    '#status': 'status',
  },
} as const;

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
    scoreCauses: _c,
    listPk: _l1,
    prioritySk: _l2,
    listSearch: _l3,
    emailPk: _e1,
    emailSk: _e2,
    domainPk: _dm1,
    domainSk: _dm2,
    expiresAt: _x,
    expiryPk: _x1,
    expirySk: _x2,
    writeId: _wi,
    ...record
  } = item;
  return record as unknown as LeadRecord;
};

export const isConditionFailure = (error: unknown) => error instanceof ConditionalCheckFailedException;

/** The table and client every lead-store part writes with. */
export interface LeadTable {
  readonly db: DynamoDBDocumentClient;
  readonly table: string;
  readonly now: () => Date;
}

/**
 * The lead items of these ids, read strongly consistent with BatchGetItem (100 keys a call, keys DynamoDB left
 * unprocessed asked again with back-off), in the order asked; ids that are no lead are left out.
 */
export const readLeadItems = async (
  t: LeadTable,
  leadIds: readonly string[],
): Promise<Record<string, unknown>[]> => {
  const found = new Map<string, Record<string, unknown>>();
  const unique = [...new Set(leadIds)];
  for (let i = 0; i < unique.length; i += 100) {
    let keys: Record<string, unknown>[] | undefined = unique.slice(i, i + 100).map(leadKey);
    for (let round = 0; keys && keys.length > 0; round++) {
      if (round > 8) throw new Error('DynamoDB left lead reads unprocessed');
      if (round > 0) await new Promise((r) => setTimeout(r, Math.min(1000, 50 * 2 ** round)));
      const out = await t.db.send(
        new BatchGetCommand({ RequestItems: { [t.table]: { Keys: keys, ConsistentRead: true } } }),
      );
      for (const item of out.Responses?.[t.table] ?? [])
        if (item.sk === 'LEAD' && item.leadId !== undefined) found.set(leadIdOfKey(item.pk), item);
      keys = out.UnprocessedKeys?.[t.table]?.Keys as Record<string, unknown>[] | undefined;
    }
  }
  return unique.flatMap((id) => {
    const item = found.get(id);
    return item ? [item] : [];
  });
};

/** Runs one conditional update; false when its condition did not hold. */
export const conditional = async (t: LeadTable, input: UpdateCommandInput): Promise<boolean> => {
  try {
    await t.db.send(new UpdateCommand(input));
    return true;
  } catch (error) {
    if (isConditionFailure(error)) return false;
    throw error;
  }
};

/**
 * Builds one UpdateItem on a lead: SET / REMOVE / ADD clauses and AND-ed conditions, with attribute names
 * and values placed for you. Dotted paths (`draft.status`) address nested attributes.
 */
export class LeadUpdate {
  private readonly names: Record<string, string> = {};
  private readonly values: Record<string, unknown> = {};
  private readonly sets: string[] = [];
  private readonly removes: string[] = [];
  private readonly adds: string[] = [];
  private readonly conditions: string[] = ['attribute_exists(pk)'];
  private n = 0;

  constructor(private readonly leadId: string) {}

  /** `#a.#b` for `a.b`. */
  name(path: string): string {
    return path
      .split('.')
      .map((part) => {
        const key = `#${part.replace(/[^A-Za-z0-9_]/g, '_')}`;
        this.names[key] = part;
        return key;
      })
      .join('.');
  }

  value(v: unknown): string {
    const key = `:v${this.n++}`;
    this.values[key] = v;
    return key;
  }

  set(path: string, v: unknown): this {
    this.sets.push(`${this.name(path)} = ${this.value(v)}`);
    return this;
  }

  /** Sets every entry of `values` under `path` (e.g. the step timings under `steps`). */
  setEach(path: string, values: Readonly<Record<string, unknown>>): this {
    for (const [k, v] of Object.entries(values)) this.set(`${path}.${k}`, v);
    return this;
  }

  /** Appends to a list attribute, creating it when absent (the audit trail). */
  append(path: string, items: readonly unknown[]): this {
    const p = this.name(path);
    this.sets.push(`${p} = list_append(if_not_exists(${p}, ${this.value([])}), ${this.value(items)})`);
    return this;
  }

  /** Adds one to a number (created as 0), or elements to a set. */
  add(path: string, v: unknown): this {
    this.adds.push(`${this.name(path)} ${this.value(v)}`);
    return this;
  }

  /** SET path = expression (with `#…`/`:…` from `name`/`value`). */
  setExpression(path: string, expression: string): this {
    this.sets.push(`${this.name(path)} = ${expression}`);
    return this;
  }

  remove(...paths: string[]): this {
    this.removes.push(...paths.map((p) => this.name(p)));
    return this;
  }

  /** The attribute holds one of `allowed` (a lifecycle transition's from-states). */
  in(path: string, allowed: readonly unknown[]): this {
    this.conditions.push(`${this.name(path)} IN (${allowed.map((v) => this.value(v)).join(', ')})`);
    return this;
  }

  notIn(path: string, excluded: readonly unknown[]): this {
    this.conditions.push(`NOT (${this.name(path)} IN (${excluded.map((v) => this.value(v)).join(', ')}))`);
    return this;
  }

  equals(path: string, v: unknown): this {
    this.conditions.push(`${this.name(path)} = ${this.value(v)}`);
    return this;
  }

  /** `path` equals `v`, or is absent when `v` is undefined. */
  equalsOrAbsent(path: string, v: unknown): this {
    return v === undefined ? this.absent(path) : this.equals(path, v);
  }

  /** `path` is absent or holds `v`. */
  absentOr(path: string, v: unknown): this {
    const p = this.name(path);
    this.conditions.push(`(attribute_not_exists(${p}) OR ${p} = ${this.value(v)})`);
    return this;
  }

  /** `path` is absent or holds something else than `v`. */
  differsOrAbsent(path: string, v: unknown): this {
    const p = this.name(path);
    this.conditions.push(`(attribute_not_exists(${p}) OR ${p} <> ${this.value(v)})`);
    return this;
  }

  present(path: string): this {
    this.conditions.push(`attribute_exists(${this.name(path)})`);
    return this;
  }

  absent(path: string): this {
    this.conditions.push(`attribute_not_exists(${this.name(path)})`);
    return this;
  }

  lacks(path: string, element: unknown): this {
    this.conditions.push(`NOT contains(${this.name(path)}, ${this.value(element)})`);
    return this;
  }

  input(table: string): UpdateCommandInput {
    const clauses = [
      this.sets.length ? `SET ${this.sets.join(', ')}` : '',
      this.removes.length ? `REMOVE ${this.removes.join(', ')}` : '',
      this.adds.length ? `ADD ${this.adds.join(', ')}` : '',
    ].filter(Boolean);
    return {
      TableName: table,
      Key: leadKey(this.leadId),
      UpdateExpression: clauses.join(' '),
      ConditionExpression: this.conditions.join(' AND '),
      ExpressionAttributeNames: this.names,
      ...(Object.keys(this.values).length ? { ExpressionAttributeValues: this.values } : {}),
    };
  }

  /** Runs it; false when a condition did not hold. */
  run(t: LeadTable): Promise<boolean> {
    return conditional(t, this.input(t.table));
  }
}

/** The attributes the inbox order depends on, with the lead's status (consistent read). */
export const readOrder = async (
  t: LeadTable,
  leadId: string,
): Promise<Record<string, unknown> | undefined> => {
  const out = await t.db.send(
    new GetCommand({ TableName: t.table, Key: leadKey(leadId), ConsistentRead: true, ...ORDER_PROJECTION }),
  );
  return out.Item;
};

/** Tries of a write whose index keys were computed from a read that a concurrent write made stale. */
export const REORDER_ATTEMPTS = 5;
