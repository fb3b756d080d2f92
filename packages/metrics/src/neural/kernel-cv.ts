/**
 * The fast path of cross-validated regression: every split draws its training and test stimuli
 * from one stimulus set, so one Gram matrix of all stimuli (`centeredGram`, on the native GEMM)
 * serves all of them. Each split's kernels are cut from it and re-centred on that split's training
 * mean, and PLS runs in kernel form (`pls-kernel.ts`).
 *
 * The splits' PLS iterations run in lock step, a few splits at a time: at every component each
 * split needs one kernel product `K·t`, and all of a group's are answered by a single product of
 * the Gram matrix with a block of vectors — one pass over the n×n matrix instead of one per split.
 */
import { addToRows, centeredGram, choleskySolve, columnMeans, matmul, matrix, takeRows, type FeatureSource, type Matrix, type MatrixLike } from '@vvs/linalg';
import { kernelPlsSteps, predictKernelPls, type KernelPlsFit, type KernelPlsProducts } from '../regression/pls-kernel.ts';
import { centerColumns } from '../regression/types.ts';
import { mean } from '../stats/descriptive.ts';
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
  features: MatrixLike | FeatureSource,
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

  // Splits are fitted in groups: each split in flight holds two n×q blocks and its deflations, so
  // the group size bounds memory, while each component of a group costs one pass over the Gram matrix.
  const groups = Math.ceil(splits.length / LOCKSTEP_SPLITS);
  const total = splits.length + groups * nComponents;
  let done = 0;
  const report = () => onProgress?.(++done, total);
  const out: Matrix[] = [];
  for (let g0 = 0; g0 < splits.length; g0 += LOCKSTEP_SPLITS) {
    const group = splits.slice(g0, g0 + LOCKSTEP_SPLITS);
    const fits = await lockstepKernelPls(gram, targets, group, nComponents, buffers, report);
    for (let s = 0; s < group.length; s++) {
      const { train, test } = group[s];
      const crossKernel = (buffers.crossKernel = centredKernel(gram, test, train, trainRowMeans(gram, train), buffers.crossKernel));
      out.push(await predictKernelPls(fits[s], crossKernel));
      report();
    }
  }
  return out;
}

/** Splits whose PLS iterations advance together (see {@link kernelCrossValidatedPredictions}). */
const LOCKSTEP_SPLITS = 5;

/**
 * Fits kernel PLS for several splits in lock step: gather every pending score vector t (centred,
 * zero outside its training rows), one product with the Gram matrix, and hand each split
 * K·t = H·G[I,I]·H·t back.
 */
async function lockstepKernelPls(
  gram: Matrix,
  targets: Matrix,
  splits: SortedSplit[],
  nComponents: number,
  buffers: SplitKernelBuffers,
  report: () => void,
): Promise<KernelPlsFit[]> {
  const runs = [];
  for (const { train } of splits) {
    const steps = kernelPlsSteps(await kernelProducts(gram, train, targets, buffers), { nComponents });
    runs.push({ train, steps, request: steps.next() as IteratorResult<Float64Array, KernelPlsFit> });
  }
  const S = runs.length;
  const N = gram.rows;
  const block = matrix(N, S);
  while (runs.some((r) => !r.request.done)) {
    block.data.fill(0);
    runs.forEach((run, s) => {
      if (run.request.done) return;
      const t = run.request.value;
      const shift = mean(t);
      for (let i = 0; i < t.length; i++) block.data[run.train[i] * S + s] = t[i] - shift;
    });
    const product = await matmul(gram, block);
    runs.forEach((run, s) => {
      if (run.request.done) return;
      const kt = new Float64Array(run.train.length);
      for (let i = 0; i < kt.length; i++) kt[i] = product.data[run.train[i] * S + s];
      const shift = mean(kt);
      for (let i = 0; i < kt.length; i++) kt[i] -= shift;
      run.request = run.steps.next(kt);
    });
    report();
  }
  return runs.map((run) => run.request.value as KernelPlsFit);
}

/**
 * The centred targets and their products with the split's centred kernel, on the native GEMM,
 * without cutting that n×n kernel out: `K·Yc = H·G[I,I]·H·Yc = H·(G·Ŷ)[I]`, where Ŷ is Yc placed in
 * the training rows (zero elsewhere) and H subtracts column means over the training rows.
 */
async function kernelProducts(gram: Matrix, train: Int32Array, targets: Matrix, buffers: SplitKernelBuffers): Promise<KernelPlsProducts> {
  const yCentered = takeRows(targets, train);
  const yMean = columnMeans(yCentered);
  centerColumns(yCentered, yMean, { inPlace: true });
  const q = yCentered.cols;
  const placed = (buffers.placedTargets ??= matrix(gram.rows, q));
  placed.data.fill(0);
  train.forEach((row, i) => placed.data.set(yCentered.data.subarray(i * q, (i + 1) * q), row * q));
  const kernelY = takeRows(await matmul(gram, placed), train);
  centerColumns(kernelY, columnMeans(kernelY), { inPlace: true });
  return { yMean, yCentered, kernelY, yKernelY: await matmul(yCentered, kernelY, { transA: true }) };
}

/**
 * Ridge in dual form on a centred kernel, as sklearn's `Ridge` solves it when features outnumber
 * samples (`_solve_cholesky_kernel`): `Ŷ = K₍test,train₎·(K + αI)⁻¹·Yc + ȳ`, intercept unpenalised.
 * The kernel buffer is overwritten (it is cut afresh for the next split).
 */
async function kernelRidge(trainKernel: Matrix, crossKernel: Matrix, yTrain: Matrix, alpha: number): Promise<Matrix> {
  const yMean = columnMeans(yTrain);
  const n = trainKernel.rows;
  for (let i = 0; i < n; i++) trainKernel.data[i * n + i] += alpha;
  const dualCoef = await choleskySolve(trainKernel, centerColumns(yTrain, yMean));
  return addToRows(await matmul(crossKernel, dualCoef), yMean);
}

/** Scratch matrices reused from split to split (pass the same object for every split). */
export interface SplitKernelBuffers {
  trainKernel?: Matrix;
  crossKernel?: Matrix;
  /** Centred training targets placed in their rows of an all-stimuli matrix (zero elsewhere). */
  placedTargets?: Matrix;
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
  const c = mean(gTrain);
  const rowMeans = rowMeansOver(gram, rows, train);
  for (let a = 0; a < rows.length; a++) {
    const src = rows[a] * N;
    const dst = a * n;
    const shift = c - rowMeans[a];
    for (let b = 0; b < n; b++) K[dst + b] = G[src + train[b]] - gTrain[b] + shift;
  }
  return out;
}
