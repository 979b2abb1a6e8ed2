/**
 * Runs scheduled functions (`scheduleMinutes` in FUNCTIONS) on an interval with an EventBridge-shaped
 * "Scheduled Event", like an EventBridge rule does on AWS. A run that is still going when the next tick comes
 * is not overlapped (the tick is skipped). Errors are logged by name only.
 */
import { randomUUID } from 'node:crypto';
import type { ScheduledEvent } from 'aws-lambda';
import { FUNCTIONS, type FunctionDef } from '../infra/data-plane';
import { LOCAL_ACCOUNT_ID, LOCAL_REGION } from './aws';
import { createLambdaContext, withTimeout } from './lambda-context';
import { type AnyLambdaHandler, importHandler } from './load-handler';

export interface ScheduledJob {
  readonly functionName: string;
  readonly handler: AnyLambdaHandler;
  readonly everyMs: number;
  readonly timeoutSeconds?: number;
  readonly memoryMb?: number;
  /** Also run once right after start (default false, like a new EventBridge rule). */
  readonly runAtStart?: boolean;
}

export interface JobStatus {
  readonly everyMs: number;
  readonly runs: number;
  readonly failures: number;
  readonly running: boolean;
  readonly lastRunAt?: string;
}

export interface RunningSchedules {
  status(): Record<string, JobStatus>;
  /** Runs a job now (skipped if it is already running); resolves when it finished. */
  trigger(functionName: string): Promise<void>;
  /** Clears the timers and waits for runs in progress. */
  stop(): Promise<void>;
}

export const scheduledEvent = (functionName: string, now: Date = new Date()): ScheduledEvent => ({
  version: '0',
  id: randomUUID(),
  'detail-type': 'Scheduled Event',
  source: 'aws.events',
  account: LOCAL_ACCOUNT_ID,
  time: now.toISOString().replace(/\.\d{3}Z$/, 'Z'),
  region: LOCAL_REGION,
  resources: [`arn:aws:events:${LOCAL_REGION}:${LOCAL_ACCOUNT_ID}:rule/${functionName}-schedule`],
  detail: {},
});

/** One job per function of FUNCTIONS with `scheduleMinutes`. Call only after the environment is set. */
export const loadScheduledJobs = async (
  functions: Record<string, FunctionDef> = FUNCTIONS,
  root: string = process.cwd(),
): Promise<ScheduledJob[]> => {
  const jobs: ScheduledJob[] = [];
  for (const def of Object.values(functions)) {
    if (!def.scheduleMinutes) continue;
    jobs.push({
      functionName: def.id,
      handler: await importHandler(def.entry, root),
      everyMs: def.scheduleMinutes * 60_000,
      timeoutSeconds: def.timeoutSeconds,
      memoryMb: def.memoryMb,
    });
  }
  return jobs;
};

export const startSchedules = (
  jobs: readonly ScheduledJob[],
  log: (line: string) => void = () => {},
): RunningSchedules => {
  const state = new Map(
    jobs.map((j) => [
      j.functionName,
      { job: j, runs: 0, failures: 0, current: undefined as Promise<void> | undefined, lastRunAt: '' },
    ]),
  );
  let stopped = false;
  const run = (name: string): Promise<void> => {
    const s = state.get(name);
    if (!s) return Promise.reject(new Error(`No scheduled job ${name}`));
    if (s.current || stopped) return s.current ?? Promise.resolve();
    const event = scheduledEvent(name);
    const context = createLambdaContext(s.job);
    s.lastRunAt = event.time;
    s.current = withTimeout(Promise.resolve(s.job.handler(event, context)), s.job.timeoutSeconds)
      .then(
        () => {
          s.runs++;
        },
        (error: unknown) => {
          s.runs++;
          s.failures++;
          log(`[schedule:${name}] run failed: ${(error as Error)?.name ?? 'Error'}`);
        },
      )
      .finally(() => {
        s.current = undefined;
      });
    return s.current;
  };
  const timers = jobs.map((j) => {
    if (j.runAtStart) void run(j.functionName);
    const t = setInterval(() => void run(j.functionName), j.everyMs);
    t.unref?.();
    return t;
  });
  return {
    status() {
      return Object.fromEntries(
        [...state].map(([name, s]) => [
          name,
          {
            everyMs: s.job.everyMs,
            runs: s.runs,
            failures: s.failures,
            running: s.current !== undefined,
            ...(s.lastRunAt ? { lastRunAt: s.lastRunAt } : {}),
          },
        ]),
      );
    },
    trigger: run,
    async stop() {
      stopped = true;
      for (const t of timers) clearInterval(t);
      await Promise.allSettled([...state.values()].map((s) => s.current));
    },
  };
};
