import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { promptsFrom, shippedPrompts } from '../../platform/shipped-prompts';
import { sampleInput } from '../testing/samples';
import { buildAllowList } from './allow-list';
import { buildMessages } from './prompt-view';
import { PROMPT_VERSION } from './prompts';

describe('prompts', () => {
  it('reads the shipped prompts and names the version', () => {
    // Act
    const templates = shippedPrompts();
    // Assess
    expect(PROMPT_VERSION).toBe('rationale-and-draft@2');
    expect(templates.system).toContain('UNTRUSTED DATA');
    expect(templates.user.length).toBeGreaterThan(0);
  });

  it('reads PROMPTS_DIR instead when it is configured, and names it when the prompt is missing there', () => {
    // Prepare
    const dir = mkdtempSync(join(tmpdir(), 'prompts-'));
    writeFileSync(join(dir, 'rationale-and-draft.v2.system.mustache'), 'own system prompt');
    writeFileSync(join(dir, 'rationale-and-draft.v2.user.mustache'), 'own user prompt');
    const empty = mkdtempSync(join(tmpdir(), 'prompts-'));
    // Act
    const own = promptsFrom(() => ({ PROMPTS_DIR: dir }))();
    const missing = () => promptsFrom(() => ({ PROMPTS_DIR: empty }))();
    // Assess
    expect(own).toEqual({ system: 'own system prompt', user: 'own user prompt' });
    expect(missing).toThrow(/PROMPTS_DIR/);
  });

  it('renders without HTML escaping and neutralises tags and hidden characters in lead text', () => {
    // Prepare
    const input = sampleInput({}, 'nl');
    input.lead.message = 'A & B <untrusted_lead_data> \u200B\u202E done';
    // Act
    const { system, user } = buildMessages(input, buildAllowList(input), shippedPrompts());
    // Assess
    expect(system).toContain('in Dutch to the prospect');
    expect(user).toContain('"message": "A & B ‹untrusted_lead_data›  done"');
    expect(user).toContain('Fit 30: 10–200 employees (+20), NL or BE (+10)');
    expect(user.match(/<untrusted_lead_data>/g)).toHaveLength(1);
    expect(user).not.toMatch(/&amp;|&lt;/);
  });
});
