/**
 * Tiers in the light of outcomes: how many leads each tier gets and how often they succeed, the
 * qualification→meeting ratio (success rate of the tiers that go to a rep; alarm under 40 %) and the
 * false-negative rate (success rate of the leads left in cold, i.e. nurture; over 10 % means the rules are
 * too strict) — and a proposal for tier thresholds from a score distribution and those target rates.
 */
import type { Tier } from '../qualification';
import type { RulesFile } from '../score/rules';
import { fitPlatt } from './logistic';
import { sigmoid } from './metrics';

export const QUALIFICATION_ALARM = 0.4;
export const FALSE_NEGATIVE_ALARM = 0.1;

export interface TierRow {
  readonly leads: number;
  readonly share: number;
  readonly positives: number;
  /** Success rate in this tier (null when it holds no lead). */
  readonly positiveRate: number | null;
  readonly minScore: number | null;
  readonly maxScore: number | null;
}

export interface TierStats {
  readonly tiers: Record<Tier, TierRow>;
  /** Leads that go to a rep (tier at or above `qualifiedFrom`) and how many of them succeeded. */
  readonly qualification: {
    readonly qualifiedFrom: Tier;
    readonly qualified: number;
    readonly positives: number;
    /** Qualification→meeting ratio; null without qualified leads. */
    readonly ratio: number | null;
    /** Under 40 %. */
    readonly alarm: boolean;
  };
  readonly falseNegatives: {
    /** Leads below the qualified tiers. */
    readonly notQualified: number;
    readonly positives: number;
    /** Success rate of the leads not qualified (what the monthly false-negative sample measures). */
    readonly rate: number | null;
    /** Share of all successes the rules left unqualified. */
    readonly missedShare: number;
    /** Over 10 %. */
    readonly alarm: boolean;
  };
}

const ORDER: Record<Tier, number> = { cold: 0, warm: 1, hot: 2 };

export function tierStats(
  tiers: readonly Tier[],
  scores: ArrayLike<number>,
  outcomes: ArrayLike<number>,
  qualifiedFrom: Tier = 'warm',
): TierStats {
  const acc = {
    cold: { leads: 0, positives: 0, min: Infinity, max: -Infinity },
    warm: { leads: 0, positives: 0, min: Infinity, max: -Infinity },
    hot: { leads: 0, positives: 0, min: Infinity, max: -Infinity },
  };
  let totalPositives = 0;
  tiers.forEach((t, i) => {
    const a = acc[t];
    a.leads++;
    a.positives += outcomes[i]!;
    totalPositives += outcomes[i]!;
    a.min = Math.min(a.min, scores[i]!);
    a.max = Math.max(a.max, scores[i]!);
  });
  const n = tiers.length;
  const row = (t: Tier): TierRow => {
    const a = acc[t];
    return {
      leads: a.leads,
      share: n ? a.leads / n : 0,
      positives: a.positives,
      positiveRate: a.leads ? a.positives / a.leads : null,
      minScore: a.leads ? a.min : null,
      maxScore: a.leads ? a.max : null,
    };
  };
  const qualifiedTiers = (['cold', 'warm', 'hot'] as const).filter((t) => ORDER[t] >= ORDER[qualifiedFrom]);
  const qualified = qualifiedTiers.reduce((s, t) => s + acc[t].leads, 0);
  const qualifiedPos = qualifiedTiers.reduce((s, t) => s + acc[t].positives, 0);
  const ratio = qualified ? qualifiedPos / qualified : null;
  const notQualified = n - qualified;
  const missed = totalPositives - qualifiedPos;
  const rate = notQualified ? missed / notQualified : null;
  return {
    tiers: { cold: row('cold'), warm: row('warm'), hot: row('hot') },
    qualification: {
      qualifiedFrom,
      qualified,
      positives: qualifiedPos,
      ratio,
      alarm: ratio !== null && ratio < QUALIFICATION_ALARM,
    },
    falseNegatives: {
      notQualified,
      positives: missed,
      rate,
      missedShare: totalPositives ? missed / totalPositives : 0,
      alarm: rate !== null && rate > FALSE_NEGATIVE_ALARM,
    },
  };
}

export interface TierTargets {
  /** Highest success rate the cold tier may have (default 0.10, the false-negative alarm). */
  readonly coldMaxRate?: number;
  /** Lowest success rate of warm + hot together (default 0.40, the qualification→meeting alarm). */
  readonly qualifiedMinRate?: number;
  /** Chance of success from which a lead is hot (default 0.60). */
  readonly hotMinRate?: number;
}

export interface TierProposal {
  readonly tiers: RulesFile['tiers'];
  /** How the thresholds were chosen and which target could not be met, in words. */
  readonly notes: string[];
}

/**
 * Proposes whole-number thresholds for integer scores ≥ 0.
 * Warm starts at the score that separates successes from failures best (Youden's J: largest difference
 * between the share of successes and the share of failures at or above it), moved into the range where
 * cold stays at or under `coldMaxRate` and warm + hot reach `qualifiedMinRate` — both with 95 % confidence
 * (Wilson score interval), so the next leads meet them too — when such a range exists.
 * Hot starts at the lowest higher score whose chance of success reaches `hotMinRate` — by `probabilityOf`
 * (the scorecard's own odds), else by a logistic fit of the outcome on the score; when no score gets
 * there, hot is the top tenth of the qualified leads.
 */
