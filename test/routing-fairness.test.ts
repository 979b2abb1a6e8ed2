/**
 * The DynamoDB round-robin under concurrency, against DynamoDB Local (started by test/global-setup.ts, which
 * sets AWS_ENDPOINT_URL_DYNAMODB and LEADS_TABLE): weighted fairness over 1,000 concurrent assignments,
 * idempotency per lead, and load release.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, PutCommand } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import type { Route } from '../functions/agent/qualification';
import type { RouteMatch } from '../functions/agent/route/match';
import { parseRoutingSetup } from '../functions/agent/route/rules';
import { createRoundRobin, leadKey } from '../functions/platform/round-robin-dynamodb';

const table = process.env.LEADS_TABLE as string;
const db = DynamoDBDocumentClient.from(new DynamoDBClient({}), {
  marshallOptions: { removeUndefinedValues: true },
});
const run = `${Date.now().toString(36)}-${Math.floor(Math.random() * 1e6).toString(36)}`;

/** A team whose calendar is open every day, all day, so availability never interferes with fairness. */
const WEIGHTS = { 'rep-a': 3, 'rep-b': 2, 'rep-c': 1, 'rep-d': 1 } as const;
const setupFor = (teamId: string) =>
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
      people: ['mkt', 'mgr', ...Object.keys(WEIGHTS)].map((id) => ({
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
          members: Object.entries(WEIGHTS).map(([person, weight]) => ({ person, weight })),
        },
      ],
    },
  );

const teamMatch = (team: string): RouteMatch => ({ kind: 'team', ruleId: 'all', reason: 'Hot lead', team });

async function createLead(leadId: string): Promise<void> {
  await db.send(new PutCommand({ TableName: table, Item: { ...leadKey(leadId), status: 'queued' } }));
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

describe('round-robin assignment on DynamoDB', () => {
  it('keeps 1,000 concurrent assignments within one lead of each rep’s weighted share', async () => {
    // Prepare
    const team = `fair-${run}`;
    // 50 writers on one counter on a shared 2-core machine: allow more optimistic retries than production's 50
    // (in production a contended assignment that gives up is retried by SQS anyway).
    const rr = createRoundRobin({ db, table, setup: setupFor(team), maxAttempts: 500 });
    const leadIds = Array.from({ length: 1000 }, (_, i) => `fair-${run}-${i}`);
    await pool(leadIds, 25, createLead);

    // Act
    const started = performance.now();
    const routes = await pool(leadIds, 50, (leadId) =>
      rr.assignOwner({ leadId, match: teamMatch(team), tier: 'hot', submittedAt: new Date().toISOString() }),
    );
    const ms = Math.round(performance.now() - started);

    // Assess
    const counts: Record<string, number> = {};
    for (const r of routes) counts[r.ownerId as string] = (counts[r.ownerId as string] ?? 0) + 1;
    const total = Object.values(WEIGHTS).reduce((s, w) => s + w, 0);
    const deviations = Object.entries(WEIGHTS).map(([rep, w]) =>
      Math.abs((counts[rep] ?? 0) - (1000 * w) / total),
    );
    console.log(
      `1,000 assignments, 50 in flight: ${ms} ms; counts ${JSON.stringify(counts)}; max deviation ${Math.max(...deviations).toFixed(3)}`,
    );
    for (const d of deviations) expect(d).toBeLessThan(1);
    const state = await rr.readState(team);
    expect(state.seq).toBe(1000);
    expect(state.loads).toEqual(counts);
  });

  it('gives a lead delivered five times at once one owner and advances the sequence once', async () => {
    // Prepare
    const team = `idem-${run}`;
    const rr = createRoundRobin({ db, table, setup: setupFor(team) });
    const leadId = `idem-${run}`;
    await createLead(leadId);
    const input = {
      leadId,
      match: teamMatch(team),
      tier: 'warm' as const,
      submittedAt: new Date().toISOString(),
    };

    // Act
    const routes: Route[] = await Promise.all(Array.from({ length: 5 }, () => rr.assignOwner(input)));
    const again = await rr.assignOwner(input);

    // Assess
    for (const r of routes) expect(r).toEqual(routes[0]);
    expect(again).toEqual(routes[0]);
    const state = await rr.readState(team);
    expect(state.seq).toBe(1);
    expect(Object.values(state.loads).reduce((s, n) => s + n, 0)).toBe(1);
  });

  it('releases a closed lead’s load once, however often it is released', async () => {
    // Prepare
    const team = `release-${run}`;
    const rr = createRoundRobin({ db, table, setup: setupFor(team) });
    const leadId = `release-${run}`;
    await createLead(leadId);
    const route = await rr.assignOwner({
      leadId,
      match: teamMatch(team),
      tier: 'hot',
      submittedAt: new Date().toISOString(),
    });
    const rep = route.ownerId as string;

    // Act
    const first = await rr.releaseLoad(team, rep, { leadId });
    const second = await rr.releaseLoad(team, rep, { leadId });

    // Assess
    expect([first, second]).toEqual([true, false]);
    expect((await rr.readState(team)).loads[rep]).toBe(0);
  });

  it('refuses to route a lead that was never stored', async () => {
    // Prepare
    const team = `missing-${run}`;
    const rr = createRoundRobin({ db, table, setup: setupFor(team) });

    // Act
    const attempt = rr.assignOwner({
      leadId: `missing-${run}`,
      match: teamMatch(team),
      tier: 'hot',
      submittedAt: new Date().toISOString(),
    });

    // Assess
    await expect(attempt).rejects.toThrow(/does not exist/);
    expect((await rr.readState(team)).seq).toBe(0);
  });
});
