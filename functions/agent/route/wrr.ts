/**
 * Weighted round-robin by ticket number. Each team has a sequence (1, 2, 3, …, kept in DynamoDB); ticket
 * `t` goes to slot `(t − 1) mod W` of a precomputed cycle of length W = Σ weights in which rep i holds
 * exactly w_i slots, spread as evenly as possible.
 *
 * The cycle is built with Tijdeman's algorithm for the "chairman assignment problem" (earliest deadline
 * first over ideal positions; R. Tijdeman, 1980). What that guarantees, with k ≥ 2 reps, all available:
 *   - every prefix of n tickets counted from ticket 1 — or from any cycle boundary (ticket ≡ 1 mod W) —
 *     gives rep i a count c with |c − n·w_i/W| ≤ 1 − 1/(2k − 2) < 1: within one lead of its share;
 *   - every full cycle gives rep i exactly w_i tickets;
 *   - any window of n consecutive tickets starting anywhere: |c − n·w_i/W| < 2 (a difference of two
 *     prefixes). "< 1 for every window" cannot be had in general: for weights 1:2:3 no cycle of length 6
 *     keeps every window within one lead (exhaustive search over all 60 cycles).
 * With k = 1 the single rep gets every ticket. Skips (out of office, at capacity) move a ticket to the
 * next slot's rep, so the guarantees are for the reps that were available.
 * Pure: no I/O.
 */
import { addBusinessMinutes, type Calendar, isAbsent, localParts, minutesOf } from '../business-time';
import type { Team, TeamMember } from './team';

/**
 * The slot cycle for `weights` (positive integers): an array of length Σ weights of member indexes, with
 * index i appearing weights[i] times. Exact integer arithmetic; O(W·k).
 */
export function buildCycle(weights: readonly number[]): number[] {
  const k = weights.length;
  const W = weights.reduce((s, w) => s + w, 0);
  if (k === 0 || weights.some((w) => !Number.isInteger(w) || w < 1))
    throw new Error('weights must be integers ≥ 1');
  if (k === 1) return new Array<number>(W).fill(0);
  // δ = 1/(2k − 2). Rep i's j-th slot (j = c_i + 1) is released at time t when t·p_i − c_i ≥ δ and is due at
  // (c_i + 1 − δ)/p_i; among released reps the earliest deadline wins (ties: larger weight, then lower index).
  const D = 2 * k - 2;
  const counts = new Array<number>(k).fill(0);
  const cycle: number[] = [];
  for (let t = 1; t <= W; t++) {
    let best = -1;
    for (let i = 0; i < k; i++) {
      const w = weights[i]!;
      if ((t * w - counts[i]! * W) * D < W) continue;
      if (best < 0) {
        best = i;
        continue;
      }
      const wb = weights[best]!;
      const mine = (D * (counts[i]! + 1) - 1) * wb;
      const theirs = (D * (counts[best]! + 1) - 1) * w;
      if (mine < theirs || (mine === theirs && w > wb)) best = i;
    }
    // Tijdeman proves some rep is always released; guard anyway so a bug cannot loop or crash silently.
    if (best < 0) throw new Error(`no rep released at slot ${t} for weights ${weights.join(',')}`);
    counts[best]! += 1;
    cycle.push(best);
  }
  return cycle;
}

const cycles = new WeakMap<Team, number[]>();
/** The team's cycle, computed once per Team object. */
export function teamCycle(team: Team): number[] {
  let c = cycles.get(team);
  if (!c) {
    c = buildCycle(team.members.map((m) => m.weight));
    cycles.set(team, c);
  }
  return c;
}

/** The member whose slot ticket `ticket` (1, 2, 3, …) falls on, ignoring availability. */
export function slotOwner(team: Team, ticket: number): TeamMember {
  const cycle = teamCycle(team);
  const slot = (((ticket - 1) % cycle.length) + cycle.length) % cycle.length;
  return team.members[cycle[slot]!]!;
}

export interface RotationState {
  /** Open leads per rep id in this team (missing: 0). */
  readonly loads: Readonly<Record<string, number>>;
  readonly now: Date;
}

export type SkipReason = 'out of office' | 'not working' | 'at capacity';

/**
 * Why `member` cannot take a lead now, or null when they can. A lead that arrives outside the team's
 * business hours is judged at the moment the team's next business period starts (a Saturday lead is
 * Monday's work: a rep off on Monday is skipped, a rep off on Saturday is not). A rep "works" then when
 * it is one of their working days (not a holiday) in their own zone and their working day has not ended.
 */
export function unavailability(
  member: TeamMember,
  teamCalendar: Calendar,
  state: RotationState,
): SkipReason | null {
  const cap = member.maxOpenLeads;
  if (cap !== null && (state.loads[member.person.id] ?? 0) >= cap) return 'at capacity';
  const workAt = addBusinessMinutes(state.now, 0, teamCalendar);
  if (isAbsent(workAt, member.outOfOffice, member.calendar.timeZone)) return 'out of office';
  const p = localParts(workAt, member.calendar.timeZone);
  const weekday = ((new Date(Date.UTC(p.y, p.m - 1, p.d)).getUTCDay() + 6) % 7) + 1;
  const date = `${String(p.y).padStart(4, '0')}-${String(p.m).padStart(2, '0')}-${String(p.d).padStart(2, '0')}`;
  const works =
    member.calendar.workingDays.includes(weekday) &&
    !(member.calendar.holidays ?? []).includes(date) &&
    p.hh * 60 + p.mm < minutesOf(member.calendar.hours.end);
  return works ? null : 'not working';
}

export interface Pick {
  /** The rep who gets the lead, or null when every member was skipped. */
  readonly rep: TeamMember | null;
  /** Members passed over on the way (in slot order, each once), with why. */
  readonly skipped: ReadonlyArray<{ readonly member: TeamMember; readonly why: SkipReason }>;
}

/** `pickRep` with the reasons: walks the slots from the ticket's own, skipping unavailable members. */
export function pickRepDetailed(team: Team, ticket: number, state: RotationState): Pick {
  const cycle = teamCycle(team);
  const verdicts = new Map<number, SkipReason | null>();
  const skipped: Array<{ member: TeamMember; why: SkipReason }> = [];
  for (let j = 0; j < cycle.length && verdicts.size < team.members.length; j++) {
    const index = cycle[(((ticket - 1 + j) % cycle.length) + cycle.length) % cycle.length]!;
    const member = team.members[index]!;
    if (verdicts.has(index)) {
      if (verdicts.get(index) === null) return { rep: member, skipped };
      continue;
    }
    const why = unavailability(member, team.calendar, state);
    verdicts.set(index, why);
    if (why === null) return { rep: member, skipped };
    skipped.push({ member, why });
  }
  return { rep: null, skipped };
}

/**
 * The rep for ticket `ticket` (1, 2, 3, …; one per lead, monotonically increasing per team): the owner of
 * the ticket's slot, or — when that rep is out of office, not working or at capacity — the owner of the
 * next slot that is available. Null when no member is available (the caller falls back to the team's
 * fallback owner).
 */
export function pickRep(team: Team, ticket: number, state: RotationState): TeamMember | null {
  return pickRepDetailed(team, ticket, state).rep;
}
