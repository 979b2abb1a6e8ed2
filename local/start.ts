/**
 * `npm start`: the whole product on a laptop. Starts the emulators (DynamoDB Local, SQS, SES v2), provisions
 * the data plane of infra/data-plane.ts, sets the functions' environment, then serves the HTTP routes of
 * FUNCTIONS through the local API Gateway, runs the SQS pollers and the schedules, and answers `GET /health`.
 *
 *   npm start                     data persists in .local-data/
 *   npm start -- --in-memory      nothing persists
 *   npm start -- --port 3001      (or PORT=3001) API port, default 3000
 *
 * Ctrl-C / SIGTERM: pollers drain, servers close, SQS is snapshotted (persistent mode), Java is killed.
 * In-process use (tests, benchmarks, seeding): `startLocalStack(options)`.
 */

import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { DynamoLeadStore } from '../functions/platform/lead-store-dynamodb';
import {
  createDevKey,
  DEV_KEY_ENV,
  type DevKey,
  devKeyFile,
  readDevKey,
  removeDevKey,
  verifyDevToken,
  writeDevKey,
} from '../functions/platform/local-jwt';
import { FUNCTIONS, type FunctionDef } from '../infra/data-plane';
import { type EmulatorEndpoints, localDynamoDb } from './aws';
import { type EmulatorPorts, type RunningEmulators, startEmulators } from './emulators';
import { type Authorize, type GatewayRoute, loadFunctionRoutes, startHttpGateway } from './http-gateway';
import { importHandler } from './load-handler';
import { freePort, isPortFree } from './ports';
import { type ProvisionedDataPlane, provisionDataPlane } from './provision';
import { loadScheduledJobs, type ScheduledJob, startSchedules } from './scheduler';
import { seedSampleLeads } from './seed-samples';
import { loadFunctionConsumers, type SqsConsumer, startSqsPollers } from './sqs-poller';

export const DEFAULT_PORTS = { api: 3000, dynamodb: 8000, sqs: 9324, sesv2: 8005 } as const;
export const DEFAULT_DATA_DIR = '.local-data';

export interface LocalStackOptions {
  /** Data directory; `null` = in memory. Default `.local-data` (relative to `root`). */
  readonly dataDir?: string | null;
  /** API port; 0 = any free port. Default 3000 (a free one if 3000 is taken). */
  readonly port?: number;
  /** Emulator ports; default 8000 / 9324 / 8005, each replaced by a free port if taken. 0 = free port. */
  readonly emulatorPorts?: EmulatorPorts;
  /** Repository root that FUNCTIONS' `entry` paths are relative to. Default `process.cwd()`. */
  readonly root?: string;
  /** Extra environment for the functions (applied before handlers load; provisioning values win). */
  readonly env?: Record<string, string>;
  /** Override the HTTP routes (default: FUNCTIONS' http routes). `/health` is always served. */
  readonly routes?: readonly GatewayRoute[];
  /** Override the SQS consumers (default: FUNCTIONS with `consumes`). */
  readonly consumers?: readonly SqsConsumer[];
  /** Wraps the consumers (default or overridden) — e.g. fault injection by the whole-chain proof. */
  readonly wrapConsumers?: (consumers: readonly SqsConsumer[]) => readonly SqsConsumer[];
  /** Override the scheduled jobs (default: FUNCTIONS with `scheduleMinutes`). */
  readonly schedules?: readonly ScheduledJob[];
  /** LOCAL-ONLY: failed SQS records become visible again after this many seconds (see sqs-poller.ts). */
  readonly retryVisibilitySeconds?: number;
  /** The pollers' idle back-off (default 50 → 500 ms); benchmarks lower it to see the pipeline's own latency. */
  readonly idleBackoffMs?: { readonly min: number; readonly max: number };
  /**
   * JWT authorizer seam of the gateway. Default: verifies `Authorization: Bearer` dev tokens signed with the
   * stack's ES256 key (POST /auth/dev-login, `npm run token`) into Cognito-shaped claims — see
   * functions/platform/local-jwt.ts.
   */
  readonly authorize?: Authorize;
  readonly log?: (line: string) => void;
  /** Called once everything runs (e.g. to seed sample leads), before `startLocalStack` resolves. */
  readonly onReady?: (stack: LocalStack) => Promise<void> | void;
}

