/**
 * Versioned prompt templates (`prompts/<name>.v<version>.<role>.mustache`), rendered with mustache.
 * Rendering never HTML-escapes (the prompts are plain text); untrusted values are neutralised before they
 * get here (see `buildPromptView`).
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import Mustache from 'mustache';

export const PROMPT_NAME = 'rationale-and-draft';
export const PROMPT_MAJOR = 1;
/** Stored with every result written from this prompt. */
export const PROMPT_VERSION = `${PROMPT_NAME}@${PROMPT_MAJOR}`;

function hereDir(): string | undefined {
  try {
    return typeof import.meta.url === 'string' ? dirname(fileURLToPath(import.meta.url)) : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Where the prompt files are, first that holds `probe`: `$PROMPTS_DIR`; `prompts/` beside the running file
 * (a bundle copies them next to itself); the repository's `prompts/` (from this source file); `./prompts`.
 */
export function resolvePromptsDir(probe = `${PROMPT_NAME}.v${PROMPT_MAJOR}.system.mustache`): string {
  const here = hereDir();
  const candidates = [
    process.env.PROMPTS_DIR,
    here ? join(here, 'prompts') : undefined,
    here ? resolve(here, '../../../prompts') : undefined,
    resolve(process.cwd(), 'prompts'),
  ].filter((c): c is string => !!c);
  for (const dir of candidates) if (existsSync(join(dir, probe))) return dir;
  throw new Error(`prompt templates not found (tried ${candidates.length} locations; set PROMPTS_DIR)`);
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
