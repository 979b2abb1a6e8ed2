/**
 * Matches Wappalyzer-format fingerprints (data/tech-fingerprints.json, extracted from enthec/webappanalyzer,
 * read from the shipped data/ folder on first use) against what a plain HTTP fetch sees: the HTML, script
 * src URLs, inline scripts, meta tags, response headers, cookies and the final URL.
 *
 * Pattern syntax: `regex\;version:\1\;confidence:50`. The regex is case-insensitive; an empty regex matches
 * mere presence (of a header, cookie or meta tag). Confidence adds up per technology, capped at 100.
 */
import { readBundledFile } from '../bundled-file';

export interface TechPage {
  url: string;
  html: string;
  scriptSrc: string[];
  scripts: string[];
  /** meta name/property (lower case) → content values. */
  meta: Record<string, string[]>;
  /** header name (lower case) → value. */
  headers: Record<string, string>;
  /** cookie name → value. */
  cookies: Record<string, string>;
}

export interface DetectedTechnology {
  name: string;
  categories: string[];
  confidence: number;
  version?: string;
}

interface Pattern {
  regex: RegExp;
  confidence: number;
  version?: string;
}

interface RawTech {
  cats: number[];
  html?: string[];
  scriptSrc?: string[];
  scripts?: string[];
  url?: string[];
  meta?: Record<string, string[]>;
  headers?: Record<string, string[]>;
  cookies?: Record<string, string[]>;
  implies?: string[];
  requires?: string[];
  excludes?: string[];
}

interface CompiledTech {
  name: string;
  cats: number[];
  html: Pattern[];
  scriptSrc: Pattern[];
  scripts: Pattern[];
  url: Pattern[];
  meta: [string, Pattern[]][];
  headers: [string, Pattern[]][];
  cookies: [string, Pattern[]][];
  implies: string[];
  requires: string[];
  excludes: string[];
}

/** Max characters of HTML / inline script scanned by regexes (bounds worst-case regex time). */
const MAX_SCAN_CHARS = 512 * 1024;

export function parsePattern(raw: string): Pattern | null {
  const [source = '', ...tags] = raw.split('\\;');
  let confidence = 100;
  let version: string | undefined;
  for (const tag of tags) {
    const idx = tag.indexOf(':');
    if (idx < 0) continue;
    const key = tag.slice(0, idx);
    const value = tag.slice(idx + 1);
    if (key === 'confidence') {
      const n = Number(value);
      if (Number.isFinite(n)) confidence = n;
    } else if (key === 'version') version = value;
  }
  try {
    // Wappalyzer escapes `/` in its JSON; JS RegExp accepts `\/` too.
    return { regex: new RegExp(source, 'i'), confidence, ...(version !== undefined && { version }) };
  } catch {
    return null;
  }
}

/** Resolve a Wappalyzer version template (`\1`, `\1?a:b`) against a match. */
export function resolveVersion(template: string, match: RegExpExecArray): string | undefined {
  const out = template.replace(
    /\\(\d)(?:\?([^:]*):(.*))?/g,
    (_all, idx: string, ifTrue?: string, ifFalse?: string) => {
      const group = match[Number(idx)];
      if (ifTrue !== undefined || ifFalse !== undefined) return group ? (ifTrue ?? '') : (ifFalse ?? '');
      return group ?? '';
    },
  );
  const trimmed = out.trim();
  return trimmed && trimmed.length <= 30 ? trimmed : undefined;
}

function compileList(list: string[] | undefined): Pattern[] {
  return (list ?? []).map(parsePattern).filter((p): p is Pattern => p !== null);
}

function compileRecord(rec: Record<string, string[]> | undefined): [string, Pattern[]][] {
  return Object.entries(rec ?? {}).map(([k, v]) => [k.toLowerCase(), compileList(v)]);
}

interface FingerprintFile {
  categories: Record<string, string>;
  technologies: Record<string, RawTech>;
}

/**
 * Read (not bundled) on first use: as a bundled import the 240 KB file became an object literal that every
 * cold start parsed, also for leads without a website; JSON.parse of the shipped file is cheaper still.
 */
let fingerprintFile: FingerprintFile | undefined;
function fingerprints(): FingerprintFile {
  fingerprintFile ??= JSON.parse(readBundledFile('data/tech-fingerprints.json')) as FingerprintFile;
  return fingerprintFile;
}

let compiled: CompiledTech[] | undefined;

