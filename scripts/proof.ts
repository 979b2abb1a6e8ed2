/**
 * `npm run proof -- --leads N [--seed S] [--rate R] [--fault-rate P] [--report]`: the whole-chain proof (see
 * scripts/proof/run-proof.ts). Prints progress, the details, and as its LAST line one JSON object:
 * {"submitted","accepted","lost","duplicateEmails","faultsInjected","dlq","p50Ms","p95Ms","p99Ms"}.
 * Exits 1 when an invariant breaks. `--report` also writes bench/results/proof.json (in the benchmark report).
 */
import { parseArgs } from 'node:util';
import { writeResult } from '../bench/support/report';
import { brokenInvariants, runProof } from './proof/run-proof';

const { values } = parseArgs({
  options: {
    leads: { type: 'string', default: '200' },
    seed: { type: 'string', default: '1' },
    rate: { type: 'string', default: '50' },
    'fault-rate': { type: 'string', default: '0.03' },
    report: { type: 'boolean', default: false },
  },
});
const num = (name: string, value: string | undefined) => {
  const n = Number(value);
  if (!Number.isFinite(n) || n < 0) {
    console.error(`--${name} must be a non-negative number (got ${value})`);
    process.exit(2);
  }
  return n;
};

const started = Date.now();
const summary = await runProof({
  leads: num('leads', values.leads),
  seed: num('seed', values.seed),
  rate: num('rate', values.rate),
  faultRate: num('fault-rate', values['fault-rate']),
  log: (line) => console.error(line),
});
const broken = brokenInvariants(summary);
const { details, ...line } = summary;
console.error(`[proof] details ${JSON.stringify(details)}`);
for (const b of broken) console.error(`[proof] INVARIANT BROKEN: ${b}`);
if (values.report) {
  const path = writeResult('proof', {
    command: `npm run proof -- ${process.argv.slice(2).join(' ')}`,
    minutes: Math.round((Date.now() - started) / 6000) / 10,
    invariantsBroken: broken,
    summary: line,
    details,
  });
  console.error(`[proof] wrote ${path}`);
}
console.log(JSON.stringify(line));
process.exit(broken.length > 0 ? 1 : 0);
