/**
 * Reads `config/routing.yaml` and `config/team.yaml` from disk. The only file in functions/agent/route that
 * does I/O; everything else takes a `RoutingSetup`.
 */
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { loadRoutingSetup, type RoutingSetup } from './rules';

/**
 * Where a shipped config file is, first hit wins (bundle-friendly):
 *   1. the env variable `envVar` (`ROUTING_FILE` / `TEAM_FILE`): an explicit path, an error when missing;
 *   2. `config/<name>` beside the running module (`import.meta.url`) — in an esbuild single-file Lambda
 *      bundle that is beside the bundle, where the CDK copies `config/`;
 *   3. the repository path (`../../../config/<name>` from this source file: tests, tsx, the local stack).
 */
export function resolveConfigFile(
  name: string,
  envVar: string,
  env: NodeJS.ProcessEnv = process.env,
): string {
  const explicit = env[envVar];
  if (explicit) {
    if (!existsSync(explicit)) throw new Error(`${envVar}=${explicit} does not exist`);
    return explicit;
  }
  const candidates = [
    fileURLToPath(new URL(`./config/${name}`, import.meta.url)),
    fileURLToPath(new URL(`../../../config/${name}`, import.meta.url)),
  ];
  const found = candidates.find((p) => existsSync(p));
  if (!found)
    throw new Error(`config/${name} not found; looked in: ${candidates.join(', ')} (or set ${envVar})`);
  return found;
}

/** Reads and validates both files (throws `RoutingValidationError` naming the file, rule and field). */
export function loadRoutingFiles(
  routingFile: string = resolveConfigFile('routing.yaml', 'ROUTING_FILE'),
  teamFile: string = resolveConfigFile('team.yaml', 'TEAM_FILE'),
): RoutingSetup {
  return loadRoutingSetup(readFileSync(routingFile, 'utf8'), readFileSync(teamFile, 'utf8'));
}

let cached: RoutingSetup | undefined;
/** The shipped configuration, read once per container (lazily, so importing this module does no I/O). */
export const defaultRoutingSetup = (): RoutingSetup => {
  cached ??= loadRoutingFiles();
  return cached;
};
