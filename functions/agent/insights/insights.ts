/**
 * Insights for the sales manager, computed from the stored leads (pure, no I/O):
 * - speed to lead: submission → first email sent, p50/p90 per ISO week, and SLA breaches (first email
 *   after the route's SLA deadline, or none yet past it);
 * - qualification → meeting ratio (of qualified leads with a known outcome, the share that got a meeting)
 *   per tier and per rules version, with the alarm under 40 %;
 * - the outcome funnel (routed → contacted → meeting → won);
 * - tier and disposition (owner or nurture) mix per week;
 * - per scoring rule: how often it fired, and the meeting rate of closed leads with and without it, each
 *   with its 95 % Wilson interval and the number of leads behind it;
 * - drift: month-over-month population stability (PSI) of the scores, with a warning from PSI 0.1.
 * Every figure carries the filters of the leads behind it (`leads`), for a link to the leads list.
 */

import type { LeadRecord } from '../lead-record';
import {
  type DriftSeries,
  type DriftStep,
  driftAlerts,
  factDrift,
  monthOf,
  scoreDrift,
} from '../learn/drift';
import { QUALIFICATION_ALARM, wilson } from '../learn/tiers';
import { outcomeOf } from '../ops-config/history';
import type { Tier } from '../qualification';
import type { CustomFactRef, FactName, LeadFacts } from '../score';

export const TIERS: readonly Tier[] = ['cold', 'warm', 'hot'];
const RANK: Record<Tier, number> = { cold: 0, warm: 1, hot: 2 };

/** Ids of a figure's leads shown with a link (at most this many; `total` says how many there are). */
export const LEAD_IDS_MAX = 200;

/** The leads behind a figure: their ids (the first LEAD_IDS_MAX) and how many there are. */
export interface LeadIds {
  readonly ids: readonly string[];
  readonly total: number;
}

/** The ids of the leads behind a figure, newest submission first, capped at LEAD_IDS_MAX. */
export const leadIdsOf = (records: readonly LeadRecord[]): LeadIds => ({
  ids: [...records]
    .sort((a, b) => submittedAt(b).localeCompare(submittedAt(a)))
    .slice(0, LEAD_IDS_MAX)
    .map((r) => r.leadId),
  total: records.length,
});

export interface Rate {
  readonly n: number;
  readonly successes: number;
  readonly rate: number | null;
  /** 95 % Wilson interval. */
  readonly ci95: readonly [number, number] | null;
}

export interface SpeedWeek {
  readonly week: string;
  /** Leads routed to a person that week (by submission). */
  readonly leads: number;
  /** Of those, contacted (first email sent). */
  readonly contacted: number;
  readonly p50Minutes: number | null;
  readonly p90Minutes: number | null;
  readonly slaBreaches: number;
  readonly leadIds: LeadIds;
  readonly breachIds: LeadIds;
}

export interface Insights {
  readonly generatedAt: string;
  readonly leads: number;
  readonly weeks: readonly string[];
  readonly qualifiedFrom: Tier;
  readonly speed: {
    readonly weeks: SpeedWeek[];
    readonly overall: Omit<SpeedWeek, 'week'>;
  };
  readonly qualification: {
    readonly alarmBelow: number;
    readonly overall: Rate & { readonly alarm: boolean; readonly leadIds: LeadIds };
    readonly perTier: (Rate & { readonly tier: Tier; readonly leadIds: LeadIds })[];
    readonly perRulesVersion: (Rate & {
      readonly rulesVersion: string;
      readonly alarm: boolean;
      readonly leadIds: LeadIds;
    })[];
  };
  readonly funnel: { readonly stage: string; readonly leads: number; readonly leadIds: LeadIds }[];
  readonly mix: {
    readonly week: string;
    readonly tiers: Record<Tier, number>;
    readonly owner: number;
    readonly nurture: number;
    readonly tierIds: Record<Tier, LeadIds>;
    readonly ownerIds: LeadIds;
    readonly nurtureIds: LeadIds;
  }[];
  readonly rules: {
    readonly id: string;
    readonly reason: string;
    readonly fired: number;
    readonly withRule: Rate;
    readonly withoutRule: Rate;
    readonly leadIds: LeadIds;
  }[];
  readonly drift: {
    readonly score: DriftSeries;
    /** Per fact the rules read, when the facts were given. */
    readonly facts: Record<string, DriftSeries>;
    /** The latest month step of the score or of a fact is at PSI 0.1 or more. */
    readonly warning: boolean;
    /** Steps at or over PSI 0.1, worst first. */
    readonly alerts: { readonly what: string; readonly step: DriftStep }[];
  };
}

