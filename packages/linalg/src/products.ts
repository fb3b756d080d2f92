/**
 * Dense matrix products. Large products run on onnxruntime's MLAS kernels (see `onnx-kernels.ts` for
 * the measurements behind that choice); products too small to repay a native call run in JavaScript.
 */
import { columnMeans, matrix, type Matrix, type MatrixLike } from './matrix.ts';
import { inMemorySource, isFeatureSource, readColumns, type FeatureSource } from './feature-source.ts';
import { runGemm, type GemmOperand } from './onnx-kernels.ts';

/**
 * Multiply–adds below which a product runs in JavaScript: a native call costs roughly 20–50 µs of
 * overhead, which equals about 10⁵ JavaScript multiply–adds.
 */
const NATIVE_THRESHOLD = 1e5;

/** Bytes of float64 scratch per column block of {@link centeredGram} (bounds its extra memory). */
const GRAM_BLOCK_BYTES = 32 * 1024 * 1024;

/**
 * Rows per native product in {@link centeredGram}: small enough that onnxruntime's output-sized
 * temporaries stay a few MiB, large enough that each call is an efficient GEMM.
 */
const GRAM_PANEL_ROWS = 400;

/**
 * `op(A)·op(B)` in float64, where `op` transposes when asked (BLAS `dgemm` semantics).
 *
 * @example
 * const c = await matmul(matrix(2, 2, [1, 2, 3, 4]), matrix(2, 1, [1, 1])); // [[3], [7]]
 */
export async function matmul(
  a: Matrix,
  b: Matrix,
  { transA = false, transB = false }: { transA?: boolean; transB?: boolean } = {},
): Promise<Matrix> {
  const [m, k, n] = productShape(a, b, transA, transB);
  if (m * n * k < NATIVE_THRESHOLD) return matmulSync(a, b, { transA, transB });
  const out = matrix(m, n);
  await runGemm(a, b, out.data, { transA, transB });
  return out;
}

/**
 * `op(A)·op(B)` in float64 in plain JavaScript: for small products, and for synchronous code.
 *
 * @example
 * matmulSync(matrix(1, 2, [1, 2]), matrix(1, 2, [3, 4]), { transA: true }); // [[3, 4], [6, 8]]
 */
export function matmulSync(
  a: Matrix,
  b: Matrix,
  { transA = false, transB = false }: { transA?: boolean; transB?: boolean } = {},
): Matrix {
  const [m, k, n] = productShape(a, b, transA, transB);
  const out = matrix(m, n);
  const c = out.data;
  // i-p-j order walks B and C along rows, the cache-friendly order for row-major storage.
  for (let i = 0; i < m; i++) {
    const ci = i * n;
    for (let p = 0; p < k; p++) {
      const aip = transA ? a.data[p * a.cols + i] : a.data[i * a.cols + p];
      if (transB) {
        for (let j = 0; j < n; j++) c[ci + j] += aip * b.data[j * b.cols + p];
      } else {
        const bp = p * b.cols;
        for (let j = 0; j < n; j++) c[ci + j] += aip * b.data[bp + j];
      }
    }
  }
  return out;
}

function productShape(a: Matrix, b: Matrix, transA: boolean, transB: boolean): [number, number, number] {
  const m = transA ? a.cols : a.rows;
  const k = transA ? a.rows : a.cols;
  const kb = transB ? b.cols : b.rows;
  const n = transB ? b.rows : b.cols;
  if (k !== kb) {
    throw new RangeError(
      `matmul: inner dimensions differ (${transA ? 'Aᵀ' : 'A'} is ${m}×${k}, ${transB ? 'Bᵀ' : 'B'} is ${kb}×${n})`,
    );
  }
  return [m, k, n];
}

/** `out = A·x` for a dense float64 matrix and vector. */
export function matvec(a: Matrix, x: ArrayLike<number>, out = new Float64Array(a.rows)): Float64Array {
  if (x.length !== a.cols) throw new RangeError(`matvec: vector has ${x.length} entries, matrix has ${a.cols} columns`);
  const { data, cols } = a;
  for (let i = 0; i < a.rows; i++) {
    let s0 = 0;
    let s1 = 0;
    const off = i * cols;
    let j = 0;
    // Two accumulators let the JIT overlap the dependent additions.
    for (; j + 1 < cols; j += 2) {
      s0 += data[off + j] * x[j];
      s1 += data[off + j + 1] * x[j + 1];
    }
    if (j < cols) s0 += data[off + j] * x[j];
    out[i] = s0 + s1;
  }
  return out;
}

