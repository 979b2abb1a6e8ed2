import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parse as parseYamlText } from 'yaml';
import { shippedRouting } from '../../platform/shipped-routing';
import type { Enrichment } from '../enrichment';
import type { Lead } from '../lead';
import type { Quadrant, Tier } from '../qualification';
import { SCHEMA_FILES } from './json-schema';
import { matchRoute, type RouteInput } from './match';
import { decideRoute, slaDueAt } from './route';
import { parseRoutingSetup, type RoutingSetup, RoutingValidationError } from './rules';
import { buildCycle, pickRep } from './wrr';

const SHIPPED = shippedRouting();
const routingYamlRaw = () => structuredClone(SHIPPED.routing) as unknown as Record<string, unknown>;

interface Case {
  tier?: Tier;
  quadrant?: Quadrant;
  country?: string;
  employees?: number;
  industry?: Enrichment['registry'] extends infer R ? (R extends { industry: infer I } ? I : never) : never;
  productInterest?: string;
  formType?: Lead['formType'];
}
function input(c: Case = {}): RouteInput {
  const lead: Lead = {
    person: {},
    company: {
      ...(c.country ? { country: c.country } : {}),
      ...(c.employees !== undefined ? { employees: c.employees } : {}),
    },
    formType: c.formType ?? 'contact',
    qualifying: c.productInterest ? { productInterest: c.productInterest } : {},
    consent: { marketingOptIn: false },
    source: { provider: 'json' },
    utm: {},
    language: 'nl',
    submittedAt: '2025-06-04T10:00:00+02:00',
    activities: [],
    extra: {},
  };
  const enrichment: Enrichment = {
    email: null,
    website: null,
    registry: c.industry ? { source: 'kvk', legalName: 'X B.V.', sbiCodes: [], industry: c.industry } : null,
    phone: null,
    geo: { country: null, sources: [] },
    intent: null,
    tools: {},
    confidence: 1,
  };
  return { lead, enrichment, score: { tier: c.tier ?? 'hot', quadrant: c.quadrant ?? 'act_now', total: 80 } };
}

/** A one-team setup with an always-open calendar unless overridden. */
function teamSetup(
  members: Array<{
    id: string;
    weight?: number;
    maxOpenLeads?: number | null;
    outOfOffice?: unknown[];
    workingDays?: number[];
  }>,
): RoutingSetup {
  return parseRoutingSetup(
    {
      version: 't1',
      threshold: { minTier: 'warm' },
      nurture: { owner: 'mkt' },
      fallback: { owner: 'mgr' },
      sla: { hot: { hours: 1 }, warm: { businessDays: 1 }, cold: null },
      rules: [{ id: 'all', to: { team: 'sales' } }],
    },
    {
      version: 't2',
      calendar: {
        timeZone: 'Europe/Amsterdam',
        workingDays: [1, 2, 3, 4, 5],
        hours: { start: '09:00', end: '17:30' },
      },
      fallbackOwner: 'mgr',
      people: [
        {
          id: 'mgr',
          name: 'Sofie Mulder',
          email: 'mgr@example.com',
          title: 'Sales Manager',
          role: 'manager',
          languages: ['nl'],
        },
        {
          id: 'mkt',
          name: 'Noor Visser',
          email: 'mkt@example.com',
          title: 'Marketing',
          role: 'marketing',
          languages: ['nl'],
        },
        ...members.map((m) => ({
          id: m.id,
          name: `${m.id[0]?.toUpperCase()}${m.id.slice(1)} Tester`,
          email: `${m.id}@example.com`,
          title: 'Rep',
          role: 'rep',
          languages: ['nl'],
          ...(m.outOfOffice ? { outOfOffice: m.outOfOffice } : {}),
          ...(m.workingDays ? { workingDays: m.workingDays } : {}),
        })),
      ],
      teams: [
        {
          id: 'sales',
          name: 'Sales team',
          members: members.map((m) => ({
            person: m.id,
            weight: m.weight ?? 1,
            maxOpenLeads: m.maxOpenLeads ?? null,
          })),
        },
      ],
    },
  );
}
const team = (setup: RoutingSetup) => setup.teams.teams.get('sales')!;
const WEDNESDAY_10 = new Date('2025-06-04T08:00:00Z'); // 10:00 in Amsterdam

