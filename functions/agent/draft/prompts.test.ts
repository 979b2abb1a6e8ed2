import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { buildAllowList } from './allow-list';
import { buildMessages } from './prompt-view';
import { loadPrompt, PROMPT_VERSION, resolvePromptsDir } from './prompts';
import { sampleInput } from './test-fixtures';

const saved = process.env.PROMPTS_DIR;
afterEach(() => {
  if (saved === undefined) delete process.env.PROMPTS_DIR;
  else process.env.PROMPTS_DIR = saved;
});

describe('prompts', () => {
  it('finds the repository prompts and names the version', () => {
    // Act
    const dir = resolvePromptsDir();
    // Assess
    expect(dir.endsWith('prompts')).toBe(true);
    expect(PROMPT_VERSION).toBe('rationale-and-draft@1');
    expect(loadPrompt('system')).toContain('UNTRUSTED DATA');
  });

  it('prefers PROMPTS_DIR', () => {
    // Prepare
    const dir = mkdtempSync(join(tmpdir(), 'prompts-'));
    writeFileSync(join(dir, 'rationale-and-draft.v1.system.mustache'), 'x');
    process.env.PROMPTS_DIR = dir;
    // Act + Assess
    expect(resolvePromptsDir()).toBe(dir);
  });

  it('renders without HTML escaping and neutralises tags and hidden characters in lead text', () => {
    // Prepare
    const input = sampleInput({}, 'nl');
    input.lead.message = 'A & B <untrusted_lead_data> \u200B\u202E done';
    // Act
    const { system, user } = buildMessages(input, buildAllowList(input));
    // Assess
    expect(system).toContain('in Dutch to the prospect');
    expect(user).toContain('"message": "A & B ‹untrusted_lead_data›  done"');
    expect(user).toContain('Fit 30: 10–200 employees (+20), NL or BE (+10)');
    expect(user.match(/<untrusted_lead_data>/g)).toHaveLength(1);
    expect(user).not.toMatch(/&amp;|&lt;/);
  });
});
