import { describe, expect, it } from 'vitest';
import { expectAllClose, seededValues } from '@vvs/test-utils';
import { centeredGram, matmul, matmulSync, matrix, matvec, transpose, type Matrix } from '../src/index.ts';

const filled = (rows: number, cols: number, seed: number): Matrix => matrix(rows, cols, seededValues(rows * cols, seed, 0.3));

/** Textbook triple loop, the independent reference. */
function naive(a: Matrix, b: Matrix): Matrix {
  const out = matrix(a.rows, b.cols);
  for (let i = 0; i < a.rows; i++)
    for (let j = 0; j < b.cols; j++) {
      let s = 0;
      for (let p = 0; p < a.cols; p++) s += a.data[i * a.cols + p] * b.data[p * b.cols + j];
      out.data[i * b.cols + j] = s;
    }
  return out;
}

describe('matrix products', () => {
  const a = filled(70, 90, 1);
  const b = filled(90, 50, 2);
  const reference = naive(a, b);

  it('the native GEMM and the JavaScript loop agree with the textbook product, in every transpose form', async () => {
    expectAllClose((await matmul(a, b)).data, reference.data, { atol: 1e-12 }, 'native');
    expectAllClose(matmulSync(a, b).data, reference.data, { atol: 1e-12 }, 'js');
    expectAllClose((await matmul(transpose(a), b, { transA: true })).data, reference.data, { atol: 1e-12 }, 'transA');
    expectAllClose((await matmul(a, transpose(b), { transB: true })).data, reference.data, { atol: 1e-12 }, 'transB');
    expectAllClose(matmulSync(transpose(a), transpose(b), { transA: true, transB: true }).data, reference.data, { atol: 1e-12 }, 'js both');
  });

  it('refuses mismatched inner dimensions', async () => {
    await expect(matmul(a, a)).rejects.toThrow(/inner dimensions differ \(A is 70×90, B is 70×90\)/);
  });

  it('matvec equals the product with a one-column matrix', () => {
    const x = filled(90, 1, 3);
    expectAllClose(matvec(a, x.data), naive(a, x).data, { atol: 1e-12 }, 'matvec');
  });
});

describe('centeredGram', () => {
  it('equals Xc·Xcᵀ computed directly, over several native column blocks and from float32', async () => {
    const x = filled(60, 250, 4);
    const mean = new Float64Array(250);
    for (let i = 0; i < 60; i++) for (let j = 0; j < 250; j++) mean[j] += x.data[i * 250 + j] / 60;
    const xc = matrix(60, 250, x.data.map((v, t) => v - mean[t % 250]));
    const reference = naive(xc, transpose(xc));
    // 60 rows × 8 bytes × 40 columns per block: 7 blocks, each accumulated into the result natively.
    const blocked = await centeredGram(x, { blockBytes: 60 * 8 * 40 });
    expectAllClose(blocked.gram.data, reference.data, { atol: 1e-12 }, 'blocked gram');
    expectAllClose(blocked.mean, mean, { atol: 1e-15 }, 'mean');
    const progress: number[] = [];
    await centeredGram(x, { blockBytes: 60 * 8 * 100, onProgress: (done) => progress.push(done) });
    expect(progress).toEqual([100, 200, 250]);
    const f32 = { rows: 60, cols: 250, data: Float32Array.from(x.data) };
    expectAllClose((await centeredGram(f32)).gram.data, reference.data, { atol: 1e-5 }, 'float32 input');
  });

  it('fills both triangles when the rows span several panels', async () => {
    const x = filled(900, 30, 5); // panels of 400, 400 and 100 rows
    const mean = new Float64Array(30);
    for (let i = 0; i < 900; i++) for (let j = 0; j < 30; j++) mean[j] += x.data[i * 30 + j] / 900;
    const xc = matrix(900, 30, x.data.map((v, t) => v - mean[t % 30]));
    expectAllClose((await centeredGram(x, { blockBytes: 900 * 8 * 7 })).gram.data, naive(xc, transpose(xc)).data, { atol: 1e-12 }, 'gram');
  });

  it('a tiny problem (JavaScript path) gives the documented example', async () => {
    const { gram, mean } = await centeredGram({ rows: 3, cols: 2, data: new Float32Array([1, 2, 3, 4, 5, 6]) });
    expect(Array.from(mean)).toEqual([3, 4]);
    expect(Array.from(gram.data)).toEqual([8, 0, -8, 0, 0, 0, -8, 0, 8]);
  });
});
