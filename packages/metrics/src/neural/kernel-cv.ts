/**
 * The fast path of cross-validated regression: every split draws its training and test stimuli
 * from one stimulus set, so one Gram matrix of all stimuli (`centeredGram`, on the native GEMM)
 * serves all of them. Each split's kernels are cut from it and re-centred on that split's training
 * mean, and PLS runs in kernel form (`pls-kernel.ts`).
 *
 * The splits' PLS iterations run in lock step: at every component each split needs one kernel
 * product `K·t`, and all ten are answered by a single product of the Gram matrix with a block of
 * ten vectors — one pass over the n×n matrix instead of ten.
 */
import { addToRows, centeredGram, columnMeans, matmul, matrix, takeRows, type Matrix, type MatrixLike } from '@vvs/linalg';
import { kernelPlsSteps, predictKernelPls, type KernelPlsFit, type KernelPlsProducts } from '../regression/pls-kernel.ts';
import { Ridge } from '../regression/ridge.ts';
import { centerColumns } from '../regression/types.ts';
import type { RegressionKind, SortedSplit } from './predictivity.ts';

/** What a cross-validated prediction path needs to know. */
export interface KernelCvOptions {
  regression: RegressionKind;
  nComponents: number;
  alpha: number;
  onProgress?: (done: number, total: number) => void;
}

/**
 * Test-set predictions of every split (rows in ascending test position), from one shared Gram matrix.
 *
 * @example
 * const predictions = await kernelCrossValidatedPredictions(features, targets, splits, { regression: 'pls', nComponents: 25, alpha: 1 });
 */
export async function kernelCrossValidatedPredictions(
  features: MatrixLike,
  targets: Matrix,
  splits: SortedSplit[],
  { regression, nComponents, alpha, onProgress }: KernelCvOptions,
): Promise<Matrix[]> {
  const { gram } = await centeredGram(features);
  // All splits have as many training stimuli: one set of kernel buffers serves them all (fresh
  // pages cost more than the arithmetic on them on some virtual machines).
  const buffers: SplitKernelBuffers = {};
  if (regression === 'ridge') {
    const out: Matrix[] = [];
    for (const { train, test } of splits) {
      const { trainKernel, crossKernel } = splitKernels(gram, train, test, buffers);
      out.push(await kernelRidge(trainKernel, crossKernel, takeRows(targets, train), alpha));
      onProgress?.(out.length, splits.length);
    }
    return out;
  }

  const total = splits.length + nComponents;
  const runs = [];
  for (const { train, test } of splits) {
    const { trainKernel } = splitKernels(gram, train, test, buffers);
    const steps = kernelPlsSteps(await kernelProducts(trainKernel, takeRows(targets, train)), { nComponents });
    runs.push({ train, test, steps, request: steps.next() as IteratorResult<Float64Array, KernelPlsFit> });
    onProgress?.(runs.length, total);
  }
  // Lock step: gather every pending score vector t (centred, zero outside its training rows), one
  // product with the Gram matrix, and hand each split K·t = H·G[I,I]·H·t back.
  const S = runs.length;
  const N = gram.rows;
  const block = matrix(N, S);
  for (let component = 0; runs.some((r) => !r.request.done); component++) {
    block.data.fill(0);
    runs.forEach((run, s) => {
      if (run.request.done) return;
      const t = run.request.value;
      const shift = meanOf(t);
      for (let i = 0; i < t.length; i++) block.data[run.train[i] * S + s] = t[i] - shift;
    });
    const product = await matmul(gram, block);
    runs.forEach((run, s) => {
      if (run.request.done) return;
      const kt = new Float64Array(run.train.length);
      for (let i = 0; i < kt.length; i++) kt[i] = product.data[run.train[i] * S + s];
      const shift = meanOf(kt);
      for (let i = 0; i < kt.length; i++) kt[i] -= shift;
      run.request = run.steps.next(kt);
    });
    onProgress?.(splits.length + component + 1, total);
  }
  const out: Matrix[] = [];
  for (const run of runs) {
    const { crossKernel } = splitKernels(gram, run.train, run.test, buffers);
    out.push(await predictKernelPls(run.request.value as KernelPlsFit, crossKernel));
  }
  return out;
}

