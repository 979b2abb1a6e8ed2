/**
 * Lead assignment on the leads table: O(1) writes per assignment whatever the concurrency, idempotent per lead.
 *
 * Items:
 * - `RR#<team>` / `SEQ#<set key>`: the ticket sequence of one availability set of the team (`seq`, the last
 *   ticket handed out; `members`, the set's readable label). See functions/agent/route/wrr.ts.
 * - `LOAD#<team>#<rep>` / `LOAD`: the rep's open leads in that team (`load`), one item per rep so that the
 *   write load of a busy team spreads over its reps.
 * - the lead `LEAD#<id>` / `LEAD` gets `route`, the `byOwner` keys (`ownerPk = OWNER#<ownerId>`,
 *   `ownerSk = <slaDueAt or 9999>#<leadId>`) and, when the rotation gave it to a rep, `loadTaken = <team>#<rep>`
 *   (the capacity it holds) and `rotationTicket = <set key>#<ticket>` (which ticket it used: no two leads share one).
 *
 * One assignment in a team:
 * 1. read the lead (strongly consistent): already routed → return that route, take no ticket. When members
 *    with `maxOpenLeads` work now, their load items are read in the same call (ONE BatchGetItem); only
 *    their loads are needed, so a team without caps reads no load at all;
 * 2. ticket: ONE unconditional UpdateItem `ADD seq :1` on the availability set's sequence (never conditional,
 *    so concurrent assignments never retry each other out; the pick is pure, ../agent/route/wrr.ts);
 * 3. ONE TransactWriteItems: the lead gets its route only if it exists and has none yet; the rep's load item
 *    `ADD load :1`, only while `load < maxOpenLeads` when the rep is capped.
 * The lead's condition failing means another delivery of the same message won: its route is returned. Only
 * the capacity condition failing (the rep filled up after step 1, a race at the boundary) takes the rep out
 * and repeats steps 2–3 with the smaller set; that happens at most once per capped rep. A transaction that
 * conflicts with another one on the same load item is simply sent again (same ticket, same rep).
 *
 * A crash between steps 2 and 3, the losing one of two deliveries racing for one lead, a capacity race and an
 * SDK retry of a ticket whose answer was lost each leave one ticket unused: a gap in the sequence. The
 * fairness bound in wrr.ts counts gaps like tickets still in flight (each moves a rep by at most one lead), so
 * nothing has to be repaired. Leads that nobody in the team can take go to the team's fallback owner without
 * a ticket or a load.
 *
 * Earlier versions kept the sequence and every rep's load on one `RR#<team>` / `RR` item, updated under an
 * optimistic lock (one winner per round under concurrency). `migrateLegacyRotation` (./rotation-migration.ts)
 * moves such data over:
 * run `npx tsx scripts/migrate-rotation.ts` once after deploying this version.
 */
