/**
 * vitest `setupFiles` of every project: records what this worker writes (stdout, stderr and vitest's
 * console) for the personal-data scan the root global setup runs at the end (./global-setup.ts), marks
 * which test file the following lines belong to, and lets tests register personal data they make up at run
 * time (`registerTestPersonalData`).
 */
import { appendFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { expect } from 'vitest';
import { setTestPersonalDataSink } from '../../functions/agent/testing/personal-data';
import { captureConsole, installLogCapture } from './capture.mjs';

const capture = installLogCapture();
if (capture) {
  capture.stdoutIsLog = true;
  captureConsole(capture);
  const testPath = expect.getState().testPath;
  capture.marker(`test-file ${testPath ? relative(process.cwd(), testPath) : '(unknown)'}`);
  const registry = join(process.env.LOG_SCAN_DIR!, 'registered-personal-data.jsonl');
  setTestPersonalDataSink((data) => appendFileSync(registry, `${JSON.stringify(data)}\n`));
}
