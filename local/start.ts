/**
 * `npm start`: the whole product on a laptop. Starts the emulators (DynamoDB Local, SQS, SES v2), provisions
 * the data plane of infra/data-plane.ts, sets the functions' environment, then serves the HTTP routes of
 * FUNCTIONS through the local API Gateway, runs the SQS pollers and the schedules, and answers `GET /health`.
 *
 *   npm start                     data persists in .local-data/
 *   npm start -- --in-memory      nothing persists
 *   npm start -- --port 3001      (or PORT=3001) API port, default 3000
 *   npm start -- --faults         a fault proxy in front of each emulator, controlled over HTTP:
 *                                 POST /local/faults {"service":"dynamodb","mode":"refuse","ms":5000}
 *   npm start -- --crm hubspot    sync leads to a CRM (hubspot | pipedrive; or env CRM=…): the local stand-in
 *                                 of that CRM unless HUBSPOT_BASE_URL / PIPEDRIVE_BASE_URL is set (see
 *                                 local/crm.ts); synced records at GET /local/crm
 *
 * Ctrl-C / SIGTERM: pollers drain, servers close, SQS is snapshotted (persistent mode), Java is killed.
 * In-process use (tests, benchmarks, seeding): `startLocalStack(options)`.
 */

import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { writeCompiledYaml } from '../functions/agent/yaml-compile';
import { DynamoLeadStore } from '../functions/platform/lead-store-dynamodb';
import { DynamoWorkspaceStore } from '../functions/platform/lead-store-workspace';
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
import { type LocalCrm, localCrmKind, localCrmRoutes, startLocalCrm } from './crm';
import { type EmulatorName, type EmulatorPorts, type RunningEmulators, startEmulators } from './emulators';
import type { FaultMode, FaultSettings } from './fault-proxy';
import { type Authorize, type GatewayRoute, loadFunctionRoutes, startHttpGateway } from './http-gateway';
import { importHandler } from './load-handler';
import { freePort, isPortFree } from './ports';
import { type ProvisionedDataPlane, provisionDataPlane } from './provision';
import { loadScheduledJobs, type ScheduledJob, startSchedules } from './scheduler';
import { seedSampleLeads } from './seed-samples';
import { loadFunctionConsumers, type SqsConsumer, startSqsPollers } from './sqs-poller';
import { loadStreamConsumers, type StreamConsumer, startStreamPollers } from './stream-poller';

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
  readonly wrapConsumers?: (
    consumers: readonly SqsConsumer[],
    provisioned: ProvisionedDataPlane,
  ) => readonly SqsConsumer[];
  /** Override the DynamoDB stream consumers (default: FUNCTIONS with `consumesStream`). */
  readonly streamConsumers?: readonly StreamConsumer[];
  /** Wraps the stream consumers (default or overridden), like `wrapConsumers`. */
  readonly wrapStreamConsumers?: (
    consumers: readonly StreamConsumer[],
    provisioned: ProvisionedDataPlane,
  ) => readonly StreamConsumer[];
  /** The stream pollers' wait on an idle shard (default 250 ms, Lambda's four polls a second). */
  readonly streamPollIntervalMs?: number;
  /** Override the scheduled jobs (default: FUNCTIONS with `scheduleMinutes`). */
  readonly schedules?: readonly ScheduledJob[];
  /** LOCAL-ONLY: failed SQS records become visible again after this many seconds (see sqs-poller.ts). */
  readonly retryVisibilitySeconds?: number;
  /**
   * Short polling with this idle back-off instead of the default long polling (only to compare the two in a
   * benchmark; see sqs-poller.ts).
   */
  readonly idleBackoffMs?: { readonly min: number; readonly max: number };
  /**
   * JWT authorizer seam of the gateway. Default: verifies `Authorization: Bearer` dev tokens signed with the
   * stack's ES256 key (POST /auth/dev-login, `npm run token`) into Cognito-shaped claims — see
   * functions/platform/local-jwt.ts.
   */
  readonly authorize?: Authorize;
  readonly log?: (line: string) => void;
  /**
   * A fault proxy in front of each emulator (see local/emulators.ts): `LocalStack.faults` controls them, and
   * `GET|POST /local/faults` does the same over HTTP. Default false.
   */
  readonly faults?: boolean;
  /** Called once everything runs (e.g. to seed sample leads), before `startLocalStack` resolves. */
  readonly onReady?: (stack: LocalStack) => Promise<void> | void;
  /**
   * The CRM leads are synced with (default: `CRM` of `env`, then of the process environment; none): its local
   * stand-in starts unless a base URL is given (local/crm.ts).
   */
  readonly crm?: 'hubspot' | 'pipedrive' | 'none';
}

