/**
 * `npm run bench`: runs every benchmark (`bench/*.bench.ts`) one after another in its own process, then
 * writes a combined report — `bench/results/REPORT.md` and `bench/results/report.json` — from the JSON each
 * benchmark left in bench/results/, with the machine they ran on and how to reproduce them. A result with a
 * `readme` line (`{ what, command, result }`) replaces its row of the README's benchmark table (the row with
 * the same command; a new row otherwise).
 *
 * `npm run bench -- intake pipeline` runs only the benchmarks whose file names contain one of the words; the
 * report keeps the outcomes of the others from the previous report. `npm run bench -- --report` runs none and
 * only writes the report and the README table again, e.g. after `npm run bench:scale` ran on its own.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { basename, join, resolve } from 'node:path';

const ROOT = resolve(import.meta.dirname, '..');
const RESULTS = join(ROOT, 'bench/results');
const reportOnly = process.argv.includes('--report');
const only = process.argv.slice(2).filter((a) => a !== '--report');

const benches = reportOnly
  ? []
  : readdirSync(join(ROOT, 'bench'))
      .filter((f) => f.endsWith('.bench.ts'))
      .filter((f) => only.length === 0 || only.some((o) => f.includes(o)))
      .sort();

interface Outcome {
  bench: string;
  exitCode: number | null;
  seconds: number;
}
/** Outcomes of the previous report, for the benchmarks this run leaves out. */
const previousOutcomes = ((): Outcome[] => {
  try {
    return (
      (JSON.parse(readFileSync(join(RESULTS, 'report.json'), 'utf8')) as { outcomes?: Outcome[] }).outcomes ??
      []
    );
  } catch {
    return [];
  }
})();
const ran: Outcome[] = [];
for (const file of benches) {
  console.log(`\n=== ${file}`);
  const started = Date.now();
  const run = spawnSync(process.execPath, ['--import', 'tsx', join('bench', file)], {
    cwd: ROOT,
    stdio: 'inherit',
  });
  ran.push({
    bench: file,
    exitCode: run.status,
    seconds: Math.round((Date.now() - started) / 100) / 10,
  });
}
const outcomes = [...previousOutcomes.filter((o) => !benches.includes(o.bench)), ...ran].sort((a, b) =>
  a.bench.localeCompare(b.bench),
);

const machine = {
  cpu: cpus()[0]?.model ?? 'unknown',
  cores: cpus().length,
  memoryGiB: Math.round(totalmem() / 2 ** 30),
  node: process.version,
  platform: `${process.platform}-${process.arch}`,
};
const results = Object.fromEntries(
  readdirSync(RESULTS)
    .filter((f) => f.endsWith('.json') && f !== 'report.json')
    .map((f) => [basename(f, '.json'), JSON.parse(readFileSync(join(RESULTS, f), 'utf8')) as unknown]),
);

/** Renders a result object: scalars as a list, arrays of flat objects as tables. */
const render = (value: unknown, depth = 0): string => {
  if (Array.isArray(value) && value.every((v) => v && typeof v === 'object' && !Array.isArray(v))) {
    const cols = [...new Set(value.flatMap((v) => Object.keys(v as object)))];
    const cell = (v: unknown) => (v !== null && typeof v === 'object' ? JSON.stringify(v) : String(v ?? ''));
    return [
      `| ${cols.join(' | ')} |`,
      `| ${cols.map(() => '---').join(' | ')} |`,
      ...value.map((row) => `| ${cols.map((c) => cell((row as Record<string, unknown>)[c])).join(' | ')} |`),
    ].join('\n');
  }
  if (value && typeof value === 'object') {
    return Object.entries(value as Record<string, unknown>)
      .map(([k, v]) =>
        v && typeof v === 'object'
          ? `${'  '.repeat(depth)}- **${k}**:\n\n${render(v, depth + 1)}\n`
          : `${'  '.repeat(depth)}- **${k}**: ${String(v)}`,
      )
      .join('\n');
  }
  return String(value);
};

const lines = [
  '# Benchmark report',
  '',
  `Generated ${new Date().toISOString()} by \`npm run bench\`.`,
  '',
  `Machine: ${machine.cpu}, ${machine.cores} cores, ${machine.memoryGiB} GiB, Node ${machine.node} (${machine.platform}).`,
  '',
  '| benchmark | exit | seconds | reproduce |',
  '| --- | --- | --- | --- |',
  ...outcomes.map((o) => `| ${o.bench} | ${o.exitCode} | ${o.seconds} | \`npx tsx bench/${o.bench}\` |`),
  '',
  ...Object.entries(results)
    .filter(([, v]) => typeof (v as { command?: unknown }).command === 'string')
    .map(
      ([name, v]) =>
        `\`${name}.json\` is not re-run by \`npm run bench\` (it takes minutes); it comes from \`${(v as { command: string }).command}\`, measured ${(v as { date?: string }).date ?? ''}.`,
    ),
  '',
  ...Object.entries(results).flatMap(([name, value]) => [`## ${name}`, '', render(value), '']),
];
writeFileSync(join(RESULTS, 'REPORT.md'), `${lines.join('\n')}\n`);
writeFileSync(join(RESULTS, 'report.json'), `${JSON.stringify({ machine, outcomes, results }, null, 2)}\n`);
console.log(`\nReport: ${join('bench/results', 'REPORT.md')}`);

/** The README's benchmark table rows of results that carry a `readme` line. */
const README = join(ROOT, 'README.md');
const readmeRows = Object.values(results)
  .map((v) => (v as { readme?: { what: string; command: string; result: string } }).readme)
  .filter((r): r is { what: string; command: string; result: string } => r !== undefined);
if (readmeRows.length > 0 && existsSync(README)) {
  const text = readFileSync(README, 'utf8');
  const start = text.indexOf('<!-- BENCH:START -->');
  const end = text.indexOf('<!-- BENCH:END -->');
  if (start >= 0 && end > start) {
    const block = text.slice(start, end).split('\n');
    for (const r of readmeRows) {
      const row = `| ${r.what} | \`${r.command}\` | ${r.result} |`;
      const at = block.findIndex((l) => l.startsWith('| ') && l.includes(`\`${r.command}\``));
      if (at >= 0) block[at] = row;
      else {
        const last = block.findLastIndex((l) => l.startsWith('| '));
        block.splice(last + 1, 0, row);
      }
    }
    writeFileSync(README, text.slice(0, start) + block.join('\n') + text.slice(end));
    console.log(`README benchmark table: ${readmeRows.length} row(s) regenerated`);
  }
}
if (!existsSync(join(RESULTS, 'REPORT.md')) || ran.some((o) => o.exitCode !== 0)) process.exitCode = 1;
