import { describe, expect, it } from 'vitest';
import type { Lead } from '../lead';
import { contentHash, dedupKey } from './dedup';

function lead(overrides: Partial<Lead> = {}): Lead {
  return {
    person: { email: 'Jan@Acme.nl', phone: '+31612345678' },
    company: {},
    message: 'Graag een demo',
    formType: 'demo_request',
    qualifying: {},
    consent: { marketingOptIn: false },
    source: { provider: 'json', formId: 'demo' },
    utm: {},
    language: 'nl',
    submittedAt: '2026-11-23T10:01:00.000Z',
    activities: [],
    extra: {},
    ...overrides,
  };
}

describe('dedupKey', () => {
  it('uses the provider submission id when there is one', () => {
    // Prepare / Act
    const key = dedupKey(lead(), 'typeform', 'tok_123');
    // Assess
    expect(key).toBe('typeform:tok_123');
  });

  it('the same content within one window gives the same key; case and spacing do not matter', () => {
    // Prepare
    const first = lead();
    const retry = lead({
      person: { email: 'jan@acme.nl', phone: '+31612345678' },
      message: '  graag   een DEMO ',
      submittedAt: '2026-11-23T10:08:59.000Z',
      extra: { other: 'ignored' },
    });
    // Act
    const keys = [dedupKey(first, 'html', undefined), dedupKey(retry, 'html', undefined)];
    // Assess
    expect(keys[0]).toBe(keys[1]);
    expect(keys[0]).toMatch(/^html:content:[0-9a-f]{64}$/);
  });

  it('different content, provider or window gives a different key', () => {
    // Prepare
    const base = dedupKey(lead(), 'html', undefined);
    // Act
    const variants = [
      dedupKey(lead({ message: 'Graag een offerte' }), 'html', undefined),
      dedupKey(lead({ formType: 'contact' }), 'html', undefined),
      dedupKey(lead(), 'json', undefined),
      dedupKey(lead({ submittedAt: '2026-11-23T10:11:00.000Z' }), 'html', undefined),
    ];
    // Assess
    for (const variant of variants) expect(variant).not.toBe(base);
  });

  it('a wider window folds submissions further apart together', () => {
    // Prepare
    const later = lead({ submittedAt: '2026-11-23T10:25:00.000Z' });
    // Act
    const tenMinutes = [dedupKey(lead(), 'html', undefined), dedupKey(later, 'html', undefined)];
    const oneHour = [
      dedupKey(lead(), 'html', undefined, 3_600_000),
      dedupKey(later, 'html', undefined, 3_600_000),
    ];
    // Assess
    expect(tenMinutes[0]).not.toBe(tenMinutes[1]);
    expect(oneHour[0]).toBe(oneHour[1]);
  });

  it('contentHash has no time part, for stores that check the window themselves', () => {
    // Prepare / Act
    const hashes = [contentHash(lead()), contentHash(lead({ submittedAt: '2026-12-01T00:00:00.000Z' }))];
    // Assess
    expect(hashes[0]).toBe(hashes[1]);
  });
});
