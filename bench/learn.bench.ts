/**
 * Learning benchmark: calibrate and backtest on synthetic CRM exports of 10,000 and 100,000 leads.
 *   npm run bench:learn [-- 10000 100000]
 * Each size runs in its own child process, so its peak memory is its own: peak RSS (the process's maximum
 * resident set) and peak V8 heap (sampled at every progress report). Per size:
 *   - parse: CSV text → table (the floor every run pays);
 *   - calibrate: columns → facts → levels → cross-validated L2 logistic regression → points → tiers →
 *     rules YAML → evaluation by the engine, with the held-out AUC it reaches (vs the true model's);
 *   - backtest: the learned rules against the shipped config/scoring-rules.yaml, with drift by month;
 *   - scoring floor: scoring the same leads with the learned rules alone (engine, full Score + ledger),
 *     measured in the same process: backtest ÷ floor says what the report costs on top of scoring.
 * Writes bench/results/learn.json.
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { backtestCsv, calibrateCsv, parseCsv } from '../functions/agent/learn';
import { historyReader } from '../functions/agent/learn/history';
import { auc } from '../functions/agent/learn/metrics';
import { compileRules, scoreLead } from '../functions/agent/score/engine';
import { syntheticHistory } from '../functions/agent/testing/learn/synthetic';
import { shippedRules } from '../functions/platform/shipped-rules';
import { formatTable, writeResult } from './support/report';

const DEFAULT_RULES = shippedRules().file;

const NOW = new Date('2025-06-01T00:00:00Z');
const OUTCOME = { outcome: 'Outcome', positive: ['Meeting booked'] };
const round = (x: number, d = 2) => Math.round(x * 10 ** d) / 10 ** d;
const MiB = 1024 * 1024;

interface SizeResult {
  leads: number;
  csvMiB: number;
  parseSeconds: number;
  calibrateSeconds: number;
  /** CPU seconds (user + system) of the process: steadier than wall time on a shared machine. */
  calibrateCpuSeconds: number;
  backtestSeconds: number;
  backtestCpuSeconds: number;
  scoringFloorSeconds: number;
  backtestOverFloor: number;
  peakRssMiB: number;
  peakHeapMiB: number;
  rules: number;
  holdoutAuc: number;
  trueModelAuc: number;
}

function child(leads: number): SizeResult {
  let peakHeap = 0;
  const sample = () => {
    peakHeap = Math.max(peakHeap, process.memoryUsage().heapUsed);
  };
  const history = syntheticHistory({ leads, seed: 1, driftFromMonth: 10 });
  const truth = auc(history.probability, history.outcome);
  sample();
  // Warm-up on a small history, so the timed runs measure the work rather than the JIT.
  {
    const small = parseCsv(syntheticHistory({ leads: 2000, seed: 9 }).csv);
    const warm = calibrateCsv(small, { ...OUTCOME, exclude: ['Sales status'], now: NOW });
    backtestCsv(small, warm.rules, { ...OUTCOME, compare: DEFAULT_RULES, date: 'Created', now: NOW });
  }
  const cpu = () => {
    const u = process.cpuUsage();
    return (u.user + u.system) / 1e6;
  };

  let t = performance.now();
  const table = parseCsv(history.csv);
  const parseSeconds = (performance.now() - t) / 1000;
  sample();

  t = performance.now();
  let c = cpu();
  const learned = calibrateCsv(table, {
    ...OUTCOME,
    exclude: ['Sales status'],
    now: NOW,
    onProgress: sample,
  });
  const calibrateSeconds = (performance.now() - t) / 1000;
  const calibrateCpuSeconds = cpu() - c;
  sample();

  t = performance.now();
  c = cpu();
  const report = backtestCsv(table, learned.rules, {
    ...OUTCOME,
    compare: DEFAULT_RULES,
    date: 'Created',
    now: NOW,
    onProgress: sample,
  });
  const backtestSeconds = (performance.now() - t) / 1000;
  const backtestCpuSeconds = cpu() - c;
  sample();
  if (!(report.auc > 0.7)) throw new Error(`backtest AUC ${report.auc} is implausible`);

  // Floor: the same leads scored by the engine alone (facts read beforehand, not timed).
  const reader = historyReader(table.header, learned.rules.customFacts);
  const facts = table.rows.map((r) => reader.facts(r));
  const compiled = compileRules(learned.rules);
  t = performance.now();
  let sink = 0;
  for (const f of facts) sink += scoreLead(f, compiled, NOW).total;
  const scoringFloorSeconds = (performance.now() - t) / 1000;
  if (sink < 0) console.log(sink);
  sample();

  return {
    leads,
    csvMiB: round(history.csv.length / MiB, 1),
    parseSeconds: round(parseSeconds),
    calibrateSeconds: round(calibrateSeconds),
    calibrateCpuSeconds: round(calibrateCpuSeconds),
    backtestSeconds: round(backtestSeconds),
    backtestCpuSeconds: round(backtestCpuSeconds),
    scoringFloorSeconds: round(scoringFloorSeconds),
    backtestOverFloor: round(backtestSeconds / scoringFloorSeconds, 1),
    peakRssMiB: round(process.resourceUsage().maxRSS / 1024, 0),
    peakHeapMiB: round(peakHeap / MiB, 0),
    rules: learned.report.rules,
    holdoutAuc: learned.report.holdout!.auc,
    trueModelAuc: round(truth, 4),
  };
}

function main() {
  const childIndex = process.argv.indexOf('--child');
  if (childIndex >= 0) {
    const result = child(Number(process.argv[childIndex + 1]));
    process.stdout.write(`${JSON.stringify(result)}\n`);
    return;
  }
  const sizes = process.argv
    .slice(2)
    .map(Number)
    .filter((n) => Number.isInteger(n) && n > 0);
  const results: SizeResult[] = [];
  for (const leads of sizes.length ? sizes : [10_000, 100_000]) {
    console.log(`learning benchmark: ${leads.toLocaleString('en-US')} leads …`);
    const run = spawnSync(
      process.execPath,
      [
        '--max-old-space-size=4096',
        '--import',
        'tsx',
        fileURLToPath(import.meta.url),
        '--child',
        String(leads),
      ],
      { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'], maxBuffer: 16 * MiB },
    );
    if (run.status !== 0) {
      console.error(`FAIL: the ${leads}-lead run exited with ${run.status}`);
      process.exit(1);
    }
    results.push(JSON.parse(run.stdout.trim().split('\n').at(-1)!) as SizeResult);
  }
  console.log(
    `\n${formatTable(
      [
        'leads',
        'CSV MiB',
        'parse s',
        'calibrate s (CPU)',
        'backtest s (CPU)',
        'scoring floor s',
        'backtest ÷ floor',
        'peak RSS MiB',
        'peak heap MiB',
        'held-out AUC (true)',
      ],
      results.map((r) => [
        r.leads.toLocaleString('en-US'),
        r.csvMiB,
        r.parseSeconds,
        `${r.calibrateSeconds} (${r.calibrateCpuSeconds})`,
        `${r.backtestSeconds} (${r.backtestCpuSeconds})`,
        r.scoringFloorSeconds,
        r.backtestOverFloor,
        r.peakRssMiB,
        r.peakHeapMiB,
        `${r.holdoutAuc} (${r.trueModelAuc})`,
      ]),
    )}`,
  );
  const path = writeResult('learn', {
    description:
      'calibrate (learn points) and backtest (learned vs shipped rules, with drift) on synthetic CRM exports; each size in its own process',
    results,
  });
  console.log(`wrote ${path}`);
}

main();
