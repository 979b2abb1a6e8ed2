/**
 * Backtest: score a history of leads with any rules version — using the facts as they were when each lead
 * was scored — and see how the scores would have ranked and tiered them against what really happened.
 *   - AUC of the totals (rank-based, ties half) with a 95 % interval (Hanley–McNeil);
 *   - Brier score, after mapping totals to probabilities with a logistic fit of the outcome on the total
 *     (Platt scaling: monotone, fitted on this history);
 *   - tier mix and success rate per tier, the qualification→meeting ratio and the false-negative rate;
 *   - per rule: how often it fires and how the success rate differs when it does;
 *   - against a second rules file (the published one): both sets of figures, which leads change tier
 *     (a from × to table) and examples of changes for the better and for the worse;
 *   - when leads carry a date (`at`): month-over-month drift (PSI) of the scores and of every fact the
 *     rules read.
 * Pure: no I/O, no clock (`now` only stamps the scores).
 */
import type { Tier } from '../qualification';
import { compileRules, scoreLead } from '../score/engine';
import type { LeadFacts } from '../score/facts';
import { conditionFacts, type RulesFile } from '../score/rules';
import type { Progress } from './calibrate';
import { type DriftSeries, type DriftStep, driftAlerts, factDrift, monthOf, scoreDrift } from './drift';
import type { HistoricalLead } from './history';
import { fitPlatt } from './logistic';
import { auc, aucStandardError, brier, sigmoid } from './metrics';
import { type TierStats, tierStats } from './tiers';

export interface BacktestOptions {
  /** The rules file to compare with (the published one); its facts default to the same as `leads`. */
  readonly compare?: RulesFile;
  /** Facts per lead for `compare`, when its custom facts differ (same order as `leads`). */
  readonly compareFacts?: readonly LeadFacts[];
  /** Lowest tier that goes to a rep (default warm). */
  readonly qualifiedFrom?: Tier;
  /** Examples of tier changes per direction (default 5). */
  readonly examples?: number;
  readonly now?: Date;
  readonly onProgress?: Progress;
}

export interface RuleEffect {
  readonly id: string;
  readonly reason: string;
  readonly points: number;
  /** Leads it fired for, and their share. */
  readonly fired: number;
  readonly firedShare: number;
  readonly positiveRateWhenFired: number | null;
  readonly positiveRateOtherwise: number | null;
  /** Success rate when fired ÷ otherwise (null when either side is empty). */
  readonly lift: number | null;
}

export interface VersionFigures {
  readonly rulesVersion: string;
  readonly auc: number;
  readonly aucCi95: [number, number];
  readonly brier: number;
  readonly calibration: { readonly method: string; readonly intercept: number; readonly slope: number };
  readonly meanScore: number;
  readonly tiers: TierStats;
  readonly rules: RuleEffect[];
}

export interface TierChange {
  readonly lead: string;
  readonly outcome: boolean;
  readonly from: { readonly tier: Tier; readonly total: number };
  readonly to: { readonly tier: Tier; readonly total: number };
  /** Rules that fire only under the new rules, and only under the published ones, most points first. */
  readonly gained: string[];
  readonly lost: string[];
}

export interface BacktestReport extends VersionFigures {
  readonly rows: number;
  readonly positives: number;
  readonly baseRate: number;
  readonly drift?: {
    readonly score: DriftSeries;
    readonly facts: Record<string, DriftSeries>;
    /** Month steps at or over PSI 0.1, worst first. */
    readonly alerts: { readonly what: string; readonly step: DriftStep }[];
  };
  readonly compare?: VersionFigures & {
    /** Leads per published tier (rows) and new tier (columns). */
    readonly changes: Record<Tier, Record<Tier, number>>;
    readonly changed: number;
    /** Successes moved up and failures moved down. */
    readonly better: TierChange[];
    /** Successes moved down and failures moved up. */
    readonly worse: TierChange[];
  };
}

const TIERS: readonly Tier[] = ['cold', 'warm', 'hot'];
const RANK: Record<Tier, number> = { cold: 0, warm: 1, hot: 2 };
const round = (x: number, d = 4) => Math.round(x * 10 ** d) / 10 ** d;

interface Scored {
  readonly totals: Float64Array;
  readonly tiers: Tier[];
  readonly fired: Uint8Array[]; // per rule, per lead
  readonly version: string;
}

function scoreAll(
  facts: readonly LeadFacts[],
  rules: RulesFile,
  now: Date,
  progress: Progress,
  label: string,
): Scored {
  const compiled = compileRules(rules);
  const n = facts.length;
  const totals = new Float64Array(n);
  const tiers: Tier[] = new Array(n);
  const fired = compiled.rules.map(() => new Uint8Array(n));
  for (let i = 0; i < n; i++) {
    const s = scoreLead(facts[i]!, compiled, now);
    totals[i] = s.total;
    tiers[i] = s.tier;
    for (let r = 0; r < compiled.rules.length; r++) if (s.ledger[r]!.fired) fired[r]![i] = 1;
    if ((i & 4095) === 0) progress(label, i / n);
  }
  return { totals, tiers, fired, version: compiled.rulesVersion };
}