/** ISO 8601 week of a date, `2026-W10`. */
export const isoWeek = (at: string | Date): string => {
  const d = new Date(at);
  const t = new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate()));
  const day = t.getUTCDay() || 7;
  t.setUTCDate(t.getUTCDate() + 4 - day);
  const year = t.getUTCFullYear();
  const week = Math.ceil(((t.getTime() - Date.UTC(year, 0, 1)) / 86_400_000 + 1) / 7);
  return `${year}-W${String(week).padStart(2, '0')}`;
};

/** The last `count` ISO weeks up to `now`, oldest first. */
export const lastWeeks = (now: Date, count: number): string[] => {
  const out: string[] = [];
  for (let i = count - 1; i >= 0; i--) out.push(isoWeek(new Date(now.getTime() - i * 7 * 86_400_000)));
  return [...new Set(out)];
};

/** Nearest-rank percentile of sorted values. */
const percentile = (sorted: readonly number[], q: number): number | null =>
  sorted.length ? sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))]! : null;

const rate = (successes: number, n: number): Rate => ({
  n,
  successes,
  rate: n ? Math.round((successes / n) * 10_000) / 10_000 : null,
  ci95: n
    ? [
        Math.round(wilson(successes, n, -1) * 10_000) / 10_000,
        Math.round(wilson(successes, n, 1) * 10_000) / 10_000,
      ]
    : null,
});

const submittedAt = (r: LeadRecord) => r.lead?.submittedAt ?? r.receivedAt;
/** When the first email went out (the send's own time, else the send step's). */
export const firstEmailAt = (r: LeadRecord): string | undefined => r.draft?.send?.sentAt ?? r.steps?.send?.at;
const tierOf = (r: LeadRecord): Tier | undefined => r.override?.tier ?? r.score?.tier;

interface OutcomeList {
  readonly outcomes?: readonly { readonly outcome?: string }[];
  readonly outcome?: { readonly outcome?: string };
}
const recorded = (r: LeadRecord) => {
  const o = r as LeadRecord & OutcomeList;
  return new Set([...(o.outcomes ?? []).map((x) => x.outcome), o.outcome?.outcome, r.status]);
};

const minutesBetween = (from: string, to: string) => (Date.parse(to) - Date.parse(from)) / 60_000;

export interface InsightsOptions {
  readonly now: Date;
  /** Weeks shown in the weekly series (default 12). */
  readonly weeks?: number;
  /** Lowest tier that goes to sales (default warm). */
  readonly qualifiedFrom?: Tier;
  /** A lead's facts as they were when it was scored, and the facts to watch for drift. */
  readonly facts?: {
    readonly of: (record: LeadRecord) => LeadFacts | undefined;
    readonly names: readonly (FactName | CustomFactRef)[];
  };
}

