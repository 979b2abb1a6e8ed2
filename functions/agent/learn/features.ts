/**
 * From fact values to scorecard levels: every fact becomes a set of mutually exclusive levels, each with
 * the rule condition that selects it and a reason in words.
 *   - numbers: quantile bins (−∞, c1], (c1, c2], …, (ck, ∞); bins smaller than the minimum share are merged
 *     into their most similar neighbour; when the positive rate runs (nearly) monotone across the bins —
 *     a chi-square test of the pooled-adjacent-violators fit against the bins does not reject it at 5 % —
 *     the bins of each monotone block are merged;
 *   - strings: frequent values keep their own level, rare ones are grouped as "another value";
 *   - yes/no: true and false;
 *   - missing (null: empty, "Select", …) is a level of its own wherever it occurs.
 * Pure: no I/O.
 */
import type { CustomFactRef } from '../score/custom-facts';
import type { FactName } from '../score/facts';
import type { Condition } from '../score/rules';
import type { ColumnKind } from './history';

export interface FeatureSpec {
  /** The fact a rule names: built-in or `custom.<name>`. */
  readonly fact: FactName | CustomFactRef;
  /** What people call it ("Lead Source"). */
  readonly label: string;
  readonly kind: ColumnKind;
  /** Custom string facts compare ignoring case; built-in ones exactly. */
  readonly ignoreCase: boolean;
  /** The history column it was read from, when it came from a CSV. */
  readonly column?: string;
}

export interface Level {
  /** Stable short name of the level, used in rule ids: "reference", "2-3", "missing". */
  readonly slug: string;
  readonly when: Condition;
  readonly reason: string;
  readonly reasonNl: string;
  /** Training leads in this level and how many of them were positive. */
  readonly leads: number;
  readonly positives: number;
}

export interface Feature {
  readonly spec: FeatureSpec;
  readonly levels: Level[];
  /** How the levels came about, in words ("10 quantile bins, merged to 4 (monotone)"). */
  readonly note: string;
}

export interface LevelOptions {
  /** Quantile bins to start from for numbers (default 20). */
  readonly maxBins?: number;
  /** Smallest share of leads a numeric bin keeps (default 0.01). */
  readonly minBinShare?: number;
  /** Smallest share of leads a string value needs for a level of its own (default 0.01). */
  readonly minLevelShare?: number;
  /** Smallest number of leads for a level of its own (default 20). */
  readonly minLevelLeads?: number;
  /** Most levels per string fact, rare values grouped (default 25). */
  readonly maxLevels?: number;
  /** Merge monotone numeric bins when the data allow (default true). */
  readonly monotoneMerge?: boolean;
  /** Merge neighbouring numeric bins whose success rates do not differ at 5 % (default true). */
  readonly chiMerge?: boolean;
}

// --- formatting ---------------------------------------------------------------------------------------

const num = (x: number): string => {
  if (Number.isInteger(x)) return String(x);
  return String(Number.parseFloat(x.toPrecision(4)));
};

export const slugify = (text: string): string =>
  text
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 40)
    .replace(/-+$/, '') || 'x';

// --- numbers ------------------------------------------------------------------------------------------

interface Bin {
  hi: number; // upper cut (inclusive); +∞ for the last bin
  n: number;
  pos: number;
}

/** Pool-adjacent-violators fit of non-decreasing rates; returns block ids per bin. */
function pavBlocks(rates: number[], weights: number[]): { fitted: number[]; block: number[] } {
  const blocks: { sum: number; w: number; start: number; end: number }[] = [];
  rates.forEach((r, i) => {
    blocks.push({ sum: r * weights[i]!, w: weights[i]!, start: i, end: i });
    while (blocks.length > 1) {
      const b = blocks[blocks.length - 1]!;
      const a = blocks[blocks.length - 2]!;
      if (a.sum / a.w <= b.sum / b.w) break;
      blocks.splice(blocks.length - 2, 2, { sum: a.sum + b.sum, w: a.w + b.w, start: a.start, end: b.end });
    }
  });
  const fitted = new Array<number>(rates.length);
  const block = new Array<number>(rates.length);
  blocks.forEach((b, k) => {
    for (let i = b.start; i <= b.end; i++) {
      fitted[i] = b.sum / b.w;
      block[i] = k;
    }
  });
  return { fitted, block };
}

