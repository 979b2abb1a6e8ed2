/**
 * Guardrail cost on hostile input: checkDraft and checkRationale on 80 KB and 1 MB texts built from patterns
 * that make backtracking regexes quadratic (long runs of letters, digits, dots, `<a `, `x@`, `upgrad`, …),
 * against a floor measured in the same run: the same checks on an honest draft.
 *   npx tsx bench/guardrails.bench.ts      → prints a table, writes bench/results/guardrails.json
 * Fails (exit 1) when the worst hostile case costs more than MAX_RATIO × the floor: the length cap comes
 * before any pattern, so a hostile draft may cost a few honest drafts, never seconds.
 */
import { buildAllowList } from '../functions/agent/draft/allow-list';
import { checkDraft, checkRationale, type GuardrailContext } from '../functions/agent/draft/guardrails';
import { signature, writeTemplate } from '../functions/agent/draft/template';
import { sampleInput } from '../functions/agent/testing/samples';
import { formatTable, writeResult } from './support/report';
import { percentile } from './support/stats';

const RUNS = Number(process.env.BENCH_N ?? 60);
const MAX_RATIO = 60;

const input = sampleInput({}, 'en', 'demo_request');
const ctx: GuardrailContext = { allowList: buildAllowList(input), ...input, signature: signature(input) };
const honest = writeTemplate(input).email!;

const PATTERNS: Record<string, string> = {
  letters: 'a',
  digits: '1',
  'digits and dots': '1.',
  'open tags': '<a ',
  'at-signs': 'x@',
  dots: '.',
  'www.': 'www.',
  'decision words': 'upgrad',
  'spelt dots': 'evil [.] ',
  'full-width': 'ａ',
  'zero-width': 'a\u200B',
  'mixed link soup': 'https://evil.example/..%2f 0900-555 €1 ',
};

const fill = (unit: string, n: number) => unit.repeat(Math.ceil(n / unit.length)).slice(0, n);

const time = (fn: () => void): number[] => {
  for (let i = 0; i < 5; i++) fn();
  const out: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const t0 = performance.now();
    fn();
    out.push(performance.now() - t0);
  }
  return out.sort((a, b) => a - b);
};

const row = (name: string, size: number, samples: number[]) => ({
  case: name,
  bytes: size,
  p50Ms: Math.round(percentile(samples, 50) * 1000) / 1000,
  p95Ms: Math.round(percentile(samples, 95) * 1000) / 1000,
});

const floor = row(
  'honest template draft (floor)',
  honest.body.length,
  time(() => checkDraft(honest, ctx)),
);
const rows = [floor];
for (const [name, unit] of Object.entries(PATTERNS)) {
  for (const size of [80_000, 1_000_000]) {
    const text = fill(unit, size);
    rows.push(
      row(
        `${name}: draft + rationale`,
        size,
        time(() => {
          checkDraft({ subject: text.slice(0, 1000), body: text }, ctx);
          checkRationale({ rationale: text, nextAction: text, questionsForFirstCall: [text] }, ctx);
        }),
      ),
    );
  }
}

const worst = rows.slice(1).reduce((a, b) => (b.p50Ms > a.p50Ms ? b : a));
const ratio = Math.round((worst.p50Ms / Math.max(floor.p50Ms, 0.001)) * 10) / 10;
console.log(
  formatTable(
    ['case', 'bytes', 'p50 ms', 'p95 ms'],
    rows.map((r) => [r.case, r.bytes, r.p50Ms, r.p95Ms]),
  ),
);
console.log(
  `\nworst hostile case: ${worst.case} (${worst.bytes} B), ${ratio}× the honest draft (limit ${MAX_RATIO}×)`,
);
const path = writeResult('guardrails', {
  runs: RUNS,
  unit: 'ms',
  floor,
  worst,
  ratio,
  maxRatio: MAX_RATIO,
  rows,
});
console.log(`wrote ${path}`);
if (ratio > MAX_RATIO) {
  console.error(`FAIL: a hostile draft costs ${ratio}× an honest one (limit ${MAX_RATIO}×)`);
  process.exit(1);
}
