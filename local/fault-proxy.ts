/**
 * A TCP fault proxy (plain `node:net`) for putting in front of an emulator, so that tests, the whole-chain
 * proof and `npm start -- --faults` can make a service unreachable or break connections without touching
 * the emulator itself. Clients use the proxy's endpoint; the mode can change at any moment and applies to
 * open connections as well as new ones:
 *
 * - `pass`: bytes flow both ways unchanged.
 * - `refuse`: the proxy stops listening, so new connections are refused (ECONNREFUSED), and every open
 *   connection is destroyed (a request in flight breaks, like a host that went away). Leaving `refuse`
 *   listens again on the same port.
 * - `stall`: new connections are accepted and held; nothing moves on any connection in either direction (a
 *   network partition: requests hang until the client gives up). Leaving `stall` lets the held bytes flow
 *   again, in order, as TCP does when a partition heals.
 * - `reset`: the connection is reset (RST) at the first bytes that move in the chosen direction: `response`
 *   (default) — the request reached the service, which did the work, but the answer never arrives; `request` —
 *   the request never reaches the service. With `limit`, only that many connections, then `pass` again.
 * - `delay`: every chunk waits `delayMs` before it is passed on (order kept per direction).
 */
import { createServer, type Server, type Socket, connect as tcpConnect } from 'node:net';
import { quietPortRange } from './ports';

export type FaultMode = 'pass' | 'refuse' | 'stall' | 'reset' | 'delay';

export interface FaultSettings {
  readonly mode: FaultMode;
  /** `delay`: milliseconds per chunk (default 200). */
  readonly delayMs?: number;
  /** `reset`: which bytes trigger the reset (default `response`). */
  readonly resetOn?: 'request' | 'response';
  /** `reset`: reset this many connections, then pass again (default: every one while the mode lasts). */
  readonly limit?: number;
}

export interface FaultProxyStats {
  /** Connections accepted. */
  readonly connections: number;
  /** Connections destroyed by `refuse` or `reset`. */
  readonly broken: number;
  /** Connections that were held by `stall` at some point. */
  readonly stalled: number;
  /** Chunks held back by `delay`. */
  readonly delayedChunks: number;
  /** Bytes passed on, both directions: whether there was traffic to disturb. */
  readonly bytes: number;
}

export interface FaultProxy {
  /** `http://<host>:<port>` of the proxy: what clients use. */
  readonly endpoint: string;
  readonly port: number;
  /** The current settings. */
  readonly settings: FaultSettings;
  /** Switches the mode; resolves once it applies (for `refuse`: not listening; leaving it: listening again). */
  set(settings: FaultSettings | FaultMode): Promise<void>;
  /** `set(settings)` for `ms` milliseconds (or until its `limit` is reached), then `pass`; resolves when passing again. */
  outage(settings: FaultSettings | FaultMode, ms: number): Promise<void>;
  stats(): FaultProxyStats;
  /** Stops listening and destroys every connection. Idempotent. */
  close(): Promise<void>;
}

export interface FaultProxyOptions {
  /** Where the bytes go: a URL (`http://127.0.0.1:8000`) or host and port. */
  readonly target: string | { readonly host: string; readonly port: number };
  /** Listening host (default 127.0.0.1) and port (default 0: a free one). */
  readonly host?: string;
  readonly port?: number;
}

/** One direction of a connection: what waits to be passed on, in order (`end`: the sender half-closed). */
interface Lane {
  readonly toUpstream: boolean;
  readonly queue: Array<Buffer | 'end'>;
  /** A delayed chunk is waiting. */
  busy: boolean;
}

