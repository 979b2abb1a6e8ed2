/**
 * Atomic, idempotent lead assignment on the leads table.
 *
 * Items: `RR#<team>` / `RR` holds the team's sequence (`seq`, the last ticket handed out) and the open-lead
 * count per rep (`load#<repId>`); the lead `LEAD#<id>` / `LEAD` gets `route` plus the `byOwner` keys
 * (`ownerPk = OWNER#<ownerId>`, `ownerSk = <slaDueAt or 9999>#<leadId>`).
 *
 * One assignment = read the lead (already routed → return that route), read `RR#<team>`, compute ticket
 * seq + 1 and its rep (pure: functions/agent/route), then ONE TransactWriteItems:
 *   - `RR#<team>`: SET seq = seq + 1, ADD load#<rep> 1, only if seq is still what was read (optimistic lock);
 *   - the lead: SET route + owner keys, only if the lead exists and has no route yet.
 * Either both writes happen or neither, so the sequence advances exactly once per routed lead and a
 * redelivered message can never assign a second owner: when the lead's condition fails the existing route
 * is read and returned; when only the counter's fails (another assignment won the race) it retries with
 * full-jitter exponential backoff, bounded by `maxAttempts`. Every ticket is used exactly once, in order,
 * so the weighted round-robin's fairness holds under any concurrency.
 */
