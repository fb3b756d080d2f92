/**
 * The seed's score table (`artifacts/benchmark_scores.csv`: one row per model × benchmark), read
 * with the column typing of pandas' `read_csv`, which the seed's data selection works on
 * (FIT-SEMANTICS §2).
 */
import { readFile } from 'node:fs/promises';
import { InputError } from '@vvs/core';
import { parseCsv } from '@vvs/io';

/** A cell as pandas holds it: number, string, boolean, or `null` for NaN. */
export type Cell = string | number | boolean | null;

/** One table row, keyed by column name. */
export type ScoreRow = Record<string, Cell>;

/** A table of rows in file order, with its columns in header order. */
export interface ScoreTable {
  columns: string[];
  rows: ScoreRow[];
}

/**
 * Cells pandas' `read_csv` reads as NaN by default (its `na_values`, pandas 1.x–2.x): the
 * seed's table has empty cells only, but a hand-edited table may write `NA` or `nan`.
 */
const PANDAS_NA_VALUES: ReadonlySet<string> = new Set([
  '', '#N/A', '#N/A N/A', '#NA', '-1.#IND', '-1.#QNAN', '-NaN', '-nan', '1.#IND', '1.#QNAN',
  '<NA>', 'N/A', 'NA', 'NULL', 'NaN', 'None', 'n/a', 'nan', 'null',
]);

/** A decimal number as pandas' C parser accepts it (no hex, no `Infinity`). */
const DECIMAL_NUMBER = /^[-+]?(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][-+]?[0-9]+)?$/;

/**
 * Significant digits pandas' float parser accumulates (`max_digits` of `precise_xstrtod`); later
 * digits are dropped, not rounded.
 */
const PANDAS_MAX_DIGITS = 17;

/** Largest decimal exponent pandas' parser scales by directly (its table holds 1e0 … 1e308). */
const MAX_POWER_OF_TEN = 308;

/** Exact powers of ten as C's `1e{k}` literals give them (correctly rounded doubles). */
const POWERS_OF_TEN = Float64Array.from({ length: MAX_POWER_OF_TEN + 1 }, (_, k) => Number(`1e${k}`));

/**
 * A decimal number parsed as pandas' `read_csv` parses floats (`precise_xstrtod`, its default
 * "high" precision converter): the first 17 digits are accumulated as a double (`n·10 + d`),
 * further digits are dropped, and the result is scaled by one power of ten. This is not always
 * the correctly rounded value `Number()` gives: `0.21767583100620883` becomes
 * `0.2176758310062088`, one unit in the last place below. The seed's scores went through this
 * parser, so reproducing it keeps averages and fits bit-identical.
 */
function pandasParseFloat(text: string): number {
  const s = text.trim();
  let i = 0;
  const negative = s[i] === '-';
  if (s[i] === '-' || s[i] === '+') i++;
  let number = 0;
  let exponent = 0;
  let digits = 0;
  const isDigit = (c: string | undefined) => c !== undefined && c >= '0' && c <= '9';
  for (; isDigit(s[i]); i++) {
    if (digits < PANDAS_MAX_DIGITS) {
      number = number * 10 + (s.charCodeAt(i) - 48);
      digits++;
    } else exponent++;
  }
  if (s[i] === '.') {
    i++;
    let decimals = 0;
    for (; digits < PANDAS_MAX_DIGITS && isDigit(s[i]); i++, digits++, decimals++) number = number * 10 + (s.charCodeAt(i) - 48);
    while (isDigit(s[i])) i++;
    exponent -= decimals;
  }
  if (negative) number = -number;
  if (s[i] === 'e' || s[i] === 'E') exponent += Number.parseInt(s.slice(i + 1), 10);
  if (exponent > MAX_POWER_OF_TEN) return number * Number.POSITIVE_INFINITY;
  if (exponent > 0) return number * POWERS_OF_TEN[exponent];
  if (exponent < -2 * MAX_POWER_OF_TEN) return number * 0;
  if (exponent < -MAX_POWER_OF_TEN) return number / POWERS_OF_TEN[-MAX_POWER_OF_TEN - exponent] / POWERS_OF_TEN[MAX_POWER_OF_TEN];
  return number / POWERS_OF_TEN[-exponent];
}

/** pandas' default `true_values` / `false_values` for a boolean column. */
const TRUE_WORDS: ReadonlySet<string> = new Set(['True', 'TRUE', 'true']);
const FALSE_WORDS: ReadonlySet<string> = new Set(['False', 'FALSE', 'false']);

/**
 * Types one column's cells as pandas' `read_csv` would: NaN markers become `null`; the column is
 * boolean when every other cell is a True/False word, numeric (parsed as pandas does) when every
 * other cell is a decimal number, and text otherwise (then numbers stay strings, as in an object
 * column). Integer cells parse exactly either way below 2^53.
 */
function typeColumn(cells: string[]): Cell[] {
  const present = cells.filter((c) => !PANDAS_NA_VALUES.has(c));
  if (present.length > 0 && present.every((c) => TRUE_WORDS.has(c) || FALSE_WORDS.has(c))) {
    return cells.map((c) => (PANDAS_NA_VALUES.has(c) ? null : TRUE_WORDS.has(c)));
  }
  if (present.every((c) => DECIMAL_NUMBER.test(c.trim()))) {
    return cells.map((c) => (PANDAS_NA_VALUES.has(c) ? null : pandasParseFloat(c)));
  }
  return cells.map((c) => (PANDAS_NA_VALUES.has(c) ? null : c));
}

/**
 * Reads a score table such as the seed's `benchmark_scores.csv`: a header line, then one row per
 * (model, benchmark). Columns are typed as pandas' `read_csv` does (numbers, `True`/`False` as
 * booleans, empty cells as `null` for NaN), and floats are parsed with pandas' own converter so
 * the values are the seed's to the bit; rows keep the file's order (FIT-SEMANTICS §2).
 *
 * @param path - the CSV file.
 * @throws InputError naming the file when it cannot be read, is not valid CSV, has no header, a
 *   duplicated column, or a row whose field count differs from the header's.
 * @example
 * const table = await readScoresTable('artifacts/benchmark_scores.csv');
 * table.rows[0].model_id;      // 'alexnet_ecoset_100_seed-0'
 * table.rows[0].is_pretrained; // false
 */
export async function readScoresTable(path: string): Promise<ScoreTable> {
  const fail = (problem: string, cause?: unknown) => new InputError(`${path}: ${problem}`, { file: path, cause });
  let records: string[][];
  try {
    records = parseCsv(await readFile(path, 'utf8'));
  } catch (e) {
    throw fail(e instanceof SyntaxError ? `invalid CSV: ${e.message}` : `cannot read the score table: ${(e as Error).message}`, e);
  }
  if (records.length === 0) throw fail('the score table is empty (no header line)');
  const [columns, ...body] = records;
  const seen = new Set<string>();
  for (const c of columns) {
    if (seen.has(c)) throw fail(`column ${JSON.stringify(c)} appears twice in the header`);
    seen.add(c);
  }
  for (const [i, record] of body.entries()) {
    if (record.length !== columns.length) {
      throw fail(`data row ${i + 1} has ${record.length} fields, the header has ${columns.length}`);
    }
  }
  const typed = columns.map((_, j) => typeColumn(body.map((record) => record[j])));
  const rows = body.map((_, i) => {
    const row: ScoreRow = {};
    for (let j = 0; j < columns.length; j++) row[columns[j]] = typed[j][i];
    return row;
  });
  return { columns, rows };
}
