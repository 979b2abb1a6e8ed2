/**
 * Per-function bundle size and cold init time. Each handler in FUNCTIONS is bundled the way the CDK does it
 * (the options of infra/bundle-options.ts: ESM, minified, source map, the AWS SDK clients bundled, the
 * createRequire banner; config/, prompts/ and data/ copied beside it and config/*.yaml compiled, with the
 * commands infra/lead-function.ts gives the CDK); then a
 * fresh `node` process imports the bundle with the env the handler needs and reports how long the import
 * (module init: clients, config, rules, data) took. Median of 5 cold starts. The process-start floor (a fresh
 * `node` running an empty module, spawn to exit) is measured in the same run, before and after the functions,
 * and each init is also given as a ratio of it, so runs on a busy machine stay comparable. For intake, the
 * first invocation (a JSON form post, its table write refused by the closed port, one attempt) is timed in
 * the same fresh process after the init: init + first request. For comparison the same handler is bundled with `@aws-sdk/*` external (loaded from
 * the SDK packages, as when the Lambda runtime provides them), and a fresh process importing only those
 * packages gives the SDK's share of that variant; the bundle's largest inputs (esbuild metafile) say what
 * the rest of the code is. Run: `npm run bench:bundles`. Writes bench/results/bundles.json.
 */
import { execFileSync, execSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, totalmem } from 'node:os';
import { join, resolve } from 'node:path';
import { build } from 'esbuild';
import { handlerBuildOptions } from '../infra/bundle-options';
import { FUNCTIONS, QUEUES, TABLES } from '../infra/data-plane';
import { compiledYamlCommands, RUNTIME_FOLDERS } from '../infra/lead-function';

const ROOT = resolve(import.meta.dirname, '..');
const RUNS = 5;

/** Env a handler reads at init; endpoints point at a closed port: init must not need the network. */
const env = {
  ...process.env,
  AWS_REGION: 'eu-west-1',
  AWS_ACCESS_KEY_ID: 'bench',
  AWS_SECRET_ACCESS_KEY: 'bench',
  AWS_ENDPOINT_URL: 'http://127.0.0.1:9',
  LOG_LEVEL: 'SILENT',
  // On AWS these come from Secrets Manager and the stack; handlers that build privacy links need them at init.
  PRIVACY_SECRET: 'bench-privacy-secret-0123456789abcdef',
  PRIVACY_BASE_URL: 'https://api.example.org',
  ...Object.fromEntries(Object.values(TABLES).map((t) => [t.envVar, t.localName])),
  ...Object.fromEntries(
    Object.values(QUEUES).map((q) => [q.envVar, `http://127.0.0.1:9/000000000000/${q.localName}`]),
  ),
};

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? Number.NaN;

// Inside the repo's node_modules, so the external `@aws-sdk/*` imports resolve as the Lambda runtime provides them.
mkdirSync(join(ROOT, 'node_modules/.cache'), { recursive: true });
const work = mkdtempSync(join(ROOT, 'node_modules/.cache/lq-bundles-'));
const rows: {
  function: string;
  bundleKiB: number;
  coldInitMsMedian: number;
  coldInitMsRuns: number[];
  /** CPU time (all threads) the process used during the import, median. */
  coldInitCpuMsMedian: number;
  /** The same handler with `@aws-sdk/*` external (loaded from the SDK's packages), median. */
  coldInitSdkExternalMsMedian: number;
  /** Importing only the external variant's `@aws-sdk/*` packages, median. */
  sdkImportMsMedian: number;
  sdkPackages: string[];
  /** The bundle's largest inputs, KiB of output each. */
  largestInputsKiB: Record<string, number>;
}[] = [];

/**
 * Milliseconds a fresh `node` takes to run `imports` (module specifiers), one per run; with `cpu`, also the
 * CPU time the process used meanwhile (all its threads), which a busy shared machine disturbs far less.
 */
const timeImportsWithCpu = (specifiers: string[], cwd: string): { wall: number[]; cpu: number[] } => {
  const wall: number[] = [];
  const cpu: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const script = `const c=process.cpuUsage();const t=performance.now();${specifiers.map((s) => `await import(${JSON.stringify(s)});`).join('')}const ms=performance.now()-t;const u=process.cpuUsage(c);process.stdout.write(JSON.stringify([ms,(u.user+u.system)/1000]));`;
    const [ms, cpuMs] = JSON.parse(
      execFileSync(process.execPath, ['--input-type=module', '-e', script], {
        env,
        cwd,
        encoding: 'utf8',
        stdio: ['ignore', 'pipe', 'ignore'],
      }),
    ) as [number, number];
    wall.push(Math.round(ms * 10) / 10);
    cpu.push(Math.round(cpuMs * 10) / 10);
  }
  return { wall, cpu };
};
const timeImports = (specifiers: string[], cwd: string): number[] => timeImportsWithCpu(specifiers, cwd).wall;

