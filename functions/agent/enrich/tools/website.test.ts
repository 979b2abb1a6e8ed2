import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Lead } from '../../lead';
import { fakeDns } from '../../testing/fake-dns';
import type { TestServer } from '../../testing/http-server';
import { SITE_HOSTS, startSiteServer } from '../../testing/site-server';
import { safeGet } from '../net/safe-get';
import { runTool } from '../run-tools';
import type { EnrichDeps, ToolContext } from '../types';
import { homepageUrl, websiteTool } from './website';

let server: TestServer;
let dns: ReturnType<typeof fakeDns>;

beforeAll(async () => {
  server = await startSiteServer({ slowMs: 3_000 });
  dns = fakeDns({
    a: {
      ...Object.fromEntries(Object.values(SITE_HOSTS).map((h) => [h, ['127.0.0.1']])),
      'intranet.test': ['10.0.0.5'],
      'mixed.test': ['127.0.0.1', '192.168.1.1'],
    },
  });
});
afterAll(() => server.close());

const url = (host: string) => `http://${host}:${server.port}/`;

async function fetchSite(host: string, deps: Partial<EnrichDeps> = {}, timeoutMs = 30_000) {
  const ctx: ToolContext = {
    signal: AbortSignal.timeout(timeoutMs),
    timeoutMs,
    deps: { dns, allowPrivateTargets: true, ...deps },
    now: new Date(),
  };
  return websiteTool.run({ url: url(host) }, ctx);
}

function leadFor(website: string): Lead {
  return {
    person: {},
    company: { website },
    formType: 'contact',
    qualifying: {},
    consent: { marketingOptIn: false },
    source: { provider: 'json' },
    utm: {},
    language: 'nl',
    submittedAt: '2026-11-20T10:00:00+01:00',
    activities: [],
    extra: {},
  };
}

