/**
 * What a cold start pays for: each handler bundled as the CDK does it (the options of infra/bundle-options.ts;
 * the CDK bundles the AWS SDK clients too, here they stay external so that the clients a bundle uses can be
 * listed) loads only the AWS SDK clients its function definition allows, carries no zod locale besides English,
 * and still fails fast with English configuration messages. A handler bundled exactly as deployed (SDK and
 * all, the runtime folders and the compiled config beside it) answers its first request in a fresh process,
 * and fails at init, naming the field, when a shipped config file beside it is invalid.
 */
import { execFileSync, execSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { build, type Metafile } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { handlerBuildOptions } from '../../infra/bundle-options';
import { FUNCTIONS, QUEUES, TABLES } from '../../infra/data-plane';
import { compiledYamlCommands, RUNTIME_FOLDERS } from '../../infra/lead-function';

const ROOT = resolve(import.meta.dirname, '../..');

const bundle = async (entry: string) => {
  const result = await build({
    ...handlerBuildOptions({ external: ['@aws-sdk/*'] }),
    entryPoints: [resolve(ROOT, entry)],
    write: false,
    metafile: true,
    outfile: 'index.mjs',
    logLevel: 'silent',
  });
  const output = Object.values(result.metafile.outputs).find(
    (o) => o.entryPoint,
  ) as Metafile['outputs'][string];
  const code = result.outputFiles.find((f) => f.path.endsWith('.mjs'))?.text ?? '';
  return { code, output };
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
        // locales/index.js is zod's index of the locales, no locale itself: in a bundle where zod is also reached
        // through a lazily loaded module (the LLM client) it stays as an empty init function of a few bytes.
        found[name]?.locales.filter((f) => f !== 'en.js' && f !== 'index.js'),
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
    // A file in the repository (not a data: URL): the bundle's createRequire banner needs a file URL.
    const dir = mkdtempSync(join(ROOT, 'node_modules/.cache/lq-config-bundle-'));
    writeFileSync(join(dir, 'config.mjs'), code);
    const config = (await import(pathToFileURL(join(dir, 'config.mjs')).href).finally(() =>
      rmSync(dir, { recursive: true, force: true }),
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

/** Env a deployed handler has; the endpoints are a closed port, with one attempt per call. */
const deployedEnv = {
  PATH: process.env.PATH ?? '',
  AWS_REGION: 'eu-west-1',
  AWS_ACCESS_KEY_ID: 'test',
  AWS_SECRET_ACCESS_KEY: 'test',
  AWS_ENDPOINT_URL: 'http://127.0.0.1:9',
  AWS_MAX_ATTEMPTS: '1',
  LOG_LEVEL: 'SILENT',
  PRIVACY_SECRET: 'test-privacy-secret-0123456789abcdef',
  PRIVACY_BASE_URL: 'https://api.example.org',
  ...Object.fromEntries(Object.values(TABLES).map((t) => [t.envVar, t.localName])),
  ...Object.fromEntries(
    Object.values(QUEUES).map((q) => [q.envVar, `http://127.0.0.1:9/000000000000/${q.localName}`]),
  ),
};

/** A JSON contact form posted to POST /leads. */
const intakeEvent = {
  version: '2.0',
  routeKey: 'POST /leads',
  rawPath: '/leads',
  rawQueryString: '',
  headers: { 'content-type': 'application/json' },
  body: readFileSync(join(ROOT, 'samples/leads/json-contact-en.json'), 'utf8'),
  isBase64Encoded: false,
  requestContext: {
    domainName: 'api.example.org',
    requestId: 'test-request',
    routeKey: 'POST /leads',
    http: {
      method: 'POST',
      path: '/leads',
      protocol: 'HTTP/1.1',
      sourceIp: '203.0.113.7',
      userAgent: 'test',
    },
  },
};

/** Imports `bundle` in a fresh `node`, then invokes it with `event`: what it answered, or how init failed. */
const coldStart = (bundle: string, event: unknown): { status?: number; error?: string } => {
  const script = `let m;try{m=await import(${JSON.stringify(bundle)})}catch(e){process.stdout.write(JSON.stringify({error:String(e?.message??e)}));process.exit(0)}const r=await m.handler(${JSON.stringify(event)},{awsRequestId:'test',functionName:'test',getRemainingTimeInMillis:()=>29000});process.stdout.write(JSON.stringify({status:r?.statusCode}));`;
  return JSON.parse(
    execFileSync(process.execPath, ['--input-type=module', '-e', script], {
      env: deployedEnv,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
    }),
  );
};

describe('a handler bundled as deployed', () => {
  let out: string;
  beforeAll(async () => {
    out = mkdtempSync(join(ROOT, 'node_modules/.cache/lq-bundle-test-'));
    await build({
      ...handlerBuildOptions(),
      entryPoints: [resolve(ROOT, FUNCTIONS.intake.entry)],
      outfile: join(out, 'index.mjs'),
      logLevel: 'silent',
    });
    for (const folder of RUNTIME_FOLDERS) cpSync(join(ROOT, folder), join(out, folder), { recursive: true });
    for (const command of compiledYamlCommands(ROOT, out)) execSync(command, { shell: '/bin/sh' });
  }, 120_000);
  afterAll(() => rmSync(out, { recursive: true, force: true }));

  it('answers its first request from a fresh process (the table write refused: 503)', () => {
    // Prepare
    const bundle = join(out, 'index.mjs');

    // Act
    const answer = coldStart(bundle, intakeEvent);

    // Assess
    expect(answer).toEqual({ status: 503 });
  });

  it('fails at init, naming the field, when the config file beside it no longer matches its compiled form', () => {
    // Prepare
    const file = join(out, 'config', 'intake.yaml');
    const shipped = readFileSync(file, 'utf8');
    writeFileSync(file, shipped.replace(/^maxBodyBytes: .*$/m, 'maxBodyBytes: lots'));

    try {
      // Act
      const answer = coldStart(join(out, 'index.mjs'), intakeEvent);

      // Assess
      expect(answer.status).toBeUndefined();
      expect(answer.error).toMatch(/maxBodyBytes/);
    } finally {
      writeFileSync(file, shipped);
    }
  });
});
