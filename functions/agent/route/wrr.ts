/**
 * Weighted round-robin by ticket number, per availability set.
 *
 * Which members of a team can take a lead right now (the "availability set": out of office, not working and
 * at capacity are left out) decides the schedule. Every availability set S has its own ticket sequence
 * 1, 2, 3, … (kept in DynamoDB: one unconditional `ADD` per ticket) and its own cycle of length W_S = Σ weights
 * of S in which member i holds exactly w_i slots, spread as evenly as possible; ticket t of S goes to slot
 * (t − 1) mod W_S. A set is identified by its members, their weights and their order, so a change to the team
 * file starts new sequences.
 *
 * The cycle is built with Tijdeman's algorithm for the "chairman assignment problem" (earliest deadline
 * first over ideal positions; R. Tijdeman, 1980): with k ≥ 2 members every prefix of n tickets gives member
 * i a count c with |c − n·w_i/W| ≤ b_k = 1 − 1/(2k − 2) < 1, every full cycle gives exactly w_i, and any
 * window of n consecutive tickets |c − n·w_i/W| < 2. For weights 1:2:3 no cycle keeps every window within
 * one lead (exhaustive search over all 60 cycles), which is why each set counts from its own ticket 1.
 *
 * Fairness, the guarantee (proved by property tests in wrr.test.ts). A ticket is "used" when a lead was routed
 * with it. A ticket taken but never used is a gap: an assignment that crashed between taking its ticket and
 * storing the route, the losing one of two deliveries of the same lead, a capacity race (the rep filled up
 * between reading the loads and storing the route; the assignment takes a ticket from the smaller set), or an
 * SDK retry of a ticket request whose answer was lost. Tickets of assignments still in flight count as gaps
 * until they finish, so the bound holds at every moment, whatever the order in which concurrent assignments
 * finish. Rep i's fair share is Σ over used tickets t of w_i / W_{S(t)} for the tickets whose set S(t)
 * contains i. Then
 *     |count_i − share_i| ≤ Σ over the sets S ∋ i that handed out tickets of (b_|S| + gaps_S),
 * so with a stable availability set and no gaps every rep stays within one lead of its weighted share, and
 * each gap or in-flight ticket adds at most one. The bound grows with the number of DISTINCT availability
 * sets, never with how often availability flips between them (a rep hovering at its cap, a team whose
 * time zones make it smaller every evening): a set that comes back continues its own sequence.
 *
 * Why not "skip to the next slot" on one team-wide sequence: the slots of an unavailable rep then all go to
 * whoever follows them in the cycle. With weights 1:1:1 and C out of office, A would get two leads for every
 * one of B's, although both are equally available.
 *
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

/** The prefix bound b_k of a cycle over k members: 1 − 1/(2k − 2) for k ≥ 2, 0 for one member. */
export const prefixBound = (k: number): number => (k <= 1 ? 0 : 1 - 1 / (2 * k - 2));

/** The slot of ticket `ticket` (1, 2, 3, …) in a cycle of length `length`. */
const slotOf = (ticket: number, length: number): number => (((ticket - 1) % length) + length) % length;

/** 53-bit string hash (cyrb53), as base-36 text: short, stable ids for availability sets. Not for secrets. */
const hash53 = (text: string): string => {
  let h1 = 0xdeadbeef;
  let h2 = 0x41c6ce57;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    h1 = Math.imul(h1 ^ c, 2654435761);
    h2 = Math.imul(h2 ^ c, 1597334677);
  }
  h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507) ^ Math.imul(h2 ^ (h2 >>> 13), 3266489909);
  h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507) ^ Math.imul(h1 ^ (h1 >>> 13), 3266489909);
  return (4294967296 * (2097151 & h2) + (h1 >>> 0)).toString(36);
};

/** One availability set of a team: the members who can take a lead, with its own ticket sequence. */
export interface RotationSet {
  /** Stable id of the set (members, weights and order): names its ticket sequence. */
  readonly key: string;
  /** Readable form of the same, e.g. `rep-anna*1,rep-bram*2` (ids and weights only). */
  readonly label: string;
  /** The available members, in team order. */
  readonly members: readonly TeamMember[];
  /** Slot cycle over `members` (indexes into it). */
  readonly cycle: readonly number[];
}

const setsByTeam = new WeakMap<Team, Map<string, RotationSet>>();

/** The rotation set for `members` (a non-empty subsequence of the team's members), computed once per team. */
export function rotationSet(team: Team, members: readonly TeamMember[]): RotationSet {
  if (members.length === 0) throw new Error('a rotation set needs at least one member');
  const label = members.map((m) => `${m.person.id}*${m.weight}`).join(',');
  let sets = setsByTeam.get(team);
  if (!sets) {
    sets = new Map();
    setsByTeam.set(team, sets);
  }
  let set = sets.get(label);
  if (!set) {
    set = { key: hash53(label), label, members, cycle: buildCycle(members.map((m) => m.weight)) };
    sets.set(label, set);
  }
  return set;
}

/** The member ticket `ticket` (1, 2, 3, … of the set's own sequence) goes to. */
export function memberForTicket(set: RotationSet, ticket: number): TeamMember {
  return set.members[set.cycle[slotOf(ticket, set.cycle.length)]!]!;
}

