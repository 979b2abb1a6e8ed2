/**
 * CPU time of this process and of its descendants (the emulators: DynamoDB Local's JVM, the SQS and SES
 * stand-ins), from /proc (Linux only; elsewhere the descendants read as 0). A benchmark takes a snapshot
 * before and after a run to say where the machine's CPU went per lead.
 */
import { readdirSync, readFileSync } from 'node:fs';

const TICK_MS = 10; // USER_HZ is 100 on every Linux the benchmarks run on

interface ProcStat {
  readonly pid: number;
  readonly ppid: number;
  readonly comm: string;
  /** utime + stime, ms. */
  readonly cpuMs: number;
}

const readStat = (pid: number): ProcStat | undefined => {
  try {
    const text = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const close = text.lastIndexOf(')');
    const comm = text.slice(text.indexOf('(') + 1, close);
    const fields = text.slice(close + 2).split(' ');
    // fields[0] is the state; ppid is field 4 of the line (index 1 here), utime/stime 14/15 (index 11/12).
    return {
      pid,
      ppid: Number(fields[1]),
      comm,
      cpuMs: (Number(fields[11]) + Number(fields[12])) * TICK_MS,
    };
  } catch {
    return undefined;
  }
};

/** CPU ms per descendant command name (e.g. `java`, `node`), summed; empty when /proc is not there. */
const descendantsCpu = (root: number): Record<string, number> => {
  let pids: number[];
  try {
    pids = readdirSync('/proc')
      .filter((d) => /^\d+$/.test(d))
      .map(Number);
  } catch {
    return {};
  }
  const stats = pids.map(readStat).filter((s): s is ProcStat => s !== undefined);
  const children = new Map<number, ProcStat[]>();
  for (const s of stats) children.set(s.ppid, [...(children.get(s.ppid) ?? []), s]);
  const out: Record<string, number> = {};
  const walk = (pid: number) => {
    for (const c of children.get(pid) ?? []) {
      out[c.comm] = (out[c.comm] ?? 0) + c.cpuMs;
      walk(c.pid);
    }
  };
  walk(root);
  return out;
};

export interface CpuSnapshot {
  readonly self: NodeJS.CpuUsage;
  readonly descendants: Record<string, number>;
}

export const cpuSnapshot = (): CpuSnapshot => ({
  self: process.cpuUsage(),
  descendants: descendantsCpu(process.pid),
});

/** CPU ms spent between two snapshots: this process, and its descendants by command name. */
export const cpuSpent = (
  before: CpuSnapshot,
  after: CpuSnapshot,
): { self: number; descendants: Record<string, number> } => {
  const user = after.self.user - before.self.user;
  const system = after.self.system - before.self.system;
  const descendants: Record<string, number> = {};
  for (const [name, ms] of Object.entries(after.descendants))
    descendants[name] = ms - (before.descendants[name] ?? 0);
  return { self: Math.round((user + system) / 1000), descendants };
};
