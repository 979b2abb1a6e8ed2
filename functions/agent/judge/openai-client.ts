/**
 * The OpenAI client and its structured-output helper for the message-fact extraction, as one module that
 * ./llm-extract.ts imports with its first call (a module of named re-exports, so the bundle keeps only these
 * two and what they use).
 */
export { default as OpenAI } from 'openai';
export { zodResponseFormat } from 'openai/helpers/zod';
