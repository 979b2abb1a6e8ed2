/**
 * The shipped rules (`config/scoring-rules.yaml`), loaded once at module load. This is the only file in
 * functions/agent/score that does I/O; import the engine from `./engine` when you bring your own rules.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadRules, type RulesFile } from './rules';

/**
 * Where the rules file is, first hit wins:
 *   1. env `RULES_FILE` (an explicit path; an error when it does not exist),
 *   2. `config/scoring-rules.yaml` beside this module — in an esbuild single-file Lambda bundle that is beside
 *      the bundle, where the integrator copies `config/`,
 *   3. `config/scoring-rules.yaml` under the process cwd (scripts, `npx tsx`, the local stack),
 *   4. the repo path relative to this source file (`../../../config/scoring-rules.yaml`; tests, tsx).
 */
export function resolveRulesFile(env: NodeJS.ProcessEnv = process.env): string {
  if (env.RULES_FILE) {
    if (!existsSync(env.RULES_FILE)) throw new Error(`RULES_FILE=${env.RULES_FILE} does not exist`);
    return env.RULES_FILE;
  }
  const here = path.dirname(fileURLToPath(import.meta.url));
  const candidates = [
    path.join(here, 'config/scoring-rules.yaml'),
    path.join(process.cwd(), 'config/scoring-rules.yaml'),
    fileURLToPath(new URL('../../../config/scoring-rules.yaml', import.meta.url)),
  ];
  const found = candidates.find((p) => existsSync(p));
  if (!found)
    throw new Error(`scoring rules not found; looked in: ${candidates.join(', ')} (or set RULES_FILE)`);
  return found;
}

/** Read and validate a rules file from disk (throws RulesValidationError naming the rule and field). */
export function loadRulesFile(file: string = resolveRulesFile()): RulesFile {
  return loadRules(readFileSync(file, 'utf8'));
}

export const DEFAULT_RULES: RulesFile = loadRulesFile();
