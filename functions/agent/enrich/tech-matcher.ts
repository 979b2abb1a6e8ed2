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
  /**
   * Lower-case text every match contains (from `requiredLiteral`): a value without it cannot match, so the
   * regex is not run on it. Absent when the pattern has no such text of 3+ characters.
   */
  literal?: string;
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
    const regex = new RegExp(source, 'i');
    const literal = requiredLiteral(source);
    return {
      regex,
      confidence,
      ...(version !== undefined && { version }),
      ...(literal !== undefined && { literal }),
    };
  } catch {
    return null;
  }
}

/** Characters of a literal run: ASCII letters and digits and punctuation without a meaning in a regex. */
const PLAIN = /[A-Za-z0-9 !"#%&',\-/:;<=>@_`~]/;
/** Escaped characters that stand for themselves (`\.`, `\/`, …); an escaped letter or digit is a class. */
const ESCAPED_SELF = /[^A-Za-z0-9]/;

/**
 * The longest text (lower case, 3+ ASCII characters) that every match of the case-insensitive regex `source`
 * contains, or undefined. Conservative: only literal runs at the top level of a pattern without a top-level
 * `|`; a group, class, anchor, wildcard or escape class ends a run, and a quantified character is not part of
 * one. ASCII text matched case-insensitively is found in the lower-cased value (only ASCII letters fold to
 * ASCII letters without the `u` flag).
 */
export function requiredLiteral(source: string): string | undefined {
  const runs: string[] = [];
  let run = '';
  const end = () => {
    if (run.length >= 3) runs.push(run);
    run = '';
  };
  /** Index after the group or class that starts at `i`. */
  const skipBracketed = (i: number): number => {
    let depth = 0;
    let inClass = false;
    for (let j = i; j < source.length; j++) {
      const c = source[j];
      if (c === '\\') {
        j++;
        continue;
      }
      if (inClass) {
        if (c === ']') {
          inClass = false;
          if (depth === 0) return j + 1;
        }
        continue;
      }
      if (c === '[') inClass = true;
      else if (c === '(') depth++;
      else if (c === ')') {
        depth--;
        if (depth === 0) return j + 1;
      }
    }
    return source.length;
  };
  for (let i = 0; i < source.length; ) {
    const c = source[i]!;
    if (c === '|') return undefined; // a top-level alternative: no text is required
    if (c === '(' || c === '[') {
      end();
      i = skipBracketed(i);
      continue;
    }
    if (c === '?' || c === '*' || c === '+' || c === '{') {
      // The atom before it may repeat or be absent: it is not part of the run.
      run = run.slice(0, -1);
      end();
      const bound = c === '{' ? /^\{\d*(,\d*)?\}/.exec(source.slice(i)) : null;
      i += bound ? bound[0].length : 1;
      continue;
    }
    if (c === '\\') {
      const next = source[i + 1] ?? '';
      if (next && ESCAPED_SELF.test(next) && next.charCodeAt(0) < 128) {
        run += next.toLowerCase();
        i += 2;
        continue;
      }
      // A class (`\d`), a boundary, a back-reference or a code (`\x2f`, `\u00e9`, `\cJ`): the run ends, and
      // what the escape spells is skipped.
      end();
      const spelled =
        /^\\(x[0-9A-Fa-f]{2}|u\{[0-9A-Fa-f]+\}|u[0-9A-Fa-f]{4}|c[A-Za-z]|k<[^>]*>|[pP]\{[^}]*\}|\d+|.)/.exec(
          source.slice(i),
        );
      i += spelled ? spelled[0].length : 2;
      continue;
    }
    if (PLAIN.test(c)) run += c.toLowerCase();
    else end(); // `.`, `^`, `$`, `}`, `)`, non-ASCII, …
    i++;
  }
  end();
  return runs.sort((a, b) => b.length - a.length)[0];
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
let compiledByName: Map<string, CompiledTech> | undefined;

function byNameOf(): Map<string, CompiledTech> {
  compiledByName ??= new Map(compileAll().map((t) => [t.name, t]));
  return compiledByName;
}

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
  /** Each value lower-cased once, for the patterns' literal pre-check. */
  const lower = new Map<string, string>();
  const lowered = (value: string) => {
    let l = lower.get(value);
    if (l === undefined) {
      l = value.toLowerCase();
      lower.set(value, l);
    }
    return l;
  };

  const hit = (name: string, p: Pattern, value: string) => {
    if (p.literal !== undefined && !lowered(value).includes(p.literal)) return;
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

  const byName = byNameOf();
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
