/**
 * A small RFC 4180 CSV reader for lead histories exported from a CRM or spreadsheet: quoted fields with
 * commas, quotes ("") and line breaks inside, CRLF or LF, a UTF-8 byte-order mark, and `;` or tab as the
 * delimiter when the header uses it (Dutch Excel exports use `;`). Pure: text in, table out.
 */

export interface CsvTable {
  /** Column names, trimmed; empty or repeated names get "Column N" / "Name (2)". */
  readonly header: string[];
  /** One array per data row, as long as the header (short rows padded with '', long rows cut). */
  readonly rows: string[][];
}

export class CsvError extends Error {
  override readonly name = 'CsvError';
}

/** The delimiter the header line uses most outside quotes: `,`, `;` or tab. */
export function detectDelimiter(text: string): string {
  const counts = new Map<string, number>([
    [',', 0],
    [';', 0],
    ['\t', 0],
  ]);
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (ch === '"') quoted = !quoted;
    else if (!quoted && (ch === '\n' || ch === '\r')) break;
    else if (!quoted && counts.has(ch)) counts.set(ch, counts.get(ch)! + 1);
  }
  let best = ',';
  for (const [d, n] of counts) if (n > counts.get(best)!) best = d;
  return best;
}

/** Splits CSV text into records of fields. */
export function parseCsvRecords(text: string, delimiter = detectDelimiter(text)): string[][] {
  const records: string[][] = [];
  let field = '';
  let record: string[] = [];
  let i = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  const n = text.length;
  const d = delimiter.charCodeAt(0);
  let fieldStart = i;
  let inQuotes = false;
  let wasQuoted = false;
  while (i < n) {
    const c = text.charCodeAt(i);
    if (inQuotes) {
      if (c === 34 /* " */) {
        if (text.charCodeAt(i + 1) === 34) {
          field += text.slice(fieldStart, i + 1);
          i += 2;
          fieldStart = i;
          continue;
        }
        field += text.slice(fieldStart, i);
        inQuotes = false;
        i++;
        fieldStart = i;
        continue;
      }
      i++;
      continue;
    }
    if (c === 34 && i === fieldStart && field === '' && !wasQuoted) {
      inQuotes = true;
      wasQuoted = true;
      i++;
      fieldStart = i;
      continue;
    }
    if (c === d || c === 10 || c === 13) {
      record.push(field + text.slice(fieldStart, i));
      field = '';
      wasQuoted = false;
      if (c !== d) {
        records.push(record);
        record = [];
        if (c === 13 && text.charCodeAt(i + 1) === 10) i++;
      }
      i++;
      fieldStart = i;
      continue;
    }
    i++;
  }
  if (inQuotes) throw new CsvError('unterminated quoted field at the end of the file');
  if (fieldStart < n || field !== '' || record.length > 0) {
    record.push(field + text.slice(fieldStart, n));
    records.push(record);
  }
  // Blank lines (a single empty field) carry no row.
  return records.filter((r) => r.length > 1 || r[0] !== '');
}

/**
 * Parses CSV text with a header row. Columns without a name and without any value (a trailing delimiter
 * on every line) are dropped.
 */
export function parseCsv(text: string): CsvTable {
  const records = parseCsvRecords(text);
  if (records.length === 0) throw new CsvError('the file is empty');
  const rawHeader = records[0]!.map((h) => h.trim());
  const body = records.slice(1);
  const width = rawHeader.length;
  const keep: number[] = [];
  for (let c = 0; c < width; c++) {
    if (rawHeader[c] !== '') keep.push(c);
    else if (body.some((r) => (r[c] ?? '').trim() !== '')) keep.push(c);
  }
  const seen = new Map<string, number>();
  const header = keep.map((c) => {
    const base = rawHeader[c] || `Column ${c + 1}`;
    const count = (seen.get(base) ?? 0) + 1;
    seen.set(base, count);
    return count === 1 ? base : `${base} (${count})`;
  });
  const rows = body.map((r) => keep.map((c) => r[c] ?? ''));
  return { header, rows };
}