function figures(s: Scored, rules: RulesFile, y: Uint8Array, qualifiedFrom: Tier): VersionFigures {
  const n = y.length;
  const positives = y.reduce((a, v) => a + v, 0);
  const a = auc(s.totals, y);
  const se = aucStandardError(a, positives, n - positives);
  const platt = fitPlatt(s.totals, y);
  const probs = s.totals.map((t) => sigmoid(platt.intercept + platt.slope * t));
  const effects: RuleEffect[] = rules.rules.map((r, k) => {
    let f = 0;
    let fp = 0;
    for (let i = 0; i < n; i++)
      if (s.fired[k]![i]) {
        f++;
        fp += y[i]!;
      }
    const rateF = f ? fp / f : null;
    const rateO = n - f ? (positives - fp) / (n - f) : null;
    return {
      id: r.id,
      reason: r.reason,
      points: r.points,
      fired: f,
      firedShare: round(f / n),
      positiveRateWhenFired: rateF === null ? null : round(rateF),
      positiveRateOtherwise: rateO === null ? null : round(rateO),
      lift: rateF !== null && rateO ? round(rateF / rateO, 3) : null,
    };
  });
  return {
    rulesVersion: s.version,
    auc: round(a),
    aucCi95: [round(Math.max(0, a - 1.96 * se)), round(Math.min(1, a + 1.96 * se))],
    brier: round(brier(probs, y)),
    calibration: {
      method: 'logistic regression of the outcome on the total (Platt scaling), fitted on this history',
      intercept: round(platt.intercept, 6),
      slope: round(platt.slope, 6),
    },
    meanScore: round(s.totals.reduce((x, t) => x + t, 0) / n, 2),
    tiers: tierStats(s.tiers, s.totals, y, qualifiedFrom),
    rules: effects,
  };
}

const pointsOf = (file: RulesFile, id: string): number => file.rules.find((r) => r.id === id)?.points ?? 0;

function driftOf(
  leads: readonly HistoricalLead[],
  s: Scored,
  rules: RulesFile,
): Pick<BacktestReport, 'drift'> {
  const dated: { month: string; score: number; facts: LeadFacts }[] = [];
  leads.forEach((l, i) => {
    const month = l.at ? monthOf(l.at) : null;
    if (month) dated.push({ month, score: s.totals[i]!, facts: l.facts });
  });
  if (dated.length === 0) return {};
  const used = [...new Set(rules.rules.flatMap((r) => conditionFacts(r.when)))];
  const score = scoreDrift(dated);
  const facts = factDrift(dated, used);
  return { drift: { score, facts, alerts: driftAlerts(score, facts) } };
}

/** Backtests `rules` (and optionally compares with `options.compare`) on a history; see the module comment. */
export function backtest(
  leads: readonly HistoricalLead[],
  rules: RulesFile,
  options: BacktestOptions = {},
): BacktestReport {
  const n = leads.length;
  if (n === 0) throw new Error('the history holds no lead with a known outcome');
  const y = Uint8Array.from(leads, (l) => (l.outcome ? 1 : 0));
  const positives = y.reduce((a, v) => a + v, 0);
  const now = options.now ?? new Date(0);
  const progress = options.onProgress ?? (() => {});
  const qualifiedFrom = options.qualifiedFrom ?? 'warm';
  const facts = leads.map((l) => l.facts);
  const mine = scoreAll(facts, rules, now, progress, 'scoring');
  const report: BacktestReport = {
    rows: n,
    positives,
    baseRate: round(positives / n),
    ...figures(mine, rules, y, qualifiedFrom),
    ...driftOf(leads, mine, rules),
  };
  if (!options.compare) return report;

  const compareFacts = options.compareFacts ?? facts;
  if (compareFacts.length !== n) throw new Error('compareFacts must hold one entry per lead');
  const theirs = scoreAll(compareFacts, options.compare, now, progress, 'scoring the published rules');
  const changes = {} as Record<Tier, Record<Tier, number>>;
  for (const f of TIERS) changes[f] = { cold: 0, warm: 0, hot: 0 };
  const better: TierChange[] = [];
  const worse: TierChange[] = [];
  const max = options.examples ?? 5;
  let changed = 0;
  const firedIds = (s: Scored, file: RulesFile, i: number) =>
    file.rules.filter((_, k) => s.fired[k]![i]).map((r) => r.id);
  // Largest moves first make the best examples.
  const order = [...Array(n).keys()].sort(
    (a, b) =>
      Math.abs(RANK[mine.tiers[b]!] - RANK[theirs.tiers[b]!]) -
        Math.abs(RANK[mine.tiers[a]!] - RANK[theirs.tiers[a]!]) ||
      Math.abs(mine.totals[b]! - theirs.totals[b]!) - Math.abs(mine.totals[a]! - theirs.totals[a]!),
  );
  for (let i = 0; i < n; i++) {
    const from = theirs.tiers[i]!;
    const to = mine.tiers[i]!;
    changes[from][to]++;
    if (from !== to) changed++;
  }
  for (const i of order) {
    const from = theirs.tiers[i]!;
    const to = mine.tiers[i]!;
    if (from === to) break;
    const up = RANK[to] > RANK[from];
    const good = up === (y[i] === 1);
    const list = good ? better : worse;
    if (list.length >= max) {
      if (better.length >= max && worse.length >= max) break;
      continue;
    }
    const a = new Set(firedIds(mine, rules, i));
    const b = new Set(firedIds(theirs, options.compare, i));
    const byPoints = (file: RulesFile) => (x: string, z: string) =>
      Math.abs(pointsOf(file, z)) - Math.abs(pointsOf(file, x));
    list.push({
      lead: leads[i]!.id ?? `#${i + 1}`,
      outcome: y[i] === 1,
      from: { tier: from, total: theirs.totals[i]! },
      to: { tier: to, total: mine.totals[i]! },
      gained: [...a].filter((id) => !b.has(id)).sort(byPoints(rules)),
      lost: [...b].filter((id) => !a.has(id)).sort(byPoints(options.compare)),
    });
  }
  return {
    ...report,
    compare: {
      ...figures(theirs, options.compare, y, qualifiedFrom),
      changes,
      changed,
      better,
      worse,
    },
  };
}