import {
  type DynamoDBDocumentClient,
  GetCommand,
  TransactWriteCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import type { Route, Tier } from '../agent/qualification';
import type { RouteMatch } from '../agent/route/match';
import { decideRoute } from '../agent/route/route';
import type { RoutingSetup } from '../agent/route/rules';
import { leadKey, routedAttributes } from './lead-item';

export const rrKey = (team: string) => ({ pk: `RR#${team}`, sk: 'RR' });
export { leadKey };

const LOAD_PREFIX = 'load#';

export interface AssignInput {
  readonly leadId: string;
  /** From `matchRoute`: a team (round-robin), a person, or nurture. */
  readonly match: RouteMatch;
  readonly tier: Tier;
  /** When the prospect submitted (SLA clock start). */
  readonly submittedAt: string;
}

export interface RoundRobinOptions {
  readonly db: DynamoDBDocumentClient;
  readonly table: string;
  readonly setup: RoutingSetup;
  /** Tries before giving up under contention (default 50). */
  readonly maxAttempts?: number;
  /** Full-jitter backoff: a random wait in [0, min(maxDelayMs, baseDelayMs · 2^attempt)). Defaults 5 / 1000:
   *  under heavy contention on one team the waits must spread the contenders over the counter's throughput. */
  readonly baseDelayMs?: number;
  readonly maxDelayMs?: number;
  readonly clock?: () => Date;
  readonly random?: () => number;
}

export interface RotationSnapshot {
  /** The last ticket handed out (0: none yet). */
  readonly seq: number;
  readonly loads: Record<string, number>;
}

export class LeadNotFoundError extends Error {
  constructor(readonly leadId: string) {
    super(`lead ${leadId} does not exist`);
    this.name = 'LeadNotFoundError';
  }
}

export class AssignmentContentionError extends Error {
  constructor(
    readonly team: string,
    readonly attempts: number,
  ) {
    super(`could not assign in team ${team} after ${attempts} attempts (contention)`);
    this.name = 'AssignmentContentionError';
  }
}

interface CancellationReason {
  Code?: string;
}
const cancellationReasons = (err: unknown): CancellationReason[] | null => {
  const e = err as { name?: string; CancellationReasons?: CancellationReason[] };
  return e?.name === 'TransactionCanceledException' ? (e.CancellationReasons ?? []) : null;
};
const cancellationCodes = (err: unknown): Array<string | undefined> | null =>
  cancellationReasons(err)?.map((r) => r.Code) ?? null;

/** The rotation state from an `RR#<team>` item. */
const snapshotOf = (item: Record<string, unknown> | undefined): RotationSnapshot => {
  const loads: Record<string, number> = {};
  for (const [k, v] of Object.entries(item ?? {}))
    if (k.startsWith(LOAD_PREFIX)) loads[k.slice(LOAD_PREFIX.length)] = Number(v);
  return { seq: Number(item?.seq ?? 0), loads };
};
const isConditionFailed = (err: unknown) =>
  (err as { name?: string })?.name === 'ConditionalCheckFailedException';

export interface RoundRobin {
  /** Routes the lead and stores the route; returns the lead's route (the existing one on redelivery). */
  assignOwner(input: AssignInput): Promise<Route>;
  /**
   * One open lead fewer for `repId` in `team` (a lead was closed). Never goes below 0. With `leadId` it is
   * idempotent per lead (marks the lead `loadReleasedAt`; only when that lead is routed to this rep in this
   * team). Returns whether a load was released.
   */
  releaseLoad(team: string, repId: string, options?: { leadId?: string }): Promise<boolean>;
  /** The team's sequence and loads (strongly consistent). */
  readState(team: string): Promise<RotationSnapshot>;
}

export function createRoundRobin(options: RoundRobinOptions): RoundRobin {
  const { db, table, setup } = options;
  const maxAttempts = options.maxAttempts ?? 50;
  const base = options.baseDelayMs ?? 5;
  const cap = options.maxDelayMs ?? 1000;
  const clock = options.clock ?? (() => new Date());
  const random = options.random ?? Math.random;
  const sleep = (attempt: number) =>
    new Promise((r) => setTimeout(r, Math.floor(random() * Math.min(cap, base * 2 ** attempt))));

  const readLead = async (leadId: string): Promise<{ route?: Route } | undefined> => {
    const out = await db.send(
      new GetCommand({
        TableName: table,
        Key: leadKey(leadId),
        ConsistentRead: true,
        ProjectionExpression: 'pk, #route',
        ExpressionAttributeNames: { '#route': 'route' },
      }),
    );
    return out.Item as { route?: Route } | undefined;
  };

  const existingRoute = async (leadId: string): Promise<Route> => {
    const lead = await readLead(leadId);
    if (!lead) throw new LeadNotFoundError(leadId);
    if (!lead.route) throw new Error(`lead ${leadId}: route condition failed but no route is stored`);
    return lead.route;
  };

  const readState = async (team: string): Promise<RotationSnapshot> => {
    const out = await db.send(new GetCommand({ TableName: table, Key: rrKey(team), ConsistentRead: true }));
    return snapshotOf(out.Item);
  };

  // The lead's side (lifecycle `qualify`): route, status and owner index keys from the lead item's codec.
  const leadUpdate = (leadId: string, route: Route) => {
    const routed = routedAttributes(leadId, route);
    return {
      TableName: table,
      Key: leadKey(leadId),
      UpdateExpression: 'SET #route = :route, ownerPk = :opk, ownerSk = :osk, #status = :status',
      ConditionExpression: 'attribute_exists(pk) AND attribute_not_exists(#route)',
      ExpressionAttributeNames: { '#route': 'route', '#status': 'status' },
      ExpressionAttributeValues: {
        ':route': routed.route,
        ':status': routed.status,
        ':opk': routed.ownerPk,
        ':osk': routed.ownerSk,
      },
    };
  };

  const assignDirect = async (input: AssignInput): Promise<Route> => {
    const { route } = decideRoute(input.match, setup, {
      tier: input.tier,
      submittedAt: input.submittedAt,
      now: clock(),
    });
    try {
      await db.send(new UpdateCommand(leadUpdate(input.leadId, route)));
      return route;
    } catch (err) {
      if (isConditionFailed(err)) return existingRoute(input.leadId);
      throw err;
    }
  };

  const assignInTeam = async (input: AssignInput, team: string): Promise<Route> => {
    const [lead, initial] = await Promise.all([readLead(input.leadId), readState(team)]);
    if (!lead) throw new LeadNotFoundError(input.leadId);
    if (lead.route) return lead.route;
    let state = initial;
    for (let attempt = 0; attempt < maxAttempts; attempt++) {
      const ticket = state.seq + 1;
      const { route, load } = decideRoute(input.match, setup, {
        tier: input.tier,
        submittedAt: input.submittedAt,
        now: clock(),
        ticket,
        loads: state.loads,
      });
      const names: Record<string, string> = {};
      const values: Record<string, unknown> = { ':next': ticket };
      let update = 'SET seq = :next';
      if (load) {
        names['#load'] = `${LOAD_PREFIX}${load.repId}`;
        values[':one'] = 1;
        update += ' ADD #load :one';
      }
      let condition = 'attribute_not_exists(seq)';
      if (state.seq > 0) {
        condition = 'seq = :current';
        values[':current'] = state.seq;
      }
      try {
        await db.send(
          new TransactWriteCommand({
            TransactItems: [
              {
                Update: {
                  TableName: table,
                  Key: rrKey(team),
                  UpdateExpression: update,
                  ConditionExpression: condition,
                  ...(load ? { ExpressionAttributeNames: names } : {}),
                  ExpressionAttributeValues: values,
                },
              },
              { Update: leadUpdate(input.leadId, route) },
            ],
          }),
        );
        return route;
      } catch (err) {
        const reasons = cancellationReasons(err);
        if (!reasons) throw err;
        // The lead already has a route (a concurrent delivery of the same message won): return it.
        if (reasons[1]?.Code === 'ConditionalCheckFailed') return existingRoute(input.leadId);
        // The counter moved (another lead got this ticket) or a transaction conflict: try the next ticket.
        await sleep(attempt);
        state = await readState(team);
      }
    }
    throw new AssignmentContentionError(team, maxAttempts);
  };

  return {
    assignOwner: (input) =>
      input.match.kind === 'team' ? assignInTeam(input, input.match.team as string) : assignDirect(input),

    async releaseLoad(team, repId, opts = {}) {
      const decrement = {
        TableName: table,
        Key: rrKey(team),
        UpdateExpression: 'ADD #load :minus',
        ConditionExpression: '#load > :zero',
        ExpressionAttributeNames: { '#load': `${LOAD_PREFIX}${repId}` },
        ExpressionAttributeValues: { ':minus': -1, ':zero': 0 },
      };
      try {
        if (!opts.leadId) {
          await db.send(new UpdateCommand(decrement));
          return true;
        }
        await db.send(
          new TransactWriteCommand({
            TransactItems: [
              { Update: decrement },
              {
                Update: {
                  TableName: table,
                  Key: leadKey(opts.leadId),
                  UpdateExpression: 'SET loadReleasedAt = :now',
                  ConditionExpression:
                    'attribute_not_exists(loadReleasedAt) AND #route.ownerId = :rep AND #route.team = :team',
                  ExpressionAttributeNames: { '#route': 'route' },
                  ExpressionAttributeValues: { ':now': clock().toISOString(), ':rep': repId, ':team': team },
                },
              },
            ],
          }),
        );
        return true;
      } catch (err) {
        if (isConditionFailed(err) || cancellationCodes(err)?.includes('ConditionalCheckFailed'))
          return false;
        throw err;
      }
    },

    readState,
  };
}
