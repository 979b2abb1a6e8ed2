/**
 * How well a score ranks and predicts outcomes: rank-based AUC (ties count half), its Hanley–McNeil
 * standard error, Brier score, log loss and a calibration table. Pure functions on arrays.
 */

/** Sorts indices 0..n-1 by `values`, ascending. */
function orderOf(values: ArrayLike<number>): Uint32Array {
  const idx = new Uint32Array(values.length);
  for (let i = 0; i < idx.length; i++) idx[i] = i;
  return idx.sort((a, b) => values[a]! - values[b]!);
}

/**
 * Area under the ROC curve from ranks (Mann–Whitney U): the chance that a random positive scores above a
 * random negative, a tie counting one half. NaN when either class is absent.
 */
export function auc(scores: ArrayLike<number>, outcomes: ArrayLike<number>): number {
  const n = scores.length;
  if (outcomes.length !== n) throw new Error('scores and outcomes differ in length');
  const order = orderOf(scores);
  let positives = 0;
  let rankSum = 0;
  let i = 0;
  while (i < n) {
    let j = i;
    const v = scores[order[i]!]!;
    while (j + 1 < n && scores[order[j + 1]!] === v) j++;
    // Ranks i+1 … j+1 share their average.
    const avgRank = (i + j + 2) / 2;
    for (let k = i; k <= j; k++) {
      if (outcomes[order[k]!] === 1) {
        positives++;
        rankSum += avgRank;
      }
    }
    i = j + 1;
  }
  const negatives = n - positives;
  if (positives === 0 || negatives === 0) return Number.NaN;
  return (rankSum - (positives * (positives + 1)) / 2) / (positives * negatives);
}

/** Hanley & McNeil (1982) standard error of an AUC with this many positives and negatives. */
export function aucStandardError(a: number, positives: number, negatives: number): number {
  const q1 = a / (2 - a);
  const q2 = (2 * a * a) / (1 + a);
  const v =
    (a * (1 - a) + (positives - 1) * (q1 - a * a) + (negatives - 1) * (q2 - a * a)) / (positives * negatives);
  return Math.sqrt(Math.max(0, v));
}

/** Mean squared difference between predicted probability and outcome (0 is perfect, 0.25 is a coin). */
export function brier(probabilities: ArrayLike<number>, outcomes: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < probabilities.length; i++) {
    const d = probabilities[i]! - outcomes[i]!;
    s += d * d;
  }
  return s / probabilities.length;
}

/** Mean negative log-likelihood (natural log), probabilities clipped to [1e-15, 1 - 1e-15]. */
export function logLoss(probabilities: ArrayLike<number>, outcomes: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < probabilities.length; i++) {
    const p = Math.min(1 - 1e-15, Math.max(1e-15, probabilities[i]!));
    s -= outcomes[i] === 1 ? Math.log(p) : Math.log(1 - p);
  }
  return s / probabilities.length;
}

export interface CalibrationBin {
  /** Leads in this group. */
  readonly leads: number;
  /** Lowest and highest score in the group. */
  readonly scoreMin: number;
  readonly scoreMax: number;
  readonly predicted: number;
  readonly observed: number;
}

/**
 * Calibration table: leads sorted by score in `groups` groups of (nearly) equal size — deciles by default —
 * with the mean predicted probability and the observed positive rate of each. Equal scores stay together.
 */
export function calibrationTable(
  scores: ArrayLike<number>,
  probabilities: ArrayLike<number>,
  outcomes: ArrayLike<number>,
  groups = 10,
): CalibrationBin[] {
  const n = scores.length;
  const order = orderOf(scores);
  const out: CalibrationBin[] = [];
  let start = 0;
  for (let g = 1; g <= groups && start < n; g++) {
    let end = Math.round((g * n) / groups);
    while (end < n && end > 0 && scores[order[end]!] === scores[order[end - 1]!]) end++;
    if (end <= start) continue;
    let p = 0;
    let y = 0;
    for (let k = start; k < end; k++) {
      p += probabilities[order[k]!]!;
      y += outcomes[order[k]!]!;
    }
    const count = end - start;
    out.push({
      leads: count,
      scoreMin: scores[order[start]!]!,
      scoreMax: scores[order[end - 1]!]!,
      predicted: p / count,
      observed: y / count,
    });
    start = end;
  }
  return out;
}

/** The q-quantile (0..1) of ascending sorted values, by linear interpolation. */
export function quantileSorted(sorted: ArrayLike<number>, q: number): number {
  if (sorted.length === 0) return Number.NaN;
  const pos = (sorted.length - 1) * Math.min(1, Math.max(0, q));
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  return sorted[lo]! + (sorted[hi]! - sorted[lo]!) * (pos - lo);
}

export const sigmoid = (x: number): number =>
  x >= 0 ? 1 / (1 + Math.exp(-x)) : Math.exp(x) / (1 + Math.exp(x));
export const logit = (p: number): number => Math.log(p / (1 - p));