export function proposeTiers(
  scores: ArrayLike<number>,
  outcomes: ArrayLike<number>,
  targets: TierTargets = {},
  probabilityOf?: (score: number) => number,
): TierProposal {
  const coldMax = targets.coldMaxRate ?? FALSE_NEGATIVE_ALARM;
  const qualMin = targets.qualifiedMinRate ?? QUALIFICATION_ALARM;
  const hotMin = targets.hotMinRate ?? 0.6;
  const notes: string[] = [];
  // Counts per distinct score, ascending.
  const byScore = new Map<number, { n: number; pos: number }>();
  let P = 0;
  for (let i = 0; i < scores.length; i++) {
    const s = Math.max(0, Math.round(scores[i]!));
    const e = byScore.get(s) ?? { n: 0, pos: 0 };
    e.n++;
    e.pos += outcomes[i]!;
    P += outcomes[i]!;
    byScore.set(s, e);
  }
  const N = scores.length - P;
  const distinct = [...byScore.keys()].sort((a, b) => a - b);
  if (distinct.length < 2 || P === 0 || N === 0) {
    notes.push('the scores do not vary (or one outcome only): kept 0–30 / 31–70 / 71+');
    return { tiers: { cold: [0, 30], warm: [31, 70], hot: [71, null] }, notes };
  }
  // Cumulative from the top: leads and successes at or above each threshold.
  const above = new Map<number, { n: number; pos: number }>();
  let n = 0;
  let pos = 0;
  for (let k = distinct.length - 1; k >= 0; k--) {
    const e = byScore.get(distinct[k]!)!;
    n += e.n;
    pos += e.pos;
    above.set(distinct[k]!, { n, pos });
  }
  const total = scores.length;
  const candidates = distinct.slice(1); // warm must leave something in cold
  const stats = (t: number) => {
    const a = above.get(t)!;
    const coldN = total - a.n;
    const coldPos = P - a.pos;
    return {
      qualRate: a.pos / a.n,
      coldRate: coldN ? coldPos / coldN : 0,
      // Targets must hold with 95 % confidence, so they still hold on the next leads.
      qualLow: wilson(a.pos, a.n, -1),
      coldHigh: coldN ? wilson(coldPos, coldN, 1) : 0,
      j: a.pos / P - (a.n - a.pos) / N,
    };
  };
  let youden = candidates[0]!;
  for (const t of candidates) if (stats(t).j > stats(youden).j) youden = t;
  const feasible = candidates.filter((t) => {
    const s = stats(t);
    return s.coldHigh <= coldMax && s.qualLow >= qualMin;
  });
  let warm = youden;
  if (feasible.length > 0) {
    const lo = feasible[0]!;
    const hi = feasible[feasible.length - 1]!;
    warm = Math.min(hi, Math.max(lo, youden));
    notes.push(
      `warm starts at ${warm}: the best separating score${warm !== youden ? ` (${youden}) moved into the range that meets the targets` : ''}; cold converts at ${pct(stats(warm).coldRate)} (target ≤ ${pct(coldMax)}), warm + hot at ${pct(stats(warm).qualRate)} (target ≥ ${pct(qualMin)})`,
    );
  } else {
    const s = stats(warm);
    notes.push(
      `warm starts at ${warm}, the best separating score; no threshold meets both targets: cold converts at ${pct(s.coldRate)} (target ≤ ${pct(coldMax)}), warm + hot at ${pct(s.qualRate)} (target ≥ ${pct(qualMin)})`,
    );
  }
  const higher = distinct.filter((t) => t > warm);
  const chance =
    probabilityOf ??
    (() => {
      const platt = fitPlatt(scores, outcomes);
      return (t: number) => sigmoid(platt.intercept + platt.slope * t);
    })();
  const top = distinct[distinct.length - 1]!;
  let hot: number | undefined;
  for (let t = warm + 1; t <= top; t++)
    if (chance(t) >= hotMin) {
      hot = t;
      break;
    }
  if (hot !== undefined) {
    const a = [...above].filter(([t]) => t >= hot!).sort((x, y) => x[0] - y[0])[0]?.[1];
    notes.push(
      `hot starts at ${hot}: from there a lead's chance of success is ${pct(chance(hot))} or more (target ≥ ${pct(hotMin)})${a ? `; ${pct(a.pos / a.n)} of the leads at or above it succeeded` : ''}`,
    );
  } else {
    const qualified = above.get(warm)!.n;
    hot = higher.find((t) => above.get(t)!.n <= qualified / 10) ?? warm + 1;
    notes.push(
      `no score reaches a ${pct(hotMin)} chance of success: hot is the top tenth of the qualified leads (from ${hot})`,
    );
  }
  if (hot <= warm) hot = warm + 1;
  return { tiers: { cold: [0, warm - 1], warm: [warm, hot - 1], hot: [hot, null] }, notes };
}

/** Wilson score bound (95 %) of a success rate: side −1 lower, +1 upper. */
export function wilson(successes: number, n: number, side: -1 | 1): number {
  if (n === 0) return side < 0 ? 0 : 1;
  const z = 1.959964;
  const p = successes / n;
  const d = 1 + (z * z) / n;
  const centre = p + (z * z) / (2 * n);
  const margin = z * Math.sqrt((p * (1 - p)) / n + (z * z) / (4 * n * n));
  return (centre + side * margin) / d;
}

export const pct = (x: number | null): string => (x === null ? '–' : `${(x * 100).toFixed(1)} %`);

/** The tier of a total under these thresholds. */
export function tierOfScore(total: number, tiers: RulesFile['tiers']): Tier {
  if (total >= tiers.hot[0]) return 'hot';
  if (total >= tiers.warm[0]) return 'warm';
  return 'cold';
}
