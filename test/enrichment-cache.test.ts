/**
 * The enrichment cache on DynamoDB Local: a second lead of the same company domain is served from the cache
 * (no second website fetch), and an entry past its TTL is a miss even before DynamoDB's lazy TTL deletes it.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { enrichLead } from '../functions/agent/enrich';
import type { Lead } from '../functions/agent/lead';
import { dynamoEnrichmentCache } from '../functions/platform/enrichment-cache-dynamodb';

const table = process.env.LEADS_TABLE as string;
const db = DynamoDBDocumentClient.from(new DynamoDBClient({}), {
  marshallOptions: { removeUndefinedValues: true },
});
const run = Date.now().toString(36);

let server: Server;
let siteUrl: string;
let homepageHits = 0;

beforeAll(async () => {
  server = createServer((req, res) => {
    if (req.url === '/') homepageHits++;
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
    res.end(
      '<html lang="nl"><head><title>Koel Logistiek</title><meta name="description" content="Koeltransport door de Benelux">' +
        '<script src="https://js.hs-scripts.com/123.js"></script></head><body><a href="/vacatures">Werken bij</a></body></html>',
    );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  siteUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

const leadFor = (email: string): Lead => ({
  person: { email, firstName: 'Test' },
  company: { name: 'Koel Logistiek', website: siteUrl },
  formType: 'contact',
  qualifying: {},
  consent: { marketingOptIn: false },
  source: { provider: 'json' },
  utm: {},
  language: 'nl',
  submittedAt: '2026-11-23T10:00:00.000Z',
  activities: [],
  extra: {},
});

describe('enrichment cache on DynamoDB', () => {
  it('serves the second lead of the same company from the cache', async () => {
    // Prepare
    const cache = dynamoEnrichmentCache(db, table);
    const deps = {
      cache,
      allowPrivateTargets: true,
      dns: { resolveMx: async () => [], lookup: async () => [{ address: '127.0.0.1', family: 4 }] },
    };
    homepageHits = 0;

    // Act
    const first = await enrichLead(leadFor(`a-${run}@example.org`), deps, { only: ['website'] });
    const second = await enrichLead(leadFor(`b-${run}@example.org`), deps, { only: ['website'] });

    // Assess
    expect(first.website?.title).toBe('Koel Logistiek');
    expect(first.website?.crm).toContain('HubSpot');
    expect(second.website).toEqual(first.website);
    expect(second.tools.website?.cached).toBe(true);
    expect(homepageHits).toBe(1);
  });

  it('treats an entry past its TTL as a miss', async () => {
    // Prepare
    let now = new Date('2026-11-23T10:00:00Z');
    const cache = dynamoEnrichmentCache(db, table, () => now);
    await cache.put(`test:${run}`, { answer: 42 }, 60);

    // Act
    const fresh = await cache.get(`test:${run}`);
    now = new Date('2026-11-23T10:01:01Z');
    const expired = await cache.get(`test:${run}`);

    // Assess
    expect(fresh).toEqual({ answer: 42 });
    expect(expired).toBeUndefined();
  });

  it('reads the lookups (and writes the entries) of one turn together, each answered with its own entry', async () => {
    // Prepare
    const now = new Date('2026-11-23T10:00:00Z');
    const counted = DynamoDBDocumentClient.from(new DynamoDBClient({}), {
      marshallOptions: { removeUndefinedValues: true },
    });
    const calls: string[] = [];
    counted.middlewareStack.add(
      (next, context) => (args) => {
        calls.push(String(context.commandName));
        return next(args);
      },
      { step: 'initialize', name: 'countCalls' },
    );
    const cache = dynamoEnrichmentCache(counted, table, () => now);
    await cache.put(`batch:${run}:a`, { a: 1 }, 60);
    await cache.put(`batch:${run}:b`, { b: 2 }, 60);
    await cache.put(`batch:${run}:old`, { old: true }, -1);
    const many = Array.from({ length: 130 }, (_, i) => `batch:${run}:many${i}`);
    await Promise.all(many.filter((_, i) => i % 2 === 0).map((k) => cache.put(k, { k }, 60)));
    const writes = [...calls];
    calls.length = 0;

    // Act
    const [a, b, missing, old, again] = await Promise.all([
      cache.get(`batch:${run}:a`),
      cache.get(`batch:${run}:b`),
      cache.get(`batch:${run}:missing`),
      cache.get(`batch:${run}:old`),
      cache.get(`batch:${run}:a`),
    ]);
    const oneTurn = [...calls];
    calls.length = 0;
    const manyValues = await Promise.all(many.map((k) => cache.get(k)));
    const single = await cache.get(`batch:${run}:b`);

    // Assess
    // three entries one by one, then 65 of one turn in batches of 25
    expect(writes).toEqual([...Array(3).fill('PutItemCommand'), ...Array(3).fill('BatchWriteItemCommand')]);
    expect([a, b, missing, old, again]).toEqual([{ a: 1 }, { b: 2 }, undefined, undefined, { a: 1 }]);
    expect(oneTurn).toEqual(['BatchGetItemCommand']);
    expect(manyValues).toEqual(many.map((k, i) => (i % 2 === 0 ? { k } : undefined)));
    expect(single).toEqual({ b: 2 });
    expect(calls).toEqual(['BatchGetItemCommand', 'BatchGetItemCommand', 'GetItemCommand']);
  });
});
