/**
 * The DynamoDB round-robin against DynamoDB Local (started by test/global-setup.ts, which sets
 * AWS_ENDPOINT_URL_DYNAMODB and LEADS_TABLE): correctness under modest concurrency — one owner per lead, one
 * rotation write per assignment, exact capacity, idempotent redelivery, gaps after crashes within the bound,
 * load release once per lead, and the migration of the single-item rotation. Fairness as a property of the
 * schedule is proved in functions/agent/route/wrr.test.ts; throughput is measured by bench/routing.bench.ts.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import type { Route } from '../functions/agent/qualification';
import type { RouteMatch } from '../functions/agent/route/match';
import { parseRoutingSetup } from '../functions/agent/route/rules';
import { prefixBound } from '../functions/agent/route/wrr';
import { migrateLegacyRotation } from '../functions/platform/rotation-migration';
import {
  createRoundRobin,
  leadKey,
  legacyRotationKey,
  loadKey,
} from '../functions/platform/round-robin-dynamodb';

const table = process.env.LEADS_TABLE as string;
const run = `${Date.now().toString(36)}-${Math.floor(Math.random() * 1e6).toString(36)}`;

interface Client {
  readonly db: DynamoDBDocumentClient;
  /** Commands sent so far: name and the partition key they touched (first item for batches). */
  readonly sent: Array<{ command: string; pk: string }>;
  destroy(): void;
}

/** A real client that records what it sends; `failTransactions` makes that many TransactWriteItems throw first. */
const client = (options: { failTransactions?: number } = {}): Client => {
  const raw = new DynamoDBClient({});
  const db = DynamoDBDocumentClient.from(raw, { marshallOptions: { removeUndefinedValues: true } });
  const sent: Array<{ command: string; pk: string }> = [];
  let failures = options.failTransactions ?? 0;
  db.middlewareStack.add(
    (next, context) => async (args) => {
      const input = args.input as { Key?: { pk?: string }; TransactItems?: unknown[] };
      const command = String(context.commandName);
      sent.push({ command, pk: String(input.Key?.pk ?? '') });
      if (command === 'TransactWriteItemsCommand' && failures > 0) {
        failures--;
        throw new Error('injected crash after the ticket, before the route was stored');
      }
      return next(args);
    },
    { step: 'initialize', name: 'recordCommands' },
  );
  return { db, sent, destroy: () => db.destroy() };
};

/** A team whose calendar is open every day, all day, so that only capacity changes availability. */
const setupFor = (teamId: string, members: Record<string, { weight: number; maxOpenLeads?: number }>) =>
  parseRoutingSetup(
    {
      version: 'test',
      threshold: { minTier: 'warm' },
      nurture: { owner: 'mkt' },
      fallback: { owner: 'mgr' },
      sla: { hot: { hours: 1 }, warm: { businessDays: 1 }, cold: null },
      rules: [{ id: 'all', to: { team: teamId } }],
    },
    {
      version: 'test',
      calendar: {
        timeZone: 'Europe/Amsterdam',
        workingDays: [1, 2, 3, 4, 5, 6, 7],
        hours: { start: '00:00', end: '23:59' },
      },
      fallbackOwner: 'mgr',
      people: ['mkt', 'mgr', ...Object.keys(members)].map((id) => ({
        id,
        name: `Person ${id}`,
        email: `${id}@example.com`,
        title: 'Tester',
        role: 'rep',
        languages: ['en'],
      })),
      teams: [
        {
          id: teamId,
          name: 'Test team',
          members: Object.entries(members).map(([person, m]) => ({
            person,
            weight: m.weight,
            maxOpenLeads: m.maxOpenLeads ?? null,
          })),
        },
      ],
    },
  );

const WEIGHTS = {
  'rep-a': { weight: 3 },
  'rep-b': { weight: 2 },
  'rep-c': { weight: 1 },
  'rep-d': { weight: 1 },
};
const TOTAL_WEIGHT = 7;

const teamMatch = (team: string): RouteMatch => ({ kind: 'team', ruleId: 'all', reason: 'Hot lead', team });
const assignInput = (leadId: string, team: string) => ({
  leadId,
  match: teamMatch(team),
  tier: 'hot' as const,
  submittedAt: new Date().toISOString(),
});

async function createLeads(db: DynamoDBDocumentClient, leadIds: readonly string[]): Promise<void> {
  await pool(leadIds, 10, (leadId) =>
    db.send(new PutCommand({ TableName: table, Item: { ...leadKey(leadId), status: 'queued' } })),
  );
}

/** Runs `task` for every item with at most `limit` in flight. */
async function pool<T, R>(items: readonly T[], limit: number, task: (item: T) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await task(items[i] as T);
    }
  };
  await Promise.all(Array.from({ length: limit }, worker));
  return out;
}

const countOwners = (routes: readonly Route[]) => {
  const counts: Record<string, number> = {};
  for (const r of routes) counts[r.ownerId as string] = (counts[r.ownerId as string] ?? 0) + 1;
  return counts;
};

const rotationWrites = (c: Client) =>
  c.sent.filter((s) => s.command === 'UpdateItemCommand' && s.pk.startsWith('RR#')).length;

