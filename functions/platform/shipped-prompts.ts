/** The drafting LLM's prompt templates from prompts/ (or PROMPTS_DIR), read once (./shipped-files.ts). */
import { join } from 'node:path';
import { resolveBundledFile } from '../agent/bundled-file';
import { readPromptTemplates } from '../agent/draft/prompts';
import { MESSAGE_FACTS_PROMPT } from '../agent/judge/llm-extract';
import { shippedPaths } from './config';
import { once, type ShippedPaths } from './shipped-files';

/** The templates of the current prompt version; a folder in PROMPTS_DIR must hold them. */
export const promptsFrom = (paths: () => ShippedPaths = shippedPaths) =>
  once(() => {
    const dir = paths().PROMPTS_DIR;
    return readPromptTemplates((file) =>
      resolveBundledFile(`prompts/${file}`, dir ? join(dir, file) : undefined, 'PROMPTS_DIR'),
    );
  });

export const shippedPrompts = promptsFrom();

/** The message-facts extraction prompt (prompts/message-facts.v1.*), from the same place. */
export const messageFactsPromptsFrom = (paths: () => ShippedPaths = shippedPaths) =>
  once(() => {
    const dir = paths().PROMPTS_DIR;
    return readPromptTemplates(
      (file) => resolveBundledFile(`prompts/${file}`, dir ? join(dir, file) : undefined, 'PROMPTS_DIR'),
      MESSAGE_FACTS_PROMPT,
      1,
    );
  });

export const shippedMessageFactsPrompts = messageFactsPromptsFrom();
