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
    const steps = kernelPlsSteps(await kernelProducts(gram, train, takeRows(targets, train)), { nComponents });
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
    const crossKernel = (buffers.crossKernel = centredKernel(gram, run.test, run.train, trainRowMeans(gram, run.train), buffers.crossKernel));
    out.push(await predictKernelPls(run.request.value as KernelPlsFit, crossKernel));
  }
  return out;
}

/**
 * The centred targets and their products with the split's centred kernel, on the native GEMM,
 * without cutting that n×n kernel out: `K·Yc = H·G[I,I]·H·Yc = H·(G·Ŷ)[I]`, where Ŷ is Yc placed in
 * the training rows (zero elsewhere) and H subtracts column means over the training rows.
 */
async function kernelProducts(gram: Matrix, train: Int32Array, yTrain: Matrix): Promise<KernelPlsProducts> {
  const yMean = columnMeans(yTrain);
  const yCentered = centerColumns(yTrain, yMean);
  const q = yCentered.cols;
  const placed = matrix(gram.rows, q);
  train.forEach((row, i) => placed.data.set(yCentered.data.subarray(i * q, (i + 1) * q), row * q));
  const restricted = takeRows(await matmul(gram, placed), train);
  const kernelY = centerColumns(restricted, columnMeans(restricted));
  return { yMean, yCentered, kernelY, yKernelY: await matmul(yCentered, kernelY, { transA: true }) };
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
  const gTrain = trainRowMeans(gram, train);
  const trainKernel = (buffers.trainKernel = centredKernel(gram, train, train, gTrain, buffers.trainKernel));
  const crossKernel = (buffers.crossKernel = centredKernel(gram, test, train, gTrain, buffers.crossKernel));
  return { trainKernel, crossKernel };
}

/** ḡ = G[I,I]·1/n: the mean over training columns of each training row. */
function trainRowMeans(gram: Matrix, train: Int32Array): Float64Array {
  return rowMeansOver(gram, train, train);
}

/** For each of `rows`, the mean of G over the columns `cols`. */
function rowMeansOver(gram: Matrix, rows: Int32Array, cols: Int32Array): Float64Array {
  const G = gram.data;
  const N = gram.cols;
  const out = new Float64Array(rows.length);
  for (let a = 0; a < rows.length; a++) {
    const off = rows[a] * N;
    let s = 0;
    for (let b = 0; b < cols.length; b++) s += G[off + cols[b]];
    out[a] = s / cols.length;
  }
  return out;
}

/** `G[rows, train]` centred on the training mean (formula of {@link splitKernels}), written into `reuse` when it has that shape. */
function centredKernel(gram: Matrix, rows: Int32Array, train: Int32Array, gTrain: Float64Array, reuse?: Matrix): Matrix {
  const N = gram.cols;
  const n = train.length;
  const out = reuse && reuse.rows === rows.length && reuse.cols === n ? reuse : matrix(rows.length, n);
  const G = gram.data;
  const K = out.data;
  const c = meanOf(gTrain);
  const rowMeans = rowMeansOver(gram, rows, train);
  for (let a = 0; a < rows.length; a++) {
    const src = rows[a] * N;
    const dst = a * n;
    const shift = c - rowMeans[a];
    for (let b = 0; b < n; b++) K[dst + b] = G[src + train[b]] - gTrain[b] + shift;
  }
  return out;
}

function meanOf(v: Float64Array): number {
  let s = 0;
  for (let i = 0; i < v.length; i++) s += v[i];
  return s / v.length;
}
