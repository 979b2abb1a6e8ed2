/**
 * SSRF guard: which IP addresses the website tool may connect to. Only globally routable unicast
 * addresses pass; everything ipaddr.js classifies otherwise (private, loopback, link-local, unique-local,
 * multicast, carrier-grade NAT, unspecified, broadcast, reserved/documentation, benchmarking, 6to4, Teredo,
 * NAT64 …) is refused. IPv4-mapped IPv6 (`::ffff:10.0.0.1`) is unwrapped and judged as IPv4.
 */
import ipaddr from 'ipaddr.js';

export interface AddressVerdict {
  allowed: boolean;
  /** ipaddr.js range name, e.g. `unicast`, `private`, `loopback`, `invalid`. */
  range: string;
}

export function classifyAddress(address: string): AddressVerdict {
  const bare = address.startsWith('[') && address.endsWith(']') ? address.slice(1, -1) : address;
  if (!ipaddr.isValid(bare)) return { allowed: false, range: 'invalid' };
  let parsed = ipaddr.parse(bare);
  if (parsed.kind() === 'ipv6' && (parsed as ipaddr.IPv6).isIPv4MappedAddress()) {
    parsed = (parsed as ipaddr.IPv6).toIPv4Address();
  }
  const range = parsed.range();
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
