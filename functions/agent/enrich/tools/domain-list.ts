/**
 * Large domain lists shipped as data files instead of being bundled as JS: a sorted text file, one domain a
 * line (`data/*.txt`, written by scripts/update-email-domain-lists.ts). esbuild would otherwise inline e.g.
 * the 120k-domain disposable list as a 2 MB array literal that every cold start must parse, and building a
 * Set from it costs another 120k strings. Here a list is read on its first lookup and a lookup is a binary
 * search over the text itself (no per-domain strings, no Set to build).
 */
import { readFileSync } from 'node:fs';
import { resolveBundledFile } from '../../bundled-file';

/** A domain as stored: non-empty and without line breaks (anything else cannot be a list member). */
const VALID_ENTRY = /^[^\r\n]+$/;

/**
 * The file content of a list: de-duplicated, sorted by UTF-16 code units (the order of
 * `Array.prototype.sort()` and of `<` on strings, which the binary search relies on), one domain a line,
 * every line ending in `\n`.
 */
export function domainListText(domains: Iterable<string>): string {
  const sorted = [...new Set(domains)].sort();
  const bad = sorted.find((d) => !VALID_ENTRY.test(d));
  if (bad !== undefined) throw new Error(`invalid domain list entry ${JSON.stringify(bad)}`);
  return sorted.length ? `${sorted.join('\n')}\n` : '';
}

/** Membership test over a list's text (see `domainListText`). */
export class SortedDomainList {
  private readonly text: string;

  constructor(text: string) {
    // A checkout that turned the line ends into CRLF would otherwise silently match nothing.
    const lf = text.includes('\r') ? text.replace(/\r\n/g, '\n') : text;
    // The search below needs every line, the last one included, to end in a newline.
    this.text = lf === '' || lf.endsWith('\n') ? lf : `${lf}\n`;
  }

  /** Number of domains. */
  get size(): number {
    let n = 0;
    for (let i = this.text.indexOf('\n'); i >= 0; i = this.text.indexOf('\n', i + 1)) n++;
    return n;
  }

  /** Every domain, in list order. */
  *[Symbol.iterator](): IterableIterator<string> {
    const t = this.text;
    for (let start = 0, end = t.indexOf('\n'); end >= 0; start = end + 1, end = t.indexOf('\n', start))
      yield t.slice(start, end);
  }

  has(domain: string): boolean {
    const t = this.text;
    // `lo` is always the start of a line; `hi` the start of a line or the end of the text.
    let lo = 0;
    let hi = t.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      const start = t.lastIndexOf('\n', mid - 1) + 1;
      const end = t.indexOf('\n', start);
      const line = t.slice(start, end);
      if (line === domain) return true;
      if (line < domain) lo = end + 1;
      else hi = start;
    }
    return false;
  }
}

export interface LazyDomainList {
  has(domain: string): boolean;
  /** Reads the file (once); `has` does this on its first call. */
  load(): SortedDomainList;
}

/** A list read from a shipped data file on its first lookup (the CDK copies data/ beside the bundle). */
export function lazyDomainList(relativePath: string): LazyDomainList {
  let list: SortedDomainList | undefined;
  const load = () => {
    list ??= new SortedDomainList(readFileSync(resolveBundledFile(relativePath), 'utf8'));
    return list;
  };
  return { load, has: (domain) => load().has(domain) };
}
