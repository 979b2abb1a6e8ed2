/**
 * SSRF guard: which IP addresses the website tool may connect to. Only globally routable unicast addresses
 * pass; everything ipaddr.js classifies otherwise (private, loopback, link-local, unique-local, multicast,
 * carrier-grade NAT, unspecified, broadcast, reserved/documentation, benchmarking …) is refused.
 *
 * IPv6 forms that carry an IPv4 address are judged by that IPv4 address: IPv4-mapped (`::ffff:10.0.0.1`),
 * IPv4-compatible (`::127.0.0.1`, which `URL` writes as `[::7f00:1]` and ipaddr.js calls plain unicast),
 * IPv4-translated (`::ffff:0:a.b.c.d`) and NAT64 with the well-known prefix (`64:ff9b::/96`). Forms that
 * reach an IPv4 host through a relay or a prefix of unknown length — 6to4 (`2002::/16`), Teredo
 * (`2001::/32`) and local-use NAT64 (`64:ff9b:1::/48`) — are refused whatever they carry.
 */
import ipaddr from 'ipaddr.js';

export interface AddressVerdict {
  allowed: boolean;
  /** ipaddr.js range name, e.g. `unicast`, `private`, `loopback`, `invalid`; the embedded IPv4's for embedded forms. */
  range: string;
}

/** The IPv4 address an IPv6 address carries in its last 32 bits, and how; undefined for other addresses. */
export function embeddedIPv4(v6: ipaddr.IPv6): { via: string; v4: ipaddr.IPv4 } | undefined {
  const p = v6.parts;
  const zero = (from: number, to: number) => p.slice(from, to).every((x) => x === 0);
  const last32 = () => new ipaddr.IPv4([p[6]! >> 8, p[6]! & 0xff, p[7]! >> 8, p[7]! & 0xff]);
  if (zero(0, 5) && p[5] === 0xffff) return { via: 'ipv4Mapped', v4: last32() };
  if (zero(0, 4) && p[4] === 0xffff && p[5] === 0) return { via: 'ipv4Translated', v4: last32() };
  if (p[0] === 0x64 && p[1] === 0xff9b && zero(2, 6)) return { via: 'nat64', v4: last32() };
  // IPv4-compatible `::a.b.c.d`, except `::` and `::1`, which are IPv6's own unspecified and loopback.
  if (zero(0, 6) && !(p[6] === 0 && (p[7] ?? 0) <= 1)) return { via: 'ipv4Compatible', v4: last32() };
  return undefined;
}

/** 6to4, Teredo and local-use NAT64: relayed or prefix-dependent embeddings, refused outright. */
const RELAYED_RANGES = new Set(['6to4', 'teredo']);
const isLocalUseNat64 = (v6: ipaddr.IPv6) =>
  v6.parts[0] === 0x64 && v6.parts[1] === 0xff9b && v6.parts[2] === 1;

export function classifyAddress(address: string): AddressVerdict {
  const bare = address.startsWith('[') && address.endsWith(']') ? address.slice(1, -1) : address;
  if (!ipaddr.isValid(bare)) return { allowed: false, range: 'invalid' };
  const parsed = ipaddr.parse(bare);
  if (parsed.kind() === 'ipv4') {
    const range = parsed.range();
    return { allowed: range === 'unicast', range };
  }
  const v6 = parsed as ipaddr.IPv6;
  const embedded = embeddedIPv4(v6);
  if (embedded) {
    const range = embedded.v4.range();
    return { allowed: range === 'unicast', range };
  }
  if (isLocalUseNat64(v6)) return { allowed: false, range: 'nat64LocalUse' };
  const range = v6.range();
  if (RELAYED_RANGES.has(range)) return { allowed: false, range };
  return { allowed: range === 'unicast', range };
}

export function isPublicAddress(address: string): boolean {
  return classifyAddress(address).allowed;
}

/** True when the host part of a URL is an IP literal (v4 or bracketed v6). */
export function isIpLiteral(host: string): boolean {
  const bare = host.startsWith('[') && host.endsWith(']') ? host.slice(1, -1) : host;
  return ipaddr.isValid(bare) && (bare.includes(':') || ipaddr.IPv4.isValidFourPartDecimal(bare));
}