function compileAll(): CompiledTech[] {
  if (compiled) return compiled;
  compiled = Object.entries(fingerprints().technologies).map(([name, t]) => ({
    name,
    cats: t.cats,
    html: compileList(t.html),
    scriptSrc: compileList(t.scriptSrc),
    scripts: compileList(t.scripts),
    url: compileList(t.url),
    meta: compileRecord(t.meta),
    headers: compileRecord(t.headers),
    cookies: compileRecord(t.cookies),
    implies: t.implies ?? [],
    requires: t.requires ?? [],
    excludes: t.excludes ?? [],
  }));
  return compiled;
}

export function categoryNamesOf(cats: number[]): string[] {
  const categoryNames = fingerprints().categories;
  return cats.map((c) => categoryNames[String(c)]).filter((n): n is string => Boolean(n));
}

export function detectTechnologies(page: TechPage): DetectedTechnology[] {
  const html = page.html.slice(0, MAX_SCAN_CHARS);
  const scripts = page.scripts.map((s) => s.slice(0, 64 * 1024)).slice(0, 50);
  const scriptSrc = page.scriptSrc.slice(0, 200);
  const found = new Map<string, { confidence: number; version?: string }>();

  const hit = (name: string, p: Pattern, value: string) => {
    const m = p.regex.exec(value);
    if (!m) return;
    const prev = found.get(name) ?? { confidence: 0 };
    prev.confidence = Math.min(100, prev.confidence + p.confidence);
    if (p.version && !prev.version) {
      const v = resolveVersion(p.version, m);
      if (v) prev.version = v;
    }
    found.set(name, prev);
  };

  for (const t of compileAll()) {
    for (const p of t.html) hit(t.name, p, html);
    for (const p of t.url) hit(t.name, p, page.url);
    for (const p of t.scriptSrc) for (const src of scriptSrc) hit(t.name, p, src);
    for (const p of t.scripts) for (const s of scripts) hit(t.name, p, s);
    for (const [key, ps] of t.meta)
      for (const v of page.meta[key] ?? []) for (const p of ps) hit(t.name, p, v);
    for (const [key, ps] of t.headers) {
      const v = page.headers[key];
      if (v !== undefined) for (const p of ps) hit(t.name, p, v);
    }
    for (const [key, ps] of t.cookies) {
      const v = page.cookies[key];
      if (v !== undefined) for (const p of ps) hit(t.name, p, v);
    }
  }

  const byName = new Map(compileAll().map((t) => [t.name, t]));
  // implies: add implied technologies we know (transitively, bounded).
  for (let round = 0; round < 3; round++) {
    for (const name of [...found.keys()]) {
      for (const implied of byName.get(name)?.implies ?? []) {
        if (byName.has(implied) && !found.has(implied)) found.set(implied, { confidence: 100 });
      }
    }
  }
  // requires / excludes.
  for (const name of [...found.keys()]) {
    const t = byName.get(name);
    if (t?.requires.some((r) => !found.has(r))) found.delete(name);
  }
  for (const name of [...found.keys()]) {
    for (const ex of byName.get(name)?.excludes ?? []) found.delete(ex);
  }

  return [...found.entries()]
    .filter(([, v]) => v.confidence >= 50)
    .map(([name, v]) => ({
      name,
      categories: categoryNamesOf(byName.get(name)?.cats ?? []),
      confidence: v.confidence,
      ...(v.version && { version: v.version }),
    }))
    .sort((a, b) => a.name.localeCompare(b.name));
}

/** Products that include a CRM although Wappalyzer files their tracking script under another category. */
const CRM_SUITES = new Set(['HubSpot', 'HubSpot Analytics', 'HubSpot Chat', 'HubSpot CMS Hub', 'Zoho']);

export function classify(techs: DetectedTechnology[]): {
  crm: string[];
  marketingAutomation: string[];
  ecommerce: string[];
} {
  const crm = new Set<string>();
  const marketingAutomation = new Set<string>();
  const ecommerce = new Set<string>();
  for (const t of techs) {
    if (t.categories.includes('CRM')) crm.add(t.name);
    if (CRM_SUITES.has(t.name)) crm.add(t.name.startsWith('HubSpot') ? 'HubSpot' : t.name);
    if (t.categories.includes('Marketing automation')) marketingAutomation.add(t.name);
    if (t.categories.includes('Ecommerce') || t.categories.includes('Ecommerce frontends'))
      ecommerce.add(t.name);
  }
  return {
    crm: [...crm].sort(),
    marketingAutomation: [...marketingAutomation].sort(),
    ecommerce: [...ecommerce].sort(),
  };
}
