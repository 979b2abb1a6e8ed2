/**
 * The page handler behind the local API gateway (real HTTP): pages, security headers, CSP hashes that match
 * the inline code, revalidation with ETag, and the generated page scripts being in step with their sources.
 */
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningGateway, startHttpGateway } from '../../local/http-gateway';
import { handler } from '../web-http';
import { INBOX_JS, INSIGHTS_JS, OPS_JS } from './assets.generated';
import { buildAssets } from './build-assets';
import { renderPage } from './pages';

const sha = (s: string) => `'sha256-${createHash('sha256').update(s, 'utf8').digest('base64')}'`;
const inline = (html: string, tag: 'script' | 'style') =>
  [...html.matchAll(new RegExp(`<${tag}>([\\s\\S]*?)</${tag}>`, 'g'))].map((m) => m[1]!);

let gateway: RunningGateway;
beforeAll(async () => {
  gateway = await startHttpGateway({
    routes: [
      { method: 'GET', path: '/', handler, public: true },
      { method: 'GET', path: '/ops', handler, public: true },
    ],
    log: () => {},
  });
});
afterAll(() => gateway.stop());

describe('GET / and GET /ops', () => {
  it('serve HTML whose only inline script and style are allowed by hash, with no other origin', async () => {
    for (const path of ['/', '/ops']) {
      // Act
      const res = await fetch(`${gateway.url}${path}`);
      const html = await res.text();
      // Assess
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toBe('text/html; charset=utf-8');
      expect(res.headers.get('x-content-type-options')).toBe('nosniff');
      expect(res.headers.get('cache-control')).toBe('no-cache');
      const csp = res.headers.get('content-security-policy')!;
      expect(csp).toContain("default-src 'none'");
      expect(csp).toContain("connect-src 'self'");
      expect(csp).toContain("frame-ancestors 'none'");
      expect(csp).not.toMatch(/unsafe-|https?:/);
      const scripts = inline(html, 'script');
      const styles = inline(html, 'style');
      expect(scripts).toHaveLength(1);
      expect(csp).toContain(`script-src ${sha(scripts[0]!)}`);
      expect(csp).toContain(`style-src ${sha(styles[0]!)}`);
      expect(html).not.toMatch(/(src|href)="(https?:)?\/\//);
    }
  });

  it('answer 304 to a revalidation with the current ETag', async () => {
    // Prepare
    const first = await fetch(`${gateway.url}/`);
    await first.text();
    const etag = first.headers.get('etag')!;
    // Act
    const again = await fetch(`${gateway.url}/`, { headers: { 'if-none-match': etag } });
    // Assess
    expect(etag).toMatch(/^"[0-9a-f]{32}"$/);
    expect(again.status).toBe(304);
    expect(await again.text()).toBe('');
  });
});

describe('renderPage', () => {
  it('lists the demo people for the local sign-in only on the local stage', () => {
    // Prepare
    const people = [{ personId: 'rep-bram', name: 'Bram Jansen', role: 'sales' }];
    // Act
    const local = renderPage('inbox', { stage: 'local', demoPeople: people });
    const aws = renderPage('inbox', { stage: 'aws', demoPeople: [] });
    // Assess
    expect(local.html).toContain('"personId":"rep-bram"');
    expect(aws.html).not.toContain('rep-bram');
  });

  it('cannot be broken out of by a name containing a closing script tag', () => {
    // Act
    const page = renderPage('ops', {
      stage: 'local',
      demoPeople: [{ personId: 'x', name: '</script><script>alert(1)</script>', role: 'ops' }],
    });
    // Assess
    expect(page.html.match(/<\/script>/g)).toHaveLength(2);
  });
});

describe('generated page scripts', () => {
  it('are in step with functions/web/client (run `npx tsx functions/web/build-assets.ts` after editing)', () => {
    // Act
    const fresh = buildAssets();
    // Assess
    expect(fresh.inbox).toBe(INBOX_JS);
    expect(fresh.ops).toBe(OPS_JS);
    expect(fresh.insights).toBe(INSIGHTS_JS);
  });
});
