/**
 * Pipeline latency on the in-process local stack (`npx tsx bench/pipeline.bench.ts [n] [ratePerSecond]`):
 * N leads POSTed at a steady rate, every outside party local (company site, KvK stand-in, no LLM key →
 * template drafts). Per lead:
 *   - POST → routed  = `steps.route.at` (written by the qualify handler right after the route) − the POST's
 *     send time (both wall clocks of this one process, ms precision);
 *   - POST → drafted = `steps.handoff.at` − the POST's send time.
 * and each hop of the way to routed, from the lead's own step timings:
 *   - intake: the POST's round trip (the one conditional PutItem and the HTTP edge);
 *   - hand-over: stored → routed minus the qualify step's own compute — the table stream's poll, the event
 *     source's batch and the qualify step's store writes;
 *   - qualify: enrich + score + route compute (`steps.{enrich,score,route}.ms`).
 * Run twice: as shipped (stream event source polling each shard every 250 ms like Lambda, SQS long polling)
 * and with the SQS pollers short-polling with the old idle back-off (50 → 500 ms), which shows what the
 * long poll saves on the SQS hops (draft). Each run is its own process, like a fresh set of Lambda
 * containers (handlers keep their SDK clients for the life of the process, pointed at the emulators of the
 * first stack). Writes bench/results/pipeline.json.
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
  shipped: { label: 'shipped (long poll)' },
  backoff: { label: 'short poll + back-off', idleBackoffMs: { min: 50, max: 500 } },
} as const;

const pct = (sorted: number[], p: number) =>
  sorted.length ? sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]! : Number.NaN;
const summary = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return { n: s.length, p50: pct(s, 50), p95: pct(s, 95), p99: pct(s, 99), max: s.at(-1) ?? Number.NaN };
};

/** Posts again after a dropped connection, as a form provider does (intake is idempotent per submission). */
const postRetrying = async (post: () => Promise<string>): Promise<string> => {
  for (let attempt = 1; ; attempt++) {
    try {
      return await post();
    } catch (error) {
      if (attempt >= 3) throw error;
    }
  }
};

const runOnce = async (label: string, idleBackoffMs?: { min: number; max: number }) => {
  const p = await startPipelineStack({
    env: { OPENAI_API_KEY: '' },
    ...(idleBackoffMs ? { idleBackoffMs } : {}),
  });
  try {
    const sent: { leadId: string; at: number; answeredAt: number }[] = [];
    const t0 = Date.now();
    const posts: Promise<void>[] = [];
    for (let i = 0; i < N; i++) {
      const due = t0 + (i * 1000) / RATE;
      await new Promise((r) => setTimeout(r, Math.max(0, due - Date.now())));
      const at = Date.now();
      posts.push(
        postRetrying(() =>
          p.post(roostrSubmission(p.site.origin, { email: `bench${i}.${at}@roostr.nl` })),
        ).then((leadId) => {
          sent.push({ leadId, at, answeredAt: Date.now() });
        }),
      );
    }
    await Promise.all(posts);
    const routed: number[] = [];
    const drafted: number[] = [];
    const intake: number[] = [];
    const handOver: number[] = [];
    const qualify: number[] = [];
    for (const { leadId, at, answeredAt } of sent) {
      const lead = await p.waitForLead(leadId, (l) => l.steps?.handoff !== undefined, 60_000);
      const steps = lead.steps!;
      // A lead qualified by a retried delivery may lack its step timings: its route still has the time.
      const routedAt = Date.parse(steps.route?.at ?? (lead.route as { assignedAt: string }).assignedAt);
      routed.push(routedAt - at);
      drafted.push(Date.parse(steps.handoff!.at) - at);
      intake.push(answeredAt - at);
      if (steps.enrich && steps.score && steps.route) {
        const qualifyMs = steps.enrich.ms + steps.score.ms + steps.route.ms;
        handOver.push(Math.round(Math.max(0, routedAt - qualifyMs - Date.parse(lead.receivedAt))));
        qualify.push(Math.round(qualifyMs));
      }
    }
    return {
      label,
      sqsPolling: idleBackoffMs ? { idleBackoffMs } : { longPollSeconds: 20 },
      routed: summary(routed),
      drafted: summary(drafted),
      hops: { intake: summary(intake), handOver: summary(handOver), qualify: summary(qualify) },
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
  const results = [runInChild('shipped'), runInChild('backoff')];
  console.log(`\nPipeline latency, ${N} leads at ${RATE}/s (ms)`);
  console.log('run                      | step            |    p50 |    p95 |    p99 |    max');
  for (const r of results)
    for (const [step, s] of [
      ['POST → routed', r.routed],
      ['POST → drafted', r.drafted],
      ['  intake', r.hops.intake],
      ['  hand-over', r.hops.handOver],
      ['  qualify', r.hops.qualify],
    ] as const)
      console.log(
        `${r.label.padEnd(24)} | ${step.padEnd(15)} | ${[s.p50, s.p95, s.p99, s.max].map((v) => String(v).padStart(6)).join(' | ')}`,
      );
  const shipped = results[0];
  const out = {
    readme: shipped
      ? {
          what: `POST → scored and routed (tools answering locally, ${N} leads at ${RATE}/s)`,
          command: 'npm run bench:pipeline',
          result: `p50 ${shipped.routed.p50} ms, **p95 ${shipped.routed.p95} ms** (target ≤ 1 s), p99 ${shipped.routed.p99} ms; hops at p50: intake ${shipped.hops.intake.p50} ms, stream hand-over ${shipped.hops.handOver.p50} ms, qualify ${shipped.hops.qualify.p50} ms; POST → drafted p95 ${shipped.drafted.p95} ms (SQS short poll with back-off instead of long poll: ${results[1]?.drafted.p95} ms); load average ${os.loadavg()[0]?.toFixed(1)}`,
        }
      : undefined,
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
