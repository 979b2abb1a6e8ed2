/**
 * What a cold start pays for: each handler bundled as the CDK does it (ESM, see infra/lead-function.ts; the
 * CDK bundles the AWS SDK clients too, here they stay external so that the clients a bundle uses can be listed)
 * loads only the AWS SDK clients its function definition allows, carries no zod locale besides English, and
 * still fails fast with English configuration messages.
 */
import { resolve } from 'node:path';
import { build, type Metafile } from 'esbuild';
import { describe, expect, it } from 'vitest';
import { FUNCTIONS } from '../../infra/data-plane';

const ROOT = resolve(import.meta.dirname, '../..');

const bundle = async (entry: string) => {
  const result = await build({
    entryPoints: [resolve(ROOT, entry)],
    bundle: true,
    write: false,
    metafile: true,
    outfile: 'index.mjs',
    platform: 'node',
    format: 'esm',
    target: 'node22',
    mainFields: ['module', 'main'],
    external: ['@aws-sdk/*'],
    logLevel: 'silent',
  });
  const [output] = Object.values(result.metafile.outputs) as Metafile['outputs'][string][];
  return { code: result.outputFiles[0]?.text ?? '', output: output! };
};

describe('handler bundles', () => {
  it('load only the AWS SDK clients their function may use, and no zod locale but English', async () => {
    // Prepare
    const allowed = (def: (typeof FUNCTIONS)[keyof typeof FUNCTIONS]) => {
      const sdk = new Set<string>();
      if (Object.keys(def.tables).length) sdk.add('@aws-sdk/client-dynamodb').add('@aws-sdk/lib-dynamodb');
      if (def.sendsTo.length) sdk.add('@aws-sdk/client-sqs');
      if ('sendsEmail' in def && def.sendsEmail) sdk.add('@aws-sdk/client-sesv2');
      return sdk;
    };

    // Act
    const found: Record<string, { sdk: string[]; locales: string[] }> = {};
    for (const [name, def] of Object.entries(FUNCTIONS)) {
      const { output } = await bundle(def.entry);
      found[name] = {
        sdk: [...new Set(output.imports.filter((i) => i.path.startsWith('@aws-sdk/')).map((i) => i.path))],
        locales: Object.keys(output.inputs)
          .filter((path) => /node_modules\/zod\/.*\/locales\//.test(path))
          .map((path) => path.replace(/.*\//, '')),
      };
    }

    // Assess
    for (const [name, def] of Object.entries(FUNCTIONS)) {
      const permitted = allowed(def);
      expect(
        found[name]?.sdk.filter((m) => !permitted.has(m)),
        `${name} imports SDK clients FUNCTIONS.${name} grants nothing for (tables / sendsTo / sendsEmail)`,
      ).toEqual([]);
      expect(
        found[name]?.locales.filter((f) => f !== 'en.js'),
        `${name} carries zod locales`,
      ).toEqual([]);
    }
    expect(found.qualify?.sdk).not.toContain('@aws-sdk/client-sesv2');
    expect(found.web?.sdk).toEqual([]);
    expect(found.authDev?.sdk).toEqual([]);
  }, 300_000); // esbuild bundles every function: minutes on a busy two-core machine

  it('fail fast with English configuration messages', async () => {
    // Prepare
    const { code } = await bundle('functions/platform/config.ts');
    const config = (await import(
      `data:text/javascript;base64,${Buffer.from(code).toString('base64')}`
    )) as typeof import('./config');

    // Act
    const parse = () =>
      config.parseConfig(config.CommonConfigSchema, {
        INTAKE_RATE_PER_MINUTE: 'many',
        SES_FROM_ADDRESS: 'sales',
        STAGE: 'dev',
      });

    // Assess
    expect(parse).toThrow(
      'Invalid configuration — STAGE: Invalid option: expected one of "local"|"aws"; ' +
        'INTAKE_RATE_PER_MINUTE: Invalid input: expected number, received NaN; ' +
        'SES_FROM_ADDRESS: Invalid email address',
    );
  });
});
