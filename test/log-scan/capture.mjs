/**
 * Log capture for the whole-suite personal-data scan (see ./global-setup.ts and docs/privacy.md).
 *
 * Loaded into every Node process of a test run that runs our code: the vitest workers (through `setupFiles`)
 * and every Node child process a test starts (through `NODE_OPTIONS=--import`, set by the root global setup).
 * When `LOG_SCAN_DIR` is set it tees everything the process writes to `process.stdout` / `process.stderr`
 * into `<LOG_SCAN_DIR>/<pid>.log` (synchronously, so a crash loses nothing), untouched otherwise. Lines that
 * start with `#@ ` are markers this module writes itself (which process, which test file); the scanner skips
 * them. Plain JavaScript, so a child that runs without a TypeScript loader (`npx`, `node`) can load it.
 */
import { closeSync, openSync, writeSync } from 'node:fs';
import { basename, join } from 'node:path';
import { format } from 'node:util';

const INSTALLED = Symbol.for('lead-qualifier.log-capture');
const CONSOLE_WRAPPED = Symbol.for('lead-qualifier.log-capture.console');
/** A line of the Powertools logger (JSON, `level` first). */
const LOGGER_LINE = /^\s*\{\s*"level"\s*:/;

/** The open capture of this process, or undefined when no scan is running. */
export function installLogCapture() {
  const existing = process[INSTALLED];
  if (existing) return existing;
  const dir = process.env.LOG_SCAN_DIR;
  if (!dir) return undefined;
  const file = join(dir, `${process.pid}.log`);
  const capture = { file, record: undefined, marker: undefined, stdoutIsLog: false, inConsole: false };
  const fd = openSync(file, 'a');
  const record = (chunk, encoding) => {
    try {
      if (typeof chunk === 'string')
        writeSync(fd, chunk, null, typeof encoding === 'string' ? encoding : 'utf8');
      else if (chunk instanceof Uint8Array) writeSync(fd, chunk);
      else writeSync(fd, String(chunk));
    } catch {
      // The capture never breaks the process it watches.
    }
  };
  capture.record = record;
  const marker = (text) => record(`\n#@ ${text.replace(/\s+/g, ' ')}\n`);
  // A command-line program's stdout is its answer (the report or JSON the operator asked for), not its log:
  // from stdout only the structured logger's lines are kept until a vitest worker (where, as in Lambda,
  // stdout is the log) switches to keeping everything.
  let pending = '';
  const recordStdout = (chunk, encoding) => {
    if (capture.stdoutIsLog) {
      record(chunk, encoding);
      return;
    }
    pending += typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8');
    const lines = pending.split('\n');
    pending = lines.pop() ?? '';
    for (const line of lines) if (LOGGER_LINE.test(line)) record(`${line}\n`);
  };
  const wrap = (stream, into) => {
    const write = stream.write;
    stream.write = function captured(chunk, encoding, callback) {
      // What the console wrapper already recorded (a console that writes to these streams) counts once.
      if (!capture.inConsole) {
        try {
          into(chunk, encoding);
        } catch {
          // The capture never breaks the process it watches.
        }
      }
      return write.call(this, chunk, encoding, callback);
    };
  };
  capture.marker = marker;
  wrap(process.stdout, recordStdout);
  wrap(process.stderr, record);
  process.on('exit', () => {
    try {
      if (LOGGER_LINE.test(pending)) record(pending);
      closeSync(fd);
    } catch {}
  });
  // Only the script's file name: arguments may carry anything.
  const script = process.argv[1] ? basename(process.argv[1]) : '(none)';
  marker(`process ${process.pid} ${script}`);
  process[INSTALLED] = capture;
  return capture;
}

/**
 * vitest replaces `console` in its workers with one that forwards to the reporter instead of writing to
 * `process.stdout`; this records what goes through it too (formatted the way Node's console formats).
 */
export function captureConsole(capture) {
  const target = globalThis.console;
  if (!capture || target[CONSOLE_WRAPPED]) return;
  for (const method of ['log', 'info', 'warn', 'error', 'debug', 'trace', 'dir', 'table']) {
    const original = target[method];
    if (typeof original !== 'function') continue;
    target[method] = function capturedConsole(...args) {
      capture.record(`${format(...args)}\n`);
      capture.inConsole = true;
      try {
        return original.apply(this, args);
      } finally {
        capture.inConsole = false;
      }
    };
  }
  target[CONSOLE_WRAPPED] = true;
}

installLogCapture();
