import { describe, expect, it } from 'vitest';
import {
  countryCode,
  detectFormType,
  domainOfEmail,
  domainOfWebsite,
  employeesLowerBound,
  isYes,
  languageFromAcceptLanguage,
  normalisePhone,
} from './normalise';
import { DEFAULT_INTAKE_SETTINGS } from './settings';

describe('normalisers', () => {
  it.each([
    ['11-50', 11],
    ['50+', 50],
    ['1.000-5.000', 1000],
    ['1,000+', 1000],
    ['5k+', 5000],
    ['250', 250],
    ['10 - 50 medewerkers', 10],
    ['<10', 1],
    ['minder dan 10', 1],
    ['geen idee', undefined],
  ])('employees %s → %s', (raw, expected) => {
    // Prepare / Act / Assess
    expect(employeesLowerBound(raw)).toBe(expected);
  });

  it.each([
    ['NL', 'NL'],
    ['nl', 'NL'],
    ['Nederland', 'NL'],
    ['Netherlands', 'NL'],
    ['the Netherlands', 'NL'],
    ['BE', 'BE'],
    ['België', 'BE'],
    ['Belgium', 'BE'],
    ['Belgique', 'BE'],
    ['DE', 'DE'],
    ['Duitsland', 'DE'],
    ['Germany', 'DE'],
    ['UK', 'GB'],
    ['Verenigd Koninkrijk', 'GB'],
    ['Atlantis', undefined],
    ['XX', undefined],
  ])('country %s → %s', (raw, expected) => {
    // Prepare / Act / Assess
    expect(countryCode(raw)).toBe(expected);
  });

  it.each([
    ['06-12345678', 'NL', '+31612345678'],
    ['0031 20 123 4567', 'NL', '+31201234567'],
    ['+32 470 12 34 56', 'NL', '+32470123456'],
    ['030 1234567', 'DE', '+49301234567'],
    ['12', 'NL', undefined],
    ['call me', 'NL', undefined],
  ])('phone %s (default %s) → %s', (raw, country, expected) => {
    // Prepare / Act / Assess
    expect(normalisePhone(raw, country)).toBe(expected);
  });

  it('company domain: registrable part of a website, business email only', () => {
    // Prepare
    const free = DEFAULT_INTAKE_SETTINGS.freeMailDomains;
    // Act / Assess
    expect(domainOfWebsite('https://shop.acme.co.uk/path')).toBe('acme.co.uk');
    expect(domainOfWebsite('www.acme.nl')).toBe('acme.nl');
    expect(domainOfWebsite('not a site')).toBeUndefined();
    expect(domainOfEmail('jan@mail.acme.nl', free)).toBe('acme.nl');
    expect(domainOfEmail('jan@gmail.com', free)).toBeUndefined();
    expect(domainOfEmail('jan@ziggo.nl', free)).toBeUndefined();
  });

  it.each([
    [['demo'], 'demo_request'],
    [[undefined, 'Vraag een demonstratie aan'], 'demo_request'],
    [[undefined, undefined, 'https://x.nl/prijzen'], 'pricing'],
    [['Free trial'], 'trial'],
    [[undefined, 'Download het e-book'], 'download'],
    [[undefined, 'Whitepaper lead scoring'], 'download'],
    [['Nieuwsbrief'], 'newsletter'],
    [['Contact'], 'contact'],
    [[undefined, 'Form 12'], 'other'],
  ] as Array<[Array<string | undefined>, string]>)('form type from %j → %s', (candidates, expected) => {
    // Prepare / Act / Assess
    expect(detectFormType(candidates)).toBe(expected);
  });

  it('accept-language picks the highest-weighted nl/en, else nothing', () => {
    // Prepare / Act / Assess
    expect(languageFromAcceptLanguage('nl-NL,nl;q=0.9,en-US;q=0.8')).toBe('nl');
    expect(languageFromAcceptLanguage('de-DE,de;q=0.9,nl;q=0.8')).toBeUndefined();
    expect(languageFromAcceptLanguage('en-GB')).toBe('en');
    expect(languageFromAcceptLanguage(';;;,q=')).toBeUndefined();
  });

  it('yes/no answers', () => {
    // Prepare / Act / Assess
    expect(['ja', 'Yes', 'on', 'true', '1', 'checked', 'Ja, graag'].map(isYes)).toEqual(Array(7).fill(true));
    expect(['nee', 'no', 'off', 'false', '0', '', 'maybe'].map(isYes)).toEqual(Array(7).fill(false));
  });
});
