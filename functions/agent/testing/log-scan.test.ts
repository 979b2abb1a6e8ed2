import { execFile } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { startLogScan } from '../../../test/log-scan/global-setup';
import { createLogScanner, describeHit, scanLogDirectory } from './log-scan';
import { collectTestPersonalData, type TestPersonalData } from './personal-data';

const ROOT = resolve(import.meta.dirname, '..', '..', '..');
const CAPTURE = pathToFileURL(join(ROOT, 'test', 'log-scan', 'capture.mjs')).href;
const run = promisify(execFile);

// A person made up for this file only, so nothing here matches the rest of the suite's data.
const PERSON = {
  email: 'quirina.zwartveld@zwartveld-bouw.example',
  names: ['Quirina', 'Zwartveld', 'Quirina Zwartveld'],
  phone: '+31 70 345 6789',
};
const DATA: TestPersonalData = { emails: [PERSON.email], names: PERSON.names, phones: [PERSON.phone] };
const scanner = createLogScanner(DATA, ['sales@example.com', 'privacy@example.com']);
const kinds = (line: string) => scanner.scanLine(line).map((h) => h.kind);

const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

describe('log scan: one line', () => {
  it('finds the email, the name and the phone number in the forms a log would carry them, masked', () => {
    // Prepare
    const lines = {
      json: `{"level":"INFO","message":"x","to":"${PERSON.email}"}`,
      upper: `mail for ${PERSON.email.toUpperCase()}`,
      urlEncoded: 'body=email%3Dquirina.zwartveld%40zwartveld-bouw.example%26x%3D1',
      fullName: '{"person":"Quirina Zwartveld"}',
      lastName: 'hello Zwartveld,',
      e164: '"phone":"+31703456789"',
      national: 'bel 070-345 6789',
    };
    // Act
    const found = Object.fromEntries(Object.entries(lines).map(([k, l]) => [k, scanner.scanLine(l)]));
    // Assess
    expect(found.json).toEqual([{ kind: 'email', datum: 'q***@z***.example' }]);
    expect(found.upper!.map((h) => h.kind)).toEqual(['email']);
    expect(found.urlEncoded!.map((h) => h.kind)).toEqual(['email']);
    expect(found.fullName).toEqual([{ kind: 'name', datum: 'Q*** (17 characters)' }]);
    expect(found.lastName!.map((h) => h.kind)).toEqual(['name']);
    expect(found.e164).toEqual([{ kind: 'phone', datum: '…89' }]);
    expect(found.national!.map((h) => h.kind)).toEqual(['phone']);
    // The report never carries the datum in full.
    for (const hits of Object.values(found)) {
      for (const h of hits)
        for (const d of [PERSON.email, ...PERSON.names, '703456789']) expect(h.datum).not.toContain(d);
    }
  });

  it('finds any other email address and any valid phone number too, but lets system addresses pass', () => {
    // Act / Assess
    expect(kinds('sent to someone.else@another-company.example')).toEqual(['email']);
    expect(kinds('caller +44 20 7946 0958 rang')).toEqual(['phone']);
    expect(kinds('caller 06 12345678 rang')).toEqual(['phone']);
    expect(kinds('from "Sales" <sales@example.com>, reply privacy@example.com')).toEqual([]);
  });

  it('leaves what logs do carry alone: ids, ISO timestamps with offsets, epoch millis, counts, durations', () => {
    // Act / Assess
    const line =
      '{"level":"INFO","message":"lead qualified","timestamp":"2026-03-02T09:14:00.000+01:00","leadId":"01JCRM00000000000000000003",' +
      '"at":1764682000123,"count":12,"durationMs":0.0123456789,"tier":"hot","zip":"1012 AB","kvk":"12345678"}';
    expect(scanner.scanLine(line)).toEqual([]);
  });
});

