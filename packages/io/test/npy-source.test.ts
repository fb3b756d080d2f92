import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { InputError, isLazyFeatures, type LazyFeatures } from '@vvs/core';
import { readColumns, readRows } from '@vvs/linalg';
import { openFeatures, readNpy, writeNpy } from '../src/index.ts';

const dir = mkdtempSync(join(tmpdir(), 'vvs-npy-source-'));

/** A 5 × (2·3) float32 array with distinct values, and its sidecar ids. */
async function fixture(name: string, values = Float32Array.from({ length: 30 }, (_, i) => i * 1.5 - 7)) {
  const path = join(dir, `${name}.npy`);
  await writeNpy(path, [5, 2, 3], values);
  const ids = join(dir, `${name}.txt`);
  writeFileSync(ids, ['s0', 's1', 's2', 's3', 's4'].join('\n'));
  return { path, ids, values };
}

describe('openFeatures', () => {
  it('keeps a float32 .npy on disk and reads the same values as readNpy, by columns and by rows', async () => {
    const { path, ids, values } = await fixture('f4');
    const features = await openFeatures(path, { stimulusIdsPath: ids });
    expect(isLazyFeatures(features)).toBe(true);
    const { source, stimulusIds } = features as LazyFeatures;
    expect([source.rows, source.cols]).toEqual([5, 6]);
    expect(stimulusIds).toEqual(['s0', 's1', 's2', 's3', 's4']);
    const block = new Float64Array(5 * 2);
    readColumns(source, 3, 2, block);
    const expected: number[] = [];
    for (let r = 0; r < 5; r++) expected.push(values[r * 6 + 3], values[r * 6 + 4]);
    expect(Array.from(block)).toEqual(expected);
    expect(Array.from(readRows(source, [4, 1]).data)).toEqual([...values.subarray(24, 30), ...values.subarray(6, 12)]);
    expect(Array.from(readNpy(path).data)).toEqual(Array.from(values));
  });

  it('names the stimulus and column of a NaN when it reads it', async () => {
    const values = Float32Array.from({ length: 30 }, (_, i) => i);
    values[2 * 6 + 4] = Number.NaN;
    const { path, ids } = await fixture('nan', values);
    const { source } = (await openFeatures(path, { stimulusIdsPath: ids })) as LazyFeatures;
    const error = (() => {
      try {
        readColumns(source, 0, 6, new Float64Array(30));
      } catch (e) {
        return e;
      }
    })();
    expect(error).toBeInstanceOf(InputError);
    expect((error as Error).message).toBe(`${path}: features of stimulus 's2' contain NaN (column 4); features must be finite`);
  });

  it('reads integer and Fortran-order arrays whole, and checks the row count', async () => {
    const ints = join(dir, 'i4.npy');
    await writeNpy(ints, [5, 2], Int32Array.from({ length: 10 }, (_, i) => i));
    const fortran = join(dir, 'fortran.npy');
    await writeNpy(fortran, [5, 2], Float32Array.from({ length: 10 }, (_, i) => i), { fortranOrder: true });
    const { ids } = await fixture('ids');
    expect(isLazyFeatures(await openFeatures(ints, { stimulusIdsPath: ids }))).toBe(false);
    expect(isLazyFeatures(await openFeatures(fortran, { stimulusIdsPath: ids }))).toBe(false);
    const short = join(dir, 'short.txt');
    writeFileSync(short, 's0\ns1\n');
    const { path } = await fixture('rows');
    await expect(openFeatures(path, { stimulusIdsPath: short })).rejects.toThrow(`${path}: has 5 rows but ${short} lists 2 stimulus ids`);
  });
});
