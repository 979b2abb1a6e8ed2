/**
 * Fairness of the rotation as an algorithm, on the pure schedule: any weights, any availability (sets that
 * change with every ticket), gaps (tickets taken but never used) and any order in which concurrent
 * assignments finish. The model below does what the DynamoDB adapter does: one ticket sequence per
 * availability set, a ticket per assignment, the pick by `memberForTicket`.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { resolveTeams, type Team, TeamFileSchema } from './team';
import {
  buildCycle,
  capacityCandidates,
  memberForTicket,
  pickRep,
  prefixBound,
  type RotationSet,
  rotationPlan,
  rotationSet,
} from './wrr';

const NOW = new Date('2025-06-04T08:00:00Z'); // a Wednesday, 10:00 in Amsterdam

/** A team whose calendar is open all week; members `r0`, `r1`, … with the given weights and caps. */
function makeTeam(
  members: ReadonlyArray<{ weight: number; maxOpenLeads?: number | null; outOfOffice?: unknown[] }>,
): Team {
  const people = members.map((m, i) => ({
    id: `r${i}`,
    name: `Rep ${i}`,
    email: `r${i}@example.com`,
    title: 'Rep',
    role: 'rep',
    languages: ['en'],
    ...(m.outOfOffice ? { outOfOffice: m.outOfOffice } : {}),
  }));
  const file = TeamFileSchema.parse({
    version: 't',
    calendar: {
      timeZone: 'Europe/Amsterdam',
      workingDays: [1, 2, 3, 4, 5, 6, 7],
      hours: { start: '00:00', end: '23:59' },
    },
    fallbackOwner: 'mgr',
    people: [
      {
        id: 'mgr',
        name: 'Manager',
        email: 'mgr@example.com',
        title: 'Mgr',
        role: 'manager',
        languages: ['en'],
      },
      ...people,
    ],
    teams: [
      {
        id: 'sales',
        name: 'Sales',
        members: members.map((m, i) => ({
          person: `r${i}`,
          weight: m.weight,
          maxOpenLeads: m.maxOpenLeads ?? null,
        })),
      },
    ],
  });
  return resolveTeams(file).teams.get('sales')!;
}

/**
 * The adapter's behaviour as a model: `take` draws the next ticket of the current availability set's
 * sequence and picks the rep; `finish` uses a ticket in flight (the lead is routed) or abandons it (a gap).
 * `check` asserts the fairness bound of wrr.ts for every rep at this moment.
 */
class RotationModel {
  readonly sequences = new Map<string, { set: RotationSet; taken: number; used: number }>();
  readonly inFlight: Array<{ setKey: string; rep: string }> = [];
  readonly counts = new Map<string, number>();
  readonly share = new Map<string, number>();

  constructor(readonly team: Team) {}

  take(available: ReadonlySet<string>): boolean {
    const loads = Object.fromEntries(
      this.team.members.map((m) => [m.person.id, available.has(m.person.id) ? 0 : 1]),
    );
    const { set } = rotationPlan(this.team, { loads, now: NOW });
    if (!set) return false;
    const seq = this.sequences.get(set.key) ?? { set, taken: 0, used: 0 };
    this.sequences.set(set.key, seq);
    seq.taken += 1;
    this.inFlight.push({ setKey: set.key, rep: memberForTicket(set, seq.taken).person.id });
    return true;
  }

  finish(pick: number, used: boolean): void {
    if (this.inFlight.length === 0) return;
    const [done] = this.inFlight.splice(pick % this.inFlight.length, 1);
    if (!done || !used) return;
    const seq = this.sequences.get(done.setKey)!;
    seq.used += 1;
    this.counts.set(done.rep, (this.counts.get(done.rep) ?? 0) + 1);
    const W = seq.set.members.reduce((s, m) => s + m.weight, 0);
    for (const m of seq.set.members)
      this.share.set(m.person.id, (this.share.get(m.person.id) ?? 0) + m.weight / W);
  }

