/**
 * Pipeline latency on the in-process local stack (`npx tsx bench/pipeline.bench.ts [n] [ratePerSecond]`):
 * N leads POSTed at a steady rate, every outside party local (company site, KvK stand-in, no LLM key →
 * template drafts). Per lead:
 *   - POST → routed  = `steps.route.at` (written by the qualify handler right after the route) − the POST's
 *     send time (both wall clocks of this one process, ms precision);
 *   - POST → drafted = `steps.handoff.at` − the POST's send time.
 * Run twice: with the poller's shipped idle back-off (50 → 500 ms) and with a low one (5 → 20 ms), because the
 * back-off of an idle queue adds up to 500 ms per hop at low rates. Each run is its own process, like a fresh
 * set of Lambda containers (handlers keep their SDK clients for the life of the process, pointed at the
 * emulators of the first stack). Writes bench/results/pipeline.json.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { resolve } from 'node:path';
import { roostrSubmission, startPipelineStack } from '../test/support/pipeline-stack';

const N = Number(process.argv[2] ?? 200);
const RATE = Number(process.argv[3] ?? 10);
/** Set in the child process that measures one variant. */
const VARIANT = process.argv.find((a) => a.startsWith('--variant='))?.slice('--variant='.length);
const VARIANTS = {
  shipped: { label: 'shipped idle back-off' },
  low: { label: 'low idle back-off', idleBackoffMs: { min: 5, max: 20 } },
} as const;

const pct = (sorted: number[], p: number) =>
  sorted.length ? sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]! : Number.NaN;
const summary = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return { n: s.length, p50: pct(s, 50), p95: pct(s, 95), p99: pct(s, 99), max: s.at(-1) ?? Number.NaN };
};

const runOnce = async (label: string, idleBackoffMs?: { min: number; max: number }) => {
  const p = await startPipelineStack({
    env: { OPENAI_API_KEY: '' },
    ...(idleBackoffMs ? { idleBackoffMs } : {}),
  });
  try {
    const sent: { leadId: string; at: number }[] = [];
    const t0 = Date.now();
    const posts: Promise<void>[] = [];
    for (let i = 0; i < N; i++) {
      const due = t0 + (i * 1000) / RATE;
      await new Promise((r) => setTimeout(r, Math.max(0, due - Date.now())));
      const at = Date.now();
      posts.push(
        p.post(roostrSubmission(p.site.origin, { email: `bench${i}.${at}@roostr.nl` })).then((leadId) => {
          sent.push({ leadId, at });
        }),
      );
    }
    await Promise.all(posts);
    const routed: number[] = [];
    const drafted: number[] = [];
    for (const { leadId, at } of sent) {
      const lead = await p.waitForLead(leadId, (l) => l.steps?.handoff !== undefined, 60_000);
      routed.push(Date.parse(lead.steps!.route!.at) - at);
      drafted.push(Date.parse(lead.steps!.handoff!.at) - at);
    }
    return {
      label,
      idleBackoffMs: idleBackoffMs ?? { min: 50, max: 500 },
      routed: summary(routed),
      drafted: summary(drafted),
    };
  } finally {
    await p.stop();
  }
};

/** One variant in a fresh process; its result is the last line of the child's stdout. */
const runInChild = (variant: keyof typeof VARIANTS): Awaited<ReturnType<typeof runOnce>> => {
  const out = execFileSync(
    process.execPath,
    ['--import', 'tsx', import.meta.filename, String(N), String(RATE), `--variant=${variant}`],
    { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'], maxBuffer: 16 * 2 ** 20 },
  );
  return JSON.parse(out.trim().split('\n').at(-1) ?? '{}');
};

const main = async () => {
  if (VARIANT) {
    const v = VARIANTS[VARIANT as keyof typeof VARIANTS];
    if (!v) throw new Error(`--variant must be one of ${Object.keys(VARIANTS).join(', ')}`);
    const result = await runOnce(v.label, 'idleBackoffMs' in v ? v.idleBackoffMs : undefined);
    process.stdout.write(`${JSON.stringify(result)}\n`);
    process.exit(0);
  }
  const results = [runInChild('shipped'), runInChild('low')];
  console.log(`\nPipeline latency, ${N} leads at ${RATE}/s (ms)`);
  console.log('run                      | step            |    p50 |    p95 |    p99 |    max');
  for (const r of results)
    for (const [step, s] of [
      ['POST → routed', r.routed],
      ['POST → drafted', r.drafted],
    ] as const)
      console.log(
        `${r.label.padEnd(24)} | ${step.padEnd(15)} | ${[s.p50, s.p95, s.p99, s.max].map((v) => String(v).padStart(6)).join(' | ')}`,
      );
  const out = {
    benchmark: 'pipeline',
    at: new Date().toISOString(),
    leads: N,
    ratePerSecond: RATE,
    method: 'steps.route.at / steps.handoff.at minus the POST send time; template drafts (no LLM key)',
    targetP95RoutedMs: 1000,
    machine: {
      node: process.version,
      platform: `${os.platform()} ${os.release()}`,
      cpus: os.cpus().length,
      cpu: os.cpus()[0]?.model,
      memGb: Math.round(os.totalmem() / 2 ** 30),
    },
    results,
  };
  const dir = resolve(import.meta.dirname, 'results');
  mkdirSync(dir, { recursive: true });
  writeFileSync(resolve(dir, 'pipeline.json'), `${JSON.stringify(out, null, 2)}\n`);
  process.exit(0);
};

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
