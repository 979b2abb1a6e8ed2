/** Latency statistics shared by the benchmarks: nearest-rank percentiles and a summary of a sample. */

/** Nearest-rank percentile (`p` in 0..100) of an ascending-sorted sample; NaN when the sample is empty. */
export const percentile = (sorted: ArrayLike<number>, p: number): number => {
  if (sorted.length === 0) return Number.NaN;
  const rank = Math.ceil((Math.min(100, Math.max(0, p)) / 100) * sorted.length);
  return sorted[Math.min(sorted.length - 1, Math.max(0, rank - 1))]!;
};

export interface LatencySummary {
  readonly n: number;
  readonly min: number;
  readonly mean: number;
  readonly p50: number;
  readonly p95: number;
  readonly p99: number;
  readonly max: number;
}

/** Summary of a sample of latencies (any unit; the same unit comes back), rounded to `digits` decimals. */
export const summarize = (sample: readonly number[], digits = 2): LatencySummary => {
  const sorted = Float64Array.from(sample).sort();
  const round = (v: number) => (Number.isFinite(v) ? Number(v.toFixed(digits)) : v);
  const mean = sorted.length ? sorted.reduce((a, b) => a + b, 0) / sorted.length : Number.NaN;
  return {
    n: sorted.length,
    min: round(sorted[0] ?? Number.NaN),
    mean: round(mean),
    p50: round(percentile(sorted, 50)),
    p95: round(percentile(sorted, 95)),
    p99: round(percentile(sorted, 99)),
    max: round(sorted[sorted.length - 1] ?? Number.NaN),
  };
};
