/**
 * Learn scoring points from a lead history and write them as a draft rules file for a person to review.
 *
 *   npm run calibrate -- --history <file.csv> --outcome <column> [--positive <value>] [--exclude <col,col>]
 *                        [--holdout 0.3] [--seed N] [--out <rules.yaml>] [--json]
 *                        [--pdo N] [--combinations N] [--version V]
 *                        [--cold-max-rate 0.1] [--qualified-min-rate 0.4] [--hot-rate 0.6]
 *
 * The history is a CSV with one lead per row and any columns; `--outcome` names the column that says
 * whether the lead booked a meeting / was won (`--positive` lists the values that count as success when
 * it is not a yes/no column). Columns filled in after the first contact (statuses, sales notes, last
 * activity) leak the outcome: leave them out with `--exclude`; id-like columns are left out automatically.
 * Writes the rules to `--out` (default scoring-rules.draft.yaml) and prints what was learned: held-out AUC
 * and Brier score, calibration by deciles, proposed tiers, the strongest rules, and warnings (small sample,
 * too few events per parameter, likely leakage). Tier targets: cold leads succeed at most `--cold-max-rate`
 * (the false-negative alarm), warm + hot at least `--qualified-min-rate` (the qualification→meeting alarm),
 * hot from a `--hot-rate` chance of success. `--json` prints one JSON object as the last line.
 * Exit code 1 with a clear message for a missing file or column, a one-class outcome, and the like.
 */
import { writeFileSync } from 'node:fs';
import { basename, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { formatTable } from '../bench/support/report';
import { type CalibrationReport, type CsvCalibrationResult, calibrateCsv } from '../functions/agent/learn';
import {
  CliError,
  fixed,
  int,
  listOption,
  pct,
  readHistory,
  runCli,
  signed,
  terminalProgress,
} from './learn-cli';

const USAGE = `Usage: npm run calibrate -- --history <file.csv> --outcome <column> [--positive <value>]
       [--exclude <col,col>] [--holdout 0.3] [--seed N] [--out <rules.yaml>] [--json]
       [--pdo N] [--combinations N] [--version V]
       [--cold-max-rate 0.1] [--qualified-min-rate 0.4] [--hot-rate 0.6]`;

const DEFAULT_OUT = 'scoring-rules.draft.yaml';

function number(value: string | undefined, name: string, check: (n: number) => boolean, what: string) {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isFinite(n) || !check(n)) throw new CliError(`--${name} ${value}: expected ${what}`);
  return n;
}

function summary(r: CsvCalibrationResult, history: string, out: string): string {
  const rep: CalibrationReport = r.report;
  const lines: string[] = [];
  const h = rep.holdout;
  lines.push(
    `Learned from ${basename(history)}: ${int(rep.rows)} leads, ${int(rep.positives)} successful (${pct(rep.baseRate)}); ${int(rep.train.rows)} to learn from, ${int(h?.rows ?? 0)} held out.`,
  );
  if (h)
    lines.push(
      `Held out: AUC ${fixed(h.auc)} (unrounded model ${fixed(h.aucModel)}), Brier ${fixed(h.brier)}, log loss ${fixed(h.logLoss)}; training AUC ${fixed(rep.train.auc)}.`,
    );
  else
    lines.push(`Training: AUC ${fixed(rep.train.auc)}, Brier ${fixed(rep.train.brier)} (nothing held out).`);
  const m = rep.model;
  lines.push(
    `Model: ${m.method}; λ = ${m.lambda}${m.crossValidation.length ? ' (cross-validated)' : ''}, ${m.parameters} parameters, ${m.combinations} combination${m.combinations === 1 ? '' : 's'}.`,
    `Points: every ${m.pdo} points double the odds (PDO ${m.pdo}); even odds (50 %) at a total of ${m.base}.`,
    `Sample: ${int(rep.sampleSize.events)} events of the rarer outcome, ${fixed(rep.sampleSize.eventsPerParameter, 1)} per parameter${rep.sampleSize.enough ? '' : ' (too few: see warnings)'}.`,
    '',
    `Tiers: cold ${rep.tiers.cold[0]}–${rep.tiers.cold[1]}, warm ${rep.tiers.warm[0]}–${rep.tiers.warm[1]}, hot ${rep.tiers.hot[0]}+`,
    ...rep.tierNotes.map((n) => `  ${n}`),
  );
  const part = h ?? rep.train;
  lines.push(
    '',
    formatTable(
      [`${h ? 'held out' : 'training'}`, 'leads', 'share', 'successful', 'rate'],
      (['cold', 'warm', 'hot'] as const).map((t) => {
        const row = part.tiers.tiers[t];
        return [t, int(row.leads), pct(row.share), int(row.positives), pct(row.positiveRate)];
      }),
    ),
    `Qualification→meeting (warm + hot): ${pct(part.tiers.qualification.ratio)}${part.tiers.qualification.alarm ? '  ALARM (< 40 %)' : ''}; false negatives (cold that succeeded): ${pct(part.tiers.falseNegatives.rate)}${part.tiers.falseNegatives.alarm ? '  ALARM (> 10 %)' : ''}.`,
    '',
    'Calibration by deciles (predicted = the points\u2019 own odds):',
    formatTable(
      ['scores', 'leads', 'predicted', 'observed'],
      part.calibration.map((b) => [
        `${b.scoreMin}–${b.scoreMax}`,
        int(b.leads),
        pct(b.predicted),
        pct(b.observed),
      ]),
    ),
    '',
    'Strongest rules:',
    ...rep.topRules.map(
      (t) =>
        `  ${signed(t.points).padStart(4)}  ${t.reason}  (${int(t.leads)} leads, ${pct(t.positiveRate)} successful)`,
    ),
    '',
    formatTable(
      ['fact', 'levels', 'points range', 'alone AUC'],
      rep.features.map((f) => [f.label, f.levels, f.pointsRange, fixed(f.auc)]),
    ),
  );
  // Id-like, free-text and personal-data columns are among the warnings.
  const skipped = r.columns.filter((c) => !['feature', 'outcome', 'id', 'text', 'personal'].includes(c.role));
  if (skipped.length)
    lines.push('', 'Columns not learned from:', ...skipped.map((c) => `  ${c.column}: ${c.note ?? c.role}`));
  if (rep.warnings.length) lines.push('', 'Warnings:', ...rep.warnings.map((w) => `  ! ${w}`));
  lines.push(
    '',
    `Wrote ${rep.rules} rules as draft version ${rep.version} to ${out}. Review them, then backtest against the published rules:`,
    `  npm run backtest -- --history ${history} --outcome <column> --rules ${out} --compare config/scoring-rules.yaml`,
  );
  return lines.join('\n');
}

