/**
 * The shipped rules (`config/scoring-rules.yaml`), loaded once at module load. This is the only file in
 * functions/agent/score that does I/O; import the engine from `./engine` when you bring your own rules.
 */
import { readFileSync } from 'node:fs';
import { resolveBundledFile } from '../bundled-file';
import { loadRules, type RulesFile } from './rules';

/** The rules file: env `RULES_FILE` (must exist), else the shipped `config/scoring-rules.yaml`. */
export const resolveRulesFile = (env: NodeJS.ProcessEnv = process.env): string =>
  resolveBundledFile('config/scoring-rules.yaml', env.RULES_FILE, 'RULES_FILE');

/** Read and validate a rules file from disk (throws RulesValidationError naming the rule and field). */
export function loadRulesFile(file: string = resolveRulesFile()): RulesFile {
  return loadRules(readFileSync(file, 'utf8'));
}

export const DEFAULT_RULES: RulesFile = loadRulesFile();
