import { describe, expect, it } from 'vitest';
import { DirectoryRegistry, embeddedDirectory, normaliseCompanyName } from './directory';
import { industryForSbi, industryForSbiCodes } from './sbi';

describe('embedded company directory', () => {
  it('ships about 60 valid NL and BE companies with unique domains', () => {
    // Prepare / Act
    const dir = embeddedDirectory();
    // Assess
    expect(dir.size).toBeGreaterThanOrEqual(55);
  });

  it('finds a company by domain (www and scheme ignored) and by name (legal form ignored)', async () => {
    // Prepare
    const dir = embeddedDirectory();
    // Act
    const byDomain = await dir.findByDomain('https://www.roostr.nl/');
    const byName = await dir.findByName('roostr bv');
    const belgian = await dir.findByDomain('dataflux.be');
    // Assess
    expect(byDomain).toMatchObject({
      source: 'directory',
      legalName: 'Roostr B.V.',
      industry: 'saas',
      legalForm: 'BV',
    });
    expect(byDomain?.kvkNumber).toMatch(/^\d{8}$/);
    expect(byName?.legalName).toBe('Roostr B.V.');
    expect(belgian).toMatchObject({ address: { country: 'BE' }, industry: 'saas' });
    expect(belgian?.kvkNumber).toBeUndefined();
    expect(await dir.findByDomain('unknown-company.nl')).toBeNull();
  });

  it('maps industries from the SBI codes', async () => {
    // Prepare
    const dir = new DirectoryRegistry([
      { legalName: 'Test Transport B.V.', tradeNames: [], domain: 't.nl', sbiCodes: ['49.41'] },
    ]);
    // Act
    const facts = await dir.findByDomain('t.nl');
    // Assess
    expect(facts?.industry).toBe('logistics');
    expect(industryForSbi('62.01')).toBe('saas');
    expect(industryForSbi('6202')).toBe('consulting');
    expect(industryForSbi('47.91')).toBe('ecommerce');
    expect(industryForSbi('47.72')).toBe('retail');
    expect(industryForSbi('52.29')).toBe('logistics');
    expect(industryForSbi('25.62')).toBe('manufacturing');
    expect(industryForSbiCodes(['99.99', '86.22'])).toBe('healthcare');
    expect(industryForSbiCodes([])).toBe('other');
    expect(normaliseCompanyName('Bouwbedrijf Hendriks & Zn. B.V.')).toBe('bouwbedrijf hendriks');
  });
});