/** Upper 5 % points of chi-square for 1–30 degrees of freedom (the standard table). */
const CHI2_95 = [
  3.841, 5.991, 7.815, 9.488, 11.07, 12.592, 14.067, 15.507, 16.919, 18.307, 19.675, 21.026, 22.362, 23.685,
  24.996, 26.296, 27.587, 28.869, 30.144, 31.41, 32.671, 33.924, 35.172, 36.415, 37.652, 38.885, 40.113,
  41.337, 42.557, 43.773,
];

/** Upper 5 % point of chi-square with df degrees of freedom (table to 30, then Wilson–Hilferty). */
export function chiSquare95(df: number): number {
  if (df >= 1 && df <= 30 && Number.isInteger(df)) return CHI2_95[df - 1]!;
  const z = 1.6448536;
  const a = 2 / (9 * df);
  return df * (1 - a + z * Math.sqrt(a)) ** 3;
}

/**
 * Merges bins into monotone blocks when the monotone fit is not rejected. Returns the merged bins and
 * whether a merge happened.
 */
function monotoneMerge(bins: Bin[]): { bins: Bin[]; merged: boolean; direction: 'up' | 'down' | null } {
  if (bins.length < 3) return { bins, merged: false, direction: null };
  const rates = bins.map((b) => b.pos / b.n);
  const weights = bins.map((b) => b.n);
  const up = pavBlocks(rates, weights);
  const downRaw = pavBlocks(
    rates.map((r) => -r),
    weights,
  );
  const down = { fitted: downRaw.fitted.map((f) => -f), block: downRaw.block };
  const sse = (f: number[]) => rates.reduce((s, r, i) => s + weights[i]! * (r - f[i]!) ** 2, 0);
  const best = sse(up.fitted) <= sse(down.fitted) ? up : down;
  const direction = best === up ? 'up' : 'down';
  const blocks = new Set(best.block).size;
  const df = bins.length - blocks;
  if (df === 0) return { bins, merged: false, direction };
  let stat = 0;
  rates.forEach((r, i) => {
    const f = Math.min(1 - 1e-6, Math.max(1e-6, best.fitted[i]!));
    stat += (weights[i]! * (r - f) ** 2) / (f * (1 - f));
  });
  if (stat >= chiSquare95(df)) return { bins, merged: false, direction: null };
  const merged: Bin[] = [];
  bins.forEach((b, i) => {
    const last = merged[merged.length - 1];
    if (last && best.block[i] === best.block[i - 1]) {
      last.hi = b.hi;
      last.n += b.n;
      last.pos += b.pos;
    } else merged.push({ ...b });
  });
  return { bins: merged, merged: true, direction };
}

/** Chi-square (1 df) of the 2×2 table of two adjacent bins: do their success rates differ? */
function pairChi2(a: Bin, b: Bin): number {
  const n = a.n + b.n;
  const pos = a.pos + b.pos;
  if (pos === 0 || pos === n) return 0;
  let chi = 0;
  for (const bin of [a, b])
    for (const [observed, share] of [
      [bin.pos, pos / n],
      [bin.n - bin.pos, 1 - pos / n],
    ] as const) {
      const expected = bin.n * share;
      chi += (observed - expected) ** 2 / expected;
    }
  return chi;
}

/**
 * ChiMerge: merges the adjacent pair of bins whose success rates differ least, again and again, until every
 * adjacent pair differs at the 5 % level (χ² ≥ 3.84).
 */