describe('matchRoute on the shipped config/routing.yaml', () => {
  it.each([
    ['region (DACH)', { country: 'DE', employees: 50 }, 'dach-region', 'dach'],
    ['country + size (Belgium)', { country: 'BE', employees: 40 }, 'belgium-region', 'belgium'],
    ['size (1,000+)', { country: 'NL', employees: 5000 }, 'enterprise-size', 'enterprise'],
    [
      'product line',
      { country: 'NL', employees: 300, tier: 'warm', productInterest: 'Your SSO platform' },
      'enterprise-platform',
      'enterprise',
    ],
    ['tier + size', { country: 'NL', employees: 300, tier: 'hot' }, 'hot-mid-market', 'enterprise'],
    ['region + size (SMB)', { country: 'NL', employees: 50 }, 'smb-benelux', 'smb'],
    ['no specific rule', { country: 'FR', employees: 50 }, 'inside-sales-default', 'smb'],
  ] as const)('routes by %s', (_name, c, ruleId, teamId) => {
    // Prepare
    const lead = input(c as Case);

    // Act
    const match = matchRoute(lead, SHIPPED);

    // Assess
    expect(match).toMatchObject({ kind: 'team', ruleId, team: teamId });
  });

  it('routes by industry and form type to nurture', () => {
    // Prepare
    const lead = input({ country: 'NL', employees: 50, industry: 'education', formType: 'download' });

    // Act
    const match = matchRoute(lead, SHIPPED);

    // Assess
    expect(match).toMatchObject({ kind: 'nurture', ruleId: 'education-nurture', ownerId: 'mkt-noor' });
  });

  it('sends a cold lead, and a warm one in the monitor quadrant, to nurture instead of a rep', () => {
    // Prepare
    const cold = input({ tier: 'cold', country: 'NL', employees: 5000 });
    const monitor = input({ tier: 'warm', quadrant: 'monitor', country: 'NL', employees: 5000 });

    // Act
    const results = [matchRoute(cold, SHIPPED), matchRoute(monitor, SHIPPED)];

    // Assess
    expect(results.map((r) => [r.kind, r.ruleId, r.ownerId])).toEqual([
      ['nurture', 'threshold', 'mkt-noor'],
      ['nurture', 'threshold', 'mkt-noor'],
    ]);
    expect(results[0]?.reason).toBe('Cold lead from NL (score 80) is below the routing threshold (warm)');
  });

  it('explains the route the way a rep reads it', () => {
    // Prepare
    const match = matchRoute(input({ country: 'NL', employees: 50 }), SHIPPED);

    // Act
    const { route } = decideRoute(match, SHIPPED, {
      tier: 'hot',
      submittedAt: WEDNESDAY_10.toISOString(),
      now: WEDNESDAY_10,
      ticket: 1,
    });

    // Assess
    expect(route).toMatchObject({
      kind: 'owner',
      team: 'smb',
      ownerId: 'rep-bram',
      ruleId: 'smb-benelux',
      reason: 'Hot lead from NL, 10–200 employees → SMB team (round-robin: Bram)',
      slaDueAt: '2025-06-04T09:00:00.000Z',
      routingVersion: '2025.1+2025.1',
    });
  });
});