/** The centred targets and their kernel products, on the native GEMM. */
async function kernelProducts(trainKernel: Matrix, yTrain: Matrix): Promise<KernelPlsProducts> {
  const yMean = columnMeans(yTrain);
  const yCentered = centerColumns(yTrain, yMean);
  const kernelY = await matmul(trainKernel, yCentered);
  return {
    yMean,
    yCentered,
    kernelY,
    yKernelY: await matmul(yCentered, kernelY, { transA: true }),
    kernelYSquared: await matmul(kernelY, kernelY, { transA: true }),
    yy: await matmul(yCentered, yCentered, { transA: true }),
  };
}

/** Ridge in dual form on a centred kernel: `Ŷ = K₍test,train₎·(K + αI)⁻¹·Yc + ȳ` (sklearn `Ridge`, intercept unpenalised). */
async function kernelRidge(trainKernel: Matrix, crossKernel: Matrix, yTrain: Matrix, alpha: number): Promise<Matrix> {
  const yMean = columnMeans(yTrain);
  const dualCoef = new Ridge({ alpha }).solveDual(trainKernel, centerColumns(yTrain, yMean));
  return addToRows(await matmul(crossKernel, dualCoef), yMean);
}

/** Reusable outputs of {@link splitKernels}: pass the same object for every split. */
export interface SplitKernelBuffers {
  trainKernel?: Matrix;
  crossKernel?: Matrix;
}

/**
 * Train and test×train kernels centred on the training mean, from a Gram matrix `G` of rows centred
 * on any common vector: with ḡ = G[I,I]·1/n and c = mean(ḡ),
 * `K[a,b] = G[a,b] − G[a,I]·1/n − ḡ[b] + c` (the algebra of subtracting the training mean first).
 *
 * @example
 * const { trainKernel, crossKernel } = splitKernels(gram, train, test);
 */
export function splitKernels(
  gram: Matrix,
  train: Int32Array,
  test: Int32Array,
  buffers: SplitKernelBuffers = {},
): { trainKernel: Matrix; crossKernel: Matrix } {
  const n = train.length;
  const trainKernel = (buffers.trainKernel = gatherColumns(gram, train, train, buffers.trainKernel));
  const crossKernel = (buffers.crossKernel = gatherColumns(gram, test, train, buffers.crossKernel));
  const gTrain = rowMeans(trainKernel);
  const c = meanOf(gTrain);
  centerGathered(trainKernel, gTrain, gTrain, c);
  centerGathered(crossKernel, rowMeans(crossKernel), gTrain, c);
  return { trainKernel, crossKernel };
}

/** `G[rows, cols]`, written into `reuse` when it has that shape. */
function gatherColumns(gram: Matrix, rows: Int32Array, cols: Int32Array, reuse?: Matrix): Matrix {
  const N = gram.cols;
  const n = cols.length;
  const out = reuse && reuse.rows === rows.length && reuse.cols === n ? reuse : matrix(rows.length, n);
  const G = gram.data;
  const K = out.data;
  for (let a = 0; a < rows.length; a++) {
    const src = rows[a] * N;
    const dst = a * n;
    for (let b = 0; b < n; b++) K[dst + b] = G[src + cols[b]];
  }
  return out;
}

function rowMeans(m: Matrix): Float64Array {
  const out = new Float64Array(m.rows);
  for (let a = 0; a < m.rows; a++) out[a] = meanOf(m.data.subarray(a * m.cols, (a + 1) * m.cols));
  return out;
}

/** `K[a,b] += c − rowMean[a] − colMean[b]`, in place. */
function centerGathered(K: Matrix, rowMean: Float64Array, colMean: Float64Array, c: number): void {
  const n = K.cols;
  const d = K.data;
  for (let a = 0; a < K.rows; a++) {
    const off = a * n;
    const shift = c - rowMean[a];
    for (let b = 0; b < n; b++) d[off + b] += shift - colMean[b];
  }
}

function meanOf(v: Float64Array): number {
  let s = 0;
  for (let i = 0; i < v.length; i++) s += v[i];
  return s / v.length;
}
