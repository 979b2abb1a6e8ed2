/**
 * Backtest a rules file on a lead history, optionally against a second one (the published rules).
 *
 *   npm run backtest -- --history <file.csv> --outcome <column> [--positive <value>] --rules <rules.yaml>
 *                       [--compare <rules.yaml>] [--json] [--date <column>] [--id <column>]
 *                       [--qualified-from warm|hot] [--examples N]
 *
 * Facts come from the CSV row as it was (point in time): a column named like a built-in fact fills it
 * ("employees", "country", "free mail"), declared custom facts read their `from` columns; facts the rules
 * need but the history lacks are listed (those conditions see "nothing known"). Prints AUC (95 % interval),
 * Brier score (totals mapped to probabilities by a logistic fit on this history), tier mix and success rate
 * per tier, the qualification→meeting ratio and false-negative rate, what each rule does, and with
 * `--compare` the same for the published rules plus the leads that change tier, with examples. With
 * `--date` also month-over-month drift (PSI) of the scores and facts. `--json` prints one JSON object as
 * the last line. Exit code 1 with a clear message for a missing file or column, a one-class outcome, …
 */
import { basename } from 'node:path';
import { parseArgs } from 'node:util';
import { formatTable } from '../bench/support/report';
import { backtestCsv, type CsvBacktestReport, type VersionFigures } from '../functions/agent/learn';
import type { Tier } from '../functions/agent/qualification';
import { CliError, fixed, int, pct, readHistory, readRulesFile, runCli, terminalProgress } from './learn-cli';

const USAGE = `Usage: npm run backtest -- --history <file.csv> --outcome <column> [--positive <value>]
       --rules <rules.yaml> [--compare <rules.yaml>] [--json] [--date <column>] [--id <column>]
       [--qualified-from warm|hot] [--examples N]`;

const TIERS: readonly Tier[] = ['cold', 'warm', 'hot'];

function figuresRows(f: VersionFigures): (string | number)[][] {
  const t = f.tiers;
  return [
    ['AUC (95 % interval)', `${fixed(f.auc)} (${fixed(f.aucCi95[0])}–${fixed(f.aucCi95[1])})`],
    ['Brier score', fixed(f.brier)],
    ['mean total', fixed(f.meanScore, 1)],
    ...TIERS.map((tier) => [
      `${tier}: leads (share) · success`,
      `${int(t.tiers[tier].leads)} (${pct(t.tiers[tier].share)}) · ${pct(t.tiers[tier].positiveRate)}`,
    ]),
    [
      `qualification→meeting (${t.qualification.qualifiedFrom}+)`,
      `${pct(t.qualification.ratio)}${t.qualification.alarm ? ' ALARM < 40 %' : ''}`,
    ],
    [
      'false negatives (not qualified, succeeded)',
      `${pct(t.falseNegatives.rate)}${t.falseNegatives.alarm ? ' ALARM > 10 %' : ''}; ${pct(t.falseNegatives.missedShare)} of all successes`,
    ],
  ];
}