function chiMerge(bins: Bin[]): Bin[] {
  const out = bins.map((b) => ({ ...b }));
  while (out.length > 1) {
    let best = -1;
    let bestChi = Number.POSITIVE_INFINITY;
    for (let i = 0; i + 1 < out.length; i++) {
      const chi = pairChi2(out[i]!, out[i + 1]!);
      if (chi < bestChi) {
        bestChi = chi;
        best = i;
      }
    }
    if (bestChi >= 3.841) break;
    const a = out[best]!;
    const b = out[best + 1]!;
    out.splice(best, 2, { hi: b.hi, n: a.n + b.n, pos: a.pos + b.pos });
  }
  return out;
}

/** Merges bins below `minLeads` into the neighbour with the closer positive rate. */
function mergeSmall(bins: Bin[], minLeads: number): Bin[] {
  const out = bins.map((b) => ({ ...b }));
  for (;;) {
    if (out.length < 2) return out;
    let smallest = -1;
    for (let i = 0; i < out.length; i++)
      if (out[i]!.n < minLeads && (smallest < 0 || out[i]!.n < out[smallest]!.n)) smallest = i;
    if (smallest < 0) return out;
    const rate = (b: Bin) => (b.pos + 0.5) / (b.n + 1);
    const left = out[smallest - 1];
    const right = out[smallest + 1];
    const intoLeft =
      !right ||
      (left !== undefined &&
        Math.abs(rate(left) - rate(out[smallest]!)) <= Math.abs(rate(right) - rate(out[smallest]!)));
    const target = intoLeft ? smallest - 1 : smallest + 1;
    const a = out[Math.min(target, smallest)]!;
    const b = out[Math.max(target, smallest)]!;
    out.splice(Math.min(target, smallest), 2, { hi: b.hi, n: a.n + b.n, pos: a.pos + b.pos });
  }
}

