import { getDomain, getHostname } from 'tldts';
import type { AllowList, DraftingInput } from './types';

function hostOf(url: string): string | undefined {
  const host = getHostname(url);
  return host ? host.toLowerCase().replace(/\.$/, '') : undefined;
}

/**
 * The links, addresses and phrases a draft may contain, built from trusted input only: our company site (its
 * registrable domain, so `www.` and sub-pages are fine), the assigned rep's address and their booking link
 * (that exact origin and path prefix; its domain is added only when it is our own domain), and phrases from
 * our own configuration that may state a figure, a phone number or an offer verbatim. The lead's own website
 * or address is never on it: the lead controls those.
 */
export function buildAllowList(
  input: Pick<DraftingInput, 'rep' | 'companySiteUrl'> & { readonly approvedPhrases?: readonly string[] },
): AllowList {
  const domains = new Set<string>();
  const urls = new Set<string>();
  const emails = new Set<string>();
  if (input.companySiteUrl) {
    const host = hostOf(input.companySiteUrl);
    const domain = host ? (getDomain(host) ?? host) : undefined;
    if (domain) domains.add(domain);
    urls.add(input.companySiteUrl);
  }
  if (input.rep?.email) emails.add(input.rep.email.toLowerCase());
  if (input.rep?.bookingUrl) urls.add(input.rep.bookingUrl);
  const phrases = (input.approvedPhrases ?? []).map((p) => p.trim()).filter((p) => p.length >= 3);
  return {
    domains: [...domains],
    emails: [...emails],
    urls: [...urls],
    ...(phrases.length > 0 ? { phrases } : {}),
  };
}

/** `host` is `domain` or one of its sub-domains (label boundary, so `ourco.example.evil.example` is not). */
export function hostAllowed(host: string, domains: readonly string[]): boolean {
  const h = host.toLowerCase().replace(/\.$/, '');
  return domains.some((d) => h === d || h.endsWith(`.${d}`));
}

export function isIpHost(hostname: string): boolean {
  return hostname.startsWith('[') || /^\d{1,3}(?:\.\d{1,3}){3}$/.test(hostname);
}

/** A path prefix on segment boundaries: `/anna/intro` covers `/anna/intro`, `/anna/intro/`, `/anna/intro/x`. */
function underPath(path: string, prefix: string): boolean {
  const p = prefix.replace(/\/+$/, '');
  return p === '' || path === p || path.startsWith(`${p}/`);
}

const ENCODED_SEPARATOR_RE = /%(?:2e|2f|5c)/i;

export type LinkVerdict = { readonly ok: true } | { readonly ok: false; readonly why: string };

/**
 * Whether a link may stand in a draft: parsed with `URL` (which resolves `.` and `..` segments and reads
 * decimal, octal and hex IPv4 forms), then http(s) only, no credentials, no IP host, no encoded dot, slash or
 * backslash in the path, no backslash at all; allowed when its host is our own domain, or when it has the
 * origin of an allowed URL and a path under that URL's path (segment boundaries).
 */
export function linkVerdict(raw: string, allow: AllowList): LinkVerdict {
  if (raw.includes('\\')) return { ok: false, why: 'a link with a backslash' };
  const withScheme = raw.startsWith('//')
    ? `https:${raw}`
    : /^[a-z][a-z0-9+.-]{0,20}:/i.test(raw)
      ? raw
      : `https://${raw}`;
  let url: URL;
  try {
    url = new URL(withScheme);
  } catch {
    return { ok: false, why: 'a link that is not a valid URL' };
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:')
    return { ok: false, why: `a ${url.protocol.replace(/:$/, '')} link` };
  if (url.username || url.password) return { ok: false, why: 'a link with a user name or password' };
  if (isIpHost(url.hostname)) return { ok: false, why: 'a link to an IP address' };
  if (ENCODED_SEPARATOR_RE.test(url.pathname))
    return { ok: false, why: 'a link with an encoded path separator' };
  if (!url.port && hostAllowed(url.hostname, allow.domains)) return { ok: true };
  for (const a of allow.urls) {
    let allowed: URL;
    try {
      allowed = new URL(a);
    } catch {
      continue;
    }
    if (
      allowed.protocol === url.protocol &&
      allowed.hostname === url.hostname &&
      allowed.port === url.port &&
      underPath(url.pathname, allowed.pathname)
    )
      return { ok: true };
  }
  return { ok: false, why: 'a link not on the allow-list' };
}

export function urlAllowed(raw: string, allow: AllowList): boolean {
  return linkVerdict(raw, allow).ok;
}

export function emailAllowed(raw: string, allow: AllowList): boolean {
  return allow.emails.includes(raw.toLowerCase());
}
