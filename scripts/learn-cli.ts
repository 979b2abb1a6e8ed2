/**
 * What the learning CLIs (scripts/calibrate.ts, scripts/backtest.ts) share: reading the history and rules
 * files with clear errors, progress on a terminal, number formatting, the exit-code convention.
 */
import { readFileSync } from 'node:fs';
import { CsvError, type CsvTable, HistoryError, parseCsv } from '../functions/agent/learn';
import { loadRules, type RulesFile, RulesValidationError } from '../functions/agent/score/rules';

export class CliError extends Error {
  override readonly name = 'CliError';
}

function readText(file: string, what: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const why =
      code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'it is a directory' : (code ?? 'unreadable');
    throw new CliError(`Cannot read ${what} ${file}: ${why}`);
  }
}

export function readHistory(file: string): CsvTable {
  const text = readText(file, 'history file');
  try {
    return parseCsv(text);
  } catch (error) {
    if (error instanceof CsvError)
      throw new CliError(`History file ${file} is not a readable CSV: ${error.message}`);
    throw error;
  }
}

export function readRulesFile(file: string, what = 'rules file'): RulesFile {
  const text = readText(file, what);
  try {
    return loadRules(text);
  } catch (error) {
    if (error instanceof RulesValidationError)
      throw new CliError(`Rules file ${file} is invalid:\n  ${error.issues.join('\n  ')}`);
    throw error;
  }
}

/** A progress line on stderr, redrawn in place — only when stderr is a terminal. */
export function terminalProgress(
  label: string,
): ((stage: string, fraction: number) => void) & { done(): void } {
  const tty = process.stderr.isTTY === true;
  let last = '';
  let shown = false;
  const fn = (stage: string, fraction: number) => {
    if (!tty) return;
    const line = `${label}: ${stage} ${Math.round(Math.min(1, Math.max(0, fraction)) * 100)} %`;
    if (line === last) return;
    last = line;
    shown = true;
    process.stderr.write(`\r\x1b[2K${line}`);
  };
  return Object.assign(fn, {
    done() {
      if (tty && shown) process.stderr.write('\r\x1b[2K');
    },
  });
}

export const pct = (x: number | null | undefined, digits = 1): string =>
  x === null || x === undefined || Number.isNaN(x) ? '–' : `${(x * 100).toFixed(digits)} %`;
export const fixed = (x: number | null | undefined, digits = 3): string =>
  x === null || x === undefined || Number.isNaN(x) ? '–' : x.toFixed(digits);
export const int = (x: number): string => x.toLocaleString('en-US');
export const signed = (x: number): string => (x > 0 ? `+${x}` : String(x));

/** Splits `--exclude a,b --exclude c` into column names. */
export const listOption = (values: readonly string[] | undefined): string[] =>
  (values ?? [])
    .flatMap((v) => v.split(','))
    .map((v) => v.trim())
    .filter(Boolean);

/** Runs a CLI main: known errors print their message and exit 1; anything else prints its stack. */
export function runCli(main: (argv: string[]) => Promise<number> | number, metaUrl: string): void {
  const isMain = process.argv[1] && metaUrl === new URL(`file://${process.argv[1]}`).href;
  if (!isMain) return;
  Promise.resolve()
    .then(() => main(process.argv.slice(2)))
    .then(
      (code) => {
        process.exitCode = code;
      },
      (error) => {
        if (error instanceof CliError || error instanceof HistoryError) {
          process.stderr.write(`${error.message}\n`);
          process.exitCode = 1;
          return;
        }
        process.stderr.write(`Unexpected error: ${(error as Error)?.stack ?? String(error)}\n`);
        process.exitCode = 1;
      },
    );
}
