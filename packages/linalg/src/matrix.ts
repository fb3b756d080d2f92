/**
 * A dense row-major matrix of float64 values: element (i, j) is `data[i * cols + j]`.
 *
 * Every numeric routine in vvs takes and returns this shape (scikit-learn's 2-D float64 ndarray,
 * C order), so arrays move between packages without copies or wrappers.
 *
 * @example
 * const m = matrix(2, 3, [1, 2, 3, 4, 5, 6]);
 * m.data[1 * m.cols + 2]; // 6
 */
export interface Matrix {
  readonly rows: number;
  readonly cols: number;
  readonly data: Float64Array;
}

/**
 * Any dense row-major matrix, float32 or float64: the input type of routines that only read their
 * argument (activations are stored as float32 and are not widened whole).
 */
export interface MatrixLike {
  readonly rows: number;
  readonly cols: number;
  readonly data: Float32Array | Float64Array;
}

/** Creates a `rows × cols` matrix, zero-filled or copied from `values` (row-major). */
export function matrix(rows: number, cols: number, values?: ArrayLike<number>): Matrix {
  if (!Number.isInteger(rows) || !Number.isInteger(cols) || rows < 0 || cols < 0) {
    throw new RangeError(`matrix: shape must be non-negative integers, got ${rows}×${cols}`);
  }
  const data = new Float64Array(rows * cols);
  if (values !== undefined) {
    if (values.length !== rows * cols) {
      throw new RangeError(`matrix: ${values.length} values do not fill ${rows}×${cols}`);
    }
    data.set(values);
  }
  return { rows, cols, data };
}

/** Builds a matrix from nested rows (`m[row][col]`, the fixtures' layout). `null` becomes NaN. */
export function fromRows(rows: ReadonlyArray<ReadonlyArray<number | null>>): Matrix {
  const r = rows.length;
  const c = r === 0 ? 0 : rows[0].length;
  const m = matrix(r, c);
  for (let i = 0; i < r; i++) {
    const row = rows[i];
    if (row.length !== c) throw new RangeError(`fromRows: row ${i} has ${row.length} values, expected ${c}`);
    for (let j = 0; j < c; j++) m.data[i * c + j] = row[j] ?? Number.NaN;
  }
  return m;
}

/** Nested rows of a matrix, for printing and comparisons. */
export function toRows(m: Matrix): number[][] {
  const out: number[][] = [];
  for (let i = 0; i < m.rows; i++) out.push(Array.from(m.data.subarray(i * m.cols, (i + 1) * m.cols)));
  return out;
}

/** The rows of `m` at `indices`, in that order, as float64 (numpy's `m[indices].astype(float64)`). */
export function takeRows(m: MatrixLike, indices: ArrayLike<number>): Matrix {
  const out = matrix(indices.length, m.cols);
  for (let i = 0; i < indices.length; i++) {
    const src = indices[i];
    if (!(src >= 0 && src < m.rows)) throw new RangeError(`takeRows: row ${src} outside 0..${m.rows - 1}`);
    out.data.set(m.data.subarray(src * m.cols, (src + 1) * m.cols), i * m.cols);
  }
  return out;
}

/**
 * Whether `indices` lists all `rows` rows in order (0, 1, …, rows − 1): taking them changes nothing.
 *
 * @example
 * isIdentityOrder([0, 1, 2], 3); // true
 * isIdentityOrder([0, 2, 1], 3); // false
 */
export function isIdentityOrder(indices: ArrayLike<number>, rows: number): boolean {
  if (indices.length !== rows) return false;
  for (let i = 0; i < rows; i++) if (indices[i] !== i) return false;
  return true;
}

/**
 * The rows of `m` at `indices` (all rows when omitted), in that order and in `m`'s own precision,
 * in a `SharedArrayBuffer`: posting the result to a worker thread shares its memory instead of
 * copying it. `m` itself is returned when it already lives in shared memory and the rows are all
 * of its rows in order; otherwise the rows are copied once.
 *
 * @example
 * const x = shareRows(features, order);
 * x.data.buffer instanceof SharedArrayBuffer; // true
 */
export function shareRows(m: MatrixLike, indices?: ArrayLike<number>): MatrixLike {
  const rows = indices?.length ?? m.rows;
  const identity = indices === undefined || isIdentityOrder(indices, m.rows);
  if (identity && m.data.buffer instanceof SharedArrayBuffer && m.data.length === rows * m.cols) return m;
  const bytes = rows * m.cols * m.data.BYTES_PER_ELEMENT;
  const data = m.data instanceof Float32Array ? new Float32Array(new SharedArrayBuffer(bytes)) : new Float64Array(new SharedArrayBuffer(bytes));
  for (let i = 0; i < rows; i++) {
    const src = indices === undefined ? i : indices[i];
    if (!(src >= 0 && src < m.rows)) throw new RangeError(`shareRows: row ${src} outside 0..${m.rows - 1}`);
    data.set(m.data.subarray(src * m.cols, (src + 1) * m.cols), i * m.cols);
  }
  return { rows, cols: m.cols, data };
}

/** The transpose of `m`. */
export function transpose(m: Matrix): Matrix {
  const out = matrix(m.cols, m.rows);
  for (let i = 0; i < m.rows; i++) {
    for (let j = 0; j < m.cols; j++) out.data[j * m.rows + i] = m.data[i * m.cols + j];
  }
  return out;
}

/** Column means of `m`, accumulated in float64 (numpy's `m.mean(axis=0)` up to summation order). */
export function columnMeans(m: MatrixLike): Float64Array {
  const mean = new Float64Array(m.cols);
  for (let i = 0; i < m.rows; i++) {
    const off = i * m.cols;
    for (let j = 0; j < m.cols; j++) mean[j] += m.data[off + j];
  }
  for (let j = 0; j < m.cols; j++) mean[j] /= m.rows;
  return mean;
}

/** Adds `v[j]` to every entry of column j, in place (numpy's `m += v`); returns `m`. */
export function addToRows(m: Matrix, v: ArrayLike<number>): Matrix {
  if (v.length !== m.cols) throw new RangeError(`addToRows: ${v.length} values for ${m.cols} columns`);
  const { data, cols } = m;
  for (let i = 0; i < m.rows; i++) for (let j = 0; j < cols; j++) data[i * cols + j] += v[j];
  return m;
}
