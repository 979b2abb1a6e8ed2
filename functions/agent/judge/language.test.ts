import { describe, expect, it } from 'vitest';
import { parseSubmission } from '../intake/parse-submission';
import { jsonRequest, TEST_SETTINGS } from '../testing/intake-requests';
import { decideLanguage, identifyLanguage } from './language';

describe('decideLanguage: what they wrote first, Accept-Language last', () => {
  it('identifies Dutch, English and German text with eld; short text says nothing', () => {
    // Assess
    expect(identifyLanguage('Het budget is goedgekeurd en we willen dit kwartaal nog een demo zien.')).toBe(
      'nl',
    );
    expect(identifyLanguage('We are evaluating lead routing tools for our forty reps.')).toBe('en');
    expect(identifyLanguage('Wir suchen eine Lösung für unser Vertriebsteam in München.')).toBe('de');
    expect(identifyLanguage('Demo pls')).toBeUndefined();
  });

  it.each([
    [
      { texts: ['Kunnen jullie mij de prijzen sturen voor twintig gebruikers?'], acceptLanguage: 'en' },
      'nl',
      'message',
    ],
    [{ texts: ['Could you send me your pricing for twenty users please?'], country: 'NL' }, 'en', 'message'],
    [{ texts: ['Wir suchen eine Lösung für unser Vertriebsteam.'], country: 'NL' }, 'en', 'message'],
    [{ texts: ['Demo'], formLanguage: 'nl-NL', acceptLanguage: 'en' }, 'nl', 'form'],
    [{ texts: [], pageUrl: 'https://www.acme.nl/nl/contact' }, 'nl', 'page_url'],
    [{ texts: [], country: 'NL', acceptLanguage: 'en' }, 'nl', 'country'],
    [{ texts: [], country: 'BE', domain: 'acme.nl' }, 'nl', 'domain'],
    [{ texts: [], domain: 'acme.com', acceptLanguage: 'nl-BE,nl;q=0.9' }, 'nl', 'accept_language'],
    [{ texts: [] }, 'en', 'default'],
  ])('%j → %s (%s)', (clues, language, source) => {
    // Act
    const decision = decideLanguage(clues);
    // Assess
    expect(decision).toMatchObject({ language, source });
  });

  it('a Dutch message posted like a webhook (no Accept-Language) gives a Dutch lead', async () => {
    // Prepare
    const input = jsonRequest({
      email: 'petra@vandijk-transport.com',
      message: 'Het budget is goedgekeurd en we willen dit kwartaal nog een demo zien.',
    });
    // Act
    const result = await parseSubmission(input, TEST_SETTINGS);
    // Assess
    expect(result).toMatchObject({ ok: true, lead: { language: 'nl', languageSource: 'message' } });
  });
});
