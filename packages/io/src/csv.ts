/**
 * A small CSV parser for the tables researchers keep next to their data (stimulus lists, catalogs).
 */

/**
 * Splits delimited text into records of fields, following RFC 4180: fields may be quoted with `"`,
 * a quoted field may hold delimiters, line breaks and doubled quotes (`""` → `"`); records end at
 * LF or CRLF. A leading UTF-8 byte-order mark and a final line break are ignored, and so are blank lines.
 *
 * @param text - the file's contents.
 * @param delimiter - the field separator: `','` (CSV, the default) or `'\t'` (TSV).
 * @returns the records, the header line included, each an array of fields.
 * @throws SyntaxError when a quoted field is never closed or a closing quote is followed by text.
 * @example
 * parseCsv('stimulus_id,label\nim0,"cat, tabby"\n'); // [['stimulus_id', 'label'], ['im0', 'cat, tabby']]
 */
export function parseCsv(text: string, delimiter = ','): string[][] {
  const records: string[][] = [];
  let record: string[] = [];
  let field = '';
  let line = 1;
  let i = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  const endRecord = () => {
    record.push(field);
    if (record.length > 1 || record[0] !== '') records.push(record);
    record = [];
    field = '';
  };
  while (i < text.length) {
    const c = text[i];
    if (c === '"' && field === '') {
      const start = line;
      i++;
      for (;;) {
        if (i >= text.length) throw new SyntaxError(`unterminated quoted field starting on line ${start}`);
        if (text[i] === '"') {
          if (text[i + 1] !== '"') break;
          field += '"';
          i += 2;
        } else {
          if (text[i] === '\n') line++;
          field += text[i++];
        }
      }
      i++; // closing quote
      const next = text[i];
      if (next !== undefined && next !== delimiter && next !== '\n' && next !== '\r') {
        throw new SyntaxError(`unexpected text after a closing quote on line ${line}`);
      }
    } else if (c === delimiter) {
      record.push(field);
      field = '';
      i++;
    } else if (c === '\n' || (c === '\r' && text[i + 1] === '\n')) {
      endRecord();
      line++;
      i += c === '\r' ? 2 : 1;
    } else {
      field += c;
      i++;
    }
  }
  if (field !== '' || record.length > 0) endRecord();
  return records;
}

/**
 * A column's values as pandas' `read_csv` types them: numbers when every non-empty cell parses as a
 * finite number, strings otherwise; empty cells are `null` (pandas' NaN).
 *
 * @example
 * typedColumn(['1', '', '2.5']); // [1, null, 2.5]
 * typedColumn(['1', 'a']);       // ['1', 'a']
 */
export function typedColumn(cells: readonly string[]): (string | number | null)[] {
  const numeric = cells.every((cell) => cell.trim() === '' || Number.isFinite(Number(cell)));
  return cells.map((cell) => (cell.trim() === '' ? null : numeric ? Number(cell) : cell));
}