export async function main(argv: readonly string[]): Promise<number> {
  let args: ReturnType<typeof parse>;
  function parse(a: readonly string[]) {
    return parseArgs({
      args: [...a],
      options: {
        history: { type: 'string' },
        outcome: { type: 'string' },
        positive: { type: 'string', multiple: true },
        exclude: { type: 'string', multiple: true },
        holdout: { type: 'string' },
        seed: { type: 'string' },
        out: { type: 'string' },
        json: { type: 'boolean', default: false },
        pdo: { type: 'string' },
        combinations: { type: 'string' },
        version: { type: 'string' },
        'hot-rate': { type: 'string' },
        'cold-max-rate': { type: 'string' },
        'qualified-min-rate': { type: 'string' },
        help: { type: 'boolean', short: 'h', default: false },
      },
    });
  }
  try {
    args = parse(argv);
  } catch (error) {
    process.stderr.write(`${(error as Error).message}\n${USAGE}\n`);
    return 1;
  }
  const v = args.values;
  if (v.help) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  if (!v.history || !v.outcome) {
    process.stderr.write(`${!v.history ? '--history' : '--outcome'} is required\n${USAGE}\n`);
    return 1;
  }
  const holdout = number(v.holdout, 'holdout', (n) => n >= 0 && n < 0.9, 'a share between 0 and 0.9') ?? 0.3;
  const seed = number(v.seed, 'seed', Number.isInteger, 'a whole number') ?? 1;
  const pdo = number(v.pdo, 'pdo', (n) => n > 0, 'a positive number of points');
  const combinations = number(
    v.combinations,
    'combinations',
    (n) => Number.isInteger(n) && n >= 0,
    'a whole number ≥ 0',
  );
  const share = (name: 'hot-rate' | 'cold-max-rate' | 'qualified-min-rate') =>
    number(v[name], name, (n) => n > 0 && n < 1, 'a share between 0 and 1');
  const tierTargets = {
    ...(share('hot-rate') !== undefined ? { hotMinRate: share('hot-rate')! } : {}),
    ...(share('cold-max-rate') !== undefined ? { coldMaxRate: share('cold-max-rate')! } : {}),
    ...(share('qualified-min-rate') !== undefined ? { qualifiedMinRate: share('qualified-min-rate')! } : {}),
  };
  const table = readHistory(v.history);
  const out = resolve(v.out ?? DEFAULT_OUT);
  const progress = terminalProgress('calibrate');
  const now = new Date();
  let result: CsvCalibrationResult;
  try {
    result = calibrateCsv(table, {
      outcome: v.outcome,
      ...(v.positive?.length ? { positive: v.positive } : {}),
      exclude: listOption(v.exclude),
      holdout,
      seed,
      now,
      onProgress: progress,
      ...(pdo !== undefined ? { pdo } : {}),
      ...(combinations !== undefined ? { combinations } : {}),
      ...(v.version ? { version: v.version } : {}),
      tierTargets,
    });
  } finally {
    progress.done();
  }
  try {
    writeFileSync(out, result.yaml);
  } catch (error) {
    throw new CliError(
      `Cannot write ${out}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`,
    );
  }
  if (v.json) {
    const r = result.report;
    process.stdout.write(
      `${JSON.stringify({
        rows: r.rows,
        positives: r.positives,
        rules: r.rules,
        holdout: r.holdout,
        train: r.train,
        out,
        version: r.version,
        model: r.model,
        sampleSize: r.sampleSize,
        tiers: r.tiers,
        tierNotes: r.tierNotes,
        features: r.features,
        topRules: r.topRules,
        columns: result.columns,
        warnings: r.warnings,
      })}\n`,
    );
  } else process.stdout.write(`${summary(result, v.history, out)}\n`);
  return 0;
}

runCli(main, import.meta.url);