export interface HealthReport {
  readonly status: 'ok' | 'degraded';
  readonly components: {
    readonly dynamodb: { readonly ok: boolean; readonly endpoint: string };
    readonly sqs: { readonly ok: boolean; readonly endpoint: string };
    readonly ses: { readonly ok: boolean; readonly endpoint: string };
    readonly pollers: { readonly ok: boolean; readonly consumers: Record<string, unknown> };
    readonly schedules: { readonly ok: boolean; readonly jobs: Record<string, unknown> };
    readonly functions: { readonly ok: boolean; readonly failedToLoad: Record<string, string> };
  };
}

export interface LocalStack {
  /** API base URL, e.g. http://127.0.0.1:3000 */
  readonly url: string;
  readonly endpoints: EmulatorEndpoints;
  /** The environment the functions run with (also applied to `process.env`). */
  readonly env: Record<string, string>;
  readonly provisioned: ProvisionedDataPlane;
  readonly dataDir: string | null;
  /** Where `npm run token` finds the dev signing key (see functions/platform/local-jwt.ts). */
  readonly devKeyFile: string;
  /** SES v2 inbox viewer (aws-ses-v2-local's web UI). */
  readonly inboxUrl: string;
  health(): Promise<HealthReport>;
  /** Fault injection: see `RunningEmulators.restart` (DynamoDB needs a data directory). */
  restartEmulator: RunningEmulators['restart'];
  /** Drains pollers and schedules, closes the gateway, stops the emulators. Idempotent. */
  stop(): Promise<void>;
}

const pickPort = async (
  preferred: number | undefined,
  fallback: number,
  log: (l: string) => void,
  what: string,
) => {
  const wanted = preferred ?? fallback;
  if (wanted === 0) return 0;
  if (await isPortFree(wanted)) return wanted;
  const port = await freePort();
  log(`[local] port ${wanted} for ${what} is busy, using ${port} instead`);
  return port;
};

/** Imports every handler once; functions whose module fails to load are reported, not fatal. */
const loadableFunctions = async (root: string, log: (l: string) => void) => {
  const ok: Record<string, FunctionDef> = {};
  const failed: Record<string, string> = {};
  for (const [name, def] of Object.entries(FUNCTIONS) as [string, FunctionDef][]) {
    try {
      await importHandler(def.entry, root);
      ok[name] = def;
    } catch (error) {
      const e = error as Error;
      failed[def.id] = `${e?.name ?? 'Error'}: ${String(e?.message ?? '').split('\n')[0]}`;
      log(`[local] ${def.id} (${def.entry}) failed to load: ${failed[def.id]}`);
    }
  }
  return { ok, failed };
};

