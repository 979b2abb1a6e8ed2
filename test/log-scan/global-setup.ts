/**
 * Root vitest globalSetup: the personal-data scan of every log line a test run writes.
 *
 * Setup creates the run directory (`LOG_SCAN_DIR`, under the OS temp dir) and puts the capture
 * (./capture.mjs) into `NODE_OPTIONS`, so every Node child process a test starts (CLI scripts, the emulator
 * child) tees its stdout/stderr there too; the vitest workers get it through `setupFiles` (./setup.ts).
 * Teardown scans every captured line for the test data's emails, names and phone numbers
 * (functions/agent/testing/personal-data.ts) and for any non-system email address or valid phone number; on
 * a hit it prints file, line and the masked datum, keeps the directory for inspection and fails the run
 * (exit code 1). A clean run removes the directory.
 *
 * Not scanned: the vitest main process (the reporter prints assertion diffs, which show test values by
 * design) and the emulators' own Java/in-process logs (DynamoDB Local, local-aws-sqs, aws-ses-v2-local are
 * not our code). `LOG_SCAN=off` switches the scan off (for a debugging session that prints on purpose).
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import {
  createLogScanner,
  describeHit,
  scanLogDirectory,
  withRegistered,
} from '../../functions/agent/testing/log-scan';
import { collectTestPersonalData } from '../../functions/agent/testing/personal-data';

const ROOT = resolve(import.meta.dirname, '..', '..');
const EMAIL = /[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}/g;
const SHOWN = 40;

/**
 * System addresses that may appear in a log: the team, privacy and routing addresses of `config/`, and the
 * sender and alarm addresses the configuration and the stack definition default to.
 */
export function systemAddresses(root = ROOT): string[] {
  const texts = [
    ...readdirSync(join(root, 'config'))
      .filter((f) => f.endsWith('.yaml'))
      .map((f) => readFileSync(join(root, 'config', f), 'utf8')),
    readFileSync(join(root, 'functions', 'platform', 'config.ts'), 'utf8'),
  ];
  return [...new Set(texts.flatMap((t) => [...t.matchAll(EMAIL)].map((m) => m[0].toLowerCase())))];
}

export default function setup(): (() => Promise<void>) | undefined {
  if (process.env.LOG_SCAN === 'off') return undefined;
  return startLogScan();
}

/** Starts a scan; the teardown it returns scans and reports through `report` (the terminal by default). */
export function startLogScan(
  report: (text: string) => void = (text) => process.stderr.write(text),
): () => Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'lead-qualifier-log-scan-'));
  process.env.LOG_SCAN_DIR = dir;
  const importCapture = `--import=${pathToFileURL(join(import.meta.dirname, 'capture.mjs')).href}`;
  process.env.NODE_OPTIONS = [process.env.NODE_OPTIONS, importCapture].filter(Boolean).join(' ');
  return async () => {
    let hits: ReturnType<typeof scanLogDirectory>;
    try {
      const data = withRegistered(
        await collectTestPersonalData(ROOT),
        join(dir, 'registered-personal-data.jsonl'),
      );
      hits = scanLogDirectory(dir, createLogScanner(data, systemAddresses()));
    } catch (error) {
      // A scan that cannot run is a failed scan, not a pass (vitest only logs what a teardown throws).
      process.stderr.write(
        `\nPersonal-data log scan could not run (output kept in ${dir}): ${String(error)}\n`,
      );
      process.exitCode = 1;
      throw error;
    }
    if (hits.length === 0) {
      rmSync(dir, { recursive: true, force: true });
      return;
    }
    const lineCount = new Set(hits.map((h) => `${h.file}:${h.line}`)).size;
    const lines = hits.slice(0, SHOWN).map((h) => `  ${describeHit(h, dir)}`);
    const more = hits.length > SHOWN ? [`  … and ${hits.length - SHOWN} more`] : [];
    const message = [
      '',
      `Personal-data log scan: test personal data found ${hits.length} time(s) in ${lineCount} captured log line(s); logs carry ids and counts only.`,
      `Captured output kept in ${dir}`,
      ...lines,
      ...more,
      '',
    ].join('\n');
    report(message);
    process.exitCode = 1;
    throw new Error(`personal data in ${lineCount} captured log line(s); see above`);
  };
}
