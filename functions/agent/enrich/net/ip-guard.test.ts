import fc from 'fast-check';
import ipaddr from 'ipaddr.js';
import { describe, expect, it } from 'vitest';
import { fakeDns } from '../../testing/fake-dns';
import { classifyAddress, embeddedIPv4, isIpLiteral, isPublicAddress } from './ip-guard';
import { safeGet } from './safe-get';

describe('SSRF guard', () => {
  it.each([
    ['10.0.0.1', 'private'],
    ['172.16.5.4', 'private'],
    ['172.31.255.255', 'private'],
    ['192.168.1.10', 'private'],
    ['127.0.0.1', 'loopback'],
    ['127.8.9.10', 'loopback'],
    ['169.254.169.254', 'linkLocal'],
    ['100.64.0.1', 'carrierGradeNat'],
    ['100.127.255.254', 'carrierGradeNat'],
    ['224.0.0.251', 'multicast'],
    ['0.0.0.0', 'unspecified'],
    ['255.255.255.255', 'broadcast'],
    ['192.0.2.10', 'reserved'],
    ['::1', 'loopback'],
    ['::', 'unspecified'],
    ['fe80::1ff:fe23:4567:890a', 'linkLocal'],
    ['fc00::1', 'uniqueLocal'],
    ['fd12:3456:789a::1', 'uniqueLocal'],
    ['ff02::1', 'multicast'],
    ['::ffff:127.0.0.1', 'loopback'],
    ['::ffff:10.1.2.3', 'private'],
    ['::ffff:169.254.169.254', 'linkLocal'],
    ['[::ffff:192.168.0.1]', 'private'],
    ['2002:a00:1::1', '6to4'],
    ['2002:808:808::1', '6to4'],
    ['2001:0:4136:e378:8000:63bf:80ff:fffe', 'teredo'],
    ['2001:db8::1', 'reserved'],
    ['64:ff9b:1::a00:1', 'nat64LocalUse'],
  ])('refuses %s (%s)', (address, range) => {
    // Prepare: an address in a non-public range
    // Act
    const verdict = classifyAddress(address);
    // Assess
    expect(verdict).toEqual({ allowed: false, range });
  });

  it.each([
    ['::127.0.0.1', 'loopback'],
    ['[::7f00:1]', 'loopback'],
    ['::a9fe:a9fe', 'linkLocal'],
    ['::10.0.0.1', 'private'],
    ['::ffff:0:7f00:1', 'loopback'],
    ['64:ff9b::7f00:1', 'loopback'],
    ['64:ff9b::a00:1', 'private'],
    ['64:ff9b::a9fe:a9fe', 'linkLocal'],
  ])('attack: refuses the embedded-IPv4 form %s (%s inside)', (address, range) => {
    // Act
    const verdict = classifyAddress(address);
    // Assess
    expect(verdict).toEqual({ allowed: false, range });
  });

  it.each(['93.184.216.34', '8.8.8.8', '2606:4700:4700::1111', '::ffff:8.8.8.8', '64:ff9b::808:808'])(
    'allows public %s',
    (address) => {
      // Prepare / Act
      const ok = isPublicAddress(address);
      // Assess
      expect(ok).toBe(true);
    },
  );

  it('treats garbage as not allowed and recognises IP literals', () => {
    // Prepare / Act / Assess
    expect(classifyAddress('not-an-ip')).toEqual({ allowed: false, range: 'invalid' });
    expect(isIpLiteral('10.0.0.1')).toBe(true);
    expect(isIpLiteral('[::1]')).toBe(true);
    expect(isIpLiteral('example.nl')).toBe(false);
  });

  it('attack: a website at http://[::127.0.0.1]/ is refused before any connection', async () => {
    // Prepare
    const dns = fakeDns({});
    // Act
    const fetching = safeGet('http://[::127.0.0.1]:8080/admin', {
      signal: AbortSignal.timeout(2_000),
      dns,
      allowPrivateTargets: false,
      maxBytes: 1024,
      maxRedirects: 0,
      userAgent: 'test',
    });
    // Assess
    await expect(fetching).rejects.toThrow(/refused .*loopback/);
  });
});

describe('SSRF guard fuzz', () => {
  const v4 = fc.tuple(fc.nat(255), fc.nat(255), fc.nat(255), fc.nat(255)).map((b) => new ipaddr.IPv4(b));
  const nonPublicV4 = v4.filter((a) => a.range() !== 'unicast');
  const hex = (a: ipaddr.IPv4) => {
    const [b0, b1, b2, b3] = a.octets as [number, number, number, number];
    return [((b0 << 8) | b1).toString(16), ((b2 << 8) | b3).toString(16)];
  };
  /** Every way an IPv6 address can carry an IPv4 one. */
  const embeddings = (a: ipaddr.IPv4): string[] => {
    const [hi, lo] = hex(a);
    const teredo = hex(new ipaddr.IPv4(a.octets.map((b) => b ^ 0xff)));
    return [
      `::ffff:${a}`,
      `::ffff:${hi}:${lo}`,
      `::${a}`,
      `::${hi}:${lo}`,
      `::ffff:0:${a}`,
      `64:ff9b::${a}`,
      `64:ff9b::${hi}:${lo}`,
      `64:ff9b:1::${hi}:${lo}`,
      `2002:${hi}:${lo}::1`,
      `2001:0:4136:e378:8000:63bf:${teredo[0]}:${teredo[1]}`,
      `[${`::ffff:${a}`}]`,
    ];
  };

  it('refuses every embedding of every non-public IPv4 address', () => {
    fc.assert(
      fc.property(nonPublicV4, (a) => {
        for (const form of embeddings(a)) expect(classifyAddress(form).allowed, form).toBe(false);
      }),
      { numRuns: 500 },
    );
  });

  it('never allows an IPv6 address that carries a non-public IPv4 address, and never throws', () => {
    fc.assert(
      fc.property(fc.oneof(fc.ipV6(), fc.ipV4(), fc.string()), (address) => {
        const verdict = classifyAddress(address);
        if (!verdict.allowed || !ipaddr.isValid(address) || !address.includes(':')) return;
        const embedded = embeddedIPv4(ipaddr.IPv6.parse(address));
        if (embedded) expect(embedded.v4.range()).toBe('unicast');
        expect(['6to4', 'teredo']).not.toContain(ipaddr.IPv6.parse(address).range());
      }),
      { numRuns: 2_000 },
    );
  });
});