export const startLocalStack = async (options: LocalStackOptions = {}): Promise<LocalStack> => {
  const log = options.log ?? ((line: string) => console.log(line));
  const root = resolve(options.root ?? process.cwd());
  const dataDir =
    options.dataDir === null
      ? null
      : resolve(root, options.dataDir === undefined ? DEFAULT_DATA_DIR : options.dataDir);

  const ports = {
    dynamodb: await pickPort(options.emulatorPorts?.dynamodb, DEFAULT_PORTS.dynamodb, log, 'DynamoDB Local'),
    sqs: await pickPort(options.emulatorPorts?.sqs, DEFAULT_PORTS.sqs, log, 'SQS'),
    sesv2: await pickPort(options.emulatorPorts?.sesv2, DEFAULT_PORTS.sesv2, log, 'SES v2'),
  };
  const emulators: RunningEmulators = await startEmulators({ dataDir, ports, log });
  const stoppers: (() => Promise<void>)[] = [() => emulators.stop()];
  const stopAll = async () => {
    for (const stop of stoppers.splice(0).reverse()) {
      try {
        await stop();
      } catch (error) {
        log(`[local] stop failed: ${(error as Error)?.name ?? 'Error'}`);
      }
    }
  };

  try {
    const provisioned = await provisionDataPlane(emulators.endpoints);
    if (dataDir) {
      // Persisted data from before the drafts index existed: give those leads their index keys.
      const ddb = localDynamoDb(emulators.endpoints.dynamodb);
      try {
        const store = new DynamoLeadStore(DynamoDBDocumentClient.from(ddb), provisioned.tables.leads);
        const backfilled = await store.backfillDraftIndex();
        if (backfilled > 0) log(`[local] indexed ${backfilled} earlier draft(s) for the inbox`);
      } finally {
        ddb.destroy();
      }
    }
    // Dev sign-in key: persisted with the data (tokens survive restarts), else per run.
    const persistedKeyFile = dataDir ? devKeyFile(dataDir, 0) : undefined;
    let devKey: DevKey | undefined = persistedKeyFile ? readDevKey(persistedKeyFile) : undefined;
    if (!devKey) {
      devKey = await createDevKey();
      if (persistedKeyFile) writeDevKey(persistedKeyFile, devKey);
    }
    const publicJwk = devKey.publicJwk;
    const env: Record<string, string> = {
      STAGE: process.env.STAGE ?? 'local',
      [DEV_KEY_ENV]: JSON.stringify(devKey.privateJwk),
      ...(options.env ?? {}),
      ...provisioned.env,
    };
    Object.assign(process.env, env);

    const needFunctions = !options.routes || !options.consumers || !options.schedules;
    const { ok: functions, failed } = needFunctions
      ? await loadableFunctions(root, log)
      : { ok: {}, failed: {} as Record<string, string> };

    const loaded = options.consumers ?? (await loadFunctionConsumers(provisioned.queueUrls, functions, root));
    const consumers = options.wrapConsumers ? options.wrapConsumers(loaded) : loaded;
    const pollers = startSqsPollers({
      sqsEndpoint: emulators.endpoints.sqs,
      consumers,
      log,
      ...(options.retryVisibilitySeconds !== undefined
        ? { retryVisibilitySeconds: options.retryVisibilitySeconds }
        : {}),
      ...(options.idleBackoffMs ? { idleBackoffMs: options.idleBackoffMs } : {}),
    });
    stoppers.push(() => pollers.stop());

    const jobs = options.schedules ?? (await loadScheduledJobs(functions, root));
    const schedules = startSchedules(jobs, log);
    stoppers.push(() => schedules.stop());

    const health = async (): Promise<HealthReport> => {
      const e = await emulators.health();
      const consumerStatus = pollers.status();
      const pollersOk = Object.values(consumerStatus).every((s) => s.running && !s.receiveError);
      const components = {
        dynamodb: e.dynamodb,
        sqs: e.sqs,
        ses: e.sesv2,
        pollers: { ok: pollersOk, consumers: consumerStatus },
        schedules: { ok: true, jobs: schedules.status() },
        functions: { ok: Object.keys(failed).length === 0, failedToLoad: failed },
      };
      const allOk = Object.values(components).every((c) => c.ok);
      return { status: allOk ? 'ok' : 'degraded', components };
    };

    const healthRoute: GatewayRoute = {
      method: 'GET',
      path: '/health',
      public: true,
      functionName: 'LocalHealth',
      handler: async (): Promise<APIGatewayProxyStructuredResultV2> => {
        const report = await health();
        return {
          statusCode: report.status === 'ok' ? 200 : 503,
          headers: { 'content-type': 'application/json', 'cache-control': 'no-store' },
          body: JSON.stringify(report),
        };
      },
    };
    const functionRoutes = options.routes ?? (await loadFunctionRoutes(functions, root));
    const apiPort = await pickPort(options.port, DEFAULT_PORTS.api, log, 'the API');
    const gateway = await startHttpGateway({
      port: apiPort,
      routes: [healthRoute, ...functionRoutes.filter((r) => !(r.method === 'GET' && r.path === '/health'))],
      log,
      authorize:
        options.authorize ??
        (async (event) => {
          const claims = await verifyDevToken(publicJwk, event.headers.authorization);
          return claims ? { claims } : null;
        }),
    });
    const keyFile = persistedKeyFile ?? devKeyFile(null, Number(new URL(gateway.url).port));
    if (!persistedKeyFile) {
      writeDevKey(keyFile, devKey);
      stoppers.push(async () => removeDevKey(keyFile));
    }
    // Stop order (reverse of push): gateway first, then schedules, pollers, emulators.
    stoppers.push(() => gateway.stop());

    let stopping: Promise<void> | undefined;
    const stack: LocalStack = {
      url: gateway.url,
      endpoints: emulators.endpoints,
      env,
      provisioned,
      dataDir,
      devKeyFile: keyFile,
      inboxUrl: `${emulators.endpoints.sesv2}/`,
      health,
      restartEmulator: (name, restartOptions) => emulators.restart(name, restartOptions),
      stop() {
        stopping ??= stopAll();
        return stopping;
      },
    };
    await options.onReady?.(stack);
    return stack;
  } catch (error) {
    await stopAll();
    throw error;
  }
};

