import disposablePackageList from 'disposable-email-domains/index.json';
import disposableWildcards from 'disposable-email-domains/wildcard.json';
import freeMailPackageList from 'email-providers/all.json';
import { describe, expect, it } from 'vitest';
import { fakeDns } from '../../testing/fake-dns';
import type { ToolContext } from '../types';
import { lazyDomainList } from './domain-list';
import { EMAIL_DOMAIN_LISTS, emailInput, emailTool, isRoleAddress } from './email';

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
    const slow = await facts('anna@slow-dns.nl', 400);
    // Assess
    expect(broken.mx).toBeNull();
    expect(broken.businessDomain).toBe(true);
    expect(slow.mx).toBeNull();
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

  it('ships exactly the domain lists of the installed packages (regenerate them after an upgrade)', () => {
    // Prepare
    const packages = {
      disposable: disposablePackageList as string[],
      freeMail: freeMailPackageList as string[],
    } as const;
    for (const [name, { file, source }] of Object.entries(EMAIL_DOMAIN_LISTS)) {
      const expected = packages[name as keyof typeof packages];
      const hint = `${file} differs from ${source}: run npx tsx scripts/update-email-domain-lists.ts`;
      // Act
      const shipped = lazyDomainList(file).load();
      // Assess
      expect(shipped.size, hint).toBe(expected.length);
      expect([...shipped], hint).toEqual([...expected].sort());
      expect(
        expected.filter((d) => !shipped.has(d)),
        hint,
      ).toEqual([]);
    }
  });

  it('finds disposable and free-mail domains exactly as the package lists do', async () => {
    // Prepare: the tool's former implementation, straight from the packages
    const disposableSet = new Set(disposablePackageList as string[]);
    const freeMailSet = new Set(freeMailPackageList as string[]);
    const wildcards = disposableWildcards as string[];
    const expected = (domain: string) => {
      const parts = domain.split('.');
      let freeMail = freeMailSet.has(domain);
      for (let i = 1; !freeMail && i < parts.length - 1; i++)
        freeMail = freeMailSet.has(parts.slice(i).join('.'));
      const disposable =
        disposableSet.has(domain) || wildcards.some((w) => domain === w || domain.endsWith(`.${w}`));
      return { freeMail, disposable };
    };
    const sample = [
      ...(disposablePackageList as string[]).filter((_, i) => i % 97 === 0),
      ...(freeMailPackageList as string[]).filter((_, i) => i % 7 === 0),
      ...wildcards.filter((_, i) => i % 5 === 0),
      'gmail.com',
      'mailinator.com',
      'roostr.nl',
      'cloudwerk.nl',
    ];
    const domains = [
      ...new Set(
        sample.flatMap((d) => [
          d,
          `mail.${d}`,
          `x${d}`,
          d.slice(1),
          `${d}.nl`,
          d.replace(/\.[^.]+$/, '.example'),
        ]),
      ),
    ].filter((d) => emailInput(`a@${d}`)?.domain === d);
    // Act
    const found = await Promise.all(domains.map((d) => facts(`a@${d}`)));
    // Assess
    const got = found.map((f) => ({ freeMail: f.freeMail, disposable: f.disposable }));
    expect(got).toEqual(domains.map(expected));
    expect(got.filter((g) => g.disposable).length).toBeGreaterThan(1_000);
    expect(got.filter((g) => g.freeMail).length).toBeGreaterThan(1_000);
  });
});
