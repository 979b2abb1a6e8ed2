/**
 * The local stack is reachable from this machine only, and not by a web page that rebinds a DNS name to it:
 * the emulators (DynamoDB Local has no authentication at all) listen on 127.0.0.1; the local API gateway answers only requests addressed to localhost / 127.0.0.1 / [::1] with
 * its own port; POST /auth/dev-login takes JSON only and checks Origin (dev tokens: local-jwt.test.ts).
 */
import { createServer, Socket } from 'node:net';
import { networkInterfaces } from 'node:os';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createDevKey } from '../functions/platform/local-jwt';
import { FUNCTIONS } from '../infra/data-plane';
import { loadFunctionRoutes, type RunningGateway, startHttpGateway } from '../local/http-gateway';

const connects = (host: string, port: number): Promise<boolean> =>
  new Promise((resolve) => {
    const socket = new Socket();
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(2_000, () => done(false));
    socket.once('connect', () => done(true)).once('error', () => done(false));
    socket.connect(port, host);
  });

/**
 * An address of this machine that is not 127.0.0.1 but reaches a server listening on all interfaces: 127.0.0.2
 * (Linux routes all of 127/8 to loopback), else the first external IPv4 address. Checked with a control server.
 */
const otherLocalAddress = async (): Promise<string> => {
  const control = createServer(() => {});
  await new Promise<void>((r) => control.listen(0, '0.0.0.0', () => r()));
  const port = (control.address() as { port: number }).port;
  const external = Object.values(networkInterfaces())
    .flat()
    .filter((i) => i && i.family === 'IPv4' && !i.internal)
    .map((i) => i!.address);
  try {
    for (const candidate of ['127.0.0.2', ...external]) if (await connects(candidate, port)) return candidate;
  } finally {
    control.close();
  }
  throw new Error(
    'No second local address reaches a server on 0.0.0.0: cannot tell what the emulators bind to',
  );
};

describe('emulators', () => {
  it('attack: DynamoDB Local, SQS and SES cannot be reached on any address but 127.0.0.1', async () => {
    // Prepare
    const { endpoints } = inject('localStack');
    const other = await otherLocalAddress();
    const ports = Object.values(endpoints).map((e) => Number(new URL(e).port));
    // Act
    const viaLoopback = await Promise.all(ports.map((p) => connects('127.0.0.1', p)));
    const viaOther = await Promise.all(ports.map((p) => connects(other, p)));
    // Assess
    expect(viaLoopback).toEqual(ports.map(() => true));
    expect(viaOther).toEqual(ports.map(() => false));
  });
});

describe('local API gateway and dev sign-in', () => {
  let gateway: RunningGateway;
  let port: number;
  beforeAll(async () => {
    const key = await createDevKey();
    process.env.STAGE = 'local';
    process.env.LOCAL_JWT_PRIVATE_JWK = JSON.stringify(key.privateJwk);
    gateway = await startHttpGateway({
      port: 0,
      routes: await loadFunctionRoutes({ authDev: FUNCTIONS.authDev }),
    });
    port = Number(new URL(gateway.url).port);
  });
  afterAll(async () => {
    await gateway?.stop();
  });

  /** A raw HTTP/1.1 request with exactly these headers (fetch would set Host itself). */
  const raw = (headers: Record<string, string>, body = ''): Promise<{ status: number; text: string }> =>
    new Promise((resolve, reject) => {
      const socket = new Socket();
      let data = '';
      socket.on('data', (c) => {
        data += c.toString('utf8');
      });
      socket.on('error', reject);
      socket.on('close', () => resolve({ status: Number(data.split(' ')[1]), text: data }));
      socket.connect(port, '127.0.0.1', () => {
        const lines = Object.entries({
          ...headers,
          'content-length': String(Buffer.byteLength(body)),
          connection: 'close',
        })
          .map(([k, v]) => `${k}: ${v}`)
          .join('\r\n');
        socket.write(`POST /auth/dev-login HTTP/1.1\r\n${lines}\r\n\r\n${body}`);
      });
    });
  const login = JSON.stringify({ personId: 'mgr-sofie' });

  it.each([
    ['a rebound DNS name', 'evil.example'],
    ['a rebound DNS name with our port', 'evil.example:PORT'],
    ['localhost on another port', 'localhost:1'],
    ['no Host at all', ''],
  ])('attack: refuses a request addressed to %s', async (_what, host) => {
    // Act
    const res = await raw(
      { ...(host ? { host: host.replace('PORT', String(port)) } : {}), 'content-type': 'application/json' },
      login,
    );
    // Assess
    expect(res.status).toBe(host ? 403 : 400);
    expect(res.text).not.toContain('token');
  });

  it.each(['localhost:PORT', '127.0.0.1:PORT', '[::1]:PORT'])(
    'serves a request addressed to %s',
    async (host) => {
      // Act
      const res = await raw(
        { host: host.replace('PORT', String(port)), 'content-type': 'application/json' },
        login,
      );
      // Assess
      expect(res.status).toBe(200);
      expect(res.text).toContain('"token"');
    },
  );

  it('attack: dev-login refuses a simple (no-preflight) form post and a foreign Origin', async () => {
    // Act
    const textPlain = await raw({ host: `127.0.0.1:${port}`, 'content-type': 'text/plain' }, login);
    const form = await raw(
      { host: `127.0.0.1:${port}`, 'content-type': 'application/x-www-form-urlencoded' },
      'personId=mgr-sofie',
    );
    const foreign = await raw(
      { host: `127.0.0.1:${port}`, 'content-type': 'application/json', origin: 'http://evil.example' },
      login,
    );
    const same = await raw(
      { host: `127.0.0.1:${port}`, 'content-type': 'application/json', origin: `http://127.0.0.1:${port}` },
      login,
    );
    // Assess
    expect(textPlain.status).toBe(415);
    expect(form.status).toBe(415);
    expect(foreign.status).toBe(403);
    expect(same.status).toBe(200);
  });
});
