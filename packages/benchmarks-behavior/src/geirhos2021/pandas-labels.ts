/**
 * The text pandas makes of a CSV column: `pd.concat` of `pd.read_csv` frames, then `astype(str)`.
 * model-vs-human (`modelvshuman/helper/plotting_helper.py`, `get_experimental_data`) names its
 * conditions this way, so reproducing its condition labels (`'1.0'` for a `1` in a float column,
 * `'True'` for `true`) needs pandas' type inference, per file and across the concatenation.
 */

/**
 * The cells pandas' `read_csv` reads as missing (its default `na_values`; `na` is not among them, so
 * a human's `na` answer stays a string).
 */
const PANDAS_NA_VALUES: ReadonlySet<string> = new Set([
  '',
  '#N/A',
  '#N/A N/A',
  '#NA',
  '-1.#IND',
  '-1.#QNAN',
  '-NaN',
  '-nan',
  '1.#IND',
  '1.#QNAN',
  '<NA>',
  'N/A',
  'NA',
  'NULL',
  'NaN',
  'None',
  'n/a',
  'nan',
  'null',
]);

/** pandas' default `true_values` / `false_values` of the C parser. */
const PANDAS_TRUE = new Set(['True', 'TRUE', 'true']);
const PANDAS_FALSE = new Set(['False', 'FALSE', 'false']);

const INTEGER = /^[+-]?\d+$/;
const DECIMAL = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;
const INFINITY = /^([+-]?)inf(?:inity)?$/i;

/**
 * Python's `repr` switches a float to scientific notation outside 1e-4 ≤ |x| < 1e16 (and numpy's
 * `str(np.float64)`, which `astype(str)` calls, does the same).
 */
const REPR_MIN_EXPONENT = -4;
const REPR_MAX_EXPONENT = 16;

/**
 * The dtype pandas gives one file's column, and so how its values print: `'bools'` is an object
 * column of booleans (true/false with missing cells), `'object'` one of the cells' text.
 */
type ColumnKind = 'int' | 'float' | 'bool' | 'bools' | 'object';

/** What `str()` makes of a missing value in an object or float column. */
const NAN_TEXT = 'nan';

/**
 * The labels model-vs-human gives a column read from several CSV files: each file's column is typed
 * as `pd.read_csv` types it (int64 when every cell is an integer; float64 when every cell is a
 * number or missing, `inf` included; bool when every cell is `true`/`false`, object holding booleans
 * when some are missing; object otherwise, the cells kept as text), the files' columns are
 * concatenated as `pd.concat` does (ints and floats give float64, bools alone stay bools, any other
 * mixture gives object, each value keeping its file's type), and every value is turned to text by
 * `astype(str)`: Python's `repr` for floats (`'1.0'`, `'0.1'`, `'inf'`, `'nan'`), the digits for
 * ints, `'True'`/`'False'` for bools, the cell itself for text, `'nan'` for a missing cell. Checked
 * against pandas 2.2 on these cases; booleans mixed with numbers across files (which no
 * model-vs-human folder has) are typed differently by different pandas versions and are not covered.
 *
 * @param columns - one array of raw cells per file, in any order (the result does not depend on it).
 * @returns the labels, in the same nesting as `columns`.
 * @example
 * pandasConditionLabels([['1', 'inf'], ['3', '0.7']]); // [['1.0', 'inf'], ['3.0', '0.7']]
 * pandasConditionLabels([['0', '15'], ['40']]); // [['0', '15'], ['40']]
 * pandasConditionLabels([['true', 'false']]); // [['True', 'False']]
 * pandasConditionLabels([['0', 'pow']]); // [['0', 'pow']]
 */
export function pandasConditionLabels(columns: readonly (readonly string[])[]): string[][] {
  const kinds = columns.map(columnKind);
  const concatenated = concatKind(kinds);
  return columns.map((cells, f) => {
    // In an object column each value keeps the type its own file gave it.
    const kind = concatenated === 'object' ? kinds[f] : concatenated;
    return cells.map((cell) => cellText(cell, kind));
  });
}

function isMissing(cell: string): boolean {
  return PANDAS_NA_VALUES.has(cell);
}

function isNumber(cell: string): boolean {
  return DECIMAL.test(cell) || INFINITY.test(cell);
}

function columnKind(cells: readonly string[]): ColumnKind {
  let missing = false;
  let allInt = true;
  let allNumber = true;
  let allBool = true;
  for (const cell of cells) {
    if (isMissing(cell)) {
      missing = true;
      continue;
    }
    if (!INTEGER.test(cell)) allInt = false;
    if (!isNumber(cell)) allNumber = false;
    if (!PANDAS_TRUE.has(cell) && !PANDAS_FALSE.has(cell)) allBool = false;
  }
  // An all-missing column is float64 (all NaN); NaN forces ints to float and bools to object.
  if (allInt && allNumber && allBool) return 'float';
  if (allInt) return missing ? 'float' : 'int';
  if (allNumber) return 'float';
  if (allBool) return missing ? 'bools' : 'bool';
  return 'object';
}

function concatKind(kinds: readonly ColumnKind[]): ColumnKind {
  const present = new Set(kinds);
  if (present.size === 1) return kinds[0];
  if (present.size === 2 && present.has('bool') && present.has('bools')) return 'bools';
  if (present.size === 2 && present.has('int') && present.has('float')) return 'float';
  // Booleans mixed with numbers are typed differently by different pandas versions; here each value
  // keeps its own file's type, as in any other object column.
  return 'object';
}

function cellText(cell: string, kind: ColumnKind): string {
  if (isMissing(cell)) return NAN_TEXT;
  switch (kind) {
    case 'int':
      return BigInt(cell).toString();
    case 'float':
      return pythonFloatRepr(parseNumber(cell));
    case 'bool':
    case 'bools':
      return PANDAS_TRUE.has(cell) ? 'True' : 'False';
    case 'object':
      return cell;
  }
}

function parseNumber(cell: string): number {
  const infinity = INFINITY.exec(cell);
  if (infinity !== null) return infinity[1] === '-' ? -Infinity : Infinity;
  return Number(cell);
}

/**
 * Python's `repr(float)`: the shortest digits that round-trip (the same digits JavaScript picks),
 * in positional notation for 1e-4 ≤ |x| < 1e16 with at least one decimal (`'3.0'`), else in
 * scientific notation with a two-digit exponent at least (`'1e-05'`, `'1.5e+16'`).
 *
 * @example
 * pythonFloatRepr(3); // '3.0'
 * pythonFloatRepr(0.00001); // '1e-05'
 */
export function pythonFloatRepr(x: number): string {
  if (Number.isNaN(x)) return NAN_TEXT;
  if (!Number.isFinite(x)) return x > 0 ? 'inf' : '-inf';
  const sign = x < 0 || Object.is(x, -0) ? '-' : '';
  const [mantissa, exponentText] = Math.abs(x).toExponential().split('e');
  const digits = mantissa.replace('.', '');
  const exponent = Number(exponentText);
  if (exponent < REPR_MIN_EXPONENT || exponent >= REPR_MAX_EXPONENT) {
    const expSign = exponent < 0 ? '-' : '+';
    return `${sign}${mantissa}e${expSign}${String(Math.abs(exponent)).padStart(2, '0')}`;
  }
  if (exponent < 0) return `${sign}0.${'0'.repeat(-exponent - 1)}${digits}`;
  const integerPart = digits.slice(0, exponent + 1).padEnd(exponent + 1, '0');
  const fraction = digits.slice(exponent + 1);
  return `${sign}${integerPart}.${fraction === '' ? '0' : fraction}`;
}
