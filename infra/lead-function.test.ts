/**
 * The bundling step that writes the compiled form of config/*.yaml beside each bundle: after the runtime
 * folders are copied, the bundle's config/compiled.generated.json is what the build step makes of the YAML
 * files copied there.
 */
import { execSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { COMPILED_YAML_FILE, compiledYamlText } from '../functions/agent/yaml-compile';
import { compiledYamlCommands, copyRuntimeFoldersCommands, REPO_ROOT } from './lead-function';

describe('compiledYamlCommands', () => {
  it('write the compiled form of the bundle config/*.yaml beside the bundle', () => {
    // Prepare
    const output = mkdtempSync(join(tmpdir(), 'lq-bundle-yaml-'));

    try {
      // Act
      for (const command of [
        ...copyRuntimeFoldersCommands(REPO_ROOT, output),
        ...compiledYamlCommands(REPO_ROOT, output),
      ])
        execSync(command, { shell: '/bin/sh', stdio: 'ignore' });

      // Assess
      const written = readFileSync(join(output, 'config', COMPILED_YAML_FILE), 'utf8');
      expect(written).toBe(compiledYamlText(join(output, 'config')));
      expect(Object.keys(JSON.parse(written).files).sort()).toEqual(
        readdirSync(join(output, 'config'))
          .filter((f) => f.endsWith('.yaml'))
          .sort(),
      );
    } finally {
      rmSync(output, { recursive: true, force: true });
    }
  });
});
