/**
 * Best-guess country of the lead's company: form > registry > phone > TLD. `sources` lists every source
 * that supports the chosen country, strongest first (a disagreeing weaker source is left out).
 */
import type { GeoFacts, PhoneFacts, RegistryFacts } from '../enrichment';

/** Country-code TLDs we map (ccTLD → ISO 3166-1 alpha-2 where they differ or matter). */
const TLD_EXCEPTIONS: Record<string, string> = { uk: 'GB', eu: '' };
const GENERIC_CC_LIKE = new Set(['io', 'co', 'ai', 'tv', 'me', 'fm', 'ly', 'to', 'cc', 'ws', 'app']);

export function countryFromDomain(domain: string | undefined): string | null {
  if (!domain) return null;
  const tld = domain.toLowerCase().replace(/\.$/, '').split('.').pop() ?? '';
  if (!/^[a-z]{2}$/.test(tld) || GENERIC_CC_LIKE.has(tld)) return null;
  if (tld in TLD_EXCEPTIONS) return TLD_EXCEPTIONS[tld] || null;
  return tld.toUpperCase();
}

export function computeGeo(input: {
  formCountry?: string | undefined;
  registry?: RegistryFacts | null;
  phone?: PhoneFacts | null;
  domain?: string | undefined;
}): GeoFacts {
  const candidates: [GeoFacts['sources'][number], string | null | undefined][] = [
    ['form', input.formCountry],
    ['registry', input.registry?.address?.country],
    ['phone', input.phone?.country],
    ['tld', countryFromDomain(input.domain)],
  ];
  const valid = candidates.filter(
    (c): c is [GeoFacts['sources'][number], string] => !!c[1] && /^[A-Z]{2}$/.test(c[1]),
  );
  const country = valid[0]?.[1] ?? null;
  return { country, sources: valid.filter(([, c]) => c === country).map(([s]) => s) };
}