import {
  BatchGetCommand,
  type DynamoDBDocumentClient,
  GetCommand,
  QueryCommand,
  TransactWriteCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import type { StepTiming } from '../agent/lead-record';
import type { Route, Tier } from '../agent/qualification';
import type { RouteMatch } from '../agent/route/match';
import { decideRoute } from '../agent/route/route';
import type { RoutingSetup } from '../agent/route/rules';
import type { Team } from '../agent/route/team';
import { capacityCandidates, type RotationSet, rotationPlan } from '../agent/route/wrr';
import { leadKey, loadKey, routedAttributes } from './lead-item';

export { leadKey, loadKey };
/** The ticket sequence of one availability set of `team`. */
export const sequenceKey = (team: string, setKey: string) => ({ pk: `RR#${team}`, sk: `SEQ#${setKey}` });
/** The single rotation item of earlier versions (sequence and every load on one item). */
export const legacyRotationKey = (team: string) => ({ pk: `RR#${team}`, sk: 'RR' });

export interface AssignInput {
  readonly leadId: string;
  /** From `matchRoute`: a team (round-robin), a person, or nurture. */
  readonly match: RouteMatch;
  readonly tier: Tier;
  /** When the prospect submitted (SLA clock start). */
  readonly submittedAt: string;
  /**
   * The route step's timing, taken when the route is written and stored in that same write (no separate
   * update of the lead for it).
   */
  readonly routeStep?: () => StepTiming;
}

export interface RoundRobinOptions {
  readonly db: DynamoDBDocumentClient;
  readonly table: string;
  readonly setup: RoutingSetup;
  /** Sends of one transaction that keeps conflicting with others on the same load item (default 20). */
  readonly maxConflictAttempts?: number;
  readonly clock?: () => Date;
  readonly random?: () => number;
}

export interface RotationSnapshot {
  /** Tickets handed out over all availability sets of the team (used ones and gaps). */
  readonly tickets: number;
  /** Each availability set that handed out tickets: its key, its label and its last ticket. */
  readonly sequences: ReadonlyArray<{ readonly key: string; readonly members: string; readonly seq: number }>;
  /** Open leads per rep of the team as configured (0 for reps without a load item yet). */
  readonly loads: Record<string, number>;
}

export class LeadNotFoundError extends Error {
  constructor(readonly leadId: string) {
    super(`lead ${leadId} does not exist`);
    this.name = 'LeadNotFoundError';
  }
}

/** A transaction kept conflicting with others on the same items; the message is retried by SQS. */
export class AssignmentContentionError extends Error {
  constructor(
    readonly team: string,
    readonly attempts: number,
  ) {
    super(`could not store the route in team ${team} after ${attempts} conflicting attempts`);
    this.name = 'AssignmentContentionError';
  }
}

interface CancellationReason {
  Code?: string;
}
const cancellationCodes = (err: unknown): Array<string | undefined> | null => {
  const e = err as { name?: string; CancellationReasons?: CancellationReason[] };
  return e?.name === 'TransactionCanceledException' ? (e.CancellationReasons ?? []).map((r) => r.Code) : null;
};
export const isConditionFailed = (err: unknown) =>
  (err as { name?: string })?.name === 'ConditionalCheckFailedException';

export interface RoundRobin {
  /** Routes the lead and stores the route; returns the lead's route (the existing one on redelivery). */
  assignOwner(input: AssignInput): Promise<Route>;
  /**
   * One open lead fewer for `repId` in `team` (a lead was closed). Never goes below 0. With `leadId` it is
   * idempotent per lead: only a lead whose assignment took this rep's capacity in this team (`loadTaken`)
   * releases it, once (marks the lead `loadReleasedAt`). Returns whether a load was released.
   */
  releaseLoad(team: string, repId: string, options?: { leadId?: string }): Promise<boolean>;
  /** The team's ticket sequences and its reps' loads (strongly consistent). */
  readState(team: string): Promise<RotationSnapshot>;
}

type StoreOutcome = 'stored' | 'already routed' | 'at capacity';

export function createRoundRobin(options: RoundRobinOptions): RoundRobin {
  const { db, table, setup } = options;
  const maxConflictAttempts = options.maxConflictAttempts ?? 20;
  const clock = options.clock ?? (() => new Date());
  const random = options.random ?? Math.random;
  const backoff = (attempt: number) =>
    new Promise((r) => setTimeout(r, Math.floor(random() * Math.min(200, 5 * 2 ** attempt))));

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

  /**
   * Open leads of `repIds` in `team` and, with `leadId`, the lead's route: ONE strongly consistent
   * BatchGetItem (more only past 100 keys or for keys DynamoDB left unprocessed).
   */
  const readLoads = async (
    team: string,
    repIds: readonly string[],
    leadId?: string,
  ): Promise<{ loads: Record<string, number>; lead?: { route?: Route } }> => {
    const loads: Record<string, number> = Object.fromEntries(repIds.map((id) => [id, 0]));
    let lead: { route?: Route } | undefined;
    const all = [...(leadId ? [leadKey(leadId)] : []), ...repIds.map((id) => loadKey(team, id))];
    for (let i = 0; i < all.length; i += 100) {
      let keys: Record<string, unknown>[] | undefined = all.slice(i, i + 100);
      for (let round = 0; keys && keys.length > 0; round++) {
        if (round > 0) await backoff(round);
        const out = await db.send(
          new BatchGetCommand({
            RequestItems: {
              [table]: {
                Keys: keys,
                ConsistentRead: true,
                ProjectionExpression: 'pk, rep, #load, #route',
                ExpressionAttributeNames: { '#load': 'load', '#route': 'route' },
              },
            },
          }),
        );
        for (const item of out.Responses?.[table] ?? []) {
          if (String(item.pk).startsWith('LEAD#')) lead = item as { route?: Route };
          else loads[String(item.rep)] = Number(item.load ?? 0);
        }
        keys = out.UnprocessedKeys?.[table]?.Keys as Record<string, unknown>[] | undefined;
      }
    }
    return { loads, ...(lead ? { lead } : {}) };
  };

  /** ONE unconditional write: the next ticket of `set`'s sequence. */
  const takeTicket = async (team: string, set: RotationSet): Promise<number> => {
    const out = await db.send(
      new UpdateCommand({
        TableName: table,
        Key: sequenceKey(team, set.key),
        UpdateExpression: 'ADD seq :one SET members = :members',
        ExpressionAttributeValues: { ':one': 1, ':members': set.label },
        ReturnValues: 'UPDATED_NEW',
      }),
    );
    return Number(out.Attributes?.seq);
  };

  // The lead's side (lifecycle `qualify`): route, status and owner index keys from the lead item's codec,
  // plus which load and ticket the lead holds.
  const leadUpdate = (
    leadId: string,
    route: Route,
    tier: Tier | undefined,
    taken?: { load: string; ticket: string },
    step?: StepTiming,
  ) => {
    const routed = routedAttributes(leadId, route, tier);
    return {
      TableName: table,
      Key: leadKey(leadId),
      UpdateExpression: `SET #route = :route, ownerPk = :opk, ownerSk = :osk, prioritySk = :psk, #status = :status${taken ? ', loadTaken = :taken, rotationTicket = :ticket' : ''}${step ? ', steps.#route = :step' : ''}`,
      ConditionExpression: 'attribute_exists(pk) AND attribute_not_exists(#route)',
      ExpressionAttributeNames: { '#route': 'route', '#status': 'status' },
      ExpressionAttributeValues: {
        ':route': routed.route,
        ':status': routed.status,
        ':opk': routed.ownerPk,
        ':osk': routed.ownerSk,
        ':psk': routed.prioritySk,
        ...(taken ? { ':taken': taken.load, ':ticket': taken.ticket } : {}),
        ...(step ? { ':step': step } : {}),
      },
    };
  };

  /** Stores the route (and takes the rep's load) once; says what happened. */
  const storeRoute = async (
    leadId: string,
    route: Route,
    tier: Tier | undefined,
    load?: { team: string; repId: string; cap: number | null; ticket: string },
    step?: () => StepTiming,
  ): Promise<StoreOutcome> => {
    if (!load) {
      try {
        await db.send(new UpdateCommand(leadUpdate(leadId, route, tier, undefined, step?.())));
        return 'stored';
      } catch (err) {
        if (isConditionFailed(err)) return 'already routed';
        throw err;
      }
    }
    const capped = load.cap !== null;
    const transaction = new TransactWriteCommand({
      TransactItems: [
        {
          Update: leadUpdate(
            leadId,
            route,
            tier,
            { load: `${load.team}#${load.repId}`, ticket: load.ticket },
            step?.(),
          ),
        },
        {
          Update: {
            TableName: table,
            Key: loadKey(load.team, load.repId),
            UpdateExpression: 'ADD #load :one SET team = :team, rep = :rep',
            ...(capped ? { ConditionExpression: 'attribute_not_exists(#load) OR #load < :cap' } : {}),
            ExpressionAttributeNames: { '#load': 'load' },
            ExpressionAttributeValues: {
              ':one': 1,
              ':team': load.team,
              ':rep': load.repId,
              ...(capped ? { ':cap': load.cap } : {}),
            },
          },
        },
      ],
    });
    for (let attempt = 1; ; attempt++) {
      try {
        await db.send(transaction);
        return 'stored';
      } catch (err) {
        const codes = cancellationCodes(err);
        if (!codes) throw err;
        if (codes[0] === 'ConditionalCheckFailed') return 'already routed';
        if (codes[1] === 'ConditionalCheckFailed') return 'at capacity';
        // TransactionConflict: another transaction held one of the items; nothing was written.
        if (attempt >= maxConflictAttempts) throw new AssignmentContentionError(load.team, attempt);
        await backoff(attempt);
      }
    }
  };

  const assignDirect = async (input: AssignInput): Promise<Route> => {
    const { route } = decideRoute(input.match, setup, {
      tier: input.tier,
      submittedAt: input.submittedAt,
      now: clock(),
    });
    const outcome = await storeRoute(input.leadId, route, input.tier, undefined, input.routeStep);
    return outcome === 'stored' ? route : existingRoute(input.leadId);
  };

  const assignInTeam = async (input: AssignInput, team: Team): Promise<Route> => {
    const now = clock();
    const candidates = capacityCandidates(team, now).map((m) => m.person.id);
    // The lead, and the loads of capped reps who work now, in one read (no caps: just the lead).
    const read =
      candidates.length > 0
        ? await readLoads(team.id, candidates, input.leadId)
        : { loads: {}, lead: await readLead(input.leadId) };
    if (!read.lead) throw new LeadNotFoundError(input.leadId);
    if (read.lead.route) return read.lead.route;
    let loads: Record<string, number> = read.loads;
    // Each round either stores the route or takes one capped rep out: at most members + 1 rounds.
    for (let round = 0; round <= team.members.length; round++) {
      const { set } = rotationPlan(team, { loads, now });
      const ticket = set ? await takeTicket(team.id, set) : undefined;
      const { route, load } = decideRoute(input.match, setup, {
        tier: input.tier,
        submittedAt: input.submittedAt,
        now,
        loads,
        ...(ticket !== undefined ? { ticket } : {}),
      });
      const outcome = await storeRoute(
        input.leadId,
        route,
        input.tier,
        load && set && ticket !== undefined ? { ...load, ticket: `${set.key}#${ticket}` } : undefined,
        input.routeStep,
      );
      if (outcome === 'stored') return route;
      if (outcome === 'already routed') return existingRoute(input.leadId);
      // The rep reached their cap after the loads were read: they are out for this lead.
      loads = { ...loads, [load!.repId]: load!.cap as number };
    }
    throw new Error(`team ${team.id}: assignment did not converge`);
  };

  return {
    assignOwner(input) {
      if (input.match.kind !== 'team') return assignDirect(input);
      const team = setup.teams.teams.get(input.match.team as string);
      if (!team) throw new Error(`unknown team ${input.match.team} (not in config/team.yaml)`);
      return assignInTeam(input, team);
    },

    async releaseLoad(team, repId, opts = {}) {
      const decrement = {
        TableName: table,
        Key: loadKey(team, repId),
        UpdateExpression: 'ADD #load :minus',
        ConditionExpression: '#load > :zero',
        ExpressionAttributeNames: { '#load': 'load' },
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
                  ConditionExpression: 'attribute_not_exists(loadReleasedAt) AND loadTaken = :taken',
                  ExpressionAttributeValues: { ':now': clock().toISOString(), ':taken': `${team}#${repId}` },
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

    async readState(team) {
      const sequences: Array<{ key: string; members: string; seq: number }> = [];
      let after: Record<string, unknown> | undefined;
      do {
        const page = await db.send(
          new QueryCommand({
            TableName: table,
            KeyConditionExpression: 'pk = :pk AND begins_with(sk, :seq)',
            ExpressionAttributeValues: { ':pk': `RR#${team}`, ':seq': 'SEQ#' },
            ConsistentRead: true,
            ...(after ? { ExclusiveStartKey: after } : {}),
          }),
        );
        for (const item of page.Items ?? [])
          sequences.push({
            key: String(item.sk).slice('SEQ#'.length),
            members: String(item.members ?? ''),
            seq: Number(item.seq ?? 0),
          });
        after = page.LastEvaluatedKey;
      } while (after);
      const members = setup.teams.teams.get(team)?.members.map((m) => m.person.id) ?? [];
      const { loads } = members.length > 0 ? await readLoads(team, members) : { loads: {} };
      return { tickets: sequences.reduce((s, q) => s + q.seq, 0), sequences, loads };
    },
  };
}