interface Connection {
  readonly client: Socket;
  upstream: Socket | null;
  readonly up: Lane;
  readonly down: Lane;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

const targetOf = (target: FaultProxyOptions['target']) => {
  if (typeof target !== 'string') return target;
  const url = new URL(target);
  return { host: url.hostname, port: Number(url.port || (url.protocol === 'https:' ? 443 : 80)) };
};

export const startFaultProxy = async (options: FaultProxyOptions): Promise<FaultProxy> => {
  const target = targetOf(options.target);
  const host = options.host ?? '127.0.0.1';
  let settings: FaultSettings = { mode: 'pass' };
  const connections = new Set<Connection>();
  const stats = { connections: 0, broken: 0, stalled: 0, delayedChunks: 0, bytes: 0 };
  /** Resets since the mode was set, and who waits for its `limit`. */
  let resets = 0;
  let limitReached: () => void = () => {};
  let closed = false;

  /** Ends a connection; `fault`: on purpose (counted), with a TCP reset when `reset`. */
  const destroy = (c: Connection, fault: boolean, reset = false) => {
    if (c.client.destroyed && (!c.upstream || c.upstream.destroyed)) return;
    if (fault) stats.broken++;
    if (reset) c.client.resetAndDestroy();
    else c.client.destroy();
    c.upstream?.destroy();
    connections.delete(c);
  };

  const ends = (c: Connection, lane: Lane) => ({
    from: lane.toUpstream ? c.client : c.upstream,
    to: lane.toUpstream ? c.upstream : c.client,
  });
  const resume = (socket: Socket | null) => {
    if (socket && !socket.destroyed && settings.mode !== 'stall') socket.resume();
  };

  /** Passes on what waits in `lane` under the current mode, in order. */
  const pump = (c: Connection, lane: Lane) => {
    const { from, to } = ends(c, lane);
    while (lane.queue.length > 0 && !lane.busy) {
      if (settings.mode === 'stall' || !to || to.destroyed) return;
      const item = lane.queue[0]!;
      if (item === 'end') {
        lane.queue.shift();
        to.end();
        continue;
      }
      if (
        settings.mode === 'reset' &&
        (settings.resetOn ?? 'response') === (lane.toUpstream ? 'request' : 'response')
      ) {
        destroy(c, true, true);
        resets++;
        if (settings.limit !== undefined && resets >= settings.limit) {
          settings = { mode: 'pass' };
          limitReached();
        }
        return;
      }
      if (settings.mode === 'delay') {
        stats.delayedChunks++;
        lane.busy = true;
        from?.pause();
        setTimeout(() => {
          lane.busy = false;
          const chunk = lane.queue.shift();
          if (chunk !== undefined && chunk !== 'end' && !to.destroyed) {
            stats.bytes += chunk.length;
            to.write(chunk);
          }
          resume(from);
          pump(c, lane);
        }, settings.delayMs ?? 200);
        return;
      }
      lane.queue.shift();
      stats.bytes += item.length;
      if (!to.write(item)) {
        from?.pause();
        to.once('drain', () => {
          resume(from);
          pump(c, lane);
        });
        return;
      }
    }
  };

  const receive = (c: Connection, lane: Lane, item: Buffer | 'end') => {
    lane.queue.push(item);
    pump(c, lane);
  };

  const attachUpstream = (c: Connection) => {
    const upstream = tcpConnect({ host: target.host, port: target.port, allowHalfOpen: true });
    c.upstream = upstream;
    upstream.on('data', (chunk: Buffer) => receive(c, c.down, chunk));
    upstream.on('end', () => receive(c, c.down, 'end'));
    upstream.on('error', () => destroy(c, false));
    upstream.on('close', () => {
      // Whatever the service sent before closing is passed on first.
      if (c.down.queue.length === 0 && !c.client.destroyed) c.client.destroy();
    });
    pump(c, c.up);
    resume(c.client);
  };

  /** Lets a stalled connection move again: held bytes first, in order. */
  const unstall = (c: Connection) => {
    if (!c.upstream) attachUpstream(c);
    pump(c, c.up);
    pump(c, c.down);
    resume(c.client);
    resume(c.upstream);
  };

  const server: Server = createServer({ allowHalfOpen: true, pauseOnConnect: true }, (client) => {
    stats.connections++;
    const c: Connection = {
      client,
      upstream: null,
      up: { toUpstream: true, queue: [], busy: false },
      down: { toUpstream: false, queue: [], busy: false },
    };
    connections.add(c);
    client.on('data', (chunk: Buffer) => receive(c, c.up, chunk));
    client.on('end', () => receive(c, c.up, 'end'));
    client.on('error', () => destroy(c, false));
    client.on('close', () => {
      c.upstream?.destroy();
      connections.delete(c);
    });
    if (settings.mode === 'stall') {
      stats.stalled++;
      // Accepted, held: no upstream until the stall ends; the client's bytes wait in the kernel.
      return;
    }
    attachUpstream(c);
  });
  server.on('error', () => {});

  /** Listens on `port`; `wait`: the port was ours a moment ago, wait for it rather than fail at once. */
  const listen = async (port: number, wait: boolean): Promise<number> => {
    for (let attempt = 0; ; attempt++) {
      try {
        return await new Promise<number>((resolve, reject) => {
          const onError = (error: Error) => reject(error);
          server.once('error', onError);
          server.listen(port, host, () => {
            server.off('error', onError);
            const address = server.address();
            resolve(typeof address === 'object' && address ? address.port : port);
          });
        });
      } catch (error) {
        // Clients know this endpoint: wait for the port rather than move.
        if ((error as NodeJS.ErrnoException).code !== 'EADDRINUSE' || !wait || attempt >= 300) throw error;
        await sleep(100);
      }
    }
  };

  const pickPort = async (): Promise<number> => {
    // Below the ephemeral range: while refusing, the port is unbound, and no outgoing connection may take it.
    const { from, to } = quietPortRange();
    for (let attempt = 0; attempt < 50; attempt++) {
      const candidate = from + Math.floor(Math.random() * (to - from));
      try {
        return await listen(candidate, false);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EADDRINUSE') throw error;
      }
    }
    return listen(0, false);
  };
  const port = options.port ? await listen(options.port, false) : await pickPort();

  const set = async (next: FaultSettings | FaultMode): Promise<void> => {
    if (closed) throw new Error('the fault proxy is closed');
    const wanted: FaultSettings = typeof next === 'string' ? { mode: next } : next;
    const previous = settings;
    settings = wanted;
    resets = 0;
    if (wanted.mode === 'refuse' && previous.mode !== 'refuse') {
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        for (const c of [...connections]) destroy(c, true);
      });
    }
    if (wanted.mode !== 'refuse' && previous.mode === 'refuse') await listen(port, true);
    if (wanted.mode === 'stall' && previous.mode !== 'stall') {
      for (const c of connections) {
        stats.stalled++;
        c.client.pause();
        c.upstream?.pause();
      }
    }
    if (wanted.mode !== 'stall' && previous.mode === 'stall') for (const c of connections) unstall(c);
  };

  return {
    endpoint: `http://${host}:${port}`,
    port,
    get settings() {
      return settings;
    },
    set,
    async outage(outageSettings, ms) {
      const limited = new Promise<void>((resolve) => {
        limitReached = resolve;
      });
      await set(outageSettings);
      await Promise.race([sleep(ms), limited]);
      await set('pass');
    },
    stats: () => ({ ...stats }),
    async close() {
      if (closed) return;
      closed = true;
      for (const c of [...connections]) destroy(c, false);
      if (server.listening) await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
};
