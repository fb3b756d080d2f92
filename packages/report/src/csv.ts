/**
 * CSV text as RFC 4180 writes it, shared by every table vvs prints as CSV.
 */

/** A value one CSV field holds; `null` and `undefined` are written as an empty field. */
export type CsvValue = string | number | boolean | null | undefined;

/**
 * One CSV field: numbers at full precision (`String(x)` reads back to the same double), empty for
 * `null`/`undefined`, and quoted (inner quotes doubled) when it holds a comma, a quote or a line break
 * (RFC 4180, section 2).
 *
 * @example
 * csvField('alexnet, v2'); // '"alexnet, v2"'
 * csvField(0.1 + 0.2);     // '0.30000000000000004'
 */
export function csvField(value: CsvValue): string {
  const text = value === null || value === undefined ? '' : String(value);
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

/**
 * A whole CSV document: the header line, one line per record, each line ended by `\n`.
 *
 * @example
 * csvTable(['model', 'score'], [['alexnet', 0.5]]); // 'model,score\nalexnet,0.5\n'
 */
export function csvTable(header: readonly string[], records: readonly (readonly CsvValue[])[]): string {
  return [header, ...records].map((record) => `${record.map(csvField).join(',')}\n`).join('');
}
