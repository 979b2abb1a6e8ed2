/**
 * Versioned prompt templates (`prompts/<name>.v<version>.<role>.mustache`), rendered with mustache.
 * Rendering never HTML-escapes (the prompts are plain text); untrusted values are neutralised before they
 * get here (see `buildPromptView`).
 */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import Mustache from 'mustache';
import { resolveBundledFile } from '../bundled-file';

export const PROMPT_NAME = 'rationale-and-draft';
export const PROMPT_MAJOR = 1;
/** Stored with every result written from this prompt. */
export const PROMPT_VERSION = `${PROMPT_NAME}@${PROMPT_MAJOR}`;

/** The prompts folder: `$PROMPTS_DIR` (must hold the prompt), else the shipped `prompts/` (see bundled-file). */
export function resolvePromptsDir(probe = `${PROMPT_NAME}.v${PROMPT_MAJOR}.system.mustache`): string {
  const dir = process.env.PROMPTS_DIR;
  return dirname(resolveBundledFile(`prompts/${probe}`, dir ? join(dir, probe) : undefined, 'PROMPTS_DIR'));
}

const cache = new Map<string, string>();

export function loadPrompt(role: 'system' | 'user', name = PROMPT_NAME, major = PROMPT_MAJOR): string {
  const file = `${name}.v${major}.${role}.mustache`;
  const hit = cache.get(file);
  if (hit !== undefined) return hit;
  const text = readFileSync(join(resolvePromptsDir(), file), 'utf8');
  cache.set(file, text);
  return text;
}

const noEscape = (s: string): string => s;

export function renderPrompt(template: string, view: object): string {
  return Mustache.render(template, view, undefined, { escape: noEscape });
}
