/**
 * Scoring benchmark: our compiled engine vs json-rules-engine on the SAME shipped rules.
 *   npx tsx bench/scoring.bench.ts [N]      (default N = 20000; node --expose-gc for steadier heap figures)
 * Prints a table and writes bench/results/scoring.json. Fails (exit 1) when the engines disagree on the
 * fired-rule set of any input, or when ours is under 10× faster.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { compileRules, firedRuleIds, scoreLead } from '../functions/agent/score/engine';
import type { Facts } from '../functions/agent/score/facts';
import { factsArb } from '../functions/agent/testing/score-arbitraries';
import { shippedRules } from '../functions/platform/shipped-rules';
import { buildJreEngine, scoreWithJre } from './scoring-jre';

const DEFAULT_RULES = shippedRules().file;

const N = Number(process.argv[2] ?? process.env.BENCH_N ?? 20_000);
const TARGET_RATIO = 10;
const NOW = new Date('2025-02-21T12:00:00Z');
const gc = (globalThis as { gc?: () => void }).gc;

function percentile(sorted: Float64Array, p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}
function heapMiB(): number {
  gc?.();
  return process.memoryUsage().heapUsed / 1048576;
}
const round = (x: number, d = 2) => Math.round(x * 10 ** d) / 10 ** d;

interface Stats {
  engine: string;
  n: number;
  opsPerSec: number;
  p50Us: number;
  p99Us: number;
  heapUsedMiB: number;
  heapDeltaMiB: number;
}

async function main() {
  // Varied synthetic inputs, reproducible (fixed seed).
  const inputs: Facts[] = fc.sample(factsArb, { numRuns: N, seed: 42 });
  const compiled = compileRules(DEFAULT_RULES);
  const jre = buildJreEngine(DEFAULT_RULES);

  // 1. Agreement: both engines must fire exactly the same rules for every input.
  let mismatches = 0;
  for (let i = 0; i < inputs.length; i++) {
    const ours = firedRuleIds(compiled, inputs[i]!).sort();
    const theirs = (await scoreWithJre(jre, inputs[i]!)).fired.sort();
    if (ours.join(',') !== theirs.join(',')) {
      if (mismatches++ < 5)
        console.error(`MISMATCH input #${i}: ours=[${ours}] json-rules-engine=[${theirs}]`, inputs[i]);
    }
  }
  if (mismatches > 0) {
    console.error(`FAIL: engines disagree on ${mismatches} of ${N} inputs`);
    process.exit(1);
  }

  // 2. Warm-up, then timed runs with per-lead latency.
  for (let i = 0; i < Math.min(2000, N); i++) scoreLead(inputs[i]!, compiled, NOW);
  for (let i = 0; i < Math.min(500, N); i++) await scoreWithJre(jre, inputs[i]!);

  const timeOurs = (): Stats => {
    const lat = new Float64Array(N);
    const heap0 = heapMiB();
    let sink = 0;
    const t0 = performance.now();
    for (let i = 0; i < N; i++) {
      const s = process.hrtime.bigint();
      sink += scoreLead(inputs[i]!, compiled, NOW).total;
      lat[i] = Number(process.hrtime.bigint() - s) / 1000;
    }
    const ms = performance.now() - t0;
    const heap1 = process.memoryUsage().heapUsed / 1048576;
    if (sink < 0) console.log(sink);
    lat.sort();
    return {
      engine: 'ours (compiled, full Score + ledger)',
      n: N,
      opsPerSec: Math.round(N / (ms / 1000)),
      p50Us: round(percentile(lat, 50)),
      p99Us: round(percentile(lat, 99)),
      heapUsedMiB: round(heap1),
      heapDeltaMiB: round(heap1 - heap0),
    };
  };
  const timeJre = async (): Promise<Stats> => {
    const lat = new Float64Array(N);
    const heap0 = heapMiB();
    let sink = 0;
    const t0 = performance.now();
    for (let i = 0; i < N; i++) {
      const s = process.hrtime.bigint();
      const r = await scoreWithJre(jre, inputs[i]!);
      sink += r.fit + r.intent + r.engagement;
      lat[i] = Number(process.hrtime.bigint() - s) / 1000;
    }
    const ms = performance.now() - t0;
    const heap1 = process.memoryUsage().heapUsed / 1048576;
    if (sink === Number.MIN_SAFE_INTEGER) console.log(sink);
    lat.sort();
    return {
      engine: 'json-rules-engine 7.3.1 (fired rules, points summed)',
      n: N,
      opsPerSec: Math.round(N / (ms / 1000)),
      p50Us: round(percentile(lat, 50)),
      p99Us: round(percentile(lat, 99)),
      heapUsedMiB: round(heap1),
      heapDeltaMiB: round(heap1 - heap0),
    };
  };

  const ours = timeOurs();
  const theirs = await timeJre();
  const ratio = round(ours.opsPerSec / theirs.opsPerSec, 1);

  console.log(
    `\nScoring benchmark: ${N} varied fact sets, ${DEFAULT_RULES.rules.length} rules (${compiled.rulesVersion})`,
  );
  console.log(`Fired-rule sets agree on all ${N} inputs.\n`);
  console.table(
    [ours, theirs].map((s) => ({
      engine: s.engine,
      'ops/s': s.opsPerSec,
      'p50 µs': s.p50Us,
      'p99 µs': s.p99Us,
      'heap MiB': s.heapUsedMiB,
      'heap Δ MiB': s.heapDeltaMiB,
    })),
  );
  console.log(`ratio ours / json-rules-engine: ${ratio}× (target ≥ ${TARGET_RATIO}×)`);

  const result = {
    date: new Date().toISOString(),
    node: process.version,
    n: N,
    rules: DEFAULT_RULES.rules.length,
    rulesVersion: compiled.rulesVersion,
    agreement: { inputs: N, mismatches },
    ours,
    jsonRulesEngine: theirs,
    ratio,
    targetRatio: TARGET_RATIO,
    gcExposed: Boolean(gc),
  };
  const dir = fileURLToPath(new URL('./results/', import.meta.url));
  mkdirSync(dir, { recursive: true });
  writeFileSync(`${dir}scoring.json`, `${JSON.stringify(result, null, 2)}\n`);
  console.log(`wrote ${dir}scoring.json`);
  if (ratio < TARGET_RATIO) {
    console.error(`FAIL: ratio ${ratio}× is under the ${TARGET_RATIO}× target`);
    process.exit(1);
  }
}

await main();
