import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import h5wasm from 'h5wasm/node';
import { afterAll, describe, expect, it } from 'vitest';
import type { Assembly } from '@vvs/core';
import { sharedPath } from '@vvs/test-utils';
import { InputFileError, XARRAY_DATAARRAY_VARIABLE, readNetcdfAssembly, writeNetcdfAssembly } from '../src/index.ts';

const scratch = mkdtempSync(join(tmpdir(), 'vvs-io-netcdf-strings-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/** A Brain-Score-shaped behavioural assembly: 1-D over presentation, values = each trial's choice. */
function trials(): Assembly {
  const choices = ['dog', 'zebra', 'MB30758', '', 'café ☕', 'dog'];
  return {
    dims: ['presentation'],
    shape: [choices.length],
    data: new Float64Array(choices.length).fill(Number.NaN),
    coords: {
      stimulus_id: { dim: 'presentation', values: ['a', 'b', 'a', 'c', 'b', 'c'] },
      sample_obj: { dim: 'presentation', values: ['dog', 'zebra', 'dog', 'bear', 'café ☕', 'bear'] },
      dist_obj: { dim: 'presentation', values: ['zebra', 'MB30758', 'MB30758', 'dog', 'dog', 'dog'] },
      repetition: { dim: 'presentation', values: [0, 0, 1, 0, 1, 1] },
      rt: { dim: 'presentation', values: [0.5, 0.25, 1.125, 0.75, 2.5, 0.625] },
      values: { dim: 'presentation', values: choices },
    },
    attrs: { identifier: 'test.trials' },
  };
}

async function expectInputFileError(promise: Promise<unknown>, pattern: RegExp): Promise<void> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(InputFileError);
  expect((error as Error).message).toMatch(pattern);
}

describe('netCDF data variables of strings (behavioural assemblies)', () => {
  const path = join(scratch, 'trials.nc');

  it('writes the strings as the data variable and reads them back exactly as a coordinate', async () => {
    const written = trials();
    await writeNetcdfAssembly(path, written, { stringValuesAs: 'values' });
    const read = await readNetcdfAssembly(path, { stringValuesAs: 'values' });
    expect(read.dims).toEqual(['presentation']);
    expect(read.shape).toEqual([6]);
    expect(read.data).toBeInstanceOf(Float64Array);
    expect(Array.from(read.data).every(Number.isNaN)).toBe(true);
    expect(read.coords).toEqual(written.coords);
    expect(read.attrs).toEqual({ identifier: 'test.trials', source_file: path });
  });

  it("lays the file out as xarray does: a variable-length UTF-8 data variable with the coordinates listed", async () => {
    await h5wasm.ready;
    const file = new h5wasm.File(path, 'r');
    try {
      const data = file.get(XARRAY_DATAARRAY_VARIABLE) as InstanceType<typeof h5wasm.Dataset>;
      expect(data.metadata).toMatchObject({ type: 3, vlen: true, cset: 1, shape: [6] }); // H5T_STRING, UTF-8
      expect(data.attrs.coordinates.value).toBe('stimulus_id sample_obj dist_obj repetition rt');
      expect(file.keys()).not.toContain('values'); // the strings are the data variable, not also a coordinate
    } finally {
      file.close();
    }
  });

  it('refuses a data variable of strings unless told where the strings go, and a name already taken', async () => {
    await expectInputFileError(readNetcdfAssembly(path), /holds strings .*stringValuesAs/);
    await expectInputFileError(readNetcdfAssembly(path, { stringValuesAs: 'sample_obj' }), /names an existing coordinate/);
    await expect(readNetcdfAssembly(path, { stringValuesAs: '' })).rejects.toThrow(RangeError);
  });

  it('reads numeric files as before when the option is given', async () => {
    const a = await readNetcdfAssembly(sharedPath('reference/brainscore-files/assy_test_TestMe.nc'), { stringValuesAs: 'values' });
    expect(Array.from(a.data)).toEqual(Array.from({ length: 18 }, (_, i) => i + 1));
    expect(a.coords.values).toBeUndefined();
  });

  it('refuses to write string values that would lose numbers or do not fit one dimension', async () => {
    const out = join(scratch, 'refused.nc');
    const numbered = { ...trials(), data: new Float64Array(6).fill(1) };
    await expect(writeNetcdfAssembly(out, numbered, { stringValuesAs: 'values' })).rejects.toThrow(/NaN throughout/);
    await expect(writeNetcdfAssembly(out, trials(), { stringValuesAs: 'rt' })).rejects.toThrow(TypeError);
    await expect(writeNetcdfAssembly(out, trials(), { stringValuesAs: 'choice' })).rejects.toThrow(/not a coordinate/);
    const twoD: Assembly = {
      dims: ['presentation', 'choice'],
      shape: [1, 2],
      data: new Float64Array(2).fill(Number.NaN),
      coords: { values: { dim: 'choice', values: ['a', 'b'] } },
    };
    await expect(writeNetcdfAssembly(out, twoD, { stringValuesAs: 'values' })).rejects.toThrow(/1-D assembly/);
  });
});
