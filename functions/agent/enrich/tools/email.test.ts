import { describe, expect, it } from 'vitest';
import { fakeDns } from '../testing/fake-dns';
import type { ToolContext } from '../types';
import { emailInput, emailTool, isRoleAddress } from './email';

const dns = fakeDns({
  mx: {
    'roostr.nl': [{ exchange: 'roostr-nl.mail.protection.outlook.com', priority: 0 }],
    'gmail.com': [{ exchange: 'gmail-smtp-in.l.google.com', priority: 5 }],
    'mailinator.com': [{ exchange: 'mail.mailinator.com', priority: 1 }],
  },
  brokenMx: ['flaky-dns.nl'],
  slowMs: { 'slow-dns.nl': 5_000 },
});

async function facts(email: string, timeoutMs = 1_000) {
  const input = emailInput(email);
  if (!input) throw new Error('no input');
  const ctx: ToolContext = {
    signal: new AbortController().signal,
    timeoutMs,
    deps: { dns },
    now: new Date(),
  };
  return emailTool.run(input, ctx);
}

describe('email tool', () => {
  it('marks a free-mail address as free and not business', async () => {
    // Prepare / Act
    const f = await facts('jan.jansen@gmail.com');
    // Assess
    expect(f).toEqual({
      domain: 'gmail.com',
      freeMail: true,
      disposable: false,
      roleAddress: false,
      businessDomain: false,
      mx: true,
    });
  });

  it('marks a throwaway address as disposable', async () => {
    // Prepare / Act
    const f = await facts('x123@mailinator.com');
    // Assess
    expect(f.disposable).toBe(true);
    expect(f.businessDomain).toBe(false);
  });

  it('recognises role addresses on a business domain with MX', async () => {
    // Prepare / Act
    const f = await facts('Info@Roostr.nl');
    // Assess
    expect(f).toEqual({
      domain: 'roostr.nl',
      freeMail: false,
      disposable: false,
      roleAddress: true,
      businessDomain: true,
      mx: true,
    });
  });

  it('says no MX (and not business) when the domain has no mail exchanger', async () => {
    // Prepare / Act
    const f = await facts('anna@no-mail-here.nl');
    // Assess
    expect(f.mx).toBe(false);
    expect(f.businessDomain).toBe(false);
  });

  it('gives mx null when the lookup fails or is too slow, keeping the rest', async () => {
    // Prepare / Act
    const broken = await facts('anna@flaky-dns.nl');
    const started = Date.now();
    const slow = await facts('anna@slow-dns.nl', 400);
    // Assess
    expect(broken.mx).toBeNull();
    expect(broken.businessDomain).toBe(true);
    expect(slow.mx).toBeNull();
    expect(Date.now() - started).toBeLessThan(1_000);
  });

  it('keeps only the domain and a role flag from the address, and caches by domain', () => {
    // Prepare / Act
    const input = emailInput('sales+nl@cloudwerk.nl');
    // Assess
    expect(input).toEqual({ domain: 'cloudwerk.nl', roleAddress: true });
    expect(emailTool.cacheKey?.(input!)).toBe('email:v1:cloudwerk.nl:role');
    expect(emailInput('not-an-address')).toBeUndefined();
    expect(isRoleAddress('pieter.de.vries')).toBe(false);
    expect(isRoleAddress('support2')).toBe(true);
  });
});
