/**
 * A frozen DynamoDB (a TCP proxy in front of DynamoDB Local that stops passing bytes, as a stalled service
 * does): POST /leads answers 503 with `Retry-After` from the SDK clients' request timeouts — not a 500 when
 * the function itself times out — and the retry once storage is back is stored exactly once, even when the
 * frozen request was applied after all.
 */
import { createServer, Socket as NetSocket, type Server, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type IntakeStack, postLead, startIntakeStack } from './support/intake-stack';

/** Forwards TCP to `target`; `freeze()` stops passing bytes both ways (connections stay open) until `thaw()`. */
const freezableProxy = async (target: URL) => {
  const pairs = new Set<[Socket, Socket]>();
  let frozen = false;
  const server: Server = createServer((client) => {
    const upstream = new NetSocket();
    upstream.connect(Number(target.port), target.hostname);
    const pair: [Socket, Socket] = [client, upstream];
    pairs.add(pair);
    client.pipe(upstream);
    upstream.pipe(client);
    if (frozen) for (const s of pair) s.pause();
    const drop = () => {
      pairs.delete(pair);
      client.destroy();
      upstream.destroy();
    };
    client.on('error', drop).on('close', drop);
    upstream.on('error', drop).on('close', drop);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const port = (server.address() as { port: number }).port;
  return {
    url: `http://127.0.0.1:${port}`,
    freeze: () => {
      frozen = true;
      for (const pair of pairs) for (const s of pair) s.pause();
    },
    thaw: () => {
      frozen = false;
      for (const pair of pairs) for (const s of pair) s.resume();
    },
    close: () =>
      new Promise<void>((r) => {
        for (const pair of pairs) for (const s of pair) s.destroy();
        server.close(() => r());
      }),
  };
};

describe('storage that stops answering', () => {
  let stack: IntakeStack;
  let proxy: Awaited<ReturnType<typeof freezableProxy>>;
  const realEndpoint = process.env.AWS_ENDPOINT_URL_DYNAMODB as string;

  beforeAll(async () => {
    proxy = await freezableProxy(new URL(realEndpoint));
    // The functions reach DynamoDB through the proxy; the stack's own helpers keep the direct endpoint.
    stack = await startIntakeStack({ env: { AWS_ENDPOINT_URL_DYNAMODB: proxy.url } });
  });
  afterAll(async () => {
    proxy?.thaw();
    await stack?.stop();
    await proxy?.close();
    process.env.AWS_ENDPOINT_URL_DYNAMODB = realEndpoint;
  });

  it('attack: DynamoDB frozen → 503 with Retry-After (not a 500); the retry after it thaws is one lead', async () => {
    // Prepare
    const body = JSON.stringify({
      email: 'frozen@acme-frozen.nl',
      company: 'Acme Frozen',
      message: 'Still there?',
    });
    const warm = await postLead(stack.url, JSON.stringify({ email: 'warm@acme-frozen.nl' }), {
      'content-type': 'application/json',
    });
    expect(warm.status).toBe(202);
    proxy.freeze();
    // Act
    const during = await postLead(stack.url, body, { 'content-type': 'application/json' });
    proxy.thaw();
    const retry = await postLead(stack.url, body, { 'content-type': 'application/json' });
    const again = await postLead(stack.url, body, { 'content-type': 'application/json' });
    // Assess
    expect(during.status).toBe(503);
    expect(Number(during.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(String(during.body.message)).toMatch(/try again/i);
    expect(retry.status).toBe(202);
    expect(again.body.leadId).toBe(retry.body.leadId);
    const { leads } = await stack.items();
    expect(
      leads.filter(
        (l) => (l.lead as { person?: { email?: string } }).person?.email === 'frozen@acme-frozen.nl',
      ),
    ).toHaveLength(1);
  }, 60_000);
});
