/**
 * Pipeline latency on the in-process local stack (`npx tsx bench/pipeline.bench.ts [n] [ratePerSecond]`):
 * N leads POSTed at a steady rate, every outside party local (company site, KvK stand-in). Per lead:
 *   - POST → routed  = `steps.route.at` (written by the qualify handler right after the route) − the POST's
 *     send time (both wall clocks of this one process, ms precision);
 *   - POST → drafted = `steps.handoff.at` − the POST's send time.
 * and each hop of the way to routed, from the lead's own step timings:
 *   - intake: the POST's round trip (the one conditional PutItem and the HTTP edge);
 *   - hand-over: stored → routed minus the qualify step's own compute — the table stream's poll, the event
 *     source's batch and the qualify step's store writes;
 *   - qualify: enrich + score + route compute (`steps.{enrich,score,route}.ms`).
 * The bench reads the outcome straight from the table (one BatchGetItem of the waiting leads every 250 ms),
 * so watching adds next to no load to the stack it measures.
 * CPU per lead: this process (the gateway, every handler, the pollers and the bench's own client) and the
 * emulators (DynamoDB Local's JVM, the SQS and SES stand-ins) from /proc, over the whole run.
 * Variants, each in its own process (a fresh set of Lambda containers):
 *   - `template`: no LLM key → the deterministic extractor and template drafts (the shipped default);
 *   - `llm`: the OpenAI client pointed at a local chat-completions server (local/chat-server.ts) that answers
 *     the message-facts extraction and the draft, each after LLM_DELAY_MS (default 800 ms, a small model's
 *     think time): the extraction runs in the draft step, after routing, so POST → routed must not move;
 *   - `backoff`: no LLM, the SQS pollers short-polling with the old idle back-off (50 → 500 ms) instead of
 *     long polling: what the long poll saves on the SQS hop (draft).
 * `--variants=template,llm` picks some. Writes bench/results/pipeline.json.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { resolve } from 'node:path';
import { BatchGetCommand } from '@aws-sdk/lib-dynamodb';
import { routingFrom } from '../functions/platform/shipped-routing';
import { chatCompletion, startChatServer } from '../local/chat-server';
import { roostrSubmission, startPipelineStack } from '../test/support/pipeline-stack';
import { cpuSnapshot, cpuSpent } from './support/process-cpu';

const N = Number(process.argv[2] ?? 200);
const RATE = Number(process.argv[3] ?? 10);
const LLM_DELAY_MS = Number(process.env.LLM_DELAY_MS ?? 800);
/** Set in the child process that measures one variant. */
const VARIANT = process.argv.find((a) => a.startsWith('--variant='))?.slice('--variant='.length);
const VARIANTS = {
  template: { label: 'no LLM (template)', llm: false },
  llm: { label: `LLM (${LLM_DELAY_MS} ms/call)`, llm: true },
  backoff: { label: 'no LLM, SQS back-off', llm: false, idleBackoffMs: { min: 50, max: 500 } },
} as const;
type VariantName = keyof typeof VARIANTS;
const CHOSEN = (
  process.argv.find((a) => a.startsWith('--variants='))?.slice('--variants='.length) ?? 'template,llm,backoff'
).split(',') as VariantName[];

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

const REP_NAMES = [...routingFrom(() => ({}))().teams.people.values()].map((person) => person.name);

/** A local model: message facts with verbatim quotes, and a draft signed by the rep the prompt names. */
const startModel = () =>
  startChatServer(({ body }) => {
    const prompt = JSON.stringify(body.messages);
    const schema = (body as { response_format?: { json_schema?: { name?: string } } }).response_format
      ?.json_schema?.name;
    const content =
      schema === 'message_facts'
        ? {
            facts: [
              { kind: 'action', value: 'demo', quote: 'We willen een demo' },
              { kind: 'timeline', value: 'binnen 3 maanden', quote: 'binnen 3 maanden live' },
            ],
          }
        : {
            rationale: 'Fits the ICP and asked for a demo with a near timeline; the ledger lists the points.',
            questionsForFirstCall: ['Which locations go live first?', 'Who else decides?'],
            nextAction: 'Reply today and offer a short call.',
            email: {
              subject: 'Uw demo-aanvraag',
              body: `Hallo,\n\nDank voor uw aanvraag. Ik plan graag een korte kennismaking in.\n\nMet vriendelijke groet,\n${
                REP_NAMES.find((n) => prompt.includes(n)) ?? 'Sales'
              }`,
            },
          };
    return { delayMs: LLM_DELAY_MS, body: chatCompletion(JSON.stringify(content)) };
  });

