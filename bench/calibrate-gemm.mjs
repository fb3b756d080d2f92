/**
 * A bench:suite calibration worker: `passes` float64 matrix products on one thread with vvs's own
 * kernel (onnxruntime's MLAS GEMM, as the suite's regressions and readouts use), at the shapes of
 * the suite's largest task, the behavioural readout (320 × 25,088 features, 8 classes): the forward
 * product X·W and the gradient's Xᵀ·G. Posts the seconds it took.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { register } from 'tsx/esm/api';

register();
const { matmul, matrix, setKernelThreads } = await import('../packages/linalg/src/index.ts');
setKernelThreads(1);
const { rows, cols, classes, passes } = workerData;
const x = matrix(rows, cols, Float64Array.from({ length: rows * cols }, (_, i) => ((i * 2654435761) % 1000) / 1000 - 0.5));
const w = matrix(cols, classes, Float64Array.from({ length: cols * classes }, (_, i) => ((i * 40503) % 997) / 997 - 0.5));
const g = matrix(rows, classes, Float64Array.from({ length: rows * classes }, (_, i) => ((i * 7919) % 991) / 991 - 0.5));
await matmul(x, w);
const started = performance.now();
for (let p = 0; p < passes; p++) {
  await matmul(x, w);
  await matmul(x, g, { transA: true });
}
parentPort.postMessage((performance.now() - started) / 1000);