function numberLevels(
  spec: FeatureSpec,
  values: readonly (number | null)[],
  y: ArrayLike<number>,
  o: Required<LevelOptions>,
): Feature {
  const present: number[] = [];
  let missing = 0;
  let missingPos = 0;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (v === null || v === undefined || !Number.isFinite(v)) {
      missing++;
      missingPos += y[i]!;
    } else present.push(i);
  }
  const sorted = Float64Array.from(present.map((i) => values[i]!)).sort();
  const n = sorted.length;
  const integral = sorted.every((v) => Number.isInteger(v));
  // Candidate cuts at the quantiles (as data values), unique, below the maximum.
  const cuts: number[] = [];
  for (let q = 1; q < o.maxBins; q++) {
    const v = sorted[Math.max(0, Math.ceil((q * n) / o.maxBins) - 1)]!;
    if (v < sorted[n - 1]! && (cuts.length === 0 || v > cuts[cuts.length - 1]!)) cuts.push(v);
  }
  let bins: Bin[] = [...cuts, Number.POSITIVE_INFINITY].map((hi) => ({ hi, n: 0, pos: 0 }));
  for (const i of present) {
    const v = values[i]!;
    let lo = 0;
    let hi = bins.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (v <= bins[mid]!.hi) hi = mid;
      else lo = mid + 1;
    }
    bins[lo]!.n++;
    bins[lo]!.pos += y[i]!;
  }
  const initial = bins.length;
  bins = mergeSmall(bins, Math.max(o.minLevelLeads, Math.ceil(o.minBinShare * values.length)));
  let how = `${initial} quantile bin${initial === 1 ? '' : 's'}`;
  if (bins.length < initial) how += `, ${bins.length} after merging small ones`;
  if (o.monotoneMerge) {
    const m = monotoneMerge(bins);
    if (m.merged) {
      bins = m.bins;
      how += `, ${bins.length} after a monotone merge (rate goes ${m.direction})`;
    }
  }
  if (o.chiMerge) {
    const before = bins.length;
    bins = chiMerge(bins);
    if (bins.length < before)
      how += `, ${bins.length} after merging neighbours that do not differ (ChiMerge)`;
  }
  const { fact, label } = spec;
  const min = sorted[0];
  const levels: Level[] = bins.map((b, k): Level => {
    const lo = k === 0 ? Number.NEGATIVE_INFINITY : bins[k - 1]!.hi;
    const hi = b.hi;
    let when: Condition;
    let en: string;
    let nl: string;
    let slug: string;
    if (bins.length === 1) {
      when = { fact, exists: true };
      en = `${label} is known`;
      nl = `${label} is bekend`;
      slug = 'known';
    } else if (k === 0) {
      when = { fact, lte: hi };
      const single = integral && min === hi;
      en = single ? `${label} is ${num(hi)}` : `${label} at most ${num(hi)}`;
      nl = single ? `${label} is ${num(hi)}` : `${label} hoogstens ${num(hi)}`;
      slug = single ? num(hi) : `max-${num(hi)}`;
    } else if (k === bins.length - 1) {
      when = { fact, gt: lo };
      en = integral && Number.isInteger(lo) ? `${label} ${num(lo + 1)} or more` : `${label} over ${num(lo)}`;
      nl =
        integral && Number.isInteger(lo) ? `${label} ${num(lo + 1)} of meer` : `${label} meer dan ${num(lo)}`;
      slug = `over-${num(lo)}`;
    } else {
      when = {
        all: [
          { fact, gt: lo },
          { fact, lte: hi },
        ],
      };
      if (integral && Number.isInteger(lo) && Number.isInteger(hi)) {
        const text = lo + 1 === hi ? `${num(hi)}` : `${num(lo + 1)}–${num(hi)}`;
        en = lo + 1 === hi ? `${label} is ${text}` : `${label} ${text}`;
        nl = en;
        slug = lo + 1 === hi ? num(hi) : `${num(lo + 1)}-${num(hi)}`;
      } else {
        en = `${label} over ${num(lo)} up to ${num(hi)}`;
        nl = `${label} boven ${num(lo)} tot en met ${num(hi)}`;
        slug = `${num(lo)}-${num(hi)}`;
      }
    }
    return { slug: slugify(slug), when, reason: en, reasonNl: nl, leads: b.n, positives: b.pos };
  });
  if (missing > 0)
    levels.push({
      slug: 'missing',
      when: { fact, exists: false },
      reason: `${label} unknown`,
      reasonNl: `${label} onbekend`,
      leads: missing,
      positives: missingPos,
    });
  return { spec, levels, note: how };
}

// --- strings and booleans -----------------------------------------------------------------------------