interface LeadTimes {
  receivedAt?: string;
  status?: string;
  route?: { assignedAt?: string };
  steps?: Partial<Record<'enrich' | 'score' | 'route' | 'handoff', { ms: number; at: string }>>;
}

const runOnce = async (name: VariantName) => {
  const v = VARIANTS[name];
  const model = v.llm ? await startModel() : undefined;
  const p = await startPipelineStack({
    env: model
      ? {
          OPENAI_API_KEY: 'sk-local-bench',
          OPENAI_BASE_URL: model.baseURL,
          OPENAI_MODEL: 'gpt-4o-mini',
          LLM_TIMEOUT_MS: '10000',
          LLM_MAX_RETRIES: '0',
        }
      : { OPENAI_API_KEY: '' },
    ...('idleBackoffMs' in v ? { idleBackoffMs: v.idleBackoffMs } : {}),
  });
  const table = p.stack.env.LEADS_TABLE!;
  try {
    const sent: { leadId: string; at: number; answeredAt: number }[] = [];
    const cpu0 = cpuSnapshot();
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
    // Wait for every lead's hand-off, reading the items themselves (strongly consistent, 100 keys a call).
    const done = new Map<string, LeadTimes>();
    // Generous: a machine that cannot keep up with the rate drains the queue after the last POST.
    const drainMs = 120_000 + N * 1_000;
    const deadline = Date.now() + drainMs;
    while (done.size < sent.length) {
      if (Date.now() > deadline)
        throw new Error(
          `${sent.length - done.size} leads were not drafted ${drainMs / 1000} s after the last POST`,
        );
      const waiting = sent.filter((s) => !done.has(s.leadId)).slice(0, 100);
      const out = await p.db.send(
        new BatchGetCommand({
          RequestItems: {
            [table]: {
              Keys: waiting.map((s) => ({ pk: `LEAD#${s.leadId}`, sk: 'LEAD' })),
              ConsistentRead: true,
              ProjectionExpression: 'leadId, receivedAt, #status, #route, steps',
              ExpressionAttributeNames: { '#status': 'status', '#route': 'route' },
            },
          },
        }),
      );
      for (const item of out.Responses?.[table] ?? []) {
        const lead = item as LeadTimes & { leadId: string };
        if (lead.steps?.handoff) done.set(lead.leadId, lead);
      }
      if (done.size < sent.length) await new Promise((r) => setTimeout(r, 250));
    }
    const spent = cpuSpent(cpu0, cpuSnapshot());
    const routed: number[] = [];
    const drafted: number[] = [];
    const intake: number[] = [];
    const handOver: number[] = [];
    const qualify: number[] = [];
    for (const { leadId, at, answeredAt } of sent) {
      const lead = done.get(leadId)!;
      const steps = lead.steps!;
      // A lead qualified by a retried delivery may lack its step timings: its route still has the time.
      const routedAt = Date.parse(steps.route?.at ?? lead.route?.assignedAt ?? '');
      routed.push(routedAt - at);
      drafted.push(Date.parse(steps.handoff!.at) - at);
      intake.push(answeredAt - at);
      if (steps.enrich && steps.score && steps.route) {
        const qualifyMs = steps.enrich.ms + steps.score.ms + steps.route.ms;
        handOver.push(Math.round(Math.max(0, routedAt - qualifyMs - Date.parse(lead.receivedAt ?? ''))));
        qualify.push(Math.round(qualifyMs));
      }
    }
    const perLead = (ms: number) => Math.round(ms / sent.length);
    const emulators = Object.values(spent.descendants).reduce((a, b) => a + b, 0);
    return {
      variant: name,
      label: v.label,
      llm: v.llm ? { delayMsPerCall: LLM_DELAY_MS } : null,
      sqsPolling: 'idleBackoffMs' in v ? { idleBackoffMs: v.idleBackoffMs } : { longPollSeconds: 20 },
      routed: summary(routed),
      drafted: summary(drafted),
      hops: { intake: summary(intake), handOver: summary(handOver), qualify: summary(qualify) },
      cpuMsPerLead: {
        stackProcess: perLead(spent.self),
        emulators: perLead(emulators),
        byEmulatorProcess: Object.fromEntries(
          Object.entries(spent.descendants)
            .filter(([, ms]) => ms > 0)
            .map(([k, ms]) => [k, perLead(ms)]),
        ),
      },
      loadAvg1m: Math.round(os.loadavg()[0]! * 10) / 10,
    };
  } finally {
    await p.stop();
    await model?.close();
  }
};

