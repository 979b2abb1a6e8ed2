/**
 * Reads `config/routing.yaml` and `config/team.yaml` from disk. The only file in functions/agent/route that
 * does I/O; everything else takes a `RoutingSetup`.
 */
import { readFileSync } from 'node:fs';
import { resolveBundledFile } from '../bundled-file';
import { loadRoutingSetup, type RoutingSetup } from './rules';

/** A shipped config file: env `envVar` (`ROUTING_FILE` / `TEAM_FILE`, must exist), else `config/<name>`. */
export function resolveConfigFile(
  name: string,
  envVar: string,
  env: NodeJS.ProcessEnv = process.env,
): string {
  return resolveBundledFile(`config/${name}`, env[envVar], envVar);
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
