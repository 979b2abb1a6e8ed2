/** Small port helpers for the local stack. */
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';

/** Resolves to true when nothing listens on 127.0.0.1:<port>. */
export const isPortFree = (port: number, host = '127.0.0.1'): Promise<boolean> =>
  new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen(port, host, () => server.close(() => resolve(true)));
  });

/** A port the OS considers free right now (the usual small race applies; callers retry on EADDRINUSE). */
export const freePort = (host = '127.0.0.1'): Promise<number> =>
  new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, host, () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });

/**
 * A port range below the kernel's ephemeral range (Linux: /proc/sys/net/ipv4/ip_local_port_range; elsewhere
 * the common default). Outgoing connections never take these as their local port, so a server that stops
 * listening for a while (an emulator restarted, a fault proxy refusing) can listen on its port again.
 */
export const quietPortRange = (): { from: number; to: number } => {
  let ephemeralFrom = 32_768;
  try {
    const [low] = readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8').trim().split(/\s+/);
    if (Number(low) > 2_048) ephemeralFrom = Number(low);
  } catch {
    // Not Linux: keep the common default.
  }
  return { from: Math.max(1_025, ephemeralFrom - 12_000), to: ephemeralFrom };
};

/** A free port from `quietPortRange()` (random tries; falls back to any free port). */
export const freeQuietPort = async (host = '127.0.0.1'): Promise<number> => {
  const { from, to } = quietPortRange();
  for (let attempt = 0; attempt < 50; attempt++) {
    const port = from + Math.floor(Math.random() * (to - from));
    if (await isPortFree(port, host)) return port;
  }
  return freePort(host);
};
