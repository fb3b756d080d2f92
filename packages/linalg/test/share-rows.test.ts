import { describe, expect, it } from 'vitest';
import { matrix, shareRows, takeRows, type MatrixLike } from '@vvs/linalg';

/** A 4×3 matrix whose entries name their position (10·row + col + 0.5, exact in float32). */
const values = Array.from({ length: 12 }, (_, t) => 10 * Math.floor(t / 3) + (t % 3) + 0.5);
const f64 = matrix(4, 3, values);
const f32: MatrixLike = { rows: 4, cols: 3, data: Float32Array.from(values) };

function sharedCopy(m: MatrixLike): MatrixLike {
  const bytes = m.data.length * m.data.BYTES_PER_ELEMENT;
  const data = m.data instanceof Float32Array ? new Float32Array(new SharedArrayBuffer(bytes)) : new Float64Array(new SharedArrayBuffer(bytes));
  data.set(m.data);
  return { rows: m.rows, cols: m.cols, data };
}

describe('shareRows', () => {
  it.each([
    ['float32', f32, Float32Array],
    ['float64', f64, Float64Array],
  ] as const)('keeps %s precision, in shared memory, rows in the given order', (_, m, Type) => {
    const order = [2, 0, 3, 3];
    const x = shareRows(m, order);
    expect(x.data).toBeInstanceOf(Type);
    expect(x.data.buffer).toBeInstanceOf(SharedArrayBuffer);
    expect(x.rows).toBe(4);
    expect(x.cols).toBe(3);
    expect(Array.from(x.data)).toEqual(Array.from(takeRows(m, order).data));
  });

  it('copies all rows into shared memory when no indices are given', () => {
    const x = shareRows(f64);
    expect(x).not.toBe(f64);
    expect(x.data.buffer).toBeInstanceOf(SharedArrayBuffer);
    expect(Array.from(x.data)).toEqual(values);
    // The copy is independent of the original.
    (x.data as Float64Array)[0] = -1;
    expect(f64.data[0]).toBe(0.5);
  });

  it('keeps a subset of rows', () => {
    const x = shareRows(f32, Int32Array.of(1));
    expect(x.rows).toBe(1);
    expect(Array.from(x.data)).toEqual([10.5, 11.5, 12.5]);
    expect(shareRows(f32, []).rows).toBe(0);
  });

  it('returns a matrix already in shared memory as it is when every row is taken in order', () => {
    const shared = sharedCopy(f32);
    expect(shareRows(shared)).toBe(shared);
    expect(shareRows(shared, [0, 1, 2, 3])).toBe(shared);
  });

  it('copies a shared matrix when the rows are reordered or a subset', () => {
    const shared = sharedCopy(f64);
    const reordered = shareRows(shared, [1, 0, 2, 3]);
    expect(reordered).not.toBe(shared);
    expect(reordered.data.buffer).not.toBe(shared.data.buffer);
    expect(Array.from(reordered.data)).toEqual(Array.from(takeRows(f64, [1, 0, 2, 3]).data));
    expect(shareRows(shared, [0, 1]).rows).toBe(2);
  });

  it('copies a shared view whose buffer holds more than the matrix', () => {
    const buffer = new Float64Array(new SharedArrayBuffer(16 * Float64Array.BYTES_PER_ELEMENT));
    buffer.set(values);
    const view: MatrixLike = { rows: 2, cols: 3, data: buffer.subarray(0, 8) };
    const x = shareRows(view);
    expect(x).not.toBe(view);
    expect(x.data.length).toBe(6);
    expect(Array.from(x.data)).toEqual(values.slice(0, 6));
  });

  it('refuses a row index outside the matrix with a RangeError', () => {
    expect(() => shareRows(f64, [0, 4])).toThrow(RangeError);
    expect(() => shareRows(f64, [-1])).toThrow('shareRows: row -1 outside 0..3');
    expect(() => shareRows(f32, [Number.NaN])).toThrow(RangeError);
  });
});
