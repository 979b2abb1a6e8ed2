import { describe, expect, it } from 'vitest';
import { classify, detectTechnologies, parsePattern, resolveVersion } from './tech-matcher';

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
});