/** Milliseconds from spawning a fresh `node` running an empty module to its exit, one per run. */
const timeProcessStart = (): number[] => {
  const runs: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const t = performance.now();
    execFileSync(process.execPath, ['--input-type=module', '-e', ''], { env, stdio: 'ignore' });
    runs.push(Math.round((performance.now() - t) * 10) / 10);
  }
  return runs;
};

/** A representative first request for intake: a JSON contact form posted to POST /leads. */
const intakeEvent = {
  version: '2.0',
  routeKey: 'POST /leads',
  rawPath: '/leads',
  rawQueryString: '',
  headers: { 'content-type': 'application/json', 'user-agent': 'bench' },
  body: readFileSync(join(ROOT, 'samples/leads/json-contact-en.json'), 'utf8'),
  isBase64Encoded: false,
  requestContext: {
    accountId: '000000000000',
    apiId: 'bench',
    domainName: 'api.example.org',
    domainPrefix: 'api',
    requestId: 'bench-request',
    routeKey: 'POST /leads',
    stage: '$default',
    time: '02/Dec/2026:00:00:00 +0000',
    timeEpoch: 0,
    http: {
      method: 'POST',
      path: '/leads',
      protocol: 'HTTP/1.1',
      sourceIp: '203.0.113.7',
      userAgent: 'bench',
    },
  },
};

/**
 * Init and init + first invocation (ms) of `bundle` in fresh processes, one pair per run. The store's write
 * goes to the closed port with one attempt (AWS_MAX_ATTEMPTS=1), so the request does all its own work and
 * fails fast at the network instead of waiting out retries; the status it answered is returned too.
 */
const timeFirstRequest = (bundle: string, event: unknown, cwd: string) => {
  const runs: { init: number; firstRequest: number; status: number }[] = [];
  for (let i = 0; i < RUNS; i++) {
    const script = `const t=performance.now();const m=await import(${JSON.stringify(bundle)});const i=performance.now()-t;const r=await m.handler(${JSON.stringify(event)},{awsRequestId:'bench',functionName:'bench',getRemainingTimeInMillis:()=>29000});process.stdout.write(JSON.stringify({init:i,firstRequest:performance.now()-t,status:r?.statusCode??0}));`;
    const out = JSON.parse(
      execFileSync(process.execPath, ['--input-type=module', '-e', script], {
        env: { ...env, AWS_MAX_ATTEMPTS: '1' },
        cwd,
        encoding: 'utf8',
        stdio: ['ignore', 'pipe', 'ignore'],
      }),
    ) as { init: number; firstRequest: number; status: number };
    runs.push({
      init: Math.round(out.init * 10) / 10,
      firstRequest: Math.round(out.firstRequest * 10) / 10,
      status: out.status,
    });
  }
  return runs;
};

/** `BUNDLES=intake,review` measures only those functions (and does not write the results file). */
const only = process.env.BUNDLES?.split(',').map((s) => s.trim());
const floorRuns = timeProcessStart();
const firstRequests: Record<
  string,
  { initMsMedian: number; initPlusFirstRequestMsMedian: number; status: number }
