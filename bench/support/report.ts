/**
 * Report helpers shared by the benchmarks: the machine a result was measured on, a plain-text table for the
 * console, and writing `bench/results/<name>.json` (the file bench/run-all.ts collects).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, totalmem } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export interface MachineInfo {
  readonly cpu: string;
  readonly cores: number;
  readonly memoryGiB: number;
  readonly node: string;
  readonly platform: string;
  /** 1-minute load average when the result was taken: other work on a shared machine skews latencies. */
  readonly loadAvg1m: number;
}

export const machineInfo = (): MachineInfo => ({
  cpu: cpus()[0]?.model ?? 'unknown',
  cores: cpus().length,
  memoryGiB: Math.round((totalmem() / 1024 ** 3) * 10) / 10,
  node: process.version,
  platform: `${process.platform}-${process.arch}`,
  loadAvg1m: Math.round(loadavg()[0]! * 100) / 100,
});

export const RESULTS_DIR = fileURLToPath(new URL('../results/', import.meta.url));

/** Writes `{ name, date, machine, ...result }` to bench/results/<name>.json and returns the path. */
export const writeResult = (name: string, result: Record<string, unknown>, dir = RESULTS_DIR): string => {
  mkdirSync(dir, { recursive: true });
  const path = join(dir, `${name}.json`);
  const doc = { name, date: new Date().toISOString(), machine: machineInfo(), ...result };
  writeFileSync(path, `${JSON.stringify(doc, null, 2)}\n`);
  return path;
};

/** A right-aligned plain-text table (first column left-aligned). */
export const formatTable = (
  header: readonly string[],
  rows: readonly (readonly (string | number)[])[],
): string => {
  const cells = [header, ...rows].map((r) => r.map(String));
  const widths = header.map((_, i) => Math.max(...cells.map((r) => (r[i] ?? '').length)));
  const line = (r: readonly string[]) =>
    r.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ');
  return [line(cells[0]!), widths.map((w) => '-'.repeat(w)).join('  '), ...cells.slice(1).map(line)].join(
    '\n',
  );
};
