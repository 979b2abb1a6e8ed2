/**
 * The fault proxy with real sockets: an HTTP server behind it, real HTTP clients and raw TCP sockets in front.
 */
import { Agent, createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { connect, type Socket } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type FaultProxy, startFaultProxy } from './fault-proxy';

let server: Server;
let hits: string[];
let proxy: FaultProxy;

beforeAll(async () => {
  server = createServer((req, res) => {
    hits.push(req.url ?? '');
    req.resume();
    req.on('end', () => {
      res.writeHead(200, { 'content-type': 'text/plain' });
      res.end(`answer to ${req.url}`);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

const startProxy = async () => {
  hits = [];
  proxy = await startFaultProxy({ target: `http://127.0.0.1:${(server.address() as AddressInfo).port}` });
  return proxy;
};
afterEach(async () => {
  await proxy?.close();
});

/** GET through `agent` (keep-alive when given); resolves with status and body, rejects with the socket error. */
const get = (url: string, agent?: Agent): Promise<{ status: number; body: string }> =>
  new Promise((resolve, reject) => {
    const req = request(url, { agent: agent ?? false }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (d: string) => {
        body += d;
      });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end();
  });

const errorCode = (error: unknown) => (error as NodeJS.ErrnoException).code;

/** A raw socket that sends one HTTP request and collects whatever comes back. */
const rawRequest = async (port: number, path: string) => {
  const socket: Socket = connect(port, '127.0.0.1');
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', resolve);
    socket.once('error', reject);
  });
  let received = '';
  let ended = false;
  socket.setEncoding('utf8');
  socket.on('data', (d: string) => {
    received += d;
  });
  socket.on('close', () => {
    ended = true;
  });
  socket.on('error', () => {});
  socket.write(`GET ${path} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n`);
  return { socket, received: () => received, ended: () => ended };
};

const waitUntil = async (condition: () => boolean, timeoutMs = 10_000) => {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 10));
  }
};

describe('fault proxy', () => {
  it('passes requests and answers through unchanged, over new and kept-alive connections', async () => {
    // Prepare
    const p = await startProxy();
    const agent = new Agent({ keepAlive: true, maxSockets: 2 });
    // Act
    const answers = await Promise.all(
      ['/a', '/b', '/c', '/d'].map((path) => get(`${p.endpoint}${path}`, agent)),
    );
    const fresh = await get(`${p.endpoint}/e`);
    agent.destroy();
    // Assess
    expect(answers.map((a) => a.body)).toEqual([
      'answer to /a',
      'answer to /b',
      'answer to /c',
      'answer to /d',
    ]);
    expect(fresh).toEqual({ status: 200, body: 'answer to /e' });
    expect(p.stats().connections).toBe(3);
  });

  it('refuses new connections and breaks open ones, then listens again on the same endpoint', async () => {
    // Prepare
    const p = await startProxy();
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    await get(`${p.endpoint}/before`, agent);
    const open = await rawRequest(p.port, '/slow-reader');
    await waitUntil(() => open.received().includes('answer'));
    // Act
    await p.set('refuse');
    const refused = await get(`${p.endpoint}/during`).catch(errorCode);
    await waitUntil(open.ended);
    // The kept-alive connection was broken too: the agent drops it.
    await waitUntil(() => Object.keys(agent.freeSockets).length === 0);
    await p.set('pass');
    const after = await get(`${p.endpoint}/after`, agent);
    agent.destroy();
    // Assess
    expect(refused).toBe('ECONNREFUSED');
    expect(after.body).toBe('answer to /after');
    expect(hits).toEqual(['/before', '/slow-reader', '/after']);
  });

  it('stalls: accepts, holds the request without passing it on, then lets it through when the stall ends', async () => {
    // Prepare
    const p = await startProxy();
    await p.set('stall');
    // Act
    const held = await rawRequest(p.port, '/held');
    await new Promise((r) => setTimeout(r, 300));
    const duringStall = { hits: [...hits], received: held.received() };
    await p.set('pass');
    await waitUntil(() => held.received().includes('answer to /held'));
    held.socket.destroy();
    // Assess
    expect(duringStall).toEqual({ hits: [], received: '' });
    expect(hits).toEqual(['/held']);
    expect(p.stats().stalled).toBe(1);
  });

  it('stalls connections that are already open, in both directions', async () => {
    // Prepare
    const p = await startProxy();
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    await get(`${p.endpoint}/warm`, agent);
    // Act
    await p.set('stall');
    let answered = false;
    const pending = get(`${p.endpoint}/frozen`, agent).then((a) => {
      answered = true;
      return a;
    });
    await new Promise((r) => setTimeout(r, 300));
    const duringStall = { hits: [...hits], answered };
    await p.set('pass');
    const answer = await pending;
    agent.destroy();
    // Assess
    expect(duringStall).toEqual({ hits: ['/warm'], answered: false });
    expect(answer.body).toBe('answer to /frozen');
  });

  it('resets on the response: the service did the work, the client sees the connection break', async () => {
    // Prepare
    const p = await startProxy();
    await p.set({ mode: 'reset', resetOn: 'response' });
    // Act
    const outcome = await get(`${p.endpoint}/lost-answer`).catch(errorCode);
    // Assess
    expect(outcome).toBe('ECONNRESET');
    expect(hits).toEqual(['/lost-answer']);
    expect(p.stats().broken).toBe(1);
  });

  it('resets on the request: nothing reaches the service', async () => {
    // Prepare
    const p = await startProxy();
    await p.set({ mode: 'reset', resetOn: 'request' });
    // Act
    const outcome = await get(`${p.endpoint}/never-arrives`).catch(errorCode);
    await p.set('pass');
    const after = await get(`${p.endpoint}/after`);
    // Assess
    expect(outcome).toBe('ECONNRESET');
    expect(hits).toEqual(['/after']);
    expect(after.body).toBe('answer to /after');
  });

  it('resets only as many connections as its limit, then passes again and ends the outage early', async () => {
    // Prepare
    const p = await startProxy();
    // Act
    const outage = p.outage({ mode: 'reset', resetOn: 'response', limit: 1 }, 120_000);
    await waitUntil(() => p.settings.mode === 'reset');
    const first = await get(`${p.endpoint}/first`).catch(errorCode);
    const second = await get(`${p.endpoint}/second`);
    await outage;
    // Assess
    expect(first).toBe('ECONNRESET');
    expect(second.body).toBe('answer to /second');
    expect(hits).toEqual(['/first', '/second']);
    expect(p.settings.mode).toBe('pass');
    expect(p.stats().bytes).toBeGreaterThan(0);
  });

  it('delays every chunk by at least the configured time, keeping the bytes intact', async () => {
    // Prepare
    const p = await startProxy();
    await p.set({ mode: 'delay', delayMs: 150 });
    // Act
    const started = performance.now();
    const answer = await get(`${p.endpoint}/slow`);
    const elapsed = performance.now() - started;
    // Assess: a request chunk and a response chunk each waited 150 ms
    expect(answer).toEqual({ status: 200, body: 'answer to /slow' });
    expect(elapsed).toBeGreaterThanOrEqual(300);
    expect(p.stats().delayedChunks).toBeGreaterThanOrEqual(2);
  });

  it('ends an outage by itself and stops listening when closed', async () => {
    // Prepare
    const p = await startProxy();
    // Act
    const outage = p.outage('refuse', 200);
    await waitUntil(() => p.settings.mode === 'refuse');
    const during = await get(`${p.endpoint}/during`).catch(errorCode);
    await outage;
    const after = await get(`${p.endpoint}/after`);
    await p.close();
    const closed = await get(`${p.endpoint}/closed`).catch(errorCode);
    // Assess
    expect(during).toBe('ECONNREFUSED');
    expect(after.body).toBe('answer to /after');
    expect(closed).toBe('ECONNREFUSED');
    expect(p.settings.mode).toBe('pass');
  });
});
