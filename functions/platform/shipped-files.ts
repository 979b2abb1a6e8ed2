/**
 * The files shipped with the code that ops may edit or a deployment may replace: scoring rules, routing
 * rules, the team, the handoff points, the intake settings and the LLM prompts. Each has a loader of ONE
 * shape, `shippedFile`: on first use it reads the file (the replacement named by its configuration variable,
 * else the shipped one, see functions/agent/bundled-file.ts), validates it with the domain's parser (which
 * names the file, rule and field at fault) and keeps the result for the life of the container. Nothing is
 * read at import time. Each file's loader sits in its own small module (./shipped-routing.ts,
 * ./shipped-rules.ts, ./shipped-handoff.ts, ./shipped-intake.ts, ./shipped-prompts.ts), so a handler
 * bundles only the parsers it uses.
 */
import { readFileSync } from 'node:fs';
import { resolveBundledFile } from '../agent/bundled-file';
import { type ShippedPaths, shippedPaths } from './config';

export type { ShippedPaths };
export type ShippedPathVar = keyof ShippedPaths;

/** A value computed on first use and kept. */
export const once = <T>(load: () => T): (() => T) => {
  let loaded: { readonly value: T } | undefined;
  return () => {
    loaded ??= { value: load() };
    return loaded.value;
  };
};

/**
 * The loader of one shipped file: `relativePath` in the repository or bundle, or the path in `pathVar`
 * (which must exist), parsed once with `parse`. `paths` defaults to the validated configuration.
 */
export const shippedFile = <T>(
  relativePath: string,
  pathVar: ShippedPathVar,
  parse: (text: string) => T,
  paths: () => ShippedPaths = shippedPaths,
): (() => T) =>
  once(() => parse(readFileSync(resolveBundledFile(relativePath, paths()[pathVar], pathVar), 'utf8')));