function summary(r: CsvBacktestReport, history: string, rulesFile: string, compareFile?: string): string {
  const lines: string[] = [
    `Backtest on ${basename(history)}: ${int(r.rows)} leads, ${int(r.positives)} successful (${pct(r.baseRate)}).`,
    '',
  ];
  const mine = figuresRows(r);
  if (r.compare) {
    const theirs = figuresRows(r.compare);
    lines.push(
      formatTable(
        [
          '',
          `${basename(rulesFile)} (${r.rulesVersion})`,
          `${basename(compareFile ?? '')} (${r.compare.rulesVersion})`,
        ],
        mine.map((row, i) => [row[0]!, row[1]!, theirs[i]![1]!]),
      ),
    );
  } else lines.push(formatTable(['', `${basename(rulesFile)} (${r.rulesVersion})`], mine));
  lines.push('', `Brier: ${r.calibration.method}.`);
  if (r.compare) {
    const c = r.compare;
    lines.push(
      '',
      `${int(c.changed)} leads (${pct(c.changed / r.rows)}) change tier (rows: ${basename(compareFile ?? '')}, columns: ${basename(rulesFile)}):`,
      formatTable(
        ['from \\ to', ...TIERS],
        TIERS.map((from) => [from, ...TIERS.map((to) => int(c.changes[from][to]))]),
      ),
    );
    const few = (ids: readonly string[]) =>
      `${ids.slice(0, 4).join(', ')}${ids.length > 4 ? ` and ${ids.length - 4} more` : ''}`;
    const example = (e: (typeof c.better)[number]) =>
      `  ${e.lead}: ${e.from.tier} ${e.from.total} → ${e.to.tier} ${e.to.total}, ${e.outcome ? 'succeeded' : 'did not succeed'}${e.gained.length ? `; now also ${few(e.gained)}` : ''}${e.lost.length ? `; no longer ${few(e.lost)}` : ''}`;
    if (c.better.length) lines.push('', 'Changes for the better:', ...c.better.map(example));
    if (c.worse.length) lines.push('', 'Changes for the worse:', ...c.worse.map(example));
  }
  const ranked = [...r.rules]
    .filter((e) => e.fired > 0 && e.lift !== null)
    .sort((a, b) => Math.abs(Math.log(b.lift!)) - Math.abs(Math.log(a.lift!)));
  if (ranked.length)
    lines.push(
      '',
      'Rules by how much they separate (success rate when fired vs otherwise):',
      formatTable(
        ['rule', 'points', 'fired', 'success when fired', 'otherwise', 'lift'],
        ranked
          .slice(0, 15)
          .map((e) => [
            e.id,
            e.points,
            pct(e.firedShare),
            pct(e.positiveRateWhenFired),
            pct(e.positiveRateOtherwise),
            fixed(e.lift, 2),
          ]),
      ),
    );
  const silent = r.rules.filter((e) => e.fired === 0).map((e) => e.id);
  if (silent.length) lines.push('', `Never fired on this history: ${silent.join(', ')}`);
  if (r.unsupplied.length)
    lines.push(
      '',
      `The history has no column for ${r.unsupplied.join(', ')}: rules on these facts saw "nothing known" (false, empty, 0).`,
    );
  if (r.compareUnsupplied?.length)
    lines.push(`Published rules: no column for ${r.compareUnsupplied.join(', ')}.`);
  if (r.unknownOutcomes) lines.push(`${int(r.unknownOutcomes)} rows without an outcome were left out.`);
  if (r.drift) {
    const alerts = r.drift.alerts;
    lines.push(
      '',
      `Drift month over month (PSI; 0.1 moderate, 0.25 significant) over ${r.drift.score.months.length} months:`,
      ...(alerts.length
        ? alerts
            .slice(0, 15)
            .map(
              (a) => `  ${a.what}: ${a.step.from} → ${a.step.to} PSI ${fixed(a.step.psi)} (${a.step.level})`,
            )
        : ['  stable: no score or fact moved by PSI 0.1 or more']),
    );
  }
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
        rules: { type: 'string' },
        compare: { type: 'string' },
        json: { type: 'boolean', default: false },
        date: { type: 'string' },
        id: { type: 'string' },
        'qualified-from': { type: 'string' },
        examples: { type: 'string' },
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
  const missing = (['history', 'outcome', 'rules'] as const).find((k) => !v[k]);
  if (missing) {
    process.stderr.write(`--${missing} is required\n${USAGE}\n`);
    return 1;
  }
  const qualifiedFrom = v['qualified-from'] ?? 'warm';
  if (qualifiedFrom !== 'warm' && qualifiedFrom !== 'hot')
    throw new CliError(`--qualified-from ${qualifiedFrom}: expected warm or hot`);
  const examples = v.examples === undefined ? 5 : Number(v.examples);
  if (!Number.isInteger(examples) || examples < 0)
    throw new CliError(`--examples ${v.examples}: expected a whole number`);
  const rules = readRulesFile(v.rules!);
  const compare = v.compare ? readRulesFile(v.compare, 'compare rules file') : undefined;
  const table = readHistory(v.history!);
  const progress = terminalProgress('backtest');
  let report: CsvBacktestReport;
  try {
    report = backtestCsv(table, rules, {
      outcome: v.outcome!,
      ...(v.positive?.length ? { positive: v.positive } : {}),
      ...(compare ? { compare } : {}),
      ...(v.date ? { date: v.date } : {}),
      ...(v.id ? { id: v.id } : {}),
      qualifiedFrom,
      examples,
      now: new Date(),
      onProgress: progress,
    });
  } finally {
    progress.done();
  }
  process.stdout.write(
    v.json ? `${JSON.stringify(report)}\n` : `${summary(report, v.history!, v.rules!, v.compare)}\n`,
  );
  return 0;
}

runCli(main, import.meta.url);