  /** Σ over the sets containing `rep` of (prefix bound + tickets of that set not used yet). */
  bound(rep: string): number {
    let b = 0;
    for (const { set, taken, used } of this.sequences.values())
      if (set.members.some((m) => m.person.id === rep)) b += prefixBound(set.members.length) + (taken - used);
    return b;
  }

  deviations(): Array<{ rep: string; deviation: number; bound: number }> {
    return this.team.members.map((m) => {
      const rep = m.person.id;
      return {
        rep,
        deviation: Math.abs((this.counts.get(rep) ?? 0) - (this.share.get(rep) ?? 0)),
        bound: this.bound(rep),
      };
    });
  }
}

const weightsArb = fc.array(fc.integer({ min: 1, max: 12 }), { minLength: 1, maxLength: 7 });

describe('the rotation schedule is fair', () => {
  it('with one availability set: within 1 − 1/(2k−2) of the share plus one per gap or ticket in flight, at every moment, in any finishing order', () => {
    fc.assert(
      fc.property(
        weightsArb,
        fc.array(
          fc.oneof(
            { weight: 3, arbitrary: fc.constant({ kind: 'take' as const }) },
            {
              weight: 3,
              arbitrary: fc.record({
                kind: fc.constant('finish' as const),
                pick: fc.nat(),
                used: fc.integer({ min: 0, max: 4 }).map((n) => n > 0),
              }),
            },
          ),
          { maxLength: 400 },
        ),
        (weights, events) => {
          // Prepare
          const team = makeTeam(weights.map((weight) => ({ weight })));
          const model = new RotationModel(team);
          const everyone = new Set(team.members.map((m) => m.person.id));
          const violations: unknown[] = [];

          // Act
          for (const e of events) {
            if (e.kind === 'take') model.take(everyone);
            else model.finish(e.pick, e.used);
            for (const d of model.deviations())
              if (d.deviation > d.bound + 1e-9) violations.push({ ...d, after: e });
          }

          // Assess
          expect(violations).toEqual([]);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('with availability changing at every ticket: within Σ over the sets a rep was in of (prefix bound + gaps)', () => {
    fc.assert(
      fc.property(
        weightsArb.filter((w) => w.length >= 2),
        fc.array(
          fc.record({
            // Which reps are available for this ticket (bit i: rep i), then how a ticket in flight finishes.
            available: fc.nat(),
            finishes: fc.array(fc.record({ pick: fc.nat(), used: fc.boolean() }), { maxLength: 2 }),
          }),
          { maxLength: 300 },
        ),
        (weights, steps) => {
          // Prepare
          const team = makeTeam(weights.map((weight) => ({ weight, maxOpenLeads: 1 })));
          const model = new RotationModel(team);
          const violations: unknown[] = [];

          // Act
          for (const step of steps) {
            const available = new Set(
              team.members.filter((_, i) => (step.available >> i) & 1).map((m) => m.person.id),
            );
            model.take(available);
            for (const f of step.finishes) model.finish(f.pick, f.used);
            for (const d of model.deviations()) if (d.deviation > d.bound + 1e-9) violations.push(d);
          }
          while (model.inFlight.length > 0) model.finish(0, true);
          for (const d of model.deviations()) if (d.deviation > d.bound + 1e-9) violations.push(d);

          // Assess
          expect(violations).toEqual([]);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('does not drift when availability flips between two sets thousands of times', () => {
    // Prepare: r0 hovers at its cap — available for one lead, then full again, 5,000 times
    const team = makeTeam([{ weight: 3, maxOpenLeads: 1 }, { weight: 2 }, { weight: 1 }, { weight: 1 }]);
    const model = new RotationModel(team);
    const all = new Set(team.members.map((m) => m.person.id));
    const withoutR0 = new Set([...all].filter((id) => id !== 'r0'));
    let worst = 0;

    // Act
    for (let i = 0; i < 10_000; i++) {
      model.take(i % 2 === 0 ? all : withoutR0);
      model.finish(0, true);
      worst = Math.max(worst, ...model.deviations().map((d) => d.deviation));
    }

    // Assess: two sets of four and three members → the bound is (1 − 1/6) + (1 − 1/4), whatever the flips
    expect(worst).toBeLessThanOrEqual(prefixBound(4) + prefixBound(3) + 1e-9);
  });

  it('shares an absent rep’s leads among the others by weight, not with whoever follows them in the cycle', () => {
    // Prepare: weights 1:1:1, r2 out of office all month
    const team = makeTeam([
      { weight: 1 },
      { weight: 1 },
      { weight: 1, outOfOffice: [{ from: '2025-06-01', to: '2025-06-30' }] },
    ]);

    // Act
    const counts: Record<string, number> = {};
    for (let t = 1; t <= 300; t++) {
      const id = pickRep(team, t, { loads: {}, now: NOW })!.person.id;
      counts[id] = (counts[id] ?? 0) + 1;
    }

    // Assess
    expect(counts).toEqual({ r0: 150, r1: 150 });
  });
});

describe('availability sets', () => {
  it('name a sequence by members, weights and order; a change to any of them starts a new one', () => {
    // Prepare
    const a = makeTeam([{ weight: 2 }, { weight: 1 }]);
    const sameAgain = makeTeam([{ weight: 2 }, { weight: 1 }]);
    const reweighted = makeTeam([{ weight: 1 }, { weight: 1 }]);

    // Act
    const key = (team: Team) => rotationSet(team, team.members).key;
    const label = rotationSet(a, a.members).label;

    // Assess
    expect(key(a)).toBe(key(sameAgain));
    expect(key(a)).not.toBe(key(reweighted));
    expect(key(a)).not.toBe(rotationSet(a, [a.members[1]!, a.members[0]!]).key);
    expect(label).toBe('r0*2,r1*1');
    expect(key(a)).toMatch(/^[0-9a-z]{1,11}$/);
  });

  it('leave out reps at capacity and out of office, and say why; nobody left → no set', () => {
    // Prepare
    const team = makeTeam([
      { weight: 1, maxOpenLeads: 2 },
      { weight: 1, outOfOffice: [{ from: '2025-06-04', to: '2025-06-04' }] },
      { weight: 2 },
    ]);

    // Act
    const plan = rotationPlan(team, { loads: { r0: 2 }, now: NOW });
    const allAway = makeTeam([{ weight: 1, outOfOffice: [{ from: '2025-06-04', to: '2025-06-04' }] }]);
    const nobody = rotationPlan(allAway, { loads: {}, now: NOW });

    // Assess
    expect(plan.set?.label).toBe('r2*2');
    expect(plan.skipped.map((s) => [s.member.person.id, s.why])).toEqual([
      ['r0', 'at capacity'],
      ['r1', 'out of office'],
    ]);
    expect(nobody.set).toBeNull();
    expect(nobody.skipped.map((s) => s.why)).toEqual(['out of office']);
  });

  it('need loads only for capped reps who work now', () => {
    // Prepare
    const team = makeTeam([
      { weight: 1, maxOpenLeads: 5 },
      { weight: 1, maxOpenLeads: 5, outOfOffice: [{ from: '2025-06-04', to: '2025-06-04' }] },
      { weight: 1 },
    ]);
    const uncapped = makeTeam([{ weight: 1 }, { weight: 2 }]);

    // Act
    const candidates = capacityCandidates(team, NOW).map((m) => m.person.id);

    // Assess
    expect(candidates).toEqual(['r0']);
    expect(capacityCandidates(uncapped, NOW)).toEqual([]);
  });

  it('give a full cycle of tickets exactly each member’s weight', () => {
    fc.assert(
      fc.property(weightsArb, (weights) => {
        // Prepare
        const team = makeTeam(weights.map((weight) => ({ weight })));
        const set = rotationSet(team, team.members);
        const W = weights.reduce((s, w) => s + w, 0);

        // Act
        const counts = new Array<number>(weights.length).fill(0);
        for (let t = 1; t <= W; t++) counts[Number(memberForTicket(set, t).person.id.slice(1))]! += 1;

        // Assess
        expect(counts).toEqual(weights);
        expect(set.cycle).toEqual(buildCycle(weights));
      }),
      { numRuns: 100 },
    );
  });
});