describe('pickRep', () => {
  it('skips a rep who is out of office and gives the ticket to the next slot', () => {
    // Prepare
    const setup = teamSetup([
      { id: 'anna', outOfOffice: [{ from: '2025-06-02', to: '2025-06-06' }] },
      { id: 'bram' },
    ]);

    // Act
    const rep = pickRep(team(setup), 1, { loads: {}, now: WEDNESDAY_10 });

    // Assess
    expect(rep?.person.id).toBe('bram');
  });

  it('judges a weekend lead by Monday: skips a rep who is off on Monday, not one off on Saturday', () => {
    // Prepare
    const setup = teamSetup([
      { id: 'anna', outOfOffice: [{ from: '2025-06-09', to: '2025-06-09' }] },
      { id: 'bram', outOfOffice: [{ from: '2025-06-07', to: '2025-06-08' }] },
    ]);
    const saturday = new Date('2025-06-07T10:00:00Z');

    // Act
    const picks = [1, 2].map((t) => pickRep(team(setup), t, { loads: {}, now: saturday })?.person.id);

    // Assess
    expect(picks).toEqual(['bram', 'bram']);
  });

  it('skips a part-timer on their day off', () => {
    // Prepare
    const setup = teamSetup([{ id: 'anna', workingDays: [1, 2, 4] }, { id: 'bram' }]);

    // Act
    const rep = pickRep(team(setup), 1, { loads: {}, now: WEDNESDAY_10 });

    // Assess
    expect(rep?.person.id).toBe('bram');
  });

  it('skips a rep at capacity', () => {
    // Prepare
    const setup = teamSetup([
      { id: 'anna', maxOpenLeads: 3 },
      { id: 'bram', maxOpenLeads: 3 },
    ]);

    // Act
    const rep = pickRep(team(setup), 1, { loads: { anna: 3, bram: 2 }, now: WEDNESDAY_10 });

    // Assess
    expect(rep?.person.id).toBe('bram');
  });

  it('falls back to the team’s fallback owner when nobody is available, and says why', () => {
    // Prepare
    const setup = teamSetup([
      { id: 'anna', maxOpenLeads: 1 },
      { id: 'bram', outOfOffice: [{ from: '2025-06-01', to: '2025-06-30' }] },
    ]);
    const match = matchRoute(input({ country: 'NL' }), setup);

    // Act
    const { route, load } = decideRoute(match, setup, {
      tier: 'hot',
      submittedAt: WEDNESDAY_10.toISOString(),
      now: WEDNESDAY_10,
      ticket: 7,
      loads: { anna: 1 },
    });

    // Assess
    expect(route.ownerId).toBe('mgr');
    expect(route.reason).toBe(
      'Hot lead from NL → Sales team: no rep available (Anna at capacity, Bram out of office) → fallback owner Sofie Mulder',
    );
    expect(load).toBeUndefined();
  });
});

describe('slaDueAt', () => {
  const cal = SHIPPED.teams.teams.get('smb')!.calendar;

  it('gives a hot lead one hour inside office hours', () => {
    // Act
    const due = slaDueAt('2025-06-04T10:15:00+02:00', 'hot', cal, SHIPPED.routing.sla);

    // Assess
    expect(due).toBe('2025-06-04T09:15:00.000Z');
  });

  it('gives a warm lead on Friday afternoon until Monday afternoon (one business day over the weekend)', () => {
    // Act
    const due = slaDueAt('2025-06-06T14:00:00+02:00', 'warm', cal, SHIPPED.routing.sla);

    // Assess
    expect(due).toBe('2025-06-09T12:00:00.000Z'); // Monday 14:00 Amsterdam
  });

  it('starts a hot lead’s hour at the next opening when it arrives at night, and gives cold leads none', () => {
    // Act
    const night = slaDueAt('2025-06-04T22:00:00+02:00', 'hot', cal, SHIPPED.routing.sla);
    const cold = slaDueAt('2025-06-04T10:00:00+02:00', 'cold', cal, SHIPPED.routing.sla);

    // Assess
    expect(night).toBe('2025-06-05T08:00:00.000Z'); // Thursday 10:00 Amsterdam
    expect(cold).toBeUndefined();
  });
});

