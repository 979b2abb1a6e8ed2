import { getDomain, getHostname } from 'tldts';
import type { AllowList, DraftingInput } from './types';

function hostOf(url: string): string | undefined {
  const host = getHostname(url);
  return host ? host.toLowerCase().replace(/\.$/, '') : undefined;
}

/**
 * The links and addresses a draft may contain, built from trusted input only: our company site (its
 * registrable domain, so `www.` and sub-pages are fine), the assigned rep's address and their booking link
 * (that exact URL prefix; its domain is added only when it is our own domain). The lead's own website or
 * address is never on it: the lead controls those.
 */
export function buildAllowList(input: Pick<DraftingInput, 'rep' | 'companySiteUrl'>): AllowList {
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
  return { domains: [...domains], emails: [...emails], urls: [...urls] };
}
