import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestServer } from '../../testing/http-server';
import { KVK_TEST_KEY, startKvkServer } from '../../testing/kvk-server';
import { KvkRegistry } from './kvk-client';

let kvk: TestServer;
let broken: TestServer;
let slow: TestServer;

beforeAll(async () => {
  [kvk, broken, slow] = await Promise.all([
    startKvkServer(),
    startKvkServer({ failWith500: true }),
    startKvkServer({ delayMs: 2_000 }),
  ]);
});
afterAll(() => Promise.all([kvk.close(), broken.close(), slow.close()]));

describe('KvK API client against a local server speaking the KvK wire format', () => {
  it('finds a company by name: zoeken, then the basisprofiel of the main establishment', async () => {
    // Prepare
    const registry = new KvkRegistry({ baseUrl: kvk.origin, apiKey: KVK_TEST_KEY });
    // Act
    const facts = await registry.findByName('Roostr B.V.');
    // Assess
    expect(facts).toEqual({
      source: 'kvk',
      kvkNumber: '68750110',
      legalName: 'Roostr B.V.',
      tradeNames: ['Roostr'],
      legalForm: 'BesloteVennootschap',
      sbiCodes: ['6201', '6311'],
      industry: 'saas',
      employees: 67,
      address: { street: 'Vredenburg 40', postalCode: '3511BD', city: 'Utrecht', country: 'NL' },
      website: 'www.roostr.nl',
      founded: '2015-01-12',
    });
    const zoeken = kvk.requests.find((r) => r.url.startsWith('/api/v2/zoeken'));
    expect(zoeken?.url).toContain('naam=Roostr+B.V.');
    expect(zoeken?.headers.apikey).toBe(KVK_TEST_KEY);
    expect(kvk.requests.some((r) => r.url === '/api/v1/basisprofielen/68750110')).toBe(true);
  });

  it('finds a company by domain only when its registered website matches', async () => {
    // Prepare
    const registry = new KvkRegistry({ baseUrl: `${kvk.origin}/`, apiKey: KVK_TEST_KEY });
    // Act
    const hit = await registry.findByDomain('roostr.nl');
    const otherSite = await registry.findByDomain('roostr.be');
    // Assess
    expect(hit?.kvkNumber).toBe('68750110');
    expect(otherSite).toBeNull();
  });

  it('returns null when KvK has no results (404 IPD5200) or the number does not exist', async () => {
    // Prepare
    const registry = new KvkRegistry({ baseUrl: kvk.origin, apiKey: KVK_TEST_KEY });
    // Act / Assess
    expect(await registry.findByName('Bestaat Niet Holding')).toBeNull();
    expect(await registry.basisprofiel('12345678')).toBeNull();
  });

  it('reports a wrong API key (401) and a server fault (500) as errors without leaking the key', async () => {
    // Prepare
    const wrongKey = new KvkRegistry({ baseUrl: kvk.origin, apiKey: 'wrong-key' });
    const failing = new KvkRegistry({ baseUrl: broken.origin, apiKey: KVK_TEST_KEY });
    // Act / Assess
    await expect(wrongKey.findByName('Roostr')).rejects.toThrow('kvk refused the API key (HTTP 401)');
    await expect(failing.findByName('Roostr')).rejects.toThrow('kvk answered HTTP 500');
    await expect(wrongKey.findByName('Roostr')).rejects.not.toThrow(/wrong-key/);
  });

  it('stops waiting for a slow KvK when the signal fires', async () => {
    // Prepare
    const registry = new KvkRegistry({ baseUrl: slow.origin, apiKey: KVK_TEST_KEY });
    // Act / Assess: had it waited for the slow answer, it would have found Roostr instead of rejecting
    await expect(registry.findByName('Roostr', { signal: AbortSignal.timeout(200) })).rejects.toThrow(
      'kvk request aborted',
    );
  });
});
