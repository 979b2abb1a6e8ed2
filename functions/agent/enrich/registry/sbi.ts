/**
 * SBI (Standaard Bedrijfsindeling, the Dutch NACE variant; Belgian NACE-BEL codes share the first 4 digits)
 * → the industries the scoring rules speak of. Longest prefix wins: `62.01` beats `62`.
 */
import type { Industry } from '../../enrichment';

/** Prefix (digits only, 2–5 long) → industry. */
export const SBI_INDUSTRY: Record<string, Industry> = {
  // Software and SaaS
  '5821': 'software', // publishing of computer games
  '5829': 'saas', // other software publishing (incl. SaaS)
  '6201': 'saas', // developing, producing and publishing software
  '6202': 'consulting', // IT consultancy
  '6203': 'software', // computer facilities management
  '6209': 'software', // other IT services
  '631': 'software', // data processing, hosting, web portals
  '62': 'software',
  // E-commerce and retail
  '4791': 'ecommerce', // retail via internet / mail order
  '47911': 'ecommerce',
  '47912': 'ecommerce',
  '47': 'retail',
  // Wholesale
  '46': 'wholesale',
  '45': 'retail', // motor vehicle trade
  // Logistics
  '49': 'logistics',
  '4941': 'logistics', // road freight transport
  '50': 'logistics',
  '51': 'logistics',
  '52': 'logistics', // warehousing and support activities
  '5229': 'logistics', // forwarding, shipping agents
  '53': 'logistics', // postal and courier
  // Manufacturing (C: 10–33)
  ...Object.fromEntries(Array.from({ length: 24 }, (_, i) => [String(10 + i), 'manufacturing' as Industry])),
  // Construction
  '41': 'construction',
  '42': 'construction',
  '43': 'construction',
  // Hospitality
  '55': 'hospitality',
  '56': 'hospitality',
  // Finance
  '64': 'finance',
  '65': 'finance',
  '66': 'finance',
  // Consulting and professional services
  '69': 'consulting', // legal and accounting
  '70': 'consulting', // management consultancy
  '71': 'consulting', // architecture, engineering
  '72': 'consulting', // research
  '74': 'consulting',
  '78': 'consulting', // employment agencies
  // Marketing
  '73': 'marketing', // advertising and market research
  '7311': 'marketing',
  // Government
  '84': 'government',
  // Education
  '85': 'education',
  // Healthcare
  '86': 'healthcare',
  '87': 'healthcare',
  '88': 'healthcare',
  '2120': 'healthcare', // pharmaceuticals (C, but sells to healthcare)
};

export function sbiDigits(code: string): string {
  return code.replace(/\D/g, '');
}

export function industryForSbi(code: string): Industry | undefined {
  const digits = sbiDigits(code);
  for (let len = Math.min(5, digits.length); len >= 2; len--) {
    const hit = SBI_INDUSTRY[digits.slice(0, len)];
    if (hit) return hit;
  }
  return undefined;
}

/** Industry of a company from its SBI codes, main activity first. */
export function industryForSbiCodes(codes: string[]): Industry {
  for (const c of codes) {
    const hit = industryForSbi(c);
    if (hit) return hit;
  }
  return 'other';
}
