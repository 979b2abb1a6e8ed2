/**
 * A guarded HTTP GET for fetching prospect websites: http/https only, every hop's address checked by the
 * SSRF guard at connect time (the checked address is the one connected to, so DNS rebinding between check
 * and connect cannot slip through), manual redirects with a hop limit, a body size cap applied after
 * decompression, and an AbortSignal for the timeout.
 */
import http from 'node:http';
import https from 'node:https';
import type { LookupFunction } from 'node:net';
import type { Readable } from 'node:stream';
import zlib from 'node:zlib';
import { type DnsResolver, EnrichError } from '../types';
import { classifyAddress, isIpLiteral } from './ip-guard';

export interface SafeGetOptions {
  signal: AbortSignal;
  dns: DnsResolver;
  allowPrivateTargets: boolean;
  /**
   * Address policy when private targets are not allowed; default: only public unicast (ip-guard). Tests use
   * it to let one loopback server stand in for "the public internet".
   */
  isAllowedAddress?: (address: string) => boolean;
  maxBytes: number;
  maxRedirects: number;
  userAgent: string;
  accept?: string;
}

export interface SafeGetResult {
  url: string;
  finalUrl: string;
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
  redirects: number;
}

const REDIRECT_STATUSES = new Set([301, 302, 303, 307, 308]);

export function parseHttpUrl(raw: string): URL {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new EnrichError('invalid URL');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:')
    throw new EnrichError(`refused scheme ${url.protocol}`);
  if (url.username || url.password) throw new EnrichError('refused URL with credentials');
  return url;
}

function addressPolicy(opts: SafeGetOptions): (address: string) => boolean {
  if (opts.allowPrivateTargets) return () => true;
  return opts.isAllowedAddress ?? ((a) => classifyAddress(a).allowed);
}

function guardedLookup(dns: DnsResolver, allowed: (address: string) => boolean): LookupFunction {
  return (hostname, options, callback) => {
    dns
      .lookup(hostname)
      .then((addresses) => {
        const wanted = options.family === 4 || options.family === 6 ? options.family : undefined;
        const candidates = addresses.filter((a) => !wanted || a.family === wanted);
        if (!candidates.length) throw new EnrichError('host did not resolve');
        // Refuse when any address is non-public: a mixed answer is a classic rebinding trick.
        const bad = candidates.find((a) => !allowed(a.address));
        if (bad) throw new EnrichError(`refused non-public address (${classifyAddress(bad.address).range})`);
        if (options.all) callback(null, candidates);
        else callback(null, candidates[0]!.address, candidates[0]!.family);
      })
      .catch((err: unknown) => {
        const e = err instanceof EnrichError ? err : new EnrichError('host did not resolve');
        callback(Object.assign(e, { code: 'ENOTFOUND' }) as NodeJS.ErrnoException, '', 0);
      });
  };
}

function requestOnce(url: URL, opts: SafeGetOptions): Promise<{ res: http.IncomingMessage }> {
  const allowed = addressPolicy(opts);
  if (isIpLiteral(url.hostname) && !allowed(url.hostname.replace(/^\[|\]$/g, ''))) {
    const verdict = classifyAddress(url.hostname);
    return Promise.reject(new EnrichError(`refused non-public address (${verdict.range})`));
  }
  const mod = url.protocol === 'https:' ? https : http;
  return new Promise((resolve, reject) => {
    const req = mod.request(
      url,
      {
        method: 'GET',
        signal: opts.signal,
        lookup: guardedLookup(opts.dns, allowed),
        headers: {
          'user-agent': opts.userAgent,
          accept: opts.accept ?? 'text/html,application/xhtml+xml;q=0.9,*/*;q=0.5',
          'accept-encoding': 'gzip, deflate, br',
          'accept-language': 'nl,en;q=0.8',
        },
        agent: false,
      },
      (res) => resolve({ res }),
    );
    req.on('error', (err) => reject(err));
    req.end();
  });
}

async function readCapped(res: http.IncomingMessage, maxBytes: number, signal: AbortSignal): Promise<Buffer> {
  const declared = Number(res.headers['content-length']);
  if (Number.isFinite(declared) && declared > maxBytes) {
    res.destroy();
    throw new EnrichError(`response body exceeds ${maxBytes} bytes`);
  }
  const encoding = String(res.headers['content-encoding'] ?? '').toLowerCase();
  let stream: Readable = res;
  if (encoding === 'gzip' || encoding === 'x-gzip') stream = res.pipe(zlib.createGunzip());
  else if (encoding === 'deflate') stream = res.pipe(zlib.createInflate());
  else if (encoding === 'br') stream = res.pipe(zlib.createBrotliDecompress());
  const chunks: Buffer[] = [];
  let total = 0;
  try {
    for await (const chunk of stream) {
      if (signal.aborted) throw new EnrichError('aborted');
      total += (chunk as Buffer).length;
      if (total > maxBytes) throw new EnrichError(`response body exceeds ${maxBytes} bytes`);
      chunks.push(chunk as Buffer);
    }
  } catch (err) {
    res.destroy();
    if (stream !== res) stream.destroy();
    if (err instanceof EnrichError) throw err;
    if (signal.aborted) throw new EnrichError('aborted');
    throw new EnrichError('response body could not be read');
  }
  return Buffer.concat(chunks);
}

export async function safeGet(rawUrl: string, opts: SafeGetOptions): Promise<SafeGetResult> {
  const first = parseHttpUrl(rawUrl);
  let url = first;
  for (let hop = 0; ; hop++) {
    let res: http.IncomingMessage;
    try {
      ({ res } = await requestOnce(url, opts));
    } catch (err) {
      if (err instanceof EnrichError) throw err;
      if (opts.signal.aborted) throw new EnrichError('aborted');
      const cause = (err as { cause?: unknown }).cause;
      if (cause instanceof EnrichError) throw cause;
      const code = (err as NodeJS.ErrnoException).code;
      throw new EnrichError(`connection failed${code ? ` (${code})` : ''}`);
    }
    const status = res.statusCode ?? 0;
    if (REDIRECT_STATUSES.has(status)) {
      res.resume();
      const location = res.headers.location;
      if (!location) throw new EnrichError(`redirect ${status} without location`);
      if (hop >= opts.maxRedirects) throw new EnrichError(`too many redirects (> ${opts.maxRedirects})`);
      let next: URL;
      try {
        next = new URL(location, url);
      } catch {
        throw new EnrichError('invalid redirect location');
      }
      url = parseHttpUrl(next.href);
      continue;
    }
    const body = await readCapped(res, opts.maxBytes, opts.signal);
    return { url: first.href, finalUrl: url.href, status, headers: res.headers, body, redirects: hop };
  }
}
