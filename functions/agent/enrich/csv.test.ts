import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { csvRecords, parseCsv, splitList } from './csv';

describe('CSV parser', () => {
  it('reads quoted fields with delimiters, quotes and newlines inside, CRLF and a BOM', () => {
    // Prepare
    const text =
      '\ufeffname,city,note\r\n"Bouwbedrijf Hendriks & Zn., B.V.",Wijchen,"zegt ""hallo""\nen dag"\r\nRoostr,Utrecht,\r\n';
    // Act
    const rows = parseCsv(text);
    // Assess
    expect(rows).toEqual([
      ['name', 'city', 'note'],
      ['Bouwbedrijf Hendriks & Zn., B.V.', 'Wijchen', 'zegt "hallo"\nen dag'],
      ['Roostr', 'Utrecht', ''],
    ]);
  });

  it('detects the semicolon delimiter Dutch Excel writes', () => {
    // Prepare / Act
    const records = csvRecords('Legal_Name;Domain\nRoostr B.V.;roostr.nl\n');
    // Assess
    expect(records).toEqual([{ legal_name: 'Roostr B.V.', domain: 'roostr.nl' }]);
    expect(splitList('62.01| 63.11 |')).toEqual(['62.01', '63.11']);
  });

  it('round-trips any table written with standard quoting', () => {
    // Prepare
    const cell = fc.string({ minLength: 1 });
    // Act / Assess
    fc.assert(
      fc.property(
        fc.array(fc.array(cell, { minLength: 2, maxLength: 2 }), { minLength: 1, maxLength: 5 }),
        (table) => {
          const text = table.map((r) => r.map((c) => `"${c.replaceAll('"', '""')}"`).join(',')).join('\n');
          expect(parseCsv(text, ',')).toEqual(table);
        },
      ),
    );
  });
});
