/**
 * The `website` tool: fetches the company homepage through the SSRF-guarded client and reads what a rep
 * would glance at: title, name, description, language, careers and pricing links, and the tech stack.
 */
import { parse } from 'node-html-parser';
import * as z from 'zod';
import { type WebsiteFacts, WebsiteFactsSchema } from '../../enrichment';
import { safeGet } from '../net/safe-get';
import { classify, detectTechnologies, type TechPage } from '../tech-matcher';
import { EnrichError, type EnrichTool } from '../types';
import { DEFAULT_USER_AGENT, defaultDns } from './defaults';

export const MAX_BODY_BYTES = 1024 * 1024;
export const MAX_REDIRECTS = 3;

const WebsiteInputSchema = z.object({ url: z.string().max(2048) });
export type WebsiteInput = z.infer<typeof WebsiteInputSchema>;

export const CAREERS =
  /(?:^|\/)(?:careers?|vacatures?|jobs|werken-bij|werkenbij|werken-bij-ons|join-us|karriere)(?:\/|$|\?|#|\.html?)/i;
const PRICING = /(?:^|\/)(?:pricing|prijzen|tarieven|prices|plans|abonnementen)(?:\/|$|\?|#|\.html?)/i;

function clean(s: string | undefined, max = 500): string | undefined {
  if (!s) return undefined;
  const t = s.replace(/\s+/g, ' ').trim();
  return t ? t.slice(0, max) : undefined;
}

function parseCookies(setCookie: string | string[] | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const line of Array.isArray(setCookie) ? setCookie : setCookie ? [setCookie] : []) {
    const first = line.split(';')[0] ?? '';
    const eq = first.indexOf('=');
    if (eq > 0) out[first.slice(0, eq).trim()] = first.slice(eq + 1).trim();
  }
  return out;
}

export function decodeBody(body: Buffer, contentType: string): string {
  const m =
    /charset=["']?([\w-]+)/i.exec(contentType) ??
    /<meta[^>]+charset=["']?([\w-]+)/i.exec(body.subarray(0, 2048).toString('latin1'));
  const charset = m?.[1]?.toLowerCase() ?? 'utf-8';
  try {
    return new TextDecoder(charset).decode(body);
  } catch {
    return new TextDecoder('utf-8').decode(body);
  }
}

/** Pure HTML → facts (exported for tests and the integrator's recorded-page checks). */
export function extractWebsiteFacts(input: {
  url: string;
  finalUrl: string;
  status: number;
  html: string;
  headers: Record<string, string | string[] | undefined>;
}): WebsiteFacts {
  const root = parse(input.html, {
    lowerCaseTagName: false,
    comment: false,
    blockTextElements: { script: true, style: false, noscript: false, pre: false },
  });
  const meta: Record<string, string[]> = {};
  for (const el of root.querySelectorAll('meta')) {
    const key = (
      el.getAttribute('name') ??
      el.getAttribute('property') ??
      el.getAttribute('http-equiv')
    )?.toLowerCase();
    const content = el.getAttribute('content');
    if (key && content !== undefined) {
      const list = meta[key] ?? [];
      list.push(content);
      meta[key] = list;
    }
  }
  const scriptSrc: string[] = [];
  const scripts: string[] = [];
  for (const el of root.querySelectorAll('script')) {
    const src = el.getAttribute('src');
    if (src) scriptSrc.push(src);
    else if (el.text.trim()) scripts.push(el.text);
  }
  const base = new URL(input.finalUrl);
  let careersUrl: string | undefined;
  let pricingUrl: string | undefined;
  for (const a of root.querySelectorAll('a')) {
    const href = a.getAttribute('href');
    if (!href || href.startsWith('mailto:') || href.startsWith('tel:') || href.startsWith('javascript:'))
      continue;
    let abs: URL;
    try {
      abs = new URL(href, base);
    } catch {
      continue;
    }
    if (abs.protocol !== 'http:' && abs.protocol !== 'https:') continue;
    // Careers pages often live on a separate jobs domain; pricing must be the company's own.
    if (!careersUrl && CAREERS.test(abs.pathname)) careersUrl = abs.href;
    if (!pricingUrl && abs.host === base.host && PRICING.test(abs.pathname)) pricingUrl = abs.href;
    if (!careersUrl && /^(?:vacatures|werken bij|careers|jobs)$/i.test(a.text.trim())) careersUrl = abs.href;
  }
  const headers: Record<string, string> = {};
  for (const [k, v] of Object.entries(input.headers)) {
    if (v !== undefined && k !== 'set-cookie') headers[k.toLowerCase()] = Array.isArray(v) ? v.join(', ') : v;
  }
  const page: TechPage = {
    url: input.finalUrl,
    html: input.html,
    scriptSrc,
    scripts,
    meta,
    headers,
    cookies: parseCookies(input.headers['set-cookie']),
  };
  const detected = detectTechnologies(page);
  const title = clean(root.querySelector('title')?.text, 300);
  const first = (k: string) => clean(meta[k]?.[0]);
  const name =
    first('og:site_name') ?? first('application-name') ?? clean(title?.split(/\s[|–—-]\s/)[0], 200);
  const lang = root.querySelector('html')?.getAttribute('lang')?.trim().toLowerCase() || undefined;
  return {
    url: input.url,
    finalUrl: input.finalUrl,
    status: input.status,
    ...(title && { title }),
    ...(name && { name }),
    ...((first('description') ?? first('og:description')) && {
      description: first('description') ?? first('og:description'),
    }),
    ...(lang && { language: lang.slice(0, 35) }),
    ...(careersUrl && { careersUrl }),
    ...(pricingUrl && { pricingUrl }),
    technologies: detected.map((t) => ({ name: t.name, categories: t.categories })),
    ...classify(detected),
  };
}

export function homepageUrl(website: string | undefined, domain: string | undefined): string | undefined {
  if (website) {
    const w = website.trim();
    const withScheme = /^[a-z][a-z0-9+.-]*:\/\//i.test(w) ? w : `https://${w}`;
    try {
      const u = new URL(withScheme);
      if (u.protocol === 'http:' || u.protocol === 'https:') return `${u.protocol}//${u.host}/`;
    } catch {
      // fall through to the domain
    }
  }
  return domain ? `https://${domain}/` : undefined;
}

export const websiteTool: EnrichTool<WebsiteInput, WebsiteFacts> = {
  name: 'website',
  input: WebsiteInputSchema,
  output: WebsiteFactsSchema,
  timeoutMs: 4_000,
  weight: 2,
  cacheTtlSeconds: 7 * 24 * 3600,
  prepare(lead, _deps) {
    const url = homepageUrl(lead.company.website, lead.company.domain);
    return url ? { url } : undefined;
  },
  /** The origin that is fetched (scheme, host, port), never the lead's email domain. */
  cacheKey(input) {
    const url = new URL(input.url);
    return `website:v2:${url.protocol}//${url.host}`.toLowerCase();
  },
  async run(input, ctx) {
    const res = await safeGet(input.url, {
      signal: ctx.signal,
      dns: ctx.deps.dns ?? defaultDns,
      allowPrivateTargets: ctx.deps.allowPrivateTargets === true,
      maxBytes: MAX_BODY_BYTES,
      maxRedirects: MAX_REDIRECTS,
      userAgent: ctx.deps.userAgent ?? DEFAULT_USER_AGENT,
    });
    if (res.status >= 400) throw new EnrichError(`website answered HTTP ${res.status}`);
    const contentType = String(res.headers['content-type'] ?? '');
    if (contentType && !/html|xml|text\/plain/i.test(contentType))
      throw new EnrichError('website did not return HTML');
    return extractWebsiteFacts({
      url: res.url,
      finalUrl: res.finalUrl,
      status: res.status,
      html: decodeBody(res.body, contentType),
      headers: res.headers,
    });
  },
};