describe('weighted round-robin by ticket', () => {
  it('over 10,000 tickets gives every rep its weighted share within one lead (weights 2:1:1 and 3:2:1:1)', () => {
    for (const weights of [
      [2, 1, 1],
      [3, 2, 1, 1],
    ]) {
      // Prepare
      const setup = teamSetup(weights.map((weight, i) => ({ id: `r${i}`, weight })));
      const W = weights.reduce((s, w) => s + w, 0);

      // Act
      const counts = new Map<string, number>();
      for (let t = 1; t <= 10_000; t++) {
        const id = pickRep(team(setup), t, { loads: {}, now: WEDNESDAY_10 })!.person.id;
        counts.set(id, (counts.get(id) ?? 0) + 1);
      }

      // Assess
      weights.forEach((w, i) => {
        expect(Math.abs((counts.get(`r${i}`) ?? 0) - (10_000 * w) / W)).toBeLessThan(1);
      });
    }
  });

  it('for any weights: every prefix within 1 − 1/(2k−2) of the share, every window within 2, every cycle exact', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 1, max: 12 }), { minLength: 2, maxLength: 7 }),
        fc.nat(),
        fc.integer({ min: 1, max: 200 }),
        (weights, start, length) => {
          // Prepare
          const k = weights.length;
          const W = weights.reduce((s, w) => s + w, 0);
          const cycle = buildCycle(weights);
          const at = (t: number) => cycle[t % W]!;
          const prefixBound = 1 - 1 / (2 * k - 2) + 1e-9;

          // Act
          const prefix = new Array<number>(k).fill(0);
          const window = new Array<number>(k).fill(0);
          let prefixOk = true;
          for (let n = 1; n <= Math.max(W, length); n++) {
            prefix[at(n - 1)]! += 1;
            prefixOk &&= weights.every((w, i) => Math.abs(prefix[i]! - (n * w) / W) <= prefixBound);
          }
          for (let j = 0; j < length; j++) window[at(start + j)]! += 1;
          const perCycle = new Array<number>(k).fill(0);
          for (const i of cycle) perCycle[i]! += 1;

          // Assess
          expect(prefixOk).toBe(true);
          for (const [i, w] of weights.entries())
            expect(Math.abs(window[i]! - (length * w) / W)).toBeLessThan(2);
          expect(perCycle).toEqual(weights);
        },
      ),
      { numRuns: 300 },
    );
  });
});

describe('configuration files', () => {
  it('names the rule and the field in validation errors', () => {
    // Prepare
    const routing = routingYamlRaw();
    const rules = routing.rules as Array<Record<string, unknown>>;
    rules[3] = { ...rules[3], when: { employees: { min: 10, max: 5 } } };
    const teamYaml = readFileSync(
      fileURLToPath(new URL('../../../config/team.yaml', import.meta.url)),
      'utf8',
    );

    // Act
    const attempt = () => parseRoutingSetup(routing, parseYamlText(teamYaml));

    // Assess
    expect(attempt).toThrow(RoutingValidationError);
    expect(attempt).toThrow(
      /routing: rules\[3\] \(enterprise-platform\)\.when\.employees: min is greater than max/,
    );
  });

  it('reports an unknown team in a rule by the rule’s id', () => {
    // Prepare
    const routing = routingYamlRaw();
    const rules = routing.rules as Array<Record<string, unknown>>;
    rules[2] = { ...rules[2], to: { team: 'enterprize' } };
    const teamYaml = readFileSync(
      fileURLToPath(new URL('../../../config/team.yaml', import.meta.url)),
      'utf8',
    );

    // Act
    const attempt = () => parseRoutingSetup(routing, parseYamlText(teamYaml));

    // Assess
    expect(attempt).toThrow(/routing: rules\[2\] \(enterprise-size\)\.to\.team: unknown team "enterprize"/);
  });

  it('keeps the committed JSON schemas in sync with the zod schemas', () => {
    for (const [name, make] of Object.entries(SCHEMA_FILES)) {
      // Prepare
      const committed = readFileSync(
        fileURLToPath(new URL(`../../../config/${name}`, import.meta.url)),
        'utf8',
      );

      // Act
      const generated = make();

      // Assess
      expect(
        JSON.parse(committed),
        `${name} is stale: run npx tsx functions/agent/route/json-schema.ts`,
      ).toEqual(generated);
    }
  });
});
