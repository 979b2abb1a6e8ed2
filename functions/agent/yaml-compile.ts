/**
 * The build step behind ./yaml-text.ts: every `*.yaml` of a config folder, parsed once, written as
 * `compiled.generated.json` in that folder. A file is listed only when the YAML parser reads it without
 * errors or warnings and its value survives a JSON round trip unchanged (no dates, infinities or undefined),
 * so a listed value is exactly what parsing the text gives. Run by the CDK when it bundles a function
 * (infra/lead-function.ts), by the local stack when it starts, by the bundle bench, and by
 * `npm run build:config` (which refreshes the committed copy under config/).
 */
import { existsSync, readdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { parse, parseDocument } from 'yaml';
import { type CompiledYaml, sha256Hex } from './yaml-text';

export const COMPILED_YAML_FILE = 'compiled.generated.json';

/** The compiled form of the YAML files in `configDir` (file names sorted). */
export const compileYamlFolder = (configDir: string): CompiledYaml => {
  const files: Record<string, { sha256: string; value: unknown }> = {};
  for (const name of readdirSync(configDir)
    .filter((f) => f.endsWith('.yaml'))
    .sort()) {
    const text = readFileSync(join(configDir, name), 'utf8');
    const doc = parseDocument(text);
    if (doc.errors.length > 0 || doc.warnings.length > 0) continue;
    const value = parse(text);
    if (value === undefined) continue;
    if (!isDeepStrictEqual(JSON.parse(JSON.stringify(value)), value)) continue;
    files[name] = { sha256: sha256Hex(text), value };
  }
  return {
    generatedBy: `functions/agent/yaml-compile.ts from the *.yaml files of ${basename(configDir)}/; do not edit`,
    files,
  };
};

export const compiledYamlText = (configDir: string): string =>
  `${JSON.stringify(compileYamlFolder(configDir), null, 1)}\n`;

/** Writes `compiled.generated.json` in `configDir` when its content changes; true when it wrote. */
export const writeCompiledYaml = (configDir: string, to = join(configDir, COMPILED_YAML_FILE)): boolean => {
  const text = compiledYamlText(configDir);
  if (existsSync(to) && readFileSync(to, 'utf8') === text) return false;
  // Written beside and renamed over, so a handler reading it meanwhile sees the old or the new file, whole.
  const partial = `${to}.${process.pid}.tmp`;
  writeFileSync(partial, text);
  renameSync(partial, to);
  return true;
};

const isMain = process.argv[1] && import.meta.url === new URL(`file://${process.argv[1]}`).href;
if (isMain) {
  const dir = process.argv[2] ?? 'config';
  console.log(writeCompiledYaml(dir) ? `wrote ${join(dir, COMPILED_YAML_FILE)}` : `${dir}: up to date`);
}