/** The whole team's cycle (every member available), computed once per Team object. */
export function teamCycle(team: Team): readonly number[] {
  return rotationSet(team, team.members).cycle;
}

/** The member whose slot ticket `ticket` falls on when every member is available. */
export function slotOwner(team: Team, ticket: number): TeamMember {
  return memberForTicket(rotationSet(team, team.members), ticket);
}

export interface RotationState {
  /** Open leads per rep id in this team (missing: 0). Only members with `maxOpenLeads` are looked up. */
  readonly loads: Readonly<Record<string, number>>;
  readonly now: Date;
}

export type SkipReason = 'out of office' | 'not working' | 'at capacity';

/** Why `member` is away at the business moment `workAt` (already moved into the team's business hours). */
function awayAt(member: TeamMember, workAt: Date): 'out of office' | 'not working' | null {
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

/**
 * Why `member` cannot take a lead at `now` by their calendar, or null. A lead that arrives outside the team's
 * business hours is judged at the moment the team's next business period starts (a Saturday lead is
 * Monday's work: a rep off on Monday is skipped, a rep off on Saturday is not). A rep "works" then when
 * it is one of their working days (not a holiday) in their own zone and their working day has not ended.
 */
export function calendarUnavailability(
  member: TeamMember,
  teamCalendar: Calendar,
  now: Date,
): 'out of office' | 'not working' | null {
  return awayAt(member, addBusinessMinutes(now, 0, teamCalendar));
}

/** Every member's calendar verdict at `now` (team order); the last answer is kept per team (one per instant). */
const lastVerdicts = new WeakMap<
  Team,
  { at: number; verdicts: Array<'out of office' | 'not working' | null> }
>();
function calendarVerdicts(team: Team, now: Date): Array<'out of office' | 'not working' | null> {
  const cached = lastVerdicts.get(team);
  if (cached && cached.at === now.getTime()) return cached.verdicts;
  const workAt = addBusinessMinutes(now, 0, team.calendar);
  const verdicts = team.members.map((m) => awayAt(m, workAt));
  lastVerdicts.set(team, { at: now.getTime(), verdicts });
  return verdicts;
}

/** Why `member` cannot take a lead now (capacity, then calendar), or null when they can. */
export function unavailability(
  member: TeamMember,
  teamCalendar: Calendar,
  state: RotationState,
): SkipReason | null {
  const cap = member.maxOpenLeads;
  if (cap !== null && (state.loads[member.person.id] ?? 0) >= cap) return 'at capacity';
  return calendarUnavailability(member, teamCalendar, state.now);
}

/**
 * The members whose open-lead count decides whether they are available at `now`: those with a cap who are
 * not away by their calendar anyway. Empty → the rotation needs no loads at all.
 */
export function capacityCandidates(team: Team, now: Date): TeamMember[] {
  const verdicts = calendarVerdicts(team, now);
  return team.members.filter((m, i) => m.maxOpenLeads !== null && verdicts[i] === null);
}

export interface RotationPlan {
  /** The available members' set, or null when nobody is available (the fallback owner gets the lead). */
  readonly set: RotationSet | null;
  /** Members left out, in team order, with why. */
  readonly skipped: ReadonlyArray<{ readonly member: TeamMember; readonly why: SkipReason }>;
}

/** Who is available in `team` at `state.now` with `state.loads`: the set whose sequence the next ticket comes from. */
export function rotationPlan(team: Team, state: RotationState): RotationPlan {
  const available: TeamMember[] = [];
  const skipped: Array<{ member: TeamMember; why: SkipReason }> = [];
  const verdicts = calendarVerdicts(team, state.now);
  for (const [i, member] of team.members.entries()) {
    const cap = member.maxOpenLeads;
    const why: SkipReason | null =
      cap !== null && (state.loads[member.person.id] ?? 0) >= cap ? 'at capacity' : verdicts[i]!;
    if (why === null) available.push(member);
    else skipped.push({ member, why });
  }
  return { set: available.length > 0 ? rotationSet(team, available) : null, skipped };
}

export interface Pick {
  /** The rep who gets the lead, or null when every member was skipped. */
  readonly rep: TeamMember | null;
  /** Members left out of the rotation (in team order, each once), with why. */
  readonly skipped: ReadonlyArray<{ readonly member: TeamMember; readonly why: SkipReason }>;
}

/**
 * `pickRep` with the reasons. `ticket` must come from the sequence of `rotationPlan(team, state).set` (the
 * same state): the adapter asks the plan which sequence to draw from, then picks with the ticket it got.
 */
export function pickRepDetailed(team: Team, ticket: number, state: RotationState): Pick {
  const { set, skipped } = rotationPlan(team, state);
  return { rep: set ? memberForTicket(set, ticket) : null, skipped };
}

/**
 * The rep for ticket `ticket` of the current availability set's sequence, or null when no member is
 * available (the caller falls back to the team's fallback owner).
 */
export function pickRep(team: Team, ticket: number, state: RotationState): TeamMember | null {
  return pickRepDetailed(team, ticket, state).rep;
}
