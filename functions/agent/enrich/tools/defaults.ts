import dns from 'node:dns/promises';
import type { DnsResolver } from '../types';

export const DEFAULT_USER_AGENT =
  'LeadQualifierBot/0.1 (+https://github.com/lead-qualifier; company enrichment)';

/** node:dns backed resolver used when deps.dns is not given. */
export const defaultDns: DnsResolver = {
  resolveMx: (hostname) => dns.resolveMx(hostname),
  lookup: async (hostname) => dns.lookup(hostname, { all: true, verbatim: true }),
};
