/**
 * onnxruntime sessions that run one BLAS-like operator each, built on first use and cached.
 *
 * Why onnxruntime: plain JavaScript loops reach about 0.5–1 GFLOP/s on dense products, while
 * onnxruntime's CPU provider (MLAS) measured 94 GFLOP/s in float64 and 200 GFLOP/s in float32 for a
 * 3200×4096 Gram matrix on the 2-core development machine — two orders of magnitude, which decides
 * whether a 10-split PLS score takes seconds or minutes. onnxruntime-node is already a required
 * dependency (model inference), so this adds nothing to install.
 */
import { availableParallelism } from 'node:os';
import ort from 'onnxruntime-node';
import onnxProto from 'onnx-proto';

const { onnx } = onnxProto;

/** ONNX TensorProto element types used here. */
const ELEM_TYPE = { float32: 1, float64: 11 } as const;

/** The floating-point precisions the kernels run in. */
export type KernelPrecision = keyof typeof ELEM_TYPE;

/** Opset of the generated graphs; Gemm has had its current form since opset 13. */
const OPSET = 13;

function valueInfo(name: string, dims: string[], precision: KernelPrecision) {
  return onnx.ValueInfoProto.create({
    name,
    type: {
      tensorType: { elemType: ELEM_TYPE[precision], shape: { dim: dims.map((dimParam) => ({ dimParam })) } },
    },
  });
}

/** Serialises a one-node `Gemm` graph computing `Y = op(A)·op(B)` with symbolic shapes. */
function gemmGraph(transA: boolean, transB: boolean, precision: KernelPrecision): Uint8Array {
  const { INT } = onnx.AttributeProto.AttributeType;
  const node = onnx.NodeProto.create({
    opType: 'Gemm',
    input: ['A', 'B'],
    output: ['Y'],
    attribute: [
      onnx.AttributeProto.create({ name: 'transA', i: transA ? 1 : 0, type: INT }),
      onnx.AttributeProto.create({ name: 'transB', i: transB ? 1 : 0, type: INT }),
    ],
  });
  const graph = onnx.GraphProto.create({
    name: 'vvs_gemm',
    node: [node],
    input: [valueInfo('A', transA ? ['k', 'm'] : ['m', 'k'], precision), valueInfo('B', transB ? ['n', 'k'] : ['k', 'n'], precision)],
    output: [valueInfo('Y', ['m', 'n'], precision)],
  });
  const model = onnx.ModelProto.create({
    irVersion: 8,
    producerName: 'vvs',
    opsetImport: [{ domain: '', version: OPSET }],
    graph,
  });
  return onnx.ModelProto.encode(model).finish();
}

const sessions = new Map<string, Promise<ort.InferenceSession>>();

/** Threads each matrix product may use; every core unless {@link setKernelThreads} says otherwise. */
let kernelThreads = availableParallelism();

/**
 * Sets how many threads the matrix-product kernels use from now on. A pool of worker threads sets 1
 * in each worker, so that N workers use N cores and no more; results do not depend on it (MLAS
 * splits a product by output blocks, never along the summed dimension).
 *
 * @throws RangeError unless `threads` is a positive integer.
 * @example
 * setKernelThreads(1); // in a worker of a pool as large as the machine
 */
export function setKernelThreads(threads: number): void {
  if (!Number.isSafeInteger(threads) || threads < 1) throw new RangeError(`setKernelThreads: expected a positive integer, got ${threads}`);
  if (threads !== kernelThreads) sessions.clear();
  kernelThreads = threads;
}

function gemmSession(transA: boolean, transB: boolean, precision: KernelPrecision): Promise<ort.InferenceSession> {
  const key = `${transA}:${transB}:${precision}`;
  let session = sessions.get(key);
  if (!session) {
    session = ort.InferenceSession.create(gemmGraph(transA, transB, precision), {
      intraOpNumThreads: kernelThreads,
      graphOptimizationLevel: 'disabled',
      // Outputs are written into caller-owned buffers; an arena would only pin freed scratch memory.
      enableCpuMemArena: false,
      enableMemPattern: false,
    });
    sessions.set(key, session);
  }
  return session;
}

/** Operands of {@link runGemm}: row-major data with its logical (stored) shape. */
export interface GemmOperand<T extends Float32Array | Float64Array> {
  data: T;
  rows: number;
  cols: number;
}

/**
 * `out = op(A)·op(B)` on onnxruntime's CPU provider (row-major, m×n). `A` and `B` may share a
 * buffer (a Gram matrix `A·Aᵀ` reads it once). onnxruntime computes into temporaries of about twice
 * the output's size before filling `out`, so callers keep outputs modest (see `centeredGram`).
 */
export async function runGemm<T extends Float32Array | Float64Array>(
  a: GemmOperand<T>,
  b: GemmOperand<T>,
  out: T,
  { transA = false, transB = false }: { transA?: boolean; transB?: boolean } = {},
): Promise<void> {
  const precision: KernelPrecision = a.data instanceof Float32Array ? 'float32' : 'float64';
  const m = transA ? a.cols : a.rows;
  const n = transB ? b.rows : b.cols;
  const session = await gemmSession(transA, transB, precision);
  await session.run(
    {
      A: new ort.Tensor(precision, a.data, [a.rows, a.cols]),
      B: new ort.Tensor(precision, b.data, [b.rows, b.cols]),
    },
    { Y: new ort.Tensor(precision, out, [m, n]) },
  );
}