describe('round-robin assignment on DynamoDB', () => {
  it('routes 200 leads with 20 in flight: one owner each, one rotation write each, every rep within one lead of its weighted share', async () => {
    // Prepare
    const team = `fair-${run}`;
    const c = client();
    const rr = createRoundRobin({ db: c.db, table, setup: setupFor(team, WEIGHTS) });
    const leadIds = Array.from({ length: 200 }, (_, i) => `fair-${run}-${i}`);
    await createLeads(c.db, leadIds);
    c.sent.length = 0;

    // Act
    const routes = await pool(leadIds, 20, (leadId) => rr.assignOwner(assignInput(leadId, team)));

    // Assess
    const counts = countOwners(routes);
    for (const [rep, { weight }] of Object.entries(WEIGHTS))
      expect(Math.abs((counts[rep] ?? 0) - (200 * weight) / TOTAL_WEIGHT)).toBeLessThanOrEqual(
        prefixBound(4),
      );
    expect(rotationWrites(c)).toBe(200);
    const stored = await pool(leadIds, 10, async (leadId) => {
      const { Item } = await c.db.send(new GetCommand({ TableName: table, Key: leadKey(leadId) }));
      return Item as { route: Route; ownerPk: string; loadTaken: string; rotationTicket: string };
    });
    expect(stored.map((s) => s.route)).toEqual(routes);
    expect(stored.every((s) => s.ownerPk === `OWNER#${s.route.ownerId}`)).toBe(true);
    expect(stored.every((s) => s.loadTaken === `${team}#${s.route.ownerId}`)).toBe(true);
    expect(new Set(stored.map((s) => s.rotationTicket)).size).toBe(200);
    const state = await rr.readState(team);
    expect(state.tickets).toBe(200);
    expect(state.loads).toEqual(counts);
    c.destroy();
  });

  it('fills every rep exactly to their cap under concurrency, then routes to the fallback owner', async () => {
    // Prepare
    const team = `cap-${run}`;
    const caps = { 'rep-a': 7, 'rep-b': 5, 'rep-c': 3 };
    const c = client();
    const rr = createRoundRobin({
      db: c.db,
      table,
      setup: setupFor(team, {
        'rep-a': { weight: 1, maxOpenLeads: caps['rep-a'] },
        'rep-b': { weight: 1, maxOpenLeads: caps['rep-b'] },
        'rep-c': { weight: 1, maxOpenLeads: caps['rep-c'] },
      }),
    });
    const leadIds = Array.from({ length: 40 }, (_, i) => `cap-${run}-${i}`);
    await createLeads(c.db, leadIds);

    // Act
    const routes = await pool(leadIds, 20, (leadId) => rr.assignOwner(assignInput(leadId, team)));

    // Assess
    const counts = countOwners(routes);
    expect(counts).toEqual({ ...caps, mgr: 40 - 15 });
    expect((await rr.readState(team)).loads).toEqual(caps);
    expect(
      routes.filter((r) => r.ownerId === 'mgr').every((r) => r.reason.includes('no rep available')),
    ).toBe(true);
    c.destroy();
  });

  it('gives a lead delivered five times at once one owner and one load', async () => {
    // Prepare
    const team = `idem-${run}`;
    const c = client();
    const rr = createRoundRobin({ db: c.db, table, setup: setupFor(team, WEIGHTS) });
    const leadId = `idem-${run}`;
    await createLeads(c.db, [leadId]);

    // Act
    const routes: Route[] = await Promise.all(
      Array.from({ length: 5 }, () => rr.assignOwner(assignInput(leadId, team))),
    );
    const writesBeforeAgain = rotationWrites(c);
    const again = await rr.assignOwner(assignInput(leadId, team));

    // Assess
    for (const r of routes) expect(r).toEqual(routes[0]);
    expect(again).toEqual(routes[0]);
    expect(rotationWrites(c)).toBe(writesBeforeAgain);
    const state = await rr.readState(team);
    expect(state.tickets).toBeGreaterThanOrEqual(1);
    expect(state.tickets).toBeLessThanOrEqual(5);
    expect(state.loads).toEqual({ 'rep-a': 0, 'rep-b': 0, 'rep-c': 0, 'rep-d': 0, [routes[0]!.ownerId!]: 1 });
    c.destroy();
  });

  it('keeps every rep within the bound when assignments crash between ticket and route and are delivered again', async () => {
    // Prepare: 12 of the first transactions "crash" after their ticket was taken; SQS would redeliver
    const team = `gap-${run}`;
    const crashes = 12;
    const c = client({ failTransactions: crashes });
    const rr = createRoundRobin({ db: c.db, table, setup: setupFor(team, WEIGHTS) });
    const leadIds = Array.from({ length: 100 }, (_, i) => `gap-${run}-${i}`);
    await createLeads(c.db, leadIds);
    const redelivering = async (leadId: string): Promise<Route> => {
      for (;;) {
        try {
          return await rr.assignOwner(assignInput(leadId, team));
        } catch (error) {
          if (!String((error as Error).message).includes('injected crash')) throw error;
        }
      }
    };

    // Act
    const routes = await pool(leadIds, 10, redelivering);

    // Assess
    const counts = countOwners(routes);
    const state = await rr.readState(team);
    expect(state.tickets).toBe(100 + crashes);
    expect(state.loads).toEqual(counts);
    for (const [rep, { weight }] of Object.entries(WEIGHTS))
      expect(Math.abs((counts[rep] ?? 0) - (100 * weight) / TOTAL_WEIGHT)).toBeLessThanOrEqual(
        prefixBound(4) + crashes,
      );
    expect(Object.values(counts).reduce((s, n) => s + n, 0)).toBe(100);
    c.destroy();
  });

  it('releases a closed lead’s load once, however often it is released', async () => {
    // Prepare
    const team = `release-${run}`;
    const c = client();
    const rr = createRoundRobin({ db: c.db, table, setup: setupFor(team, WEIGHTS) });
    const leadId = `release-${run}`;
    await createLeads(c.db, [leadId]);
    const route = await rr.assignOwner(assignInput(leadId, team));
    const rep = route.ownerId as string;
    const other = rep === 'rep-a' ? 'rep-b' : 'rep-a';

    // Act
    const wrongRep = await rr.releaseLoad(team, other, { leadId });
    const first = await rr.releaseLoad(team, rep, { leadId });
    const second = await rr.releaseLoad(team, rep, { leadId });

    // Assess
    expect([wrongRep, first, second]).toEqual([false, true, false]);
    expect((await rr.readState(team)).loads[rep]).toBe(0);
    c.destroy();
  });

  it('refuses to route a lead that was never stored, and takes no ticket for it', async () => {
    // Prepare
    const team = `missing-${run}`;
    const c = client();
    const rr = createRoundRobin({ db: c.db, table, setup: setupFor(team, WEIGHTS) });

    // Act
    const attempt = rr.assignOwner(assignInput(`missing-${run}`, team));

    // Assess
    await expect(attempt).rejects.toThrow(/does not exist/);
    expect((await rr.readState(team)).tickets).toBe(0);
    c.destroy();
  });

  it('migrates the single-item rotation: loads move to the reps’ items, open leads become releasable, once', async () => {
    // Prepare: an old rotation item and the leads it routed (rep-a: 2 open + 1 released, rep-b: 1, one fallback)
    const team = `legacy-${run}`;
    const c = client();
    const setup = setupFor(team, { 'rep-a': { weight: 1, maxOpenLeads: 3 }, 'rep-b': { weight: 1 } });
    const rr = createRoundRobin({ db: c.db, table, setup });
    await c.db.send(
      new PutCommand({
        TableName: table,
        Item: { ...legacyRotationKey(team), seq: 5, 'load#rep-a': 2, 'load#rep-b': 1 },
      }),
    );
    const routed = (ownerId: string, reason: string) => ({
      kind: 'owner',
      team,
      ownerId,
      ruleId: 'all',
      routingVersion: 'test',
      assignedAt: new Date().toISOString(),
      reason,
    });
    const leads = [
      { id: 'a1', route: routed('rep-a', 'Hot lead → Test team (round-robin: rep-a)') },
      { id: 'a2', route: routed('rep-a', 'Hot lead → Test team (round-robin: rep-a)') },
      { id: 'a3', route: routed('rep-a', 'Hot lead → Test team (round-robin: rep-a)'), released: true },
      { id: 'b1', route: routed('rep-b', 'Hot lead → Test team (round-robin: rep-b)') },
      {
        id: 'm1',
        route: routed('mgr', 'Hot lead → Test team: no rep available () → fallback owner Person mgr'),
      },
    ];
    for (const l of leads)
      await c.db.send(
        new PutCommand({
          TableName: table,
          Item: {
            ...leadKey(`${team}-${l.id}`),
            status: 'routed',
            route: l.route,
            ...(l.released ? { loadReleasedAt: new Date().toISOString() } : {}),
          },
        }),
      );

    // Act
    const first = await migrateLegacyRotation(c.db, table);
    const second = await migrateLegacyRotation(c.db, table);
    const releasedA1 = await rr.releaseLoad(team, 'rep-a', { leadId: `${team}-a1` });
    const releasedM1 = await rr.releaseLoad(team, 'mgr', { leadId: `${team}-m1` });

    // Assess
    expect(first.rotations).toBeGreaterThanOrEqual(1);
    expect(first.leadsMarked).toBeGreaterThanOrEqual(3);
    expect(second).toEqual({ rotations: 0, leadsMarked: 0 });
    expect([releasedA1, releasedM1]).toEqual([true, false]);
    const legacy = await c.db.send(new GetCommand({ TableName: table, Key: legacyRotationKey(team) }));
    expect(legacy.Item).toBeUndefined();
    const loadA = await c.db.send(new GetCommand({ TableName: table, Key: loadKey(team, 'rep-a') }));
    expect(loadA.Item?.load).toBe(1);
    expect((await rr.readState(team)).loads).toEqual({ 'rep-a': 1, 'rep-b': 1 });
    c.destroy();
  });
});
