import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { InputFileError, readNpy, writeNpy } from '../src/index.ts';

const scratch = mkdtempSync(join(tmpdir(), 'vvs-io-npy-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));
const at = (name: string) => join(scratch, name);

/** A .npy file with the given header dict and raw data bytes, laid out as numpy.lib.format writes version `major`. */
function rawNpy(dict: string, data: Uint8Array, major = 1): Buffer {
  const preamble = major === 1 ? 10 : 12;
  const length = Math.ceil((preamble + dict.length + 1) / 64) * 64 - preamble;
  const head = Buffer.alloc(preamble + length, 0x20);
  head.write('\x93NUMPY', 0, 'latin1');
  head[6] = major;
  if (major === 1) head.writeUInt16LE(length, 8);
  else head.writeUInt32LE(length, 8);
  head.write(dict, preamble, major === 3 ? 'utf8' : 'latin1');
  head[head.length - 1] = 0x0a;
  return Buffer.concat([head, data]);
}

describe('writeNpy / readNpy', () => {
  it('writes the exact bytes numpy.save writes (header padded to 64 bytes, format 1.0)', async () => {
    await writeNpy(at('f4.npy'), [2, 3], new Float32Array([1, 2, 3, 4, 5, 6.5]));
    const bytes = readFileSync(at('f4.npy'));
    const dict = "{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }";
    // numpy 2.4 np.save(np.array([[1,2,3],[4,5,6.5]], '<f4')): 10-byte preamble, header length 118, data at 128
    expect(bytes.subarray(0, 10)).toEqual(Buffer.from([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0, 118, 0]));
    expect(bytes.toString('latin1', 10, 128)).toBe(`${dict}${' '.repeat(118 - dict.length - 1)}\n`);
    expect(bytes.length).toBe(128 + 24);
  });

  it('round-trips <f4 as a zero-copy Float32Array view over the file buffer', async () => {
    const values = Float32Array.from({ length: 2000 }, (_, i) => Math.fround(Math.sin(i) * 1e3));
    values.set([Number.NaN, 1e-38, 65504, -0]);
    await writeNpy(at('f4-view.npy'), [1000, 2], values);
    const read = readNpy(at('f4-view.npy'));
    expect(read).toMatchObject({ shape: [1000, 2], dtype: '<f4' });
    expect(read.data).toBeInstanceOf(Float32Array);
    expect(Array.from(read.data)).toEqual(Array.from(values));
    // the file (> 4 KiB, so not from Node's buffer pool) is one buffer: 128 header bytes, then the view
    expect(read.data.byteOffset).toBe(128);
    expect(read.data.buffer.byteLength).toBe(128 + values.byteLength);
  });

  it('round-trips <f8, <i8, <i4 and |u1, widening integers to Float64Array', async () => {
    await writeNpy(at('f8.npy'), [4], new Float64Array([1, -2, Number.NaN, 1e300]));
    expect(readNpy(at('f8.npy'))).toEqual({ shape: [4], dtype: '<f8', data: new Float64Array([1, -2, Number.NaN, 1e300]) });
    await writeNpy(at('i8.npy'), [2, 2], new BigInt64Array([1n, -2n, 3n, 2n ** 53n - 1n]));
    expect(readNpy(at('i8.npy'))).toEqual({ shape: [2, 2], dtype: '<i8', data: new Float64Array([1, -2, 3, 2 ** 53 - 1]) });
    await writeNpy(at('i4.npy'), [3], new Int32Array([-7, 0, 2 ** 31 - 1]));
    expect(readNpy(at('i4.npy'))).toEqual({ shape: [3], dtype: '<i4', data: new Float64Array([-7, 0, 2 ** 31 - 1]) });
    await writeNpy(at('u1.npy'), [3], new Uint8Array([0, 255, 7]));
    expect(readNpy(at('u1.npy'))).toEqual({ shape: [3], dtype: '|u1', data: new Float64Array([0, 255, 7]) });
  });

  it('reads a 0-d array and an empty one', async () => {
    await writeNpy(at('scalar.npy'), [], new Float64Array([3.5]));
    expect(readNpy(at('scalar.npy'))).toEqual({ shape: [], dtype: '<f8', data: new Float64Array([3.5]) });
    await writeNpy(at('empty.npy'), [0, 5], new Float32Array(0));
    expect(readNpy(at('empty.npy'))).toEqual({ shape: [0, 5], dtype: '<f4', data: new Float32Array(0) });
  });

  it('transposes a Fortran-ordered array into C order (2-D and 3-D)', async () => {
    // np.asfortranarray(np.arange(6.).reshape(2, 3)) stores its memory as 0, 3, 1, 4, 2, 5
    await writeNpy(at('fortran2.npy'), [2, 3], new Float64Array([0, 3, 1, 4, 2, 5]), { fortranOrder: true });
    expect(readNpy(at('fortran2.npy'))).toEqual({ shape: [2, 3], dtype: '<f8', data: new Float64Array([0, 1, 2, 3, 4, 5]) });
    // 2 × 3 × 4, element (i, j, k) = 12i + 4j + k, stored with i fastest
    const shape = [2, 3, 4];
    const fortran = new Float32Array(24);
    for (let i = 0; i < 2; i++) for (let j = 0; j < 3; j++) for (let k = 0; k < 4; k++) fortran[i + 2 * j + 6 * k] = 12 * i + 4 * j + k;
    await writeNpy(at('fortran3.npy'), shape, fortran, { fortranOrder: true });
    const read = readNpy(at('fortran3.npy'));
    expect(read.data).toBeInstanceOf(Float32Array);
    expect(Array.from(read.data)).toEqual(Array.from({ length: 24 }, (_, i) => i));
  });

  it('reads format versions 2.0 and 3.0 and headers written by Python 2', () => {
    const data = new Uint8Array(new Float64Array([1, 2]).buffer);
    writeFileSync(at('v2.npy'), rawNpy("{'descr': '<f8', 'fortran_order': False, 'shape': (2,), }", data, 2));
    expect(readNpy(at('v2.npy'))).toEqual({ shape: [2], dtype: '<f8', data: new Float64Array([1, 2]) });
    writeFileSync(at('v3.npy'), rawNpy("{'descr': '<f8', 'fortran_order': False, 'shape': (2,), }", data, 3));
    expect(readNpy(at('v3.npy')).data).toEqual(new Float64Array([1, 2]));
    writeFileSync(at('py2.npy'), rawNpy("{'descr': '<f8', 'fortran_order': False, 'shape': (1L, 2L), }", data));
    expect(readNpy(at('py2.npy')).shape).toEqual([1, 2]);
  });

  it('switches to format 2.0 when the header outgrows 64 KiB (numpy.lib.format\'s rule)', async () => {
    const shape = [...Array(30_000).fill(1), 2]; // ~90 kB of "1, " in the shape tuple
    await writeNpy(at('long-header.npy'), shape, new Float64Array([4, 5]));
    expect(readFileSync(at('long-header.npy'))[6]).toBe(2);
    expect(readNpy(at('long-header.npy'))).toEqual({ shape, dtype: '<f8', data: new Float64Array([4, 5]) });
  });

  it('checks shape against data when writing', async () => {
    await expect(writeNpy(at('bad.npy'), [2, 2], new Float64Array(3))).rejects.toThrow(/shape \[2, 2\] holds 4 values but data has 3/);
    await expect(writeNpy(at('bad.npy'), [-1], new Float64Array(0))).rejects.toThrow(RangeError);
  });
});

describe('readNpy errors', () => {
  const expectError = (name: string, pattern: RegExp) => {
    const path = at(name);
    let error: unknown;
    try {
      readNpy(path);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(InputFileError);
    expect((error as Error).message.startsWith(`${path}: `)).toBe(true);
    expect((error as Error).message).toMatch(pattern);
  };

  it('reports missing, non-npy, npz and truncated files', () => {
    expectError('missing.npy', /file not found/);
    writeFileSync(at('text.npy'), 'hello');
    expectError('text.npy', /not a NumPy \.npy file/);
    writeFileSync(at('archive.npy'), Buffer.from('PK\x03\x04rest', 'latin1'));
    expectError('archive.npy', /ZIP archive/);
    writeFileSync(at('short.npy'), rawNpy("{'descr': '<f4', 'fortran_order': False, 'shape': (10,), }", new Uint8Array(12)));
    expectError('short.npy', /truncated \.npy file: shape \(10\) of <f4 needs 40 data bytes, the file has 12/);
  });

  it('reports big-endian, structured and 64-bit integers beyond 2^53', () => {
    writeFileSync(at('big.npy'), rawNpy("{'descr': '>f4', 'fortran_order': False, 'shape': (1,), }", new Uint8Array(4)));
    expectError('big.npy', /unsupported dtype '>f4' \(big-endian/);
    writeFileSync(at('record.npy'), rawNpy("{'descr': [('a', '<f4')], 'fortran_order': False, 'shape': (1,), }", new Uint8Array(4)));
    expectError('record.npy', /structured/);
    writeFileSync(at('huge.npy'), rawNpy("{'descr': '<i8', 'fortran_order': False, 'shape': (1,), }", new Uint8Array(new BigInt64Array([2n ** 60n]).buffer)));
    expectError('huge.npy', /64-bit integer 1152921504606846976 at flat index 0/);
  });
});