function stringLevels(
  spec: FeatureSpec,
  values: readonly (string | null)[],
  y: ArrayLike<number>,
  o: Required<LevelOptions>,
): Feature {
  const { fact, label } = spec;
  const key = (v: string) => (spec.ignoreCase ? v.toLowerCase() : v);
  const groups = new Map<string, { n: number; pos: number; spellings: Map<string, number> }>();
  let missing = 0;
  let missingPos = 0;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (v === null || v === undefined) {
      missing++;
      missingPos += y[i]!;
      continue;
    }
    const k = key(v);
    let g = groups.get(k);
    if (!g) {
      g = { n: 0, pos: 0, spellings: new Map() };
      groups.set(k, g);
    }
    g.n++;
    g.pos += y[i]!;
    g.spellings.set(v, (g.spellings.get(v) ?? 0) + 1);
  }
  const minLeads = Math.max(o.minLevelLeads, Math.ceil(o.minLevelShare * values.length));
  const ranked = [...groups.values()].sort((a, b) => b.n - a.n);
  const kept = ranked.filter((g) => g.n >= minLeads).slice(0, o.maxLevels);
  const rare = ranked.filter((g) => !kept.includes(g));
  // The value as most people spelled it, which is what the rule compares with.
  const shown = (g: (typeof ranked)[number]) => [...g.spellings].sort((a, b) => b[1] - a[1])[0]![0];
  const levels: Level[] = kept.map((g) => {
    const value = shown(g);
    return {
      slug: slugify(value),
      when: { fact, equals: value },
      reason: `${label} is ${value}`,
      reasonNl: `${label} is ${value}`,
      leads: g.n,
      positives: g.pos,
    };
  });
  if (rare.length > 0) {
    const n = rare.reduce((s, g) => s + g.n, 0);
    const pos = rare.reduce((s, g) => s + g.pos, 0);
    const when: Condition =
      kept.length === 0
        ? { fact, exists: true }
        : { all: [{ fact, exists: true }, { not: { fact, in: kept.map(shown) } }] };
    levels.push({
      slug: 'other',
      when,
      reason: kept.length === 0 ? `${label} is filled in` : `${label} is another value`,
      reasonNl: kept.length === 0 ? `${label} is ingevuld` : `${label} heeft een andere waarde`,
      leads: n,
      positives: pos,
    });
  }
  if (missing > 0)
    levels.push({
      slug: 'missing',
      when: { fact, exists: false },
      reason: `${label} unknown`,
      reasonNl: `${label} onbekend`,
      leads: missing,
      positives: missingPos,
    });
  const note =
    rare.length > 0
      ? `${kept.length} value${kept.length === 1 ? '' : 's'} of their own, ${rare.length} rare one${rare.length === 1 ? '' : 's'} grouped`
      : `${kept.length} value${kept.length === 1 ? '' : 's'}`;
  return { spec, levels, note };
}

function booleanLevels(
  spec: FeatureSpec,
  values: readonly (boolean | null)[],
  y: ArrayLike<number>,
): Feature {
  const { fact, label } = spec;
  const count = (want: boolean | null) => {
    let n = 0;
    let pos = 0;
    for (let i = 0; i < values.length; i++)
      if ((values[i] ?? null) === want) {
        n++;
        pos += y[i]!;
      }
    return { n, pos };
  };
  const t = count(true);
  const f = count(false);
  const m = count(null);
  const levels: Level[] = [];
  if (t.n > 0)
    levels.push({
      slug: 'yes',
      when: { fact, isTrue: true },
      reason: `${label}: yes`,
      reasonNl: `${label}: ja`,
      leads: t.n,
      positives: t.pos,
    });
  if (f.n > 0)
    levels.push({
      slug: 'no',
      when: { fact, isFalse: true },
      reason: `${label}: no`,
      reasonNl: `${label}: nee`,
      leads: f.n,
      positives: f.pos,
    });
  if (m.n > 0)
    levels.push({
      slug: 'missing',
      when: { fact, exists: false },
      reason: `${label} unknown`,
      reasonNl: `${label} onbekend`,
      leads: m.n,
      positives: m.pos,
    });
  return { spec, levels, note: 'yes / no' };
}

/** The levels of one fact on the training leads; see the module comment. */
export function buildFeature(
  spec: FeatureSpec,
  values: readonly unknown[],
  y: ArrayLike<number>,
  options: LevelOptions = {},
): Feature {
  const o: Required<LevelOptions> = {
    maxBins: options.maxBins ?? 20,
    minBinShare: options.minBinShare ?? 0.01,
    minLevelShare: options.minLevelShare ?? 0.01,
    minLevelLeads: options.minLevelLeads ?? 20,
    maxLevels: options.maxLevels ?? 25,
    monotoneMerge: options.monotoneMerge ?? true,
    chiMerge: options.chiMerge ?? true,
  };
  if (spec.kind === 'number')
    return numberLevels(
      spec,
      values.map((v) => (typeof v === 'number' ? v : null)),
      y,
      o,
    );
  if (spec.kind === 'boolean')
    return booleanLevels(
      spec,
      values.map((v) => (typeof v === 'boolean' ? v : null)),
      y,
    );
  return stringLevels(
    spec,
    values.map((v) => (typeof v === 'string' ? v : null)),
    y,
    o,
  );
}
