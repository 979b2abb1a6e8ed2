/**
 * A DNS resolver object for tests: a fixed table of host → addresses and host → MX records. Unknown hosts
 * fail like node:dns does (ENOTFOUND); `slowHosts` never answer (until the caller gives up).
 */
import type { DnsResolver, LookupAddress, MxRecordLike } from '../enrich/types';

export interface FakeDnsTable {
  a?: Record<string, string[]>;
  mx?: Record<string, MxRecordLike[]>;
  /** Hosts whose MX lookup fails with SERVFAIL-like ETIMEOUT. */
  brokenMx?: string[];
  /** Hosts whose lookups hang for this many ms. */
  slowMs?: Record<string, number>;
}

function notFound(host: string, code = 'ENOTFOUND'): NodeJS.ErrnoException {
  return Object.assign(new Error(`${code} ${host}`), { code });
}

export function fakeDns(table: FakeDnsTable): DnsResolver & { lookups: string[] } {
  const lookups: string[] = [];
  const wait = (host: string) => new Promise<void>((r) => setTimeout(r, table.slowMs?.[host] ?? 0).unref?.());
  return {
    lookups,
    async lookup(hostname: string): Promise<LookupAddress[]> {
      lookups.push(hostname);
      await wait(hostname);
      const addrs = table.a?.[hostname.toLowerCase()];
      if (!addrs?.length) throw notFound(hostname);
      return addrs.map((address) => ({ address, family: address.includes(':') ? 6 : 4 }));
    },
    async resolveMx(hostname: string): Promise<MxRecordLike[]> {
      await wait(hostname);
      if (table.brokenMx?.includes(hostname)) throw notFound(hostname, 'ETIMEOUT');
      const mx = table.mx?.[hostname.toLowerCase()];
      if (!mx) throw notFound(hostname, 'ENODATA');
      return mx;
    },
  };
}
