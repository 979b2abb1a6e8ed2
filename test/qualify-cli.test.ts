/**
 * The ops CLI (`npm run qualify -- <lead.json>`) as an operator runs it: a child process on the shipped
 * samples, no emulators, no network (`--offline`), a fixed `--now` so decay is reproducible.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const run = promisify(execFile);
const root = resolve(import.meta.dirname, '..');
const NOW = '2026-11-24T10:20:00+01:00';

const qualify = async (...args: string[]) => {
  try {
    // `npm run qualify` is `tsx scripts/qualify.ts`; node with the tsx loader runs the same without npm's start-up.
    const { stdout, stderr } = await run(
      process.execPath,
      ['--import', 'tsx', 'scripts/qualify.ts', ...args],
      {
        cwd: root,
        env: { ...process.env, NO_COLOR: '1', KVK_API_URL: '', KVK_API_KEY: '' },
        timeout: 60_000,
      },
    );
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code?: number; stdout?: string; stderr?: string };
    return { code: e.code ?? -1, stdout: e.stdout ?? '', stderr: e.stderr ?? '' };
  }
};

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'qualify-cli-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('scripts/qualify.ts', () => {
  it('prints scores, tier, quadrant, the full ledger, the route and the enrichment as JSON', async () => {
    // Prepare
    const args = ['samples/cli/hot-saas-nl.json', '--json', '--offline', '--now', NOW];
    // Act
    const { code, stdout, stderr } = await qualify(...args);
    // Assess
    expect(code, stderr).toBe(0);
    const out = JSON.parse(stdout);
    expect(Object.keys(out.scores).sort()).toEqual(['engagement', 'fit', 'intent', 'total']);
    expect(out.scores.total).toBe(out.scores.fit + out.scores.intent + out.scores.engagement);
    expect(out.tier).toBe('hot');
    expect(out.quadrant).toBe('act_now');
    const rules = await readFile(join(root, 'config/scoring-rules.yaml'), 'utf8');
    const ruleIds = [...rules.matchAll(/^ {2}- id: ([\w-]+)/gm)].map((m) => m[1]);
    expect(out.ledger.map((e: { ruleId: string }) => e.ruleId)).toEqual(expect.arrayContaining(ruleIds));
    expect(out.ledger.find((e: { ruleId: string }) => e.ruleId === 'demo-request')).toMatchObject({
      fired: true,
      awarded: 30,
    });
    expect(out.route).toMatchObject({ kind: 'owner', team: 'smb', ruleId: 'smb-benelux' });
    expect(out.route.ownerId).toMatch(/^rep-/);
    expect(out.route.slaDueAt).toBeTruthy();
    expect(out.route.note).toContain('ticket 1');
    expect(out.enrichment.registry.kvkNumber).toBe('95822412');
    expect(out.enrichment.tools.website.status).toBe('skipped');
  });

  it('shows a readable table with the fired rules’ reasons, the not-fired rules, totals and the route', async () => {
    // Prepare
    const args = ['samples/cli/hot-saas-nl.json', '--offline', '--now', NOW];
    // Act
    const { code, stdout, stderr } = await qualify(...args);
    // Assess
    expect(code, stderr).toBe(0);
    expect(stdout).toContain('Requested a demo or trial');
    expect(stdout).toContain('Visited the pricing page');
    expect(stdout).toContain('10–200 employees');
    expect(stdout).toMatch(/not fired: .*free-mail \(-15\)/);
    expect(stdout).toMatch(/TOTAL \d+ {3}tier hot {3}quadrant act_now {3}data confidence \d+%/);
    expect(stdout).toMatch(/ROUTE rep-\w+ in team smb/);
    expect(stdout).toContain('round-robin ticket 1');
  });

  it('sends a free-mail one-person company to nurture without a rep', async () => {
    // Prepare
    const args = ['samples/cli/nurture-freemail.json', '--json', '--offline', '--now', NOW];
    // Act
    const { code, stdout, stderr } = await qualify(...args);
    // Assess
    expect(code, stderr).toBe(0);
    const out = JSON.parse(stdout);
    expect(out.tier).toBe('cold');
    expect(out.route.kind).toBe('nurture');
    expect(out.route.slaDueAt).toBeUndefined();
    expect(out.ledger.find((e: { ruleId: string }) => e.ruleId === 'free-mail').fired).toBe(true);
  });

  it('reads a raw webform body through the same parser as POST /leads', async () => {
    // Prepare
    const args = ['samples/cli/webform-raw.json', '--json', '--offline', '--now', NOW];
    // Act
    const { code, stdout, stderr } = await qualify(...args);
    // Assess
    expect(code, stderr).toBe(0);
    const out = JSON.parse(stdout);
    expect(out.input.source).toBe('json');
    expect(out.enrichment.registry.kvkNumber).toBeTruthy();
    expect(out.ledger.find((e: { ruleId: string }) => e.ruleId === 'decision-maker-title').fired).toBe(true);
  });

  it('exits 1 naming the broken rule when the rules file is invalid', async () => {
    // Prepare
    const args = ['samples/cli/nurture-freemail.json', '--rules', 'samples/cli/bad-rules.yaml', '--offline'];
    // Act
    const { code, stdout, stderr } = await qualify(...args);
    // Assess
    expect(code).toBe(1);
    expect(stdout).toBe('');
    expect(stderr).toContain('bad-rules.yaml');
    expect(stderr).toContain('(free-mail).points');
  });

  it('exits 1 naming the field when the lead is invalid, and when the file is missing', async () => {
    // Prepare
    const lead = JSON.parse(await readFile(join(root, 'samples/cli/hot-saas-nl.json'), 'utf8'));
    lead.person.email = 'not-an-address';
    const bad = join(dir, 'bad-lead.json');
    await writeFile(bad, JSON.stringify(lead));
    // Act
    const invalid = await qualify(bad, '--offline');
    const missing = await qualify(join(dir, 'nope.json'), '--offline');
    // Assess
    expect(invalid.code).toBe(1);
    expect(invalid.stderr).toContain('person.email');
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('no such file');
  });

  it('scores with an edited rules file given with --rules', async () => {
    // Prepare
    const rules = (await readFile(join(root, 'config/scoring-rules.yaml'), 'utf8')).replace(
      /(- id: demo-request\n\s+axis: engagement\n\s+points: )30/,
      '$145',
    );
    expect(rules).toContain('points: 45');
    const file = join(dir, 'edited.yaml');
    await writeFile(file, rules);
    // Act
    const { code, stdout, stderr } = await qualify(
      'samples/cli/hot-saas-nl.json',
      '--json',
      '--offline',
      '--rules',
      file,
      '--now',
      NOW,
    );
    // Assess
    expect(code, stderr).toBe(0);
    const demo = JSON.parse(stdout).ledger.find((e: { ruleId: string }) => e.ruleId === 'demo-request');
    expect(demo).toMatchObject({ fired: true, points: 45 });
  });
});
