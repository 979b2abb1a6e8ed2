/**
 * Finds a file shipped with the code (config/*.yaml, prompts/*, data/*.json) both in the repository and in
 * a Lambda bundle, where the CDK copies those folders beside the bundled handler. First hit wins:
 *   1. an explicit path (a deployment's replacement, e.g. the value of RULES_FILE read by
 *      functions/platform/config.ts) — an error when it does not exist;
 *   2. beside the running module (in an esbuild single-file bundle: beside the bundle);
 *   3. under the working directory (scripts, `npx tsx`, the local stack);
 *   4. under the repository root (from this source file: tests).
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
/** Repository root when running from source (functions/agent → ../..). */
const repoRoot = resolve(here, '..', '..');

export const resolveBundledFile = (
  relativePath: string,
  explicitPath?: string,
  explicitName = 'path',
): string => {
  if (explicitPath) {
    if (!existsSync(explicitPath)) throw new Error(`${explicitName}=${explicitPath} does not exist`);
    return explicitPath;
  }
  const candidates = [join(here, relativePath), resolve(relativePath), join(repoRoot, relativePath)];
  const found = candidates.find((c) => existsSync(c));
  if (!found) throw new Error(`Shipped file ${relativePath} not found (looked in: ${candidates.join(', ')})`);
  return found;
};

export const readBundledFile = (relativePath: string, explicitPath?: string, explicitName?: string): string =>
  readFileSync(resolveBundledFile(relativePath, explicitPath, explicitName), 'utf8');
