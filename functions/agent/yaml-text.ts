/**
 * YAML text → value for the configuration files, through their compiled form when it matches. The build step
 * (./yaml-compile.ts; run when the CDK bundles a function, when the local stack starts, and by
 * `npm run build:config`) writes `config/compiled.generated.json`: for each YAML file under config/, the
 * SHA-256 of its text and the value the YAML parser gives for it, kept only when that value is plain JSON and
 * the text parses without warnings. A text whose hash is listed is read from there (a structured clone of the
 * JSON value: the YAML parser's cold start costs tens of ms at init); every other text (an edited file, a
 * deployment's replacement, a version from the ops store) goes through the YAML parser as before. Callers
 * validate the value with zod either way.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { type ParseOptions, parse as parseYaml } from 'yaml';
import { resolveBundledFile } from './bundled-file';

/** The compiled form's path relative to the repository or the bundle. */
export const COMPILED_YAML_PATH = 'config/compiled.generated.json';

export interface CompiledYaml {
  readonly generatedBy: string;
  /** File name under config/ → the SHA-256 (hex) of its text and its parsed value. */
  readonly files: Record<string, { readonly sha256: string; readonly value: unknown }>;
}

export const sha256Hex = (text: string): string => createHash('sha256').update(text, 'utf8').digest('hex');

let compiled: Map<string, unknown> | undefined;
/** The compiled values by text hash, read once; empty when the file is absent or unreadable. */
const compiledValues = (): Map<string, unknown> => {
  if (compiled) return compiled;
  compiled = new Map();
  try {
    const file = JSON.parse(readFileSync(resolveBundledFile(COMPILED_YAML_PATH), 'utf8')) as CompiledYaml;
    for (const entry of Object.values(file.files ?? {})) compiled.set(entry.sha256, entry.value);
  } catch {
    // No compiled form: every text is parsed as YAML.
  }
  return compiled;
};

/** Forgets the compiled values read so far (tests that write a compiled form). */
export const resetCompiledYaml = (): void => {
  compiled = undefined;
};

/**
 * The value of a YAML text, as `parse(text, options)` of the yaml package gives it. Only options that shape
 * error messages are taken, so a compiled value (parsed with the defaults) is the same value.
 */
export const parseYamlText = (text: string, options?: Pick<ParseOptions, 'prettyErrors'>): unknown => {
  const values = compiledValues();
  if (values.size > 0) {
    const hash = sha256Hex(text);
    if (values.has(hash)) return structuredClone(values.get(hash));
  }
  return parseYaml(text, options);
};
