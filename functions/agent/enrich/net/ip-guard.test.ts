import { describe, expect, it } from 'vitest';
import { classifyAddress, isIpLiteral, isPublicAddress } from './ip-guard';

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
    ['64:ff9b::a00:1', 'rfc6052'],
    ['2002:a00:1::1', '6to4'],
    ['2001:db8::1', 'reserved'],
  ])('refuses %s (%s)', (address, range) => {
    // Prepare: an address in a non-public range
    // Act
    const verdict = classifyAddress(address);
    // Assess
    expect(verdict).toEqual({ allowed: false, range });
  });

  it.each(['93.184.216.34', '8.8.8.8', '2606:4700:4700::1111', '::ffff:8.8.8.8'])(
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
});
