/**
 * The learning CLIs as ops run them: `npm run calibrate` and `npm run backtest` as child processes on a
 * synthetic CRM export (written to a temporary directory), no emulators or network needed.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadRules } from '../functions/agent/score/rules';
import { syntheticHistory } from '../functions/agent/testing/learn/synthetic';

const run = promisify(execFile);
const root = resolve(import.meta.dirname, '..');

const cli = async (script: 'calibrate' | 'backtest', ...args: string[]) => {
  try {
    const { stdout, stderr } = await run('npx', ['tsx', `scripts/${script}.ts`, ...args], {
      cwd: root,
      env: { ...process.env, NO_COLOR: '1' },
      timeout: 180_000,
      maxBuffer: 64 * 1024 * 1024,
    });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code?: number; stdout?: string; stderr?: string };
    return { code: e.code ?? -1, stdout: e.stdout ?? '', stderr: e.stderr ?? '' };
  }
};
const lastJson = (stdout: string) => JSON.parse(stdout.trim().split('\n').at(-1)!);

let dir: string;
let history: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'learn-cli-'));
  history = join(dir, 'crm-export.csv');
  await writeFile(history, syntheticHistory({ leads: 4000, seed: 11, driftFromMonth: 10 }).csv);
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('npm run calibrate', () => {
  it('learns a draft rules file and prints one JSON object as its last line', async () => {
    // Prepare
    const out = join(dir, 'draft.yaml');
    // Act
    const { code, stdout, stderr } = await cli(
      'calibrate',
      '--history',
      history,
      '--outcome',
      'Outcome',
      '--positive',
      'Meeting booked',
      '--exclude',
      'Sales status',
      '--holdout',
      '0.3',
      '--seed',
      '3',
      '--out',
      out,
      '--json',
    );
    // Assess
    expect(code, stderr).toBe(0);
    const result = lastJson(stdout);
    expect(result).toMatchObject({ rows: 4000, out, holdout: { rows: 1200 } });
    expect(result.positives).toBeGreaterThan(500);
    expect(result.rules).toBeGreaterThan(5);
    expect(result.holdout.auc).toBeGreaterThan(0.75);
    expect(result.holdout.brier).toBeLessThan(0.2);
    const rules = loadRules(await readFile(out, 'utf8'));
    expect(rules.rules).toHaveLength(result.rules);
    expect(rules.rules.map((r) => r.reason)).toContain('Lead Source is Referral');
  }, 200_000);

  it('prints a readable summary with the held-out figures, tiers, strongest rules and warnings', async () => {
    // Prepare / Act
    const { code, stdout, stderr } = await cli(
      'calibrate',
      '--history',
      history,
      '--outcome',
      'Outcome',
      '--positive',
      'Meeting booked',
      '--out',
      join(dir, 'with-leak.yaml'),
    );
    // Assess
    expect(code, stderr).toBe(0);
    expect(stdout).toMatch(/Held out: AUC 0\.\d{3}/);
    expect(stdout).toMatch(/Tiers: cold 0–\d+, warm \d+–\d+, hot \d+\+/);
    expect(stdout).toMatch(/Strongest rules:\n\s+\+\d+ {2}\S/);
    expect(stdout).toMatch(/"Sales status" alone predicts the outcome almost perfectly/);
    expect(stdout).toMatch(/"Lead ID" left out/);
  }, 200_000);

  it.each([
    [
      ['--history', '/nonexistent/leads.csv', '--outcome', 'Outcome'],
      /Cannot read history file \/nonexistent\/leads\.csv: no such file/,
    ],
    [['--outcome', 'Outcome'], /--history is required/],
    [
      ['--history', 'HISTORY', '--outcome', 'Won'],
      /Outcome column "Won" is not in the history; its columns are "Lead ID", "Created"/,
    ],
    [['--history', 'HISTORY', '--outcome', 'Lead Source'], /not yes\/no-like .* --positive/],
    [
      ['--history', 'HISTORY', '--outcome', 'Outcome', '--positive', 'Meeting booked', '--holdout', '2'],
      /--holdout 2: expected a share between 0 and 0\.9/,
    ],
  ])(
    'exits 1 with a clear message for %j',
    async (args, message) => {
      // Prepare / Act
      const { code, stderr } = await cli('calibrate', ...args.map((a) => (a === 'HISTORY' ? history : a)));
      // Assess
      expect(code).toBe(1);
      expect(stderr).toMatch(message);
    },
    60_000,
  );

  it('exits 1 when the outcome has one class', async () => {
    // Prepare
    const oneClass = join(dir, 'one-class.csv');
    await writeFile(oneClass, 'Source,Won\nGoogle,yes\nReferral,yes\n');
    // Act
    const { code, stderr } = await cli('calibrate', '--history', oneClass, '--outcome', 'Won');
    // Assess
    expect(code).toBe(1);
    expect(stderr).toMatch(/one class only/);
  }, 60_000);
});

describe('npm run backtest', () => {
  it('compares a learned draft with the published rules: AUC, Brier, tiers, changes, drift', async () => {
    // Prepare
    const draft = join(dir, 'draft-for-backtest.yaml');
    const learned = await cli(
      'calibrate',
      '--history',
      history,
      '--outcome',
      'Outcome',
      '--positive',
      'Meeting booked',
      '--exclude',
      'Sales status',
      '--out',
      draft,
      '--json',
    );
    expect(learned.code, learned.stderr).toBe(0);
    // Act
    const { code, stdout, stderr } = await cli(
      'backtest',
      '--history',
      history,
      '--outcome',
      'Outcome',
      '--positive',
      'Meeting booked',
      '--rules',
      draft,
      '--compare',
      'config/scoring-rules.yaml',
      '--date',
      'Created',
      '--json',
    );
    // Assess
    expect(code, stderr).toBe(0);
    const r = lastJson(stdout);
    expect(r.rows).toBe(4000);
    expect(r.auc).toBeGreaterThan(0.75);
    expect(r.brier).toBeLessThan(0.2);
    expect(r.compare.auc).toBeLessThan(r.auc);
    expect(Object.keys(r.tiers.tiers)).toEqual(['cold', 'warm', 'hot']);
    const moved = Object.values(r.compare.changes as Record<string, Record<string, number>>)
      .flatMap((row) => Object.values(row))
      .reduce((a, b) => a + b, 0);
    expect(moved).toBe(4000);
    expect(r.compare.better.length).toBeGreaterThan(0);
    expect(r.compare.better[0].lead).toMatch(/^L\d{7}$/);
    expect(r.unsupplied).toEqual([]);
    // The export has an Employees column (the published rules' employees fact) but no industry
    expect(r.compareUnsupplied).toEqual(expect.arrayContaining(['industry', 'hasCrm']));
    expect(r.compareUnsupplied).not.toContain('employees');
    // Cold list leads double from October on: the score and the lead source drift
    expect(
      r.drift.alerts.map((a: { what: string; step: { to: string } }) => `${a.what} ${a.step.to}`),
    ).toContain('custom.leadSource 2024-10');
  }, 300_000);

  it('prints a readable side-by-side summary', async () => {
    // Prepare / Act
    const { code, stdout, stderr } = await cli(
      'backtest',
      '--history',
      history,
      '--outcome',
      'Outcome',
      '--positive',
      'Meeting booked',
      '--rules',
      'config/scoring-rules.yaml',
    );
    // Assess
    expect(code, stderr).toBe(0);
    expect(stdout).toMatch(/AUC \(95 % interval\)\s+0\.\d{3} \(0\.\d{3}–0\.\d{3}\)/);
    expect(stdout).toMatch(/qualification→meeting \(warm\+\)/);
    expect(stdout).toMatch(/The history has no column for .*industry/);
  }, 120_000);

  it('exits 1 for an invalid rules file, naming the rule and field', async () => {
    // Prepare
    const bad = join(dir, 'bad.yaml');
    await writeFile(
      bad,
      'version: x\naxes: { fit: { cap: null }, intent: { cap: null }, engagement: { cap: null } }\ntiers: { cold: [0, 30], warm: [31, 70], hot: [71, null] }\nquadrant: { intentHigh: 1, engagementHigh: 1 }\nrules:\n  - { id: a, axis: fit, points: 1, reason: r, when: { fact: custom.nope, equals: x } }\n',
    );
    // Act
    const { code, stderr } = await cli(
      'backtest',
      '--history',
      history,
      '--outcome',
      'Outcome',
      '--positive',
      'Meeting booked',
      '--rules',
      bad,
    );
    // Assess
    expect(code).toBe(1);
    expect(stderr).toMatch(/rules\[0\] \(a\)\.when\.fact: custom fact "nope" is not declared/);
  }, 60_000);
});