describe('website tool against a real local web server', () => {
  it('reads a Dutch SaaS homepage: name, language, careers and pricing links, HubSpot and WordPress', async () => {
    // Prepare: roostr.test serves a gzip-compressed WordPress page with the HubSpot embed code
    // Act
    const facts = await fetchSite(SITE_HOSTS.saas);
    // Assess
    expect(facts.status).toBe(200);
    expect(facts.title).toBe('Roosterplanning voor zorg en horeca | Roostr');
    expect(facts.name).toBe('Roostr');
    expect(facts.description).toMatch(/online roosterplanner/);
    expect(facts.language).toBe('nl-nl');
    expect(facts.careersUrl).toBe(`${url(SITE_HOSTS.saas)}werken-bij/`);
    expect(facts.pricingUrl).toBe(`${url(SITE_HOSTS.saas)}prijzen/`);
    const names = facts.technologies.map((t) => t.name);
    expect(names).toEqual(expect.arrayContaining(['HubSpot', 'WordPress']));
    expect(facts.technologies.find((t) => t.name === 'WordPress')?.categories).toContain('CMS');
    expect(facts.crm).toEqual(['HubSpot']);
    expect(facts.marketingAutomation).toContain('HubSpot');
    expect(facts.ecommerce).toEqual([]);
  });

  it('recognises a Shopify shop from scripts, meta tags, headers and cookies', async () => {
    // Prepare / Act
    const facts = await fetchSite(SITE_HOSTS.shop);
    // Assess
    expect(facts.name).toBe('Fietsfabriek');
    expect(facts.ecommerce).toContain('Shopify');
    expect(facts.marketingAutomation).toContain('Klaviyo');
    expect(facts.careersUrl).toBe(`${url(SITE_HOSTS.shop)}pages/vacatures`);
    expect(facts.crm).toEqual([]);
  });

  it('follows up to 3 redirects and reports the final URL', async () => {
    // Prepare: chain.test redirects / → /a → /b → roostr.test
    // Act
    const facts = await fetchSite(SITE_HOSTS.chain);
    // Assess
    expect(facts.url).toBe(url(SITE_HOSTS.chain));
    expect(facts.finalUrl).toBe(url(SITE_HOSTS.saas));
    expect(facts.name).toBe('Roostr');
  });

  it('gives up on a redirect loop', async () => {
    // Prepare / Act / Assess
    await expect(fetchSite(SITE_HOSTS.loop)).rejects.toThrow('too many redirects');
  });

  it('refuses a body over 1 MiB', async () => {
    // Prepare: big.test streams 2.5 MiB of HTML
    // Act / Assess
    await expect(fetchSite(SITE_HOSTS.big)).rejects.toThrow(/exceeds 1048576 bytes/);
  });

  it('fails on HTTP 500 and on non-HTML', async () => {
    // Prepare / Act / Assess
    await expect(fetchSite(SITE_HOSTS.broken)).rejects.toThrow('HTTP 500');
    await expect(fetchSite(SITE_HOSTS.pdf)).rejects.toThrow('did not return HTML');
  });

  it('times out on a slow site, recorded as status timeout by the runner', async () => {
    // Prepare
    const lead = leadFor(url(SITE_HOSTS.slow));
    // Act
    const outcome = await runTool(
      websiteTool,
      lead,
      { dns, allowPrivateTargets: true },
      { timeoutMs: { website: 300 } },
    );
    // Assess
    expect(outcome.run.status).toBe('timeout');
    expect(outcome.value).toBeNull();
  });

  it('refuses loopback targets when private targets are not allowed (production)', async () => {
    // Prepare / Act / Assess
    await expect(fetchSite(SITE_HOSTS.saas, { allowPrivateTargets: false })).rejects.toThrow(
      'refused non-public address (loopback)',
    );
    await expect(
      websiteTool.run(
        { url: `http://[::ffff:127.0.0.1]:${server.port}/` },
        { signal: AbortSignal.timeout(30_000), timeoutMs: 30_000, deps: { dns }, now: new Date() },
      ),
    ).rejects.toThrow('refused non-public address');
  });

  it('re-checks every redirect hop: a public site redirecting to a private address is refused', async () => {
    // Prepare: treat the test server's 127.0.0.1 as "the public internet"; every other address is judged
    // by the real guard. moved.test redirects to intranet.test (10.0.0.5), meta-redirect.test to 169.254.169.254.
    const opts = {
      dns,
      allowPrivateTargets: false,
      isAllowedAddress: (a: string) => a === '127.0.0.1',
      maxBytes: 1024 * 1024,
      maxRedirects: 3,
      userAgent: 'test',
    };
    // Act / Assess
    const ok = await safeGet(url(SITE_HOSTS.shop), { ...opts, signal: AbortSignal.timeout(30_000) });
    expect(ok.status).toBe(200);
    await expect(
      safeGet(url(SITE_HOSTS.redirectPrivate), { ...opts, signal: AbortSignal.timeout(30_000) }),
    ).rejects.toThrow('refused non-public address (private)');
    await expect(
      safeGet(url(SITE_HOSTS.redirectMetadata), { ...opts, signal: AbortSignal.timeout(30_000) }),
    ).rejects.toThrow('refused non-public address (linkLocal)');
    await expect(
      safeGet(`http://mixed.test:${server.port}/`, { ...opts, signal: AbortSignal.timeout(30_000) }),
    ).rejects.toThrow('refused non-public address (private)');
  });

  it('refuses non-http schemes and credentials in URLs', async () => {
    // Prepare
    const ctx: ToolContext = {
      signal: AbortSignal.timeout(30_000),
      timeoutMs: 30_000,
      deps: { dns },
      now: new Date(),
    };
    // Act / Assess
    await expect(websiteTool.run({ url: 'file:///etc/passwd' }, ctx)).rejects.toThrow('refused scheme file:');
    await expect(websiteTool.run({ url: 'ftp://example.nl/' }, ctx)).rejects.toThrow('refused scheme ftp:');
    await expect(websiteTool.run({ url: 'http://user:pw@example.nl/' }, ctx)).rejects.toThrow('credentials');
  });

  it('derives the homepage from the website field or the domain', () => {
    // Prepare / Act / Assess
    expect(homepageUrl('www.roostr.nl/over-ons', undefined)).toBe('https://www.roostr.nl/');
    expect(homepageUrl('http://roostr.nl', 'roostr.nl')).toBe('http://roostr.nl/');
    expect(homepageUrl(undefined, 'roostr.nl')).toBe('https://roostr.nl/');
    expect(homepageUrl('javascript:alert(1)', undefined)).toBeUndefined();
  });
});
