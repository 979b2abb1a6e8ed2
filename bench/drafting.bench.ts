/**
 * Overhead of the drafting step: end to end against an instantly answering local chat-completions server
 * (prompt render, HTTP round trip, SDK parse, guardrails, result), and the template writer alone.
 * Run: npx tsx bench/drafting.bench.ts   → prints a table, writes bench/results/drafting.json.
 */

import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildAllowList, writeRationaleAndDraft } from '../functions/agent/draft/index';
import { FIXED_NOW, REP, sampleInput } from '../functions/agent/testing/samples';
import { shippedPrompts } from '../functions/platform/shipped-prompts';
import { chatCompletion, startChatServer } from '../local/chat-server';

const N = Number(process.env.BENCH_N ?? 500);
const WARMUP = 30;
const TARGET_P95_MS = 20;

function pct(sorted: number[], p: number): number {
  const i = Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1);
  return Math.round(sorted[Math.max(0, i)]! * 1000) / 1000;
}

function stats(samples: number[]) {
  const s = [...samples].sort((a, b) => a - b);
  const mean = s.reduce((a, b) => a + b, 0) / s.length;
  return {
    n: s.length,
    p50: pct(s, 50),
    p95: pct(s, 95),
    p99: pct(s, 99),
    max: pct(s, 100),
    mean: Math.round(mean * 1000) / 1000,
  };
}

async function measure(fn: () => Promise<unknown>): Promise<number[]> {
  for (let i = 0; i < WARMUP; i++) await fn();
  const out: number[] = [];
  for (let i = 0; i < N; i++) {
    const t0 = performance.now();
    await fn();
    out.push(performance.now() - t0);
  }
  return out;
}

const content = JSON.stringify({
  rationale:
    'Bakker Logistiek is a warm lead with 65 points in the proactive outreach quadrant. Fit 30 comes from 10–200 employees (+20) and NL or BE (+10). Intent 10 reflects hiring (+10); engagement 25 comes from the demo request (+20) and office hours (+5).',
  questionsForFirstCall: ['What budget is set aside?', 'By when should it be live?'],
  nextAction: 'Call today and propose a demo slot.',
  email: {
    subject: 'Uw demo-aanvraag',
    body: `Beste Pieter,\n\nDank voor uw demo-aanvraag. Kies hier een moment: ${REP.bookingUrl}\n\nMet vriendelijke groet,\n\nAnna de Vries\n${REP.email}`,
  },
});

const server = await startChatServer(() => ({ body: chatCompletion(content) }));
const input = sampleInput();
const allowList = buildAllowList(input);
const llm = {
  apiKey: 'bench',
  baseURL: server.baseURL,
  model: 'gpt-4o-mini',
  timeoutMs: 5000,
  maxRetries: 0,
  prompts: shippedPrompts(),
};

let llmProvider = '';
const e2e = await measure(async () => {
  const r = await writeRationaleAndDraft(input, { llm, now: FIXED_NOW, allowList });
  llmProvider = r.rationale.provider;
});
const tpl = await measure(() => writeRationaleAndDraft(input, { now: FIXED_NOW, allowList }));
await server.close();

if (llmProvider !== 'openai') throw new Error(`bench: expected the LLM path, got ${llmProvider}`);

const rows = [
  { case: 'end to end, instant local LLM server', ...stats(e2e) },
  { case: 'template writer alone (no LLM)', ...stats(tpl) },
];
console.table(rows);
const pass = rows.every((r) => r.p95 <= TARGET_P95_MS);
console.log(`target p95 ≤ ${TARGET_P95_MS} ms: ${pass ? 'met' : 'NOT met'}`);

const here = dirname(fileURLToPath(import.meta.url));
const outFile = join(here, 'results', 'drafting.json');
mkdirSync(dirname(outFile), { recursive: true });
writeFileSync(
  outFile,
  `${JSON.stringify({ bench: 'drafting', unit: 'ms', n: N, warmup: WARMUP, targetP95Ms: TARGET_P95_MS, targetMet: pass, node: process.version, at: new Date().toISOString(), rows }, null, 2)}\n`,
);
console.log(`wrote ${outFile}`);
