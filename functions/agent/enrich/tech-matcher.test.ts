import { readFileSync } from 'node:fs';
import * as fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { classify, detectTechnologies, parsePattern, requiredLiteral, resolveVersion } from './tech-matcher';

const empty = {
  url: 'https://x.nl/',
  html: '',
  scriptSrc: [],
  scripts: [],
  meta: {},
  headers: {},
  cookies: {},
};

describe('Wappalyzer pattern matcher', () => {
  it('parses the pattern syntax with version and confidence tags', () => {
    // Prepare / Act
    const p = parsePattern('^WordPress(?: ([\\d.]+))?\\;version:\\1\\;confidence:50');
    // Assess
    expect(p?.confidence).toBe(50);
    const m = p!.regex.exec('WordPress 6.6.2')!;
    expect(resolveVersion(p!.version!, m)).toBe('6.6.2');
    expect(resolveVersion('\\1?next:legacy', /a(b)?/.exec('a')!)).toBe('legacy');
    expect(parsePattern('([unclosed')).toBeNull();
  });

  it('detects technologies from meta, headers, cookies and script URLs, with versions and implies', () => {
    // Prepare
    const page = {
      ...empty,
      meta: { generator: ['WordPress 6.6.2'] },
      scriptSrc: [
        'https://x.nl/wp-content/plugins/woocommerce/assets/js/frontend/cart.min.js',
        '//js.hs-scripts.com/123.js',
      ],
      cookies: { woocommerce_cart_hash: 'abc' },
      headers: { 'x-shopid': '1' },
    };
    // Act
    const techs = detectTechnologies(page);
    // Assess
    const names = techs.map((t) => t.name);
    expect(names).toEqual(expect.arrayContaining(['WordPress', 'WooCommerce', 'HubSpot']));
    expect(techs.find((t) => t.name === 'WordPress')?.version).toBe('6.6.2');
    // x-shopid alone has confidence 50: reported at the threshold
    expect(names).toContain('Shopify');
    expect(classify(techs)).toMatchObject({
      crm: ['HubSpot'],
      ecommerce: expect.arrayContaining(['Shopify', 'WooCommerce']),
    });
  });

  it('finds nothing on a plain page', () => {
    // Prepare / Act / Assess
    expect(detectTechnologies({ ...empty, html: '<html><body><p>Hallo</p></body></html>' })).toEqual([]);
  });

  it('pre-checks a pattern by the text every match contains, and only by such text', () => {
    // Prepare / Act / Assess
    expect(requiredLiteral('js\\.hs-scripts\\.com')).toBe('js.hs-scripts.com');
    expect(requiredLiteral('/wp-content/plugins/WooCommerce')).toBe('/wp-content/plugins/woocommerce');
    expect(requiredLiteral('^WordPress(?: ([\\d.]+))?')).toBe('wordpress');
    expect(requiredLiteral('colou?rfully')).toBe('rfully');
    expect(requiredLiteral('(?:shop|store)ify\\.com')).toBe('ify.com');
    expect(requiredLiteral('abc|defg')).toBeUndefined();
    expect(requiredLiteral('x{100}yz')).toBeUndefined();
    expect(requiredLiteral('\\x2fwp\\d+json')).toBe('json');
    expect(requiredLiteral('ab[cd]ef')).toBeUndefined();
    expect(requiredLiteral('caf\u00e9-bar')).toBe('-bar');
  });

  it('never skips a value a fingerprint pattern matches (every shipped pattern, generated matches)', () => {
    // Prepare
    const file = JSON.parse(readFileSync('data/tech-fingerprints.json', 'utf8')) as {
      technologies: Record<string, Record<string, unknown>>;
    };
    const sources = new Set<string>();
    const collect = (v: unknown): void => {
      if (typeof v === 'string') sources.add(v);
      else if (Array.isArray(v)) for (const x of v) collect(x);
      else if (v && typeof v === 'object') for (const x of Object.values(v)) collect(x);
    };
    for (const t of Object.values(file.technologies))
      for (const field of ['html', 'scriptSrc', 'scripts', 'url', 'meta', 'headers', 'cookies'])
        collect(t[field]);
    const checked = { patterns: 0, values: 0 };
    // Act
    for (const raw of sources) {
      const p = parsePattern(raw);
      if (!p?.literal) continue;
      let values: string[];
      try {
        values = fc.sample(fc.stringMatching(new RegExp(p.regex.source)), { numRuns: 3, seed: 42 });
      } catch {
        continue; // a construct the generator does not support (look-behind, back-reference)
      }
      checked.patterns++;
      for (const value of values) {
        if (!p.regex.test(value)) continue;
        checked.values++;
        // Assess
        expect(value.toLowerCase(), raw).toContain(p.literal);
      }
    }
    expect(checked.patterns).toBeGreaterThan(1000);
  });
});
