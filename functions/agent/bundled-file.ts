/**
 * Finds a file shipped with the code (config/*.yaml, prompts/*, data/*.json) both in the repository and in
 * a Lambda bundle, where the CDK copies those folders beside the bundled handler. Order: an explicit path
 * (usually from an env var), beside the running module, the working directory, then the repository root.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
/** Repository root when running from source (functions/agent → ../..). */
const repoRoot = resolve(here, '..', '..');

export const resolveBundledFile = (relativePath: string, explicitPath?: string): string => {
  const candidates = [
    ...(explicitPath ? [isAbsolute(explicitPath) ? explicitPath : resolve(explicitPath)] : []),
    join(here, relativePath),
    resolve(relativePath),
    join(repoRoot, relativePath),
  ];
  const found = candidates.find((c) => existsSync(c));
  if (!found) throw new Error(`Shipped file ${relativePath} not found (looked in: ${candidates.join(', ')})`);
  return found;
};

export const readBundledFile = (relativePath: string, explicitPath?: string): string =>
  readFileSync(resolveBundledFile(relativePath, explicitPath), 'utf8');
