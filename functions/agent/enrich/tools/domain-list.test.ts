import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { domainListText, lazyDomainList, SortedDomainList } from './domain-list';

/** Domain-ish strings: short, from a small alphabet (so lookups often hit neighbours), with non-ASCII too. */
const domainArb = fc
  .array(fc.constantFrom('a', 'b', 'z', '0', '9', '-', '.', 'é', 'ı', 'ä', '~', '😀'), {
    minLength: 1,
    maxLength: 8,
  })
  .map((cs) => cs.join(''));

describe('SortedDomainList', () => {
  it('answers exactly like a Set of the same domains, for members, neighbours and anything else', () => {
    fc.assert(
      fc.property(
        fc.array(domainArb, { maxLength: 60 }),
        fc.array(fc.oneof(domainArb, fc.string({ unit: 'binary', maxLength: 10 })), { maxLength: 30 }),
        (domains, others) => {
          // Prepare
          const list = new SortedDomainList(domainListText(domains));
          const set = new Set(domains);
          const probes = [
            ...domains,
            ...domains.flatMap((d) => [
              d.slice(1),
              d.slice(0, -1),
              `${d}a`,
              `a${d}`,
              `${d}\n`,
              d.toUpperCase(),
            ]),
            ...others,
            '',
          ];
          // Act
          const answers = probes.map((p) => list.has(p));
          // Assess
          expect(answers).toEqual(probes.map((p) => set.has(p)));
          expect(list.size).toBe(set.size);
          expect([...list]).toEqual([...set].sort());
        },
      ),
    );
  });

  it('still finds domains when the file got CRLF line ends or lost its last newline', () => {
    // Prepare
    const text = domainListText(['mailinator.com', 'gmail.com', 'yopmail.com']);
    // Act
    const crlf = new SortedDomainList(text.replace(/\n/g, '\r\n'));
    const noFinalNewline = new SortedDomainList(text.slice(0, -1));
    // Assess
    for (const list of [crlf, noFinalNewline]) {
      expect(['gmail.com', 'mailinator.com', 'yopmail.com'].map((d) => list.has(d))).toEqual([
        true,
        true,
        true,
      ]);
      expect(list.has('roostr.nl')).toBe(false);
    }
  });

  it('refuses to write a list with an empty or multi-line entry', () => {
    // Prepare / Act / Assess
    expect(() => domainListText(['gmail.com', ''])).toThrow(/invalid domain list entry/);
    expect(() => domainListText(['gmail.com\nevil.com'])).toThrow(/invalid domain list entry/);
  });

  it('reads its file only on the first lookup, and only once', () => {
    // Prepare
    const dir = mkdtempSync(join(tmpdir(), 'domain-list-'));
    const file = join(dir, 'list.txt');
    try {
      const list = lazyDomainList(file);
      writeFileSync(file, domainListText(['mailinator.com']));
      // Act
      const first = list.has('mailinator.com');
      writeFileSync(file, domainListText(['roostr.nl']));
      const second = list.has('mailinator.com');
      // Assess
      expect(first).toBe(true);
      expect(second).toBe(true);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