export const computeInsights = (records: readonly LeadRecord[], options: InsightsOptions): Insights => {
  const weeks = lastWeeks(options.now, options.weeks ?? 12);
  const weekSet = new Set(weeks);
  const qualifiedFrom = options.qualifiedFrom ?? 'warm';
  const scored = records.filter((r) => r.score);
  const nowIso = options.now.toISOString();

  // --- speed to lead
  const speedOf = (rs: readonly LeadRecord[]) => {
    const minutes: number[] = [];
    const breached: LeadRecord[] = [];
    let contacted = 0;
    for (const r of rs) {
      const sent = firstEmailAt(r);
      if (sent) {
        contacted++;
        minutes.push(minutesBetween(submittedAt(r), sent));
      }
      const due = r.route?.slaDueAt;
      if (due && (sent ? sent > due : nowIso > due)) breached.push(r);
    }
    minutes.sort((a, b) => a - b);
    const round1 = (x: number | null) => (x === null ? null : Math.round(x * 10) / 10);
    return {
      leads: rs.length,
      contacted,
      p50Minutes: round1(percentile(minutes, 0.5)),
      p90Minutes: round1(percentile(minutes, 0.9)),
      slaBreaches: breached.length,
      leadIds: leadIdsOf(rs),
      breachIds: leadIdsOf(breached),
    };
  };
  const owned = scored.filter((r) => r.route?.kind === 'owner');
  const byWeek = new Map<string, LeadRecord[]>(weeks.map((w) => [w, []]));
  for (const r of owned) byWeek.get(isoWeek(submittedAt(r)))?.push(r);
  const speedWeeks = weeks.map((week) => ({
    week,
    ...speedOf(byWeek.get(week)!),
  }));
  const inWindow = owned.filter((r) => weekSet.has(isoWeek(submittedAt(r))));
  const overallSpeed = speedOf(inWindow);

  // --- qualification → meeting
  const closed = scored
    .map((r) => ({ r, outcome: outcomeOf(r as LeadRecord & OutcomeList) }))
    .filter((x): x is { r: LeadRecord; outcome: boolean } => x.outcome !== undefined);
  const qualified = closed.filter((x) => RANK[tierOf(x.r)!] >= RANK[qualifiedFrom]);
  const count = (xs: readonly { outcome: boolean }[]) => xs.filter((x) => x.outcome).length;
  const overallQ = rate(count(qualified), qualified.length);
  const versions = [...new Set(qualified.map((x) => x.r.score!.rulesVersion))].sort();

  // --- funnel
  const stage = (name: string, test: (r: LeadRecord) => boolean) => {
    const rs = scored.filter(test);
    return { stage: name, leads: rs.length, leadIds: leadIdsOf(rs) };
  };
  const contactedTest = (r: LeadRecord) => {
    const s = recorded(r);
    return (
      !!firstEmailAt(r) ||
      ['sent', 'meeting', 'won', 'contacted', 'meeting_booked'].some((x) => s.has(x as never))
    );
  };
  const meetingTest = (r: LeadRecord) => {
    const s = recorded(r);
    return ['meeting', 'meeting_booked', 'won'].some((x) => s.has(x as never));
  };

  // --- rules
  const ruleIds = new Map<string, string>();
  for (const r of scored)
    for (const e of r.score!.ledger) if (!ruleIds.has(e.ruleId)) ruleIds.set(e.ruleId, e.reason);
  const rules = [...ruleIds].map(([id, reason]) => {
    const firedOn = (r: LeadRecord) => r.score!.ledger.some((e) => e.ruleId === id && e.fired);
    const firedLeads = scored.filter(firedOn);
    const withIt = closed.filter((x) => firedOn(x.r));
    const without = closed.filter((x) => !firedOn(x.r));
    return {
      id,
      reason,
      fired: firedLeads.length,
      withRule: rate(count(withIt), withIt.length),
      withoutRule: rate(count(without), without.length),
      leadIds: leadIdsOf(firedLeads),
    };
  });
  rules.sort((a, b) => b.fired - a.fired || a.id.localeCompare(b.id));

  // --- drift
  const dated = scored
    .map((r) => ({ month: monthOf(r.score!.scoredAt), score: r.score!.total }))
    .filter((x): x is { month: string; score: number } => x.month !== null);
  const score = scoreDrift(dated);
  const factItems = options.facts
    ? scored.flatMap((r) => {
        const month = monthOf(r.score!.scoredAt);
        const facts = month ? options.facts!.of(r) : undefined;
        return month && facts ? [{ month, facts }] : [];
      })
    : [];
  const facts = options.facts ? factDrift(factItems, options.facts.names) : {};
  const alerts = driftAlerts(score, facts);
  const latest = [score, ...Object.values(facts)].map((s) => s.steps.at(-1));

  return {
    generatedAt: nowIso,
    leads: scored.length,
    weeks,
    qualifiedFrom,
    speed: { weeks: speedWeeks, overall: overallSpeed },
    qualification: {
      alarmBelow: QUALIFICATION_ALARM,
      overall: {
        ...overallQ,
        alarm: overallQ.rate !== null && overallQ.rate < QUALIFICATION_ALARM,
        leadIds: leadIdsOf(qualified.map((x) => x.r)),
      },
      perTier: TIERS.map((tier) => {
        const xs = closed.filter((x) => tierOf(x.r) === tier);
        return { tier, ...rate(count(xs), xs.length), leadIds: leadIdsOf(xs.map((x) => x.r)) };
      }),
      perRulesVersion: versions.map((rulesVersion) => {
        const xs = qualified.filter((x) => x.r.score!.rulesVersion === rulesVersion);
        const r = rate(count(xs), xs.length);
        return {
          rulesVersion,
          ...r,
          alarm: r.rate !== null && r.rate < QUALIFICATION_ALARM,
          leadIds: leadIdsOf(xs.map((x) => x.r)),
        };
      }),
    },
    funnel: [
      stage('routed', (r) => r.route !== undefined),
      stage('contacted', contactedTest),
      stage('meeting', meetingTest),
      stage('won', (r) => recorded(r).has('won')),
    ],
    mix: weeks.map((week) => {
      const rs = scored.filter((r) => isoWeek(submittedAt(r)) === week);
      const ofTier = (tier: Tier) => rs.filter((r) => tierOf(r) === tier);
      const owner = rs.filter((r) => r.route?.kind === 'owner');
      const nurture = rs.filter((r) => r.route?.kind === 'nurture');
      return {
        week,
        tiers: Object.fromEntries(TIERS.map((t) => [t, ofTier(t).length])) as Record<Tier, number>,
        owner: owner.length,
        nurture: nurture.length,
        tierIds: Object.fromEntries(TIERS.map((t) => [t, leadIdsOf(ofTier(t))])) as Record<Tier, LeadIds>,
        ownerIds: leadIdsOf(owner),
        nurtureIds: leadIdsOf(nurture),
      };
    }),
    rules,
    drift: {
      score,
      facts,
      warning: latest.some((step) => step !== undefined && step.level !== 'stable'),
      alerts,
    },
  };
};
