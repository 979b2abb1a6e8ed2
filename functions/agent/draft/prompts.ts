/**
 * Versioned prompt templates (`prompts/<name>.v<version>.<role>.mustache`), rendered with mustache.
 * Rendering never HTML-escapes (the prompts are plain text); untrusted values are neutralised before they
 * get here (see `buildPromptView`).
 */
import { readFileSync } from 'node:fs';
import Mustache from 'mustache';

export const PROMPT_NAME = 'rationale-and-draft';
export const PROMPT_MAJOR = 2;
/** Stored with every result written from this prompt. */
export const PROMPT_VERSION = `${PROMPT_NAME}@${PROMPT_MAJOR}`;

/** The system and user templates of one prompt version. */
export interface PromptTemplates {
  readonly system: string;
  readonly user: string;
}

/** Reads the templates of this prompt version; `locate` turns a file name into the path to read. */
export function readPromptTemplates(
  locate: (file: string) => string,
  name = PROMPT_NAME,
  major = PROMPT_MAJOR,
): PromptTemplates {
  const read = (role: 'system' | 'user') =>
    readFileSync(locate(`${name}.v${major}.${role}.mustache`), 'utf8');
  return { system: read('system'), user: read('user') };
}

const noEscape = (s: string): string => s;

export function renderPrompt(template: string, view: object): string {
  return Mustache.render(template, view, undefined, { escape: noEscape });
}
