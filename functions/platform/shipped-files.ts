/**
 * The files shipped with the code that ops may edit or a deployment may replace: scoring rules, routing
 * rules, the team, the handoff points, the intake settings and the LLM prompts. Each has ONE loader of the
 * same shape: on first use it reads the file (the replacement named by its configuration variable, else the
 * shipped one, see functions/agent/bundled-file.ts), validates it with the domain's parser (which names
 * the file, rule and field at fault) and keeps the result for the life of the container. Nothing is read
 * at import time.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { resolveBundledFile } from '../agent/bundled-file';
import { readPromptTemplates } from '../agent/draft/prompts';
import { parseHandoffYaml } from '../agent/handoff/policy';
import { parseIntakeSettings } from '../agent/intake/settings';
import { loadRoutingSetup } from '../agent/route/rules';
import { compileRules, loadRules } from '../agent/score';
import { type CommonConfig, commonConfig } from './config';

/** The configuration variables that name a replacement for a shipped file or folder. */
export type ShippedPaths = Partial<
  Pick<
    CommonConfig,
    'RULES_FILE' | 'ROUTING_FILE' | 'TEAM_FILE' | 'HANDOFF_FILE' | 'INTAKE_FILE' | 'PROMPTS_DIR'
  >
>;
type PathVar = keyof ShippedPaths;

/** A value computed on first use and kept. */
const once = <T>(load: () => T): (() => T) => {
  let loaded: { readonly value: T } | undefined;
  return () => {
    loaded ??= { value: load() };
    return loaded.value;
  };
};

/** The loaders for one set of paths (the handlers use `shipped`, with the paths of the validated config). */
export const shippedFiles = (paths: () => ShippedPaths) => {
  const path = (relativePath: string, pathVar: PathVar) =>
    resolveBundledFile(relativePath, paths()[pathVar], pathVar);
  const text = (relativePath: string, pathVar: PathVar) => readFileSync(path(relativePath, pathVar), 'utf8');
  const routing = once(() =>
    loadRoutingSetup(text('config/routing.yaml', 'ROUTING_FILE'), text('config/team.yaml', 'TEAM_FILE')),
  );
  return {
    /** config/scoring-rules.yaml, compiled (its `file` is the validated rules file). */
    rules: once(() => compileRules(loadRules(text('config/scoring-rules.yaml', 'RULES_FILE')))),
    /** config/routing.yaml with config/team.yaml. */
    routing,
    /** The people of config/team.yaml by id. */
    people: () => routing().teams.people,
    /** config/handoff.yaml: the seed of the versioned handoff policy. */
    handoff: once(() => parseHandoffYaml(text('config/handoff.yaml', 'HANDOFF_FILE'))),
    /** config/intake.yaml: field aliases, spam traps, redirect origins. */
    intakeSettings: once(() => parseIntakeSettings(text('config/intake.yaml', 'INTAKE_FILE'))),
    /** The system and user prompt templates of the drafting LLM. */
    prompts: once(() => {
      const dir = paths().PROMPTS_DIR;
      return readPromptTemplates((file) =>
        resolveBundledFile(`prompts/${file}`, dir ? join(dir, file) : undefined, 'PROMPTS_DIR'),
      );
    }),
  };
};

export type ShippedFiles = ReturnType<typeof shippedFiles>;

export const shipped: ShippedFiles = shippedFiles(commonConfig);