> = {};
try {
  for (const [name, def] of Object.entries(FUNCTIONS)) {
    if (only && !only.includes(name)) continue;
    const bundleTo = async (out: string, external: string[]) => {
      mkdirSync(out, { recursive: true });
      const built = await build({
        ...handlerBuildOptions({ external }),
        metafile: true,
        entryPoints: [join(ROOT, def.entry)],
        outfile: join(out, 'index.mjs'),
        logLevel: 'silent',
      });
      for (const folder of RUNTIME_FOLDERS)
        cpSync(join(ROOT, folder), join(out, folder), { recursive: true });
      for (const command of compiledYamlCommands(ROOT, out)) execSync(command, { shell: '/bin/sh' });
      return built;
    };
    const out = join(work, name);
    await bundleTo(out, []);
    const { wall: runs, cpu: cpuRuns } = timeImportsWithCpu([join(out, 'index.mjs')], out);
    if (name === 'intake') {
      const first = timeFirstRequest(join(out, 'index.mjs'), intakeEvent, out);
      firstRequests[name] = {
        initMsMedian: median(first.map((r) => r.init)),
        initPlusFirstRequestMsMedian: median(first.map((r) => r.firstRequest)),
        status: first[0]?.status ?? 0,
      };
    }
    const outExternal = join(work, `${name}-sdk-external`);
    const built = await bundleTo(outExternal, ['@aws-sdk/*']);
    const externalRuns = timeImports([join(outExternal, 'index.mjs')], outExternal);
    const output = Object.values(built.metafile.outputs).find((o) => o.entryPoint);
    const sdkPackages = [
      ...new Set(
        (output?.imports ?? [])
          .filter((i) => i.external && i.path.startsWith('@aws-sdk/'))
          .map((i) => i.path.split('/').slice(0, 2).join('/')),
      ),
    ].sort();
    // Resolved from the repository (the SDK is external), in a fresh process each time.
    const sdkRuns = sdkPackages.length > 0 ? timeImports(sdkPackages, ROOT) : [0];
    const byPackage = new Map<string, number>();
    for (const [path, input] of Object.entries(output?.inputs ?? {})) {
      const m = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(path);
      const key = m ? m[1]! : path.split('/').slice(0, 2).join('/');
      byPackage.set(key, (byPackage.get(key) ?? 0) + input.bytesInOutput);
    }
    const largestInputsKiB = Object.fromEntries(
      [...byPackage.entries()]
        .sort((a, b) => b[1] - a[1])
        .slice(0, 6)
        .map(([k, v]) => [k, Math.round(v / 1024)]),
    );
    rows.push({
      function: name,
      bundleKiB: Math.round(statSync(join(out, 'index.mjs')).size / 1024),
      coldInitMsMedian: median(runs),
      coldInitMsRuns: runs,
      coldInitCpuMsMedian: median(cpuRuns),
      coldInitSdkExternalMsMedian: median(externalRuns),
      sdkImportMsMedian: median(sdkRuns),
      sdkPackages,
      largestInputsKiB,
    });
  }
} finally {
  rmSync(work, { recursive: true, force: true });
}
floorRuns.push(...timeProcessStart());
const floorMs = median(floorRuns);
const ratio = (ms: number) => Math.round((ms / floorMs) * 100) / 100;

console.log(
  `\nprocess-start floor (fresh \`node\` running an empty module, spawn to exit): ${floorMs} ms (median of ${floorRuns.length}); load average ${loadavg()[0]?.toFixed(1)}`,
);
console.log(
  'function            bundle KiB   cold init ms (median of 5)  × floor   init CPU ms   SDK external: cold init ms, of which SDK import',
);
for (const r of rows)
  console.log(
    `${r.function.padEnd(20)}${String(r.bundleKiB).padStart(10)}   ${String(r.coldInitMsMedian).padStart(26)}  ${String(ratio(r.coldInitMsMedian)).padStart(7)}   ${String(r.coldInitCpuMsMedian).padStart(11)}   ${String(r.coldInitSdkExternalMsMedian).padStart(8)} ${String(r.sdkImportMsMedian).padStart(8)}  ${r.sdkPackages.join(', ')}`,
  );
for (const [name, f] of Object.entries(firstRequests))
  console.log(
    `${name}: init ${f.initMsMedian} ms, init + first request ${f.initPlusFirstRequestMsMedian} ms (median of ${RUNS}; the request answered ${f.status}, its table write refused by the closed port)`,
  );
const machine = {
  cpu: cpus()[0]?.model,
  cores: cpus().length,
  memoryGiB: Math.round(totalmem() / 2 ** 30),
  node: process.version,
};
if (only) process.exit(0);
mkdirSync(join(ROOT, 'bench/results'), { recursive: true });
const readme = {
  what: 'bundle size / cold init (median of 5 fresh processes) per function, SDK bundled as deployed (with the SDK external instead: cold init, of which the SDK import)',
  command: 'npm run bench:bundles',
  result: `${rows
    .map(
      (r) =>
        `${r.function} ${r.bundleKiB} KiB / **${r.coldInitMsMedian} ms** (SDK external ${r.coldInitSdkExternalMsMedian} ms, SDK ${r.sdkImportMsMedian} ms)`,
    )
    .join('; ')}; process-start floor ${floorMs} ms; ${Object.entries(firstRequests)
    .map(([name, f]) => `${name} init + first request ${f.initPlusFirstRequestMsMedian} ms`)
    .join('; ')}; load average ${loadavg()[0]?.toFixed(1)}`,
};
writeFileSync(
  join(ROOT, 'bench/results/bundles.json'),
  `${JSON.stringify({ readme, bench: 'bundles', date: new Date().toISOString(), machine: { ...machine, loadAvg1m: loadavg()[0] }, runs: RUNS, processStartFloorMsMedian: floorMs, processStartFloorMsRuns: floorRuns, firstRequests, functions: rows.map((r) => ({ ...r, coldInitFloorRatio: ratio(r.coldInitMsMedian) })) }, null, 2)}\n`,
);
