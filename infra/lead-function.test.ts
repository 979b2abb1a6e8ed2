/**
 * The bundling step that writes the compiled form of config/*.yaml beside each bundle: after the runtime
 * folders are copied, the bundle's config/compiled.generated.json is what the build step makes of the input's
 * YAML files, whatever copy of it the input held.
 */
import { execSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { COMPILED_YAML_FILE, compiledYamlText } from '../functions/agent/yaml-compile';
import { compiledYamlCommands, copyRuntimeFoldersCommands } from './lead-function';

describe('compiledYamlCommands', () => {
  it('put the compiled form of the input config/*.yaml beside the bundle, replacing a stale copy', () => {
    // Prepare
    const root = mkdtempSync(join(tmpdir(), 'lq-bundle-yaml-'));
    const input = join(root, 'in');
    const output = join(root, 'out');
    for (const folder of ['config', 'prompts', 'data']) mkdirSync(join(input, folder), { recursive: true });
    writeFileSync(join(input, 'config', 'intake.yaml'), 'fields:\n  email: [email, e-mail]\n');
    writeFileSync(join(input, 'config', COMPILED_YAML_FILE), '{"generatedBy":"stale","files":{}}\n');
    mkdirSync(output);

    try {
      // Act
      for (const command of [
        ...copyRuntimeFoldersCommands(input, output),
        ...compiledYamlCommands(input, output),
      ])
        execSync(command, { shell: '/bin/sh' });

      // Assess
      const written = readFileSync(join(output, 'config', COMPILED_YAML_FILE), 'utf8');
      expect(written).toBe(compiledYamlText(join(input, 'config')));
      expect(JSON.parse(written).files['intake.yaml'].value).toEqual({
        fields: { email: ['email', 'e-mail'] },
      });
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
});