/**
 * The Gram matrix `Xc·Xcᵀ` of the column-centred rows, `Xc = X − 1·x̄ᵀ` (a linear kernel matrix).
 *
 * `X` may be float32 (as activations are stored), in memory or a {@link FeatureSource} read from
 * disk, and is never copied whole: columns are centred and widened to float64 one block at a time. Centring before the product keeps the float64 sums well
 * conditioned even for all-positive (ReLU) features, whose uncentred Gram entries would dwarf the
 * centred ones.
 *
 * Each block's product is taken in panels of rows, and only on and above the diagonal (the rest
 * is mirrored at the end): half the arithmetic of a full product, and small native outputs —
 * onnxruntime holds about two output-sized temporaries per call, which for one n×n output would
 * cost more memory than the Gram matrix itself.
 *
 * @example
 * const { gram, mean } = await centeredGram({ rows: 3, cols: 2, data: new Float32Array([1, 2, 3, 4, 5, 6]) });
 * // mean = [3, 4]; gram.data = [8, 0, -8, 0, 0, 0, -8, 0, 8]
 */
export async function centeredGram(
  x: MatrixLike | FeatureSource,
  { blockBytes = GRAM_BLOCK_BYTES, onProgress }: { blockBytes?: number; onProgress?: (done: number, total: number) => void } = {},
): Promise<{ gram: Matrix; mean: Float64Array }> {
  const source = isFeatureSource(x) ? x : inMemorySource(x);
  const n = source.rows;
  const p = source.cols;
  const width = Math.max(1, Math.min(p, Math.floor(blockBytes / (8 * Math.max(n, 1)))));
  const block = new Float64Array(n * width);
  // A source that reads from disk is read twice (means, then products) rather than held in memory.
  const mean = isFeatureSource(x) ? blockwiseColumnMeans(source, width, block) : columnMeans(x);
  const gram = matrix(n, n);
  const g = gram.data;
  const panel = new Float64Array(Math.min(GRAM_PANEL_ROWS, n) * n);
  for (let j0 = 0; j0 < p; j0 += width) {
    const w = Math.min(width, p - j0);
    const a = w === width ? block : block.subarray(0, n * w);
    readColumns(source, j0, w, a);
    for (let i = 0; i < n; i++) {
      const off = i * w;
      for (let j = 0; j < w; j++) a[off + j] -= mean[j0 + j];
    }
    for (let r0 = 0; r0 < n; r0 += GRAM_PANEL_ROWS) {
      const rows = Math.min(GRAM_PANEL_ROWS, n - r0);
      const cols = n - r0;
      // Rows r0.. of the block times rows r0.. of the block: G[r0 + a, r0 + b] for b ≥ 0.
      const top = { data: a.subarray(r0 * w, (r0 + rows) * w), rows, cols: w };
      const rest = { data: a.subarray(r0 * w), rows: cols, cols: w };
      const out = panel.subarray(0, rows * cols);
      if (rows * cols * w >= NATIVE_THRESHOLD) await runGemm(top, rest, out, { transB: true });
      else productTransB(top, rest, out);
      for (let r = 0; r < rows; r++) {
        const dst = (r0 + r) * n + r0;
        const src = r * cols;
        for (let c = r; c < cols; c++) g[dst + c] += out[src + c];
      }
    }
    onProgress?.(j0 + w, p);
  }
  for (let r = 0; r < n; r++) for (let c = r + 1; c < n; c++) g[c * n + r] = g[r * n + c];
  return { gram, mean };
}

/** Column means of a source, read one block of columns at a time into `block`. */
function blockwiseColumnMeans(source: FeatureSource, width: number, block: Float64Array): Float64Array {
  const { rows: n, cols: p } = source;
  const mean = new Float64Array(p);
  for (let j0 = 0; j0 < p; j0 += width) {
    const w = Math.min(width, p - j0);
    readColumns(source, j0, w, block);
    for (let i = 0; i < n; i++) for (let j = 0; j < w; j++) mean[j0 + j] += block[i * w + j];
  }
  for (let j = 0; j < p; j++) mean[j] /= n;
  return mean;
}

/** `out = A·Bᵀ` in JavaScript, for panels too small for a native call. */
function productTransB(a: GemmOperand<Float64Array>, b: GemmOperand<Float64Array>, out: Float64Array): void {
  for (let r = 0; r < a.rows; r++) {
    for (let c = 0; c < b.rows; c++) {
      let s = 0;
      for (let j = 0; j < a.cols; j++) s += a.data[r * a.cols + j] * b.data[c * b.cols + j];
      out[r * b.rows + c] = s;
    }
  }
}
