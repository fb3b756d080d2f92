import { describe, expect, it } from 'vitest';
import { expectAllClose } from '@vvs/test-utils';
import { matrix, transpose } from '../src/matrix.ts';
import type { Matrix } from '../src/matrix.ts';
import { inverse, pinv, solveSymmetricPositiveDefinite } from '../src/solve.ts';

/**
 * A deterministic pseudo-random matrix with entries in (−1, 1): the fractional part of a scaled
 * sine (the shader hash), which is not separable in i and j, so square ones are full rank.
 */
function wavy(rows: number, cols: number, phase = 0): Matrix {
  const m = matrix(rows, cols);
  for (let i = 0; i < rows; i++) {
    for (let j = 0; j < cols; j++) {
      const h = Math.sin(12.9898 * i + 78.233 * j + phase) * 43758.5453;
      m.data[i * cols + j] = 2 * (h - Math.floor(h)) - 1;
    }
  }
  return m;
}

/** Textbook triple-loop product `a·b`. */
function matmul(a: Matrix, b: Matrix): Matrix {
  const out = matrix(a.rows, b.cols);
  for (let i = 0; i < a.rows; i++) {
    for (let j = 0; j < b.cols; j++) {
      let s = 0;
      for (let k = 0; k < a.cols; k++) s += a.data[i * a.cols + k] * b.data[k * b.cols + j];
      out.data[i * b.cols + j] = s;
    }
  }
  return out;
}

function identity(n: number): Matrix {
  const m = matrix(n, n);
  for (let i = 0; i < n; i++) m.data[i * n + i] = 1;
  return m;
}

function maxAbs(m: Matrix): number {
  let s = 0;
  for (const v of m.data) s = Math.max(s, Math.abs(v));
  return s;
}

describe('inverse', () => {
  it('inverts a 2×2 by hand', () => {
    expectAllClose(inverse(matrix(2, 2, [4, 7, 2, 6])).data, [0.6, -0.7, -0.2, 0.4], { rtol: 1e-15, atol: 1e-16 });
  });

  it('needs and applies row pivoting', () => {
    // A zero leading pivot: elimination without row exchanges would divide by zero.
    const m = matrix(3, 3, [0, 2, 1, 1, 1, 0, 3, 0, 1]);
    expectAllClose(matmul(m, inverse(m)).data, identity(3).data, { atol: 1e-15 }, 'm·m⁻¹');
  });

  it('gives A·A⁻¹ = A⁻¹·A = I on an irregular 8×8', () => {
    const m = wavy(8, 8);
    const inv = inverse(m);
    expectAllClose(matmul(m, inv).data, identity(8).data, { atol: 1e-12 }, 'A·A⁻¹');
    expectAllClose(matmul(inv, m).data, identity(8).data, { atol: 1e-12 }, 'A⁻¹·A');
  });

  it('rejects singular and non-square matrices', () => {
    expect(() => inverse(matrix(2, 2, [1, 2, 2, 4]))).toThrow(/singular/);
    expect(() => inverse(matrix(2, 3))).toThrow(/square/);
  });
});

describe('pinv', () => {
  it('equals the inverse for a full-rank square matrix', () => {
    const m = wavy(6, 6);
    expectAllClose(pinv(m).data, inverse(m).data, { rtol: 1e-11, atol: 1e-13 * maxAbs(inverse(m)) });
  });

  it('equals (AᵀA)⁻¹Aᵀ for a tall and Aᵀ(AAᵀ)⁻¹ for a wide full-rank matrix', () => {
    const tall = wavy(9, 4);
    const left = matmul(inverse(matmul(transpose(tall), tall)), transpose(tall));
    expectAllClose(pinv(tall).data, left.data, { rtol: 1e-11, atol: 1e-13 * maxAbs(left) }, 'tall');
    const wide = transpose(wavy(9, 4, 0.5));
    const right = matmul(transpose(wide), inverse(matmul(wide, transpose(wide))));
    expectAllClose(pinv(wide).data, right.data, { rtol: 1e-11, atol: 1e-13 * maxAbs(right) }, 'wide');
  });

  it('satisfies the four Moore–Penrose conditions for a rank-2 5×4 matrix', () => {
    const a = matmul(wavy(5, 2), wavy(2, 4, 3));
    const ap = pinv(a);
    const tol = { atol: 1e-12 * maxAbs(a) * maxAbs(ap) };
    expectAllClose(matmul(matmul(a, ap), a).data, a.data, { atol: 1e-12 * maxAbs(a) }, 'A·A⁺·A');
    expectAllClose(matmul(matmul(ap, a), ap).data, ap.data, { atol: 1e-12 * maxAbs(ap) }, 'A⁺·A·A⁺');
    const aap = matmul(a, ap);
    const apa = matmul(ap, a);
    expectAllClose(aap.data, transpose(aap).data, tol, '(A·A⁺)ᵀ');
    expectAllClose(apa.data, transpose(apa).data, tol, '(A⁺·A)ᵀ');
  });

  it('inverts the non-zero block of a zero-padded matrix (PLS components that were never fitted)', () => {
    const padded = matrix(3, 3, [2, 1, 0, 0.5, 1, 0, 0, 0, 0]);
    const block = inverse(matrix(2, 2, [2, 1, 0.5, 1]));
    const expected = [block.data[0], block.data[1], 0, block.data[2], block.data[3], 0, 0, 0, 0];
    expectAllClose(pinv(padded).data, expected, { rtol: 1e-14, atol: 1e-15 });
  });

  it('maps the zero matrix to the zero matrix of transposed shape', () => {
    const z = pinv(matrix(2, 3));
    expect([z.rows, z.cols]).toEqual([3, 2]);
    expect(Array.from(z.data)).toEqual([0, 0, 0, 0, 0, 0]);
  });

  it('rejects non-finite input', () => {
    expect(() => pinv(matrix(1, 2, [1, Number.NaN]))).toThrow(/non-finite/);
  });
});

describe('solveSymmetricPositiveDefinite', () => {
  const m = wavy(6, 6);
  const spd = matmul(transpose(m), m);
  for (let i = 0; i < 6; i++) spd.data[i * 6 + i] += 1;
  const rhs = wavy(6, 3, 1);

  it('solves a 2×2 by hand', () => {
    const x = solveSymmetricPositiveDefinite(matrix(2, 2, [4, 2, 2, 3]), matrix(2, 1, [2, 1]));
    expectAllClose(x.data, [0.5, 0], { atol: 1e-16 });
  });

  it('leaves a tiny residual and agrees with the LU inverse', () => {
    const x = solveSymmetricPositiveDefinite(spd, rhs);
    expect([x.rows, x.cols]).toEqual([6, 3]);
    expectAllClose(matmul(spd, x).data, rhs.data, { atol: 1e-12 * maxAbs(rhs) }, 'A·X');
    expectAllClose(x.data, matmul(inverse(spd), rhs).data, { rtol: 1e-11, atol: 1e-13 * maxAbs(x) }, 'X');
  });

  it('rejects indefinite, asymmetric and mismatched systems', () => {
    expect(() => solveSymmetricPositiveDefinite(matrix(2, 2, [1, 2, 2, 1]), matrix(2, 1))).toThrow(/positive definite/);
    expect(() => solveSymmetricPositiveDefinite(matrix(2, 2, [2, 1, 0, 2]), matrix(2, 1))).toThrow(/symmetric/);
    expect(() => solveSymmetricPositiveDefinite(spd, matrix(5, 1))).toThrow(/rows/);
    expect(() => solveSymmetricPositiveDefinite(matrix(2, 3), matrix(2, 1))).toThrow(/square/);
  });
});
