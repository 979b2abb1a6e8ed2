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
});
