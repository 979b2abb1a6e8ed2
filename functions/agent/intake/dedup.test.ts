import { describe, expect, it } from 'vitest';
import type { Lead } from '../lead';
import { dedupKeyOf } from './dedup';

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

describe('dedupKeyOf', () => {
  it('uses the provider submission id when there is one', () => {
    // Prepare / Act
    const key = dedupKeyOf({ provider: 'typeform', submissionId: 'tok_123', lead: lead() });
    // Assess
    expect(key).toBe('typeform:tok_123');
  });

  it('the same content gives the same key at any time; case and spacing do not matter', () => {
    // Prepare
    const first = lead();
    const retry = lead({
      person: { email: 'jan@acme.nl', phone: '+31612345678' },
      message: '  graag   een DEMO ',
      submittedAt: '2026-12-01T00:00:00.000Z',
      extra: { other: 'ignored' },
    });
    // Act
    const keys = [
      dedupKeyOf({ provider: 'html', lead: first }),
      dedupKeyOf({ provider: 'html', lead: retry }),
    ];
    // Assess
    expect(keys[0]).toBe(keys[1]);
    expect(keys[0]).toMatch(/^content:[0-9a-f]{64}$/);
  });

  it('different content gives a different key', () => {
    // Prepare
    const base = dedupKeyOf({ provider: 'html', lead: lead() });
    // Act
    const variants = [
      dedupKeyOf({ provider: 'html', lead: lead({ message: 'Graag een offerte' }) }),
      dedupKeyOf({ provider: 'html', lead: lead({ formType: 'contact' }) }),
      dedupKeyOf({ provider: 'html', lead: lead({ person: { email: 'piet@acme.nl' } }) }),
      dedupKeyOf({ provider: 'html', lead: lead({ source: { provider: 'json', formId: 'pricing' } }) }),
    ];
    // Assess
    for (const variant of variants) expect(variant).not.toBe(base);
  });
});