type Result = Awaited<ReturnType<typeof runOnce>>;

/** One variant in a fresh process; its result is the last line of the child's stdout. */
const runInChild = (variant: VariantName): Result => {
  const out = execFileSync(
    process.execPath,
    ['--import', 'tsx', import.meta.filename, String(N), String(RATE), `--variant=${variant}`],
    { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'], maxBuffer: 16 * 2 ** 20 },
  );
  return JSON.parse(out.trim().split('\n').at(-1) ?? '{}');
};

const main = async () => {
  if (VARIANT) {
    if (!(VARIANT in VARIANTS))
      throw new Error(`--variant must be one of ${Object.keys(VARIANTS).join(', ')}`);
    process.stdout.write(`${JSON.stringify(await runOnce(VARIANT as VariantName))}\n`);
    process.exit(0);
  }
  const results = CHOSEN.map(runInChild);
  console.log(`\nPipeline latency, ${N} leads at ${RATE}/s (ms)`);
  console.log('run                      | step            |    p50 |    p95 |    p99 |    max');
  for (const r of results) {
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
    console.log(
      `${r.label.padEnd(24)} | CPU ms per lead: stack process ${r.cpuMsPerLead.stackProcess}, emulators ${r.cpuMsPerLead.emulators} ${JSON.stringify(r.cpuMsPerLead.byEmulatorProcess)}; load ${r.loadAvg1m}`,
    );
  }
  const byName = Object.fromEntries(results.map((r) => [r.variant, r])) as Partial<
    Record<VariantName, Result>
  >;
  const base = byName.template;
  const out = {
    readme: base
      ? {
          what: `POST → scored and routed (tools answering locally, ${N} leads at ${RATE}/s)`,
          command: 'npm run bench:pipeline',
          result: [
            `p50 ${base.routed.p50} ms, **p95 ${base.routed.p95} ms** (target ≤ 1 s), p99 ${base.routed.p99} ms`,
            `hops p50/p95: intake ${base.hops.intake.p50}/${base.hops.intake.p95} ms, stream hand-over ${base.hops.handOver.p50}/${base.hops.handOver.p95} ms, qualify ${base.hops.qualify.p50}/${base.hops.qualify.p95} ms`,
            `POST → drafted p95 ${base.drafted.p95} ms`,
            byName.llm
              ? `with the LLM (${LLM_DELAY_MS} ms a call): routed p95 ${byName.llm.routed.p95} ms, drafted p95 ${byName.llm.drafted.p95} ms`
              : undefined,
            byName.backoff
              ? `SQS short poll with back-off: drafted p95 ${byName.backoff.drafted.p95} ms`
              : undefined,
            `CPU per lead ${base.cpuMsPerLead.stackProcess} ms in the stack process + ${base.cpuMsPerLead.emulators} ms in the emulators`,
            `load average ${base.loadAvg1m}`,
          ]
            .filter(Boolean)
            .join('; '),
        }
      : undefined,
    benchmark: 'pipeline',
    at: new Date().toISOString(),
    leads: N,
    ratePerSecond: RATE,
    method:
      'steps.route.at / steps.handoff.at minus the POST send time, read from the items by BatchGetItem every 250 ms',
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
