/**
 * Drift: the population stability index (PSI) of the scores and of each fact, month over month.
 *   PSI = Σ (actual% − expected%) × ln(actual% / expected%)
 * over the bins of the earlier month ("expected"); empty bins count as 0.01 % so the log stays finite.
 * Conventional reading: under 0.1 stable, 0.1–0.25 a moderate shift worth a look, 0.25 or more a
 * significant shift (the rules may no longer fit the leads coming in).
 * Numbers are binned at the earlier month's deciles; strings and booleans by value, missing as a value.
 * Pure: no I/O.
 */
import type { CustomFactRef } from '../score/custom-facts';
import type { FactName, LeadFacts } from '../score/facts';
import { factValue } from './history';
import { quantileSorted } from './metrics';

export const PSI_MODERATE = 0.1;
export const PSI_SIGNIFICANT = 0.25;
const EPSILON = 1e-4;

export type DriftLevel = 'stable' | 'moderate' | 'significant';

export const psiLevel = (psi: number): DriftLevel =>
  psi >= PSI_SIGNIFICANT ? 'significant' : psi >= PSI_MODERATE ? 'moderate' : 'stable';

/** PSI between two distributions over the same bins (counts or shares; each is normalised). */
export function psi(expected: readonly number[], actual: readonly number[]): number {
  if (expected.length !== actual.length) throw new Error('expected and actual need the same bins');
  const se = expected.reduce((s, v) => s + v, 0);
  const sa = actual.reduce((s, v) => s + v, 0);
  if (se === 0 || sa === 0) return 0;
  let total = 0;
  for (let i = 0; i < expected.length; i++) {
    const e = Math.max(EPSILON, expected[i]! / se);
    const a = Math.max(EPSILON, actual[i]! / sa);
    total += (a - e) * Math.log(a / e);
  }
  return total;
}

export interface DriftStep {
  readonly from: string;
  readonly to: string;
  readonly psi: number;
  readonly level: DriftLevel;
}

export interface DriftSeries {
  /** Months in order with their number of leads. */
  readonly months: { readonly month: string; readonly leads: number }[];
  /** One step per pair of consecutive months. */
  readonly steps: DriftStep[];
}

/** "2025-03" from an ISO 8601 date-time (or any date `Date` can read); null when unreadable. */
export function monthOf(at: string): string | null {
  const iso = /^(\d{4})-(\d{2})/.exec(at);
  if (iso) return `${iso[1]}-${iso[2]}`;
  const t = Date.parse(at);
  if (Number.isNaN(t)) return null;
  return new Date(t).toISOString().slice(0, 7);
}

function byMonth<T>(items: readonly { month: string; value: T }[]): Map<string, T[]> {
  const m = new Map<string, T[]>();
  for (const it of items) {
    const list = m.get(it.month) ?? [];
    list.push(it.value);
    m.set(it.month, list);
  }
  return new Map([...m].sort((a, b) => a[0].localeCompare(b[0])));
}

const round = (x: number) => Math.round(x * 10_000) / 10_000;

const keyOf = (v: unknown): string =>
  v === null || v === undefined ? '\u0000missing' : Array.isArray(v) ? v.join('|') : String(v);

/** Bin counts of two months: numbers at the earlier month's deciles (+ missing), else by value. */
function binCounts(ref: readonly unknown[], cur: readonly unknown[]): [number[], number[]] {
  const nums = ref.filter((v): v is number => typeof v === 'number' && Number.isFinite(v));
  const filled = ref.filter((v) => v !== null && v !== undefined).length;
  if (nums.length > 0 && nums.length >= 0.5 * filled) {
    const sorted = Float64Array.from(nums).sort();
    const cuts = [...new Set(Array.from({ length: 9 }, (_, k) => quantileSorted(sorted, (k + 1) / 10)))];
    const count = (values: readonly unknown[]) => {
      const counts = new Array<number>(cuts.length + 2).fill(0);
      for (const v of values) {
        if (typeof v !== 'number' || !Number.isFinite(v)) counts[cuts.length + 1]!++;
        else {
          let k = 0;
          while (k < cuts.length && v > cuts[k]!) k++;
          counts[k]!++;
        }
      }
      return counts;
    };
    return [count(ref), count(cur)];
  }
  const all = [...new Set([...ref, ...cur].map(keyOf))].sort();
  const count = (values: readonly unknown[]) => {
    const m = new Map<string, number>();
    for (const v of values) m.set(keyOf(v), (m.get(keyOf(v)) ?? 0) + 1);
    return all.map((x) => m.get(x) ?? 0);
  };
  return [count(ref), count(cur)];
}

function series(items: readonly { month: string; value: unknown }[]): DriftSeries {
  const months = byMonth(items);
  const names = [...months.keys()];
  const steps: DriftStep[] = [];
  for (let k = 1; k < names.length; k++) {
    const [e, a] = binCounts(months.get(names[k - 1]!)!, months.get(names[k]!)!);
    const value = round(psi(e, a));
    steps.push({ from: names[k - 1]!, to: names[k]!, psi: value, level: psiLevel(value) });
  }
  return { months: names.map((m) => ({ month: m, leads: months.get(m)!.length })), steps };
}

/** Month-over-month PSI of the scores. */
export function scoreDrift(
  items: readonly { readonly month: string; readonly score: number }[],
): DriftSeries {
  return series(items.map((i) => ({ month: i.month, value: i.score })));
}

/** Month-over-month PSI of each named fact. */
export function factDrift(
  items: readonly { readonly month: string; readonly facts: LeadFacts }[],
  facts: readonly (FactName | CustomFactRef)[],
): Record<string, DriftSeries> {
  const out: Record<string, DriftSeries> = {};
  for (const f of facts)
    out[f] = series(items.map((i) => ({ month: i.month, value: factValue(i.facts, f) })));
  return out;
}

/** The steps at or above the moderate level, worst first, across the score and every fact. */
export function driftAlerts(
  score: DriftSeries,
  facts: Record<string, DriftSeries>,
): { readonly what: string; readonly step: DriftStep }[] {
  const all = [
    ...score.steps.map((step) => ({ what: 'score', step })),
    ...Object.entries(facts).flatMap(([what, s]) => s.steps.map((step) => ({ what, step }))),
  ];
  return all.filter((a) => a.step.level !== 'stable').sort((a, b) => b.step.psi - a.step.psi);
}