describe('log scan: a process that logs', () => {
  const probe = async (dir: string, lines: string[]) =>
    run(process.execPath, ['--import', CAPTURE, '--input-type=module', '-e', lines.join('\n')], {
      cwd: ROOT,
      env: { ...process.env, LOG_SCAN_DIR: dir, POWERTOOLS_DEV: '' },
    });

  it('catches a test email a command-line child writes to stderr or through the Powertools logger, with file and line', async () => {
    // Prepare
    const dir = mkdtempSync(join(tmpdir(), 'log-scan-test-'));
    dirs.push(dir);
    // Act
    const { stdout } = await probe(dir, [
      "import { Logger } from '@aws-lambda-powertools/logger';",
      "console.log('lead 01ABC received');",
      `console.error('reply to ${PERSON.email}');`,
      "process.stderr.write('warning: Zwartveld\\n');",
      `new Logger({ serviceName: 'probe' }).info('contact', { phone: '${PERSON.phone}' });`,
      // The program's answer on stdout is what its operator asked for, not a log line.
      `console.log(JSON.stringify({ email: '${PERSON.email}' }));`,
    ]);
    const hits = scanLogDirectory(dir, scanner);
    // Assess
    expect(stdout).toContain(PERSON.email);
    expect(readdirSync(dir).filter((f) => f.endsWith('.log'))).toHaveLength(1);
    expect(hits.map((h) => [h.kind, h.line])).toEqual([
      ['email', 3],
      ['name', 4],
      ['phone', 5],
    ]);
    expect(hits[0]!.context).toMatch(/^process \d+ /);
    expect(describeHit(hits[0]!, dir)).toMatch(
      /^\d+\.log:3 — email q\*\*\*@z\*\*\*\.example \(while: process \d+/,
    );
  });

  it('in a test worker keeps all of stdout and the console: a test that logs a test email is caught', async () => {
    // Prepare
    const dir = mkdtempSync(join(tmpdir(), 'log-scan-test-'));
    dirs.push(dir);
    // Act: what test/log-scan/setup.ts does in every vitest worker, then a plain console.log.
    await probe(dir, [
      `import { captureConsole, installLogCapture } from '${CAPTURE}';`,
      'const capture = installLogCapture();',
      'capture.stdoutIsLog = true;',
      'captureConsole(capture);',
      "capture.marker('test-file functions/example.test.ts');",
      `console.log('created lead for', '${PERSON.email}');`,
    ]);
    const hits = scanLogDirectory(dir, scanner);
    // Assess
    expect(hits).toEqual([
      expect.objectContaining({ kind: 'email', context: 'test-file functions/example.test.ts' }),
    ]);
  });

  it('records nothing and changes nothing when no scan is running', async () => {
    // Prepare
    const dir = mkdtempSync(join(tmpdir(), 'log-scan-test-'));
    dirs.push(dir);
    const env = { ...process.env };
    delete env.LOG_SCAN_DIR;
    // Act
    const { stdout } = await run(
      process.execPath,
      ['--import', CAPTURE, '--input-type=module', '-e', "console.log('plain output')"],
      { cwd: dir, env },
    );
    // Assess
    expect(stdout).toBe('plain output\n');
    expect(readdirSync(dir)).toEqual([]);
  });
});

describe('test personal data', () => {
  it('is collected from the provider fixtures, the samples, the drafting fixtures and the test sources', async () => {
    // Act
    const data = await collectTestPersonalData(ROOT);
    // Assess: one datum from each kind of source.
    expect(data.emails).toContain('sarah.jones@northwind-logistics.co.uk'); // provider fixture
    expect(data.names).toContain('Sarah Jones');
    expect(data.phones).toContain('+442079460958');
    expect(data.emails).toContain('sanne.devries@cloudwerk.nl'); // CLI sample
    expect(data.names).toContain('Pieter Jansen'); // drafting fixture
    expect(data.names).toContain('Privacytest-Vos'); // a literal in an integration test
    expect(data.names).not.toContain('person.firstName');
  });
});

describe('the run-level scan (the root global setup)', () => {
  it('fails the run: its teardown sets exit code 1 and throws when a captured line holds a test email', async () => {
    // Prepare: a run of its own (restoring this worker's environment and exit code afterwards)
    const saved = {
      dir: process.env.LOG_SCAN_DIR,
      options: process.env.NODE_OPTIONS,
      code: process.exitCode,
    };
    const reported: string[] = [];
    const teardown = startLogScan((text) => reported.push(text));
    const dir = process.env.LOG_SCAN_DIR!;
    dirs.push(dir);
    process.env.LOG_SCAN_DIR = saved.dir;
    process.env.NODE_OPTIONS = saved.options;
    writeFileSync(
      join(dir, '1.log'),
      '\n#@ test-file functions/example.test.ts\nsent to sarah.jones@northwind-logistics.co.uk\n',
    );
    try {
      // Act
      const outcome = await teardown().then(
        () => 'passed',
        (error: Error) => error.message,
      );
      // Assess
      expect(outcome).toMatch(/personal data in 1 captured log line/);
      expect(process.exitCode).toBe(1);
      expect(readdirSync(dir)).toContain('1.log');
      const text = reported.join('');
      expect(text).toContain('1.log:3 — email s***@n***.uk (while: test-file functions/example.test.ts)');
      expect(text).toContain(`Captured output kept in ${dir}`);
      expect(text).not.toContain('sarah.jones');
    } finally {
      process.exitCode = saved.code;
    }
  });

  it('passes a clean run and removes its directory', async () => {
    // Prepare
    const saved = {
      dir: process.env.LOG_SCAN_DIR,
      options: process.env.NODE_OPTIONS,
      code: process.exitCode,
    };
    const reported: string[] = [];
    const teardown = startLogScan((text) => reported.push(text));
    const dir = process.env.LOG_SCAN_DIR!;
    dirs.push(dir);
    process.env.LOG_SCAN_DIR = saved.dir;
    process.env.NODE_OPTIONS = saved.options;
    writeFileSync(
      join(dir, '1.log'),
      '{"level":"INFO","message":"Lead accepted","leadId":"01ABC","count":2}\n',
    );
    // Act
    await teardown();
    // Assess
    expect(process.exitCode).toBe(saved.code);
    expect(reported).toEqual([]);
    expect(() => readdirSync(dir)).toThrow();
  });
});
