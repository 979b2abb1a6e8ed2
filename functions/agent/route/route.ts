/**
 * From a match to the final `Route`: the rep for the ticket (or the fallback owner), the SLA deadline in
 * the team's business time, and the reason in words ("Hot lead from NL, 10–200 employees → SMB team
 * (round-robin: Bram)"). Pure: the ticket and the loads come from the caller (the DynamoDB adapter).
 */

import { addBusinessMinutes, businessMinutesPerDay, type Calendar } from '../business-time';
import type { Route, Tier } from '../qualification';
import type { RouteMatch } from './match';
import type { RoutingFile, RoutingSetup } from './rules';
import { type Person, personCalendar, shortName } from './team';
import { memberForTicket, rotationPlan } from './wrr';

export type SlaSettings = RoutingFile['sla'];

/** Hot: one business hour; warm: one business day; cold: none. */
export const DEFAULT_SLA: SlaSettings = {
  hot: { hours: 1, businessTime: true },
  warm: { businessDays: 1, businessTime: true },
  cold: null,
};

/**
 * When the owner must have made first contact, ISO 8601 UTC, or undefined when the tier has no SLA.
 * `{ hours: N }` counts N working hours of `calendar` (N wall-clock hours with `businessTime: false`);
 * `{ businessDays: N }` counts N × the working hours of one day, so Friday 14:00 + one business day
 * (09:00–17:30) is Monday 14:00, and a Saturday lead is due Monday at closing time.
 */
export function slaDueAt(
  submittedAt: string | Date,
  tier: Tier,
  calendar: Calendar,
  sla: SlaSettings = DEFAULT_SLA,
): string | undefined {
  const spec = sla[tier];
  if (!spec) return undefined;
  const start = typeof submittedAt === 'string' ? new Date(submittedAt) : submittedAt;
  if (Number.isNaN(start.getTime())) throw new Error('submittedAt is not a valid date');
  if (spec.businessDays !== undefined)
    return addBusinessMinutes(
      start,
      spec.businessDays * businessMinutesPerDay(calendar),
      calendar,
    ).toISOString();
  const hours = spec.hours ?? 0;
  if (spec.businessTime === false) return new Date(start.getTime() + hours * 3_600_000).toISOString();
  return addBusinessMinutes(start, hours * 60, calendar).toISOString();
}

export interface DecideContext {
  readonly tier: Tier;
  readonly submittedAt: string;
  readonly now: Date;
  /**
   * For `team` matches: the ticket drawn from the sequence of the team's availability set under the same
   * `now` and `loads` (`rotationPlan` in ./wrr). Not needed when nobody in the team is available.
   */
  readonly ticket?: number;
  /** Open leads per capped rep in the team. */
  readonly loads?: Readonly<Record<string, number>>;
}

export interface Decision {
  readonly route: Route;
  /**
   * Set when a team member got the lead: their open-lead count goes up by one, but never past `cap` (their
   * `maxOpenLeads`; null: no cap).
   */
  readonly load?: { readonly team: string; readonly repId: string; readonly cap: number | null };
}

function person(setup: RoutingSetup, id: string): Person {
  const p = setup.teams.people.get(id);
  if (!p) throw new Error(`unknown person ${id} (not in config/team.yaml)`);
  return p;
}

/**
 * Builds the Route for a match. Throws for a `team` match with an available rep but no ticket, or an unknown
 * team/person.
 */
export function decideRoute(match: RouteMatch, setup: RoutingSetup, ctx: DecideContext): Decision {
  const base = { ruleId: match.ruleId, routingVersion: setup.version, assignedAt: ctx.now.toISOString() };
  const sla = setup.routing.sla;
  if (match.kind === 'nurture') {
    const owner = match.ownerId ? person(setup, match.ownerId) : undefined;
    return {
      route: {
        kind: 'nurture',
        ...(owner ? { ownerId: owner.id } : {}),
        ...base,
        reason: `${match.reason} → nurture sequence${owner ? ` (${shortName(owner)})` : ''}`,
      },
    };
  }
  if (match.kind === 'owner') {
    const owner = person(setup, match.ownerId as string);
    const due = slaDueAt(ctx.submittedAt, ctx.tier, personCalendar(owner, setup.teams.calendar), sla);
    return {
      route: {
        kind: 'owner',
        ownerId: owner.id,
        ...base,
        reason: `${match.reason} → ${owner.name}`,
        ...(due ? { slaDueAt: due } : {}),
      },
    };
  }
  const team = setup.teams.teams.get(match.team as string);
  if (!team) throw new Error(`unknown team ${match.team} (not in config/team.yaml)`);
  const plan = rotationPlan(team, { loads: ctx.loads ?? {}, now: ctx.now });
  const skips = plan.skipped.map((s) => `${shortName(s.member.person)} ${s.why}`).join(', ');
  const due = slaDueAt(ctx.submittedAt, ctx.tier, team.calendar, sla);
  const common = { kind: 'owner' as const, team: team.id, ...base, ...(due ? { slaDueAt: due } : {}) };
  if (plan.set) {
    if (ctx.ticket === undefined) throw new Error('a team route needs a ticket number');
    const member = memberForTicket(plan.set, ctx.ticket);
    const rep = member.person;
    return {
      route: {
        ...common,
        ownerId: rep.id,
        reason: `${match.reason} → ${team.name} (round-robin: ${shortName(rep)}${skips ? `; skipped ${skips}` : ''})`,
      },
      load: { team: team.id, repId: rep.id, cap: member.maxOpenLeads },
    };
  }
  const fallback = team.fallbackOwner;
  return {
    route: {
      ...common,
      ownerId: fallback.id,
      reason: `${match.reason} → ${team.name}: no rep available (${skips}) → fallback owner ${fallback.name}`,
    },
  };
}
