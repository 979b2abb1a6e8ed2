/**
 * The compiled form of config/*.yaml: the committed file is what the build step writes from the YAML, each
 * compiled value equals what the YAML parser gives for the file, a listed text is read from the compiled form
 * (a fresh copy each time), any other text is parsed as YAML with the same errors, and a file whose value is
 * not plain JSON or that parses with warnings is left to the parser.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { COMPILED_YAML_FILE, compiledYamlText, compileYamlFolder, writeCompiledYaml } from './yaml-compile';
import { parseYamlText, sha256Hex } from './yaml-text';

const CONFIG = resolve(import.meta.dirname, '../../config');
const temps: string[] = [];
const tempDir = () => {
  const dir = mkdtempSync(join(tmpdir(), 'lq-yaml-'));
  temps.push(dir);
  return dir;
};
afterEach(() => {
  for (const dir of temps.splice(0)) rmSync(dir, { recursive: true, force: true });
});

describe('compiled config YAML', () => {
  it('the committed config/compiled.generated.json is what the build step writes (npm run build:config)', () => {
    // Prepare
    const committed = readFileSync(join(CONFIG, COMPILED_YAML_FILE), 'utf8');

    // Act
    const fresh = compiledYamlText(CONFIG);

    // Assess
    expect(committed, 'config/compiled.generated.json is stale: run npm run build:config').toBe(fresh);
  });

  it('lists every shipped YAML file, each value equal to parsing its text', () => {
    // Prepare
    const yamlFiles = readdirSync(CONFIG).filter((f) => f.endsWith('.yaml'));

    // Act
    const compiled = compileYamlFolder(CONFIG);

    // Assess
    expect(Object.keys(compiled.files).sort()).toEqual(yamlFiles.sort());
    for (const name of yamlFiles) {
      const text = readFileSync(join(CONFIG, name), 'utf8');
      expect(compiled.files[name]?.sha256, name).toBe(sha256Hex(text));
      expect(compiled.files[name]?.value, name).toStrictEqual(parse(text));
    }
  });

  it('parseYamlText gives each shipped file the parser value, a fresh copy each time', () => {
    // Prepare
    const text = readFileSync(join(CONFIG, 'intake.yaml'), 'utf8');

    // Act
    const first = parseYamlText(text) as Record<string, unknown>;
    first.mutated = true;
    const second = parseYamlText(text);

    // Assess
    expect(second).toStrictEqual(parse(text));
    expect(second).not.toHaveProperty('mutated');
  });

  it('parses any other text as YAML, with the same value and the same errors', () => {
    // Prepare
    const edited = `${readFileSync(join(CONFIG, 'routing.yaml'), 'utf8')}\n# edited\n`;
    const broken = 'rules: [unclosed\n';

    // Act
    const value = parseYamlText(edited);
    const error = (() => {
      try {
        parseYamlText(broken, { prettyErrors: true });
      } catch (e) {
        return (e as Error).message;
      }
    })();

    // Assess
    expect(value).toStrictEqual(parse(edited));
    expect(error).toBeDefined();
    expect(() => parse(broken, { prettyErrors: true })).toThrow(error!);
  });

  it('leaves to the parser a file whose value is not plain JSON, parses with warnings or fails', () => {
    // Prepare
    const dir = tempDir();
    writeFileSync(join(dir, 'plain.yaml'), 'a: 1\nb: [x, y]\n');
    writeFileSync(join(dir, 'infinite.yaml'), 'limit: .inf\n');
    writeFileSync(join(dir, 'warned.yaml'), '%FOO bar\n---\na: 1\n');
    writeFileSync(join(dir, 'broken.yaml'), 'a: [1\n');

    // Act
    const wrote = writeCompiledYaml(dir);
    const again = writeCompiledYaml(dir);
    const compiled = JSON.parse(readFileSync(join(dir, COMPILED_YAML_FILE), 'utf8'));

    // Assess
    expect(wrote).toBe(true);
    expect(again).toBe(false);
    expect(Object.keys(compiled.files)).toEqual(['plain.yaml']);
    expect(compiled.files['plain.yaml'].value).toStrictEqual({ a: 1, b: ['x', 'y'] });
  });
});
