import { describe, expect, it } from 'vitest';
import { normalisePhone } from './phone';

describe('phone normalisation', () => {
  it.each([
    ['+31 20 123 4567', undefined, { e164: '+31201234567', country: 'NL', type: 'fixed_line' }],
    ['06-12345678', 'NL', { e164: '+31612345678', country: 'NL', type: 'mobile' }],
    ['0470 12 34 56', 'BE', { e164: '+32470123456', country: 'BE', type: 'mobile' }],
    ['+49 30 901820', undefined, { e164: '+4930901820', country: 'DE', type: 'fixed_line' }],
  ])('normalises %s', (raw, country, expected) => {
    // Prepare / Act
    const facts = normalisePhone(raw, country);
    // Assess
    expect(facts).toEqual(expected);
  });

  it('returns null for something that is not a phone number', () => {
    // Prepare / Act / Assess
    expect(normalisePhone('bel me maar')).toBeNull();
    expect(normalisePhone('12')).toBeNull();
  });
});