export interface HealthReport {
  readonly status: 'ok' | 'degraded';
  readonly components: {
    readonly dynamodb: { readonly ok: boolean; readonly endpoint: string };
    readonly sqs: { readonly ok: boolean; readonly endpoint: string };
    readonly ses: { readonly ok: boolean; readonly endpoint: string };
    readonly pollers: { readonly ok: boolean; readonly consumers: Record<string, unknown> };
    readonly streams: { readonly ok: boolean; readonly consumers: Record<string, unknown> };
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
  /** Stops and starts one emulator on the same endpoint: see `RunningEmulators.restart`. */
  restartEmulator: RunningEmulators['restart'];
  /** The fault proxies in front of the emulators (`faults: true`), else null. */
  readonly faults: RunningEmulators['faults'];
  /** The emulators' own endpoints, behind the fault proxies (for observers that must not see the faults). */
  readonly directEndpoints: EmulatorEndpoints;
  /** The CRM the functions sync with (its local stand-in, when one was started), or undefined. */
  readonly crm?: LocalCrm;
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

const FAULT_MODES: readonly FaultMode[] = ['pass', 'refuse', 'stall', 'reset', 'delay'];
const SERVICES: readonly EmulatorName[] = ['dynamodb', 'sqs', 'sesv2'];

/**
 * `GET /local/faults`: each proxy's settings and counters. `POST /local/faults` with
 * `{"service":"dynamodb"|"sqs"|"sesv2","mode":"pass"|"refuse"|"stall"|"reset"|"delay","ms"?,"delayMs"?,"resetOn"?}`
 * switches one (for `ms` milliseconds when given, then back to `pass`); 400 names the field that is wrong.
 */
export const faultControlRoutes = (faults: NonNullable<RunningEmulators['faults']>): GatewayRoute[] => {
  const json = (statusCode: number, body: unknown): APIGatewayProxyStructuredResultV2 => ({
    statusCode,
    headers: { 'content-type': 'application/json', 'cache-control': 'no-store' },
    body: JSON.stringify(body),
  });
  const status = () =>
    Object.fromEntries(SERVICES.map((s) => [s, { settings: faults[s].settings, stats: faults[s].stats() }]));
  return [
    {
      method: 'GET',
      path: '/local/faults',
      functionName: 'LocalFaults',
      handler: async () => json(200, status()),
    },
    {
      method: 'POST',
      path: '/local/faults',
      functionName: 'LocalFaults',
      handler: async (event) => {
        let body: Record<string, unknown>;
        try {
          const text = event.isBase64Encoded
            ? Buffer.from(event.body ?? '', 'base64').toString()
            : event.body;
          body = JSON.parse(text ?? '{}') as Record<string, unknown>;
        } catch {
          return json(400, { message: 'body: expected JSON' });
        }
        const service = body.service as EmulatorName;
        if (!SERVICES.includes(service))
          return json(400, { message: `service: one of ${SERVICES.join(', ')}` });
        const mode = body.mode as FaultMode;
        if (!FAULT_MODES.includes(mode))
          return json(400, { message: `mode: one of ${FAULT_MODES.join(', ')}` });
        const number = (field: string) => {
          const v = body[field];
          return v === undefined || (typeof v === 'number' && Number.isFinite(v) && v >= 0 && v <= 600_000)
            ? null
            : json(400, { message: `${field}: milliseconds, 0 to 600000` });
        };
        const invalid = number('ms') ?? number('delayMs');
        if (invalid) return invalid;
        if (body.resetOn !== undefined && body.resetOn !== 'request' && body.resetOn !== 'response')
          return json(400, { message: 'resetOn: request or response' });
        const settings: FaultSettings = {
          mode,
          ...(typeof body.delayMs === 'number' ? { delayMs: body.delayMs } : {}),
          ...(body.resetOn ? { resetOn: body.resetOn as 'request' | 'response' } : {}),
        };
        if (typeof body.ms === 'number') void faults[service].outage(settings, body.ms).catch(() => {});
        else await faults[service].set(settings);
        return json(200, { [service]: settings, ...(typeof body.ms === 'number' ? { forMs: body.ms } : {}) });
      },
    },
  ];
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
  const emulators: RunningEmulators = await startEmulators({
    dataDir,
    ports,
    log,
    ...(options.faults ? { faults: true } : {}),
  });
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
        const listed = await new DynamoWorkspaceStore(
          DynamoDBDocumentClient.from(ddb),
          provisioned.tables.leads,
        ).backfillListIndex();
        if (listed > 0) log(`[local] indexed ${listed} earlier lead(s) for the leads list`);
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
    // The API port is known before the functions load: the CRM's webhooks and lead links name it.
    let apiPort = await pickPort(options.port, DEFAULT_PORTS.api, log, 'the API');
    const crmKind = localCrmKind(options.crm, { ...process.env, ...(options.env ?? {}) });
    let crm: LocalCrm | undefined;
    if (crmKind) {
      if (apiPort === 0) apiPort = await freePort();
      crm = await startLocalCrm(
        crmKind,
        { ...process.env, ...(options.env ?? {}) },
        `http://127.0.0.1:${apiPort}`,
      );
      stoppers.push(() => crm!.close());
    }
    const env: Record<string, string> = {
      STAGE: process.env.STAGE ?? 'local',
      [DEV_KEY_ENV]: JSON.stringify(devKey.privateJwk),
      ...(options.env ?? {}),
      ...(crm?.env ?? {}),
      ...provisioned.env,
    };
    Object.assign(process.env, env);

    // config/*.yaml in the compiled form the handlers read first, refreshed as the CDK writes it beside a bundle.
    if (existsSync(resolve(root, 'config'))) writeCompiledYaml(resolve(root, 'config'));
    const needFunctions = !options.routes || !options.consumers || !options.schedules;
    const { ok: functions, failed } = needFunctions
      ? await loadableFunctions(root, log)
      : { ok: {}, failed: {} as Record<string, string> };

    const loaded = options.consumers ?? (await loadFunctionConsumers(provisioned.queueUrls, functions, root));
    const consumers = options.wrapConsumers ? options.wrapConsumers(loaded, provisioned) : loaded;
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

    const loadedStreams =
      options.streamConsumers ??
      (await loadStreamConsumers(provisioned.tables, provisioned.dlqUrls, functions, root));
    const streamConsumers = options.wrapStreamConsumers
      ? options.wrapStreamConsumers(loadedStreams, provisioned)
      : loadedStreams;
    const streams = startStreamPollers({
      dynamodbEndpoint: emulators.endpoints.dynamodb,
      sqsEndpoint: emulators.endpoints.sqs,
      consumers: streamConsumers,
      log,
      ...(options.streamPollIntervalMs !== undefined ? { pollIntervalMs: options.streamPollIntervalMs } : {}),
    });
    stoppers.push(() => streams.stop());

    const jobs = options.schedules ?? (await loadScheduledJobs(functions, root));
    const schedules = startSchedules(jobs, log);
    stoppers.push(() => schedules.stop());

    const health = async (): Promise<HealthReport> => {
      const e = await emulators.health();
      const consumerStatus = pollers.status();
      const pollersOk = Object.values(consumerStatus).every((s) => s.running && !s.receiveError);
      const streamStatus = streams.status();
      const streamsOk = Object.values(streamStatus).every((s) => s.running && !s.pollError);
      const components = {
        dynamodb: e.dynamodb,
        sqs: e.sqs,
        ses: e.sesv2,
        pollers: { ok: pollersOk, consumers: consumerStatus },
        streams: { ok: streamsOk, consumers: streamStatus },
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
    const faultRoutes = emulators.faults ? faultControlRoutes(emulators.faults) : [];
    const crmRoutes = crm ? localCrmRoutes(crm) : [];
    const gateway = await startHttpGateway({
      port: apiPort,
      routes: [
        healthRoute,
        ...faultRoutes,
        ...crmRoutes,
        ...functionRoutes.filter((r) => !(r.method === 'GET' && r.path === '/health')),
      ],
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
      faults: emulators.faults,
      directEndpoints: emulators.directEndpoints,
      ...(crm ? { crm } : {}),
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
): {
  inMemory: boolean;
  port: number;
  seed: boolean;
  faults: boolean;
  crm?: 'hubspot' | 'pipedrive' | 'none';
} => {
  let inMemory = false;
  let crm: string | undefined;
  let seed = false;
  let faults = false;
  let port = env.PORT ? Number(env.PORT) : DEFAULT_PORTS.api;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--in-memory') inMemory = true;
    else if (arg === '--seed') seed = true;
    else if (arg === '--faults') faults = true;
    else if (arg === '--port') port = Number(argv[++i]);
    else if (arg.startsWith('--port=')) port = Number(arg.slice('--port='.length));
    else if (arg === '--crm') crm = argv[++i];
    else if (arg.startsWith('--crm=')) crm = arg.slice('--crm='.length);
    else
      throw new Error(
        `Unknown option ${arg} (use --in-memory, --seed, --port <n>, --faults, --crm hubspot|pipedrive|none)`,
      );
  }
  if (!Number.isInteger(port) || port < 0 || port > 65_535) throw new Error('--port must be 0..65535');
  if (crm !== undefined && crm !== 'hubspot' && crm !== 'pipedrive' && crm !== 'none')
    throw new Error('--crm must be hubspot, pipedrive or none');
  return { inMemory, port, seed, faults, ...(crm ? { crm } : {}) };
};

const main = async () => {
  const started = Date.now();
  const args = parseArgs(process.argv.slice(2));
  // Sample leads go in on the first start (no data yet), in memory (always empty), or with --seed.
  const firstStart = args.inMemory || !existsSync(resolve(DEFAULT_DATA_DIR));
  const stack = await startLocalStack({
    dataDir: args.inMemory ? null : DEFAULT_DATA_DIR,
    port: args.port,
    faults: args.faults,
    ...(args.crm ? { crm: args.crm } : {}),
  });
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
      ...(stack.crm
        ? [
            `  CRM           ${stack.crm.kind} at ${stack.crm.baseUrl}${stack.crm.server ? ' (local stand-in, in memory)' : ''}`,
            `                synced records: ${stack.url}/local/crm   webhooks: POST ${stack.url}/crm/${stack.crm.kind}/webhook`,
          ]
        : []),
      ...(stack.faults
        ? [
            `  Faults        ${stack.url}/local/faults   (e.g. curl -X POST -d '{"service":"dynamodb","mode":"refuse","ms":5000}' …)`,
          ]
        : []),
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
