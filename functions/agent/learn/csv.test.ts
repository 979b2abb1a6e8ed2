import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CsvError, parseCsv, parseCsvRecords } from './csv';

describe('parseCsv', () => {
  it('reads quotes, embedded delimiters and line breaks, CRLF and a byte-order mark', () => {
    // Prepare
    const text = '\ufeffName,Note,Score\r\n"Doe, J.","said ""hi""\nand left",3\r\nX,,\r\n';
    // Act
    const t = parseCsv(text);
    // Assess
    expect(t.header).toEqual(['Name', 'Note', 'Score']);
    expect(t.rows).toEqual([
      ['Doe, J.', 'said "hi"\nand left', '3'],
      ['X', '', ''],
    ]);
  });

  it('detects ; as the delimiter (Dutch Excel export), drops an unnamed empty trailing column, names duplicates', () => {
    // Prepare
    const text = 'Bron;Bezoeken;Bron;\nGoogle;1,5;x;\nReferral;2;y;\n';
    // Act
    const t = parseCsv(text);
    // Assess
    expect(t.header).toEqual(['Bron', 'Bezoeken', 'Bron (2)']);
    expect(t.rows[0]).toEqual(['Google', '1,5', 'x']);
  });

  it('pads short rows and rejects an unterminated quote', () => {
    // Prepare / Act / Assess
    expect(parseCsv('a,b,c\n1\n').rows).toEqual([['1', '', '']]);
    expect(() => parseCsv('a,b\n"1,2\n')).toThrow(CsvError);
  });

  it('round-trips any table written with RFC 4180 quoting (fuzz)', () => {
    // Prepare
    const cell = fc.string({ unit: fc.constantFrom('a', 'b', ',', '"', '\n', '\r\n', ' ', 'é') });
    const quote = (s: string) => `"${s.replaceAll('"', '""')}"`;
    // Act / Assess
    fc.assert(
      fc.property(
        fc.array(fc.array(cell, { minLength: 2, maxLength: 2 }), { minLength: 1, maxLength: 8 }),
        (rows) => {
          const text = rows.map((r) => r.map(quote).join(',')).join('\r\n');
          expect(parseCsvRecords(text, ',')).toEqual(rows);
        },
      ),
    );
  });
});