/* ------------------------------------------------------------------ CLI ----------------------------------- */

export const parseArgs = (
  argv: readonly string[],
  env: Record<string, string | undefined> = process.env,
): { inMemory: boolean; port: number; seed: boolean } => {
  let inMemory = false;
  let seed = false;
  let port = env.PORT ? Number(env.PORT) : DEFAULT_PORTS.api;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--in-memory') inMemory = true;
    else if (arg === '--seed') seed = true;
    else if (arg === '--port') port = Number(argv[++i]);
    else if (arg.startsWith('--port=')) port = Number(arg.slice('--port='.length));
    else throw new Error(`Unknown option ${arg} (use --in-memory, --seed, --port <n>)`);
  }
  if (!Number.isInteger(port) || port < 0 || port > 65_535) throw new Error('--port must be 0..65535');
  return { inMemory, port, seed };
};

const main = async () => {
  const started = Date.now();
  const args = parseArgs(process.argv.slice(2));
  // Sample leads go in on the first start (no data yet), in memory (always empty), or with --seed.
  const firstStart = args.inMemory || !existsSync(resolve(DEFAULT_DATA_DIR));
  const stack = await startLocalStack({ dataDir: args.inMemory ? null : DEFAULT_DATA_DIR, port: args.port });
  const health = await stack.health();
  const ms = Date.now() - started;
  console.log(
    [
      '',
      `Lead qualifier running locally (ready in ${(ms / 1000).toFixed(1)} s, health: ${health.status})`,
      `  API           ${stack.url}   (health: ${stack.url}/health)`,
      `  SES inbox     ${stack.inboxUrl}   (sent mail as JSON: ${stack.endpoints.sesv2}/store)`,
      `  DynamoDB      ${stack.endpoints.dynamodb}`,
      `  SQS           ${stack.endpoints.sqs}`,
      `  Data          ${stack.dataDir ?? 'in memory (nothing persists)'}`,
      `  Inbox         ${stack.url}/   (sign in as a demo rep, e.g. Bram; ops page: ${stack.url}/ops)`,
      '  API token     npm run -s token -- rep-bram   (then: curl -H "authorization: Bearer $TOKEN" …/drafts)',
      '  Ctrl-C stops everything.',
      '',
    ].join('\n'),
  );
  if (firstStart || args.seed) {
    const seeded = await seedSampleLeads(stack.url, resolve('samples/leads'));
    const accepted = seeded.filter((r) => r.status === 202).length;
    console.log(
      `Submitted ${accepted}/${seeded.length} sample leads from samples/leads/ — they appear in the inbox within seconds.\n`,
    );
  }
  let signals = 0;
  const shutdown = (signal: string) => {
    signals++;
    if (signals > 1) {
      console.log('Forced exit (DynamoDB Local is killed by its watchdog).');
      process.exit(130);
    }
    console.log(`\n${signal}: stopping…`);
    stack.stop().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.on('SIGINT', () => shutdown('SIGINT'));
  process.on('SIGTERM', () => shutdown('SIGTERM'));
};

const isMain =
  process.argv[1] !== undefined && import.meta.url === pathToFileURL(resolve(process.argv[1])).href;
if (isMain) {
  main().catch((error: unknown) => {
    console.error(`Local stack failed to start: ${(error as Error)?.message ?? String(error)}`);
    process.exit(1);
  });
}
