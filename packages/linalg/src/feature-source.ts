/**
 * Wide feature matrices read on demand. A layer's activations can be far larger than everything
 * else a score needs (3200 stimuli × 25,088 float32 columns is 321 MB), yet the kernel path only
 * ever looks at them one block of columns at a time and the exact path one set of rows at a time.
 * A {@link FeatureSource} serves exactly those reads, from memory or from a file.
 */
import { matrix, type Matrix, type MatrixLike } from './matrix.ts';

/**
 * A stimuli × features matrix that is read in pieces.
 *
 * @example
 * const source = inMemorySource({ rows: 2, cols: 3, data: new Float32Array([1, 2, 3, 4, 5, 6]) });
 * const out = new Float64Array(2);
 * source.read([1, 0], 2, 1, out); // [6, 3]
 */
export interface FeatureSource {
  readonly rows: number;
  readonly cols: number;
  /**
   * Fills `out` (rows.length × width, row-major, float64) with columns `start … start + width − 1`
   * of the given rows, in that order.
   */
  read(rows: ArrayLike<number>, start: number, width: number, out: Float64Array): void;
}

/** Whether `x` is a {@link FeatureSource} rather than an in-memory matrix. */
export function isFeatureSource(x: MatrixLike | FeatureSource): x is FeatureSource {
  return typeof (x as FeatureSource).read === 'function';
}

/**
 * An in-memory matrix as a {@link FeatureSource}.
 *
 * @example
 * readRows(inMemorySource(x), [2]); // row 2 of x, as float64
 */
export function inMemorySource(x: MatrixLike): FeatureSource {
  return {
    rows: x.rows,
    cols: x.cols,
    read(rows, start, width, out) {
      checkRead(this, rows, start, width, out);
      const p = x.cols;
      const d = x.data;
      for (let i = 0; i < rows.length; i++) {
        const src = rows[i] * p + start;
        const dst = i * width;
        for (let j = 0; j < width; j++) out[dst + j] = d[src + j];
      }
    },
  };
}

/**
 * The rows `order[0], order[1], …` of `source` as a new source (aligning features to a recording's
 * stimulus order without copying them).
 *
 * @example
 * selectRows(source, Int32Array.of(2, 0)).rows; // 2
 */
export function selectRows(source: FeatureSource, order: ArrayLike<number>): FeatureSource {
  for (let i = 0; i < order.length; i++) {
    if (!(order[i] >= 0 && order[i] < source.rows)) throw new RangeError(`selectRows: row ${order[i]} outside 0…${source.rows - 1}`);
  }
  return {
    rows: order.length,
    cols: source.cols,
    read(rows, start, width, out) {
      source.read(Array.from(rows, (r) => order[r]), start, width, out);
    },
  };
}

/** Columns `start … start + width − 1` of every row, into `out` (rows × width). */
export function readColumns(source: FeatureSource, start: number, width: number, out: Float64Array): void {
  source.read(allRows(source.rows), start, width, out);
}

/** The rows at `indices`, in that order, as a float64 matrix. */
export function readRows(source: FeatureSource, indices: ArrayLike<number>): Matrix {
  const out = matrix(indices.length, source.cols);
  source.read(indices, 0, source.cols, out.data);
  return out;
}

/**
 * Argument checks every {@link FeatureSource} implementation's `read` performs.
 *
 * @throws RangeError naming the row or column range that is out of bounds.
 */
export function checkRead(source: { rows: number; cols: number }, rows: ArrayLike<number>, start: number, width: number, out: Float64Array): void {
  if (!(Number.isInteger(start) && Number.isInteger(width) && start >= 0 && width >= 0 && start + width <= source.cols)) {
    throw new RangeError(`read: columns ${start}…${start + width - 1} outside 0…${source.cols - 1}`);
  }
  for (let i = 0; i < rows.length; i++) {
    if (!(rows[i] >= 0 && rows[i] < source.rows)) throw new RangeError(`read: row ${rows[i]} outside 0…${source.rows - 1}`);
  }
  if (out.length < rows.length * width) throw new RangeError(`read: output holds ${out.length} values, needs ${rows.length * width}`);
}

const identities = new Map<number, Int32Array>();

/** 0, 1, …, n − 1 (cached: every whole-column read of an n-row source uses it). */
function allRows(n: number): Int32Array {
  let rows = identities.get(n);
  if (!rows) {
    rows = Int32Array.from({ length: n }, (_, i) => i);
    identities.set(n, rows);
  }
  return rows;
}
