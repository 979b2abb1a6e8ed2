/**
 * A company-website server for tests: recorded-looking homepages (test/fixtures/websites) plus the awkward
 * cases the website tool must survive. Routes by the Host header, like virtual hosting, so the fake DNS can
 * point many company hosts at this one 127.0.0.1 server.
 */
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import zlib from 'node:zlib';
import { startServer, type TestServer } from './http-server';

const FIXTURES = resolve(import.meta.dirname, '../../../test/fixtures/websites');
export const page = (name: string) => readFileSync(join(FIXTURES, name), 'utf8');

export const SITE_HOSTS = {
  saas: 'roostr.test',
  shop: 'fietsfabriek.test',
  slow: 'slow.test',
  loop: 'loop.test',
  big: 'big.test',
  broken: 'broken.test',
  redirectPrivate: 'moved.test',
  redirectMetadata: 'meta-redirect.test',
  chain: 'chain.test',
  pdf: 'pdf.test',
} as const;

export async function startSiteServer(opts: { slowMs?: number } = {}): Promise<TestServer> {
  const saas = page('saas-nl-hubspot-wordpress.html');
  const shop = page('shop-shopify.html');
  return startServer((req, res) => {
    const host = (req.headers.host ?? '').split(':')[0];
    const port = (req.headers.host ?? '').split(':')[1];
    switch (host) {
      case SITE_HOSTS.saas:
        if (req.url !== '/') {
          res.writeHead(301, { location: '/' }).end();
          return;
        }
        res.writeHead(200, {
          'content-type': 'text/html; charset=UTF-8',
          'content-encoding': 'gzip',
          link: '<https://roostr.test/wp-json/>; rel="https://api.w.org/"',
          'x-powered-by': 'PHP/8.2.20',
        });
        res.end(zlib.gzipSync(saas));
        return;
      case SITE_HOSTS.shop:
        res.writeHead(200, {
          'content-type': 'text/html; charset=utf-8',
          'x-shopid': '61234567890',
          'set-cookie': ['_shopify_y=3f1e0c6a-1b2c; path=/; SameSite=Lax', 'localization=NL; path=/'],
        });
        res.end(shop);
        return;
      case SITE_HOSTS.slow: {
        const t = setTimeout(
          () => res.writeHead(200, { 'content-type': 'text/html' }).end('<title>late</title>'),
          opts.slowMs ?? 3000,
        );
        res.on('close', () => clearTimeout(t));
        return;
      }
      case SITE_HOSTS.loop:
        res.writeHead(302, { location: `http://${SITE_HOSTS.loop}:${port}/again?n=${Math.random()}` }).end();
        return;
      case SITE_HOSTS.chain: {
        // http → /a → /b → / on the SaaS host: exactly 3 redirects, allowed.
        const next = req.url === '/' ? '/a' : req.url === '/a' ? '/b' : `http://${SITE_HOSTS.saas}:${port}/`;
        res.writeHead(301, { location: next }).end();
        return;
      }
      case SITE_HOSTS.big: {
        res.writeHead(200, { 'content-type': 'text/html' });
        const chunk = `<p>${'x'.repeat(64 * 1024)}</p>`;
        let sent = 0;
        const pump = () => {
          while (sent < 40) {
            sent++;
            if (!res.write(chunk)) return res.once('drain', pump);
          }
          res.end();
        };
        res.on('error', () => {});
        pump();
        return;
      }
      case SITE_HOSTS.broken:
        res.writeHead(500, { 'content-type': 'text/html' }).end('<h1>Internal Server Error</h1>');
        return;
      case SITE_HOSTS.redirectPrivate:
        res.writeHead(302, { location: `http://intranet.test:${port}/` }).end();
        return;
      case SITE_HOSTS.redirectMetadata:
        res.writeHead(302, { location: 'http://169.254.169.254/latest/meta-data/' }).end();
        return;
      case SITE_HOSTS.pdf:
        res.writeHead(200, { 'content-type': 'application/pdf' }).end('%PDF-1.7');
        return;
      default:
        res.writeHead(404, { 'content-type': 'text/html' }).end('<h1>Not found</h1>');
    }
  });
}
