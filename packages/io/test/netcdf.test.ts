import { createHash } from 'node:crypto';
import { copyFileSync, mkdtempSync, readFileSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import type { Assembly } from '@vvs/core';
import { sharedPath } from '@vvs/test-utils';
import { stimulusKey } from '@vvs/core';
import { InputFileError, readNetcdfAssembly, writeNetcdfAssembly } from '../src/index.ts';

const files = (name: string) => sharedPath(`reference/brainscore-files/${name}`);
const scratch = mkdtempSync(join(tmpdir(), 'vvs-io-netcdf-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/** sha256 of the raw little-endian bytes of a typed array, as the fixture README computes it. */
function sha256(data: Float32Array | Float64Array): string {
  return createHash('sha256').update(Buffer.from(data.buffer, data.byteOffset, data.byteLength)).digest('hex');
}

/** Float64 sum of `data[from..to)`, accumulated in index order. */
function sum(data: ArrayLike<number>, from = 0, to = data.length): number {
  let s = 0;
  for (let i = from; i < to; i++) s += data[i];
  return s;
}

/** Expects `promise` to reject with an InputFileError whose message starts with `file` and matches `pattern`. */
async function expectInputFileError(promise: Promise<unknown>, file: string, pattern: RegExp): Promise<void> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(InputFileError);
  const { message, file: reported } = error as InputFileError;
  expect(message.startsWith(`${file}: `)).toBe(true);
  expect(message).toMatch(pattern);
  expect(message).not.toContain('\n');
  expect(reported).toBe(file);
}

const OBJECTOME_CHOICES = [
  'interior_details_130_2', 'lo_poly_animal_ELE_AS1', 'calc01', 'womens_stockings_01M', 'dromedary', 'build51',
  'lo_poly_animal_TRANTULA', 'MB29874', 'interior_details_103_4', 'lo_poly_animal_RHINO_2', 'MB30203',
  'lo_poly_animal_CHICKDEE', 'MB27346', 'MB28699', 'antique_furniture_item_18', 'MB30758', 'lo_poly_animal_BEAR_BLK',
  'weimaraner', 'Hanger_02', 'kitchen_equipment_knife2', 'womens_shorts_01M', 'flarenut_spanner',
  '22_acoustic_guitar', 'zebra',
];

describe('readNetcdfAssembly on Brain-Score fixtures', () => {
  it('reads assy_test_TestMe.nc (shuffle + deflate compressed) exactly', async () => {
    const a = await readNetcdfAssembly(files('assy_test_TestMe.nc'));
    expect(a.dims).toEqual(['presentation', 'neuroid']);
    expect(a.shape).toEqual([6, 3]);
    expect(a.data).toBeInstanceOf(Float64Array); // int64 data → float64
    expect(Array.from(a.data)).toEqual(Array.from({ length: 18 }, (_, i) => i + 1));
    expect(a.coords).toEqual({
      stimulus_id: { dim: 'presentation', values: ['n0', 'n1', 'n1', 'n0', 'n4', 'n9'] },
      repetition: { dim: 'presentation', values: [1, 1, 2, 1, 1, 1] },
      neuroid_id: { dim: 'neuroid', values: ['alpha', 'beta', 'gamma'] },
      foo: { dim: 'neuroid', values: [1, 2, 5] },
    });
    expect(a.attrs).toEqual({ source_file: files('assy_test_TestMe.nc') });
    expect(stimulusKey(a)).toBe('stimulus_id');
  });

  it('reads assy_test_package_assembly.nc with its time_bin dimension and old image_id naming', async () => {
    const a = await readNetcdfAssembly(files('assy_test_package_assembly.nc'));
    expect(a.dims).toEqual(['presentation', 'neuroid', 'time_bin']);
    expect(a.shape).toEqual([6, 3, 1]);
    expect(Array.from(a.data)).toEqual(Array.from({ length: 18 }, (_, i) => i + 1));
    expect(a.coords).toEqual({
      image_id: { dim: 'presentation', values: ['n0', 'n1', 'n2', 'n3', 'n4', 'n5'] },
      image_type: { dim: 'presentation', values: Array(6).fill('foo') },
      neuroid_id: { dim: 'neuroid', values: ['A', 'B', 'C'] },
      neuroid_type: { dim: 'neuroid', values: ['bar', 'bar', 'bar'] },
      time_bin_start: { dim: 'time_bin', values: [0] },
      time_bin_end: { dim: 'time_bin', values: [10] },
    });
    expect(a.coords.stimulus_id).toBeUndefined(); // kept as stored, not renamed
    expect(stimulusKey(a)).toBe('image_id');
    expect(a.coords[stimulusKey(a)].values).toEqual(['n0', 'n1', 'n2', 'n3', 'n4', 'n5']);
  });

  it('reads alexnet-rgb-1000.nc as float32 activations, bit for bit', async () => {
    const a = await readNetcdfAssembly(files('alexnet-rgb-1000.nc'));
    expect(a.dims).toEqual(['stimulus_path', 'neuroid']);
    expect(a.shape).toEqual([1, 2000]);
    expect(a.data).toBeInstanceOf(Float32Array);
    expect(Array.from(a.data.subarray(0, 8))).toEqual([
      1.1858417987823486, -24.140838623046875, -10.109294891357422, 1.6753604412078857, 2.1142148971557617,
      38.540870666503906, 0.7472599744796753, 41.21672058105469,
    ]);
    expect(Array.from(a.data.subarray(1000, 1004))).toEqual([5.596107482910156, 10.038514137268066, -11.56900405883789, -3.8471078872680664]);
    expect(Math.abs(sum(a.data, 0, 1000) - 86.49000254273415)).toBeLessThanOrEqual(1e-9);
    expect(Math.abs(sum(a.data, 1000, 2000) - -32.49909450113773)).toBeLessThanOrEqual(1e-9);
    expect(sha256(a.data)).toBe('3fca1a4a7170b278c872752a3177ac3a4391245c2e99a7e8f3e342768794a879');
    expect(a.coords.stimulus_path).toEqual({ dim: 'stimulus_path', values: ['/braintree/home/msch/model-tools/tests/activations/rgb.jpg'] });
    expect(a.coords.neuroid_id.values).toEqual(Array.from({ length: 2000 }, (_, i) => i));
    const layer = a.coords.layer;
    expect(layer.dim).toBe('neuroid');
    expect(layer.values.slice(0, 1000).every((v) => v === 'features.12')).toBe(true);
    expect(layer.values.slice(1000).every((v) => v === 'classifier.5')).toBe(true);
    expect(stimulusKey(a)).toBe('stimulus_path');
  });

  it.each([
    ['alexnet', [0.07814528048038483, 0.042682960629463196, 0.016016637906432152, 0.06372466683387756], 'bfcaface0d805761094937ee00c87a2303a9426dae6ac52452d306a779a0380b'],
    ['resnet18', [0.0423065721988678, 0.01831652596592903, 0.032789070159196854, 0.021380692720413208], 'aa36453999a159f86be4f01341fb7ad76a8807ce2119dbf44e853a09ab521469'],
    ['resnet34', [0.05254806950688362, 0.025721967220306396, 0.04061223939061165, 0.021777844056487083], 'a3fc4f8d9b8733fb8cf31901eea8fd8afdfe9ba421a88f52c95f5b097283d03e'],
  ])('reads i1i2/%s-probabilities.nc with choice_ exposed as choice', async (model, row0, hash) => {
    const a = await readNetcdfAssembly(files(`i1i2/${model}-probabilities.nc`));
    expect(a.dims).toEqual(['presentation', 'choice']);
    expect(a.shape).toEqual([240, 24]);
    expect(a.data).toBeInstanceOf(Float32Array);
    expect(Array.from(a.data.subarray(0, 4))).toEqual(row0);
    expect(sha256(a.data)).toBe(hash);
    expect(a.coords.choice).toEqual({ dim: 'choice', values: OBJECTOME_CHOICES });
    expect(a.coords.choice_).toBeUndefined();
    const imageIds = a.coords.image_id.values as string[];
    expect(imageIds[0]).toBe('06aae50586099149cf4034b7966bdb8ca76173e0');
    expect(new Set(imageIds).size).toBe(240);
    expect(a.coords.stimulus_path.values[0]).toBe(`/braintree/home/msch/brain-score_packaging/objectome/objectome-224/${imageIds[0]}.png`);
    for (let row = 0; row < 240; row++) expect(Math.abs(sum(a.data, row * 24, row * 24 + 24) - 1)).toBeLessThanOrEqual(2e-7); // README: each row sums to 1 (±2e-7)
    expect(stimulusKey(a)).toBe('image_id'); // preferred over stimulus_path
  });

  it('honours an explicit variable and rejects an unknown one', async () => {
    const path = files('assy_test_TestMe.nc');
    const foo = await readNetcdfAssembly(path, { variable: 'foo' });
    expect(foo.dims).toEqual(['neuroid']);
    expect(Array.from(foo.data)).toEqual([1, 2, 5]);
    expect(foo.coords.neuroid_id.values).toEqual(['alpha', 'beta', 'gamma']);
    await expectInputFileError(readNetcdfAssembly(path, { variable: 'nope' }), path, /no variable "nope" \(variables: .*stimulus_id.*data/);
  });
});

describe('readNetcdfAssembly errors', () => {
  it('reports a missing file', async () => {
    const path = join(scratch, 'missing.nc');
    await expectInputFileError(readNetcdfAssembly(path), path, /file not found/);
  });

  it('reports a file that is not HDF5', async () => {
    const path = join(scratch, 'garbage.nc');
    writeFileSync(path, 'this is not an HDF5 file\n'.repeat(100));
    await expectInputFileError(readNetcdfAssembly(path), path, /not an HDF5\/netCDF-4 file/);
  });

  it('reports a netCDF-3 classic file', async () => {
    const path = join(scratch, 'classic.nc');
    writeFileSync(path, Buffer.concat([Buffer.from('CDF\x01', 'latin1'), Buffer.alloc(60)]));
    await expectInputFileError(readNetcdfAssembly(path), path, /netCDF-3.*nccopy -k nc4/);
  });

  it('reports a truncated copy of a real file', async () => {
    const path = join(scratch, 'truncated.nc');
    copyFileSync(files('alexnet-rgb-1000.nc'), path);
    truncateSync(path, 60_000);
    await expectInputFileError(readNetcdfAssembly(path), path, /truncated HDF5 file: 60000 bytes on disk, its superblock says 128852/);
  });

  it('reports a corrupt compressed chunk instead of returning garbage', async () => {
    const path = join(scratch, 'corrupt.nc');
    const bytes = readFileSync(files('assy_test_TestMe.nc'));
    // the last zlib stream (header 0x78 0x01: deflate level 1) is the data variable's only chunk
    const stream = bytes.lastIndexOf(Buffer.from([0x78, 0x01]));
    for (let i = stream + 2; i < stream + 8; i++) bytes[i] ^= 0xff;
    writeFileSync(path, bytes);
    await expectInputFileError(readNetcdfAssembly(path), path, /HDF5 read failed: filter returned failure/);
  });

  it('reports a file without a data variable', async () => {
    const path = join(scratch, 'only-coords.nc');
    const { default: h5wasm } = await import('h5wasm/node');
    await h5wasm.ready;
    const file = new h5wasm.File(path, 'w');
    const scale = file.create_dataset({ name: 'presentation', data: ['a', 'b'] });
    scale.make_scale('presentation');
    file.close();
    await expectInputFileError(readNetcdfAssembly(path), path, /no data variable: every variable is a coordinate \(variables: presentation\)/);
  });

  it('reports ambiguous data variables, unsupported coordinates and int64 beyond 2^53', async () => {
    const { default: h5wasm } = await import('h5wasm/node');
    await h5wasm.ready;
    const build = (name: string, fill: (file: InstanceType<typeof h5wasm.File>) => void) => {
      const path = join(scratch, name);
      const file = new h5wasm.File(path, 'w');
      file.create_dataset({ name: 'p', data: new Float32Array(2) }).make_scale('This is a netCDF dimension but not a netCDF variable.         2');
      fill(file);
      file.close();
      return path;
    };
    const twin = build('twin.nc', (file) => {
      for (const name of ['a', 'b']) file.create_dataset({ name, data: new Float64Array(2) }).attach_scale(0, '/p');
    });
    await expectInputFileError(readNetcdfAssembly(twin), twin, /several candidate data variables \(a, b\); choose one with the variable option/);
    expect((await readNetcdfAssembly(twin, { variable: 'b' })).coords).toEqual({ a: { dim: 'p', values: [0, 0] } });

    const grid = build('grid.nc', (file) => {
      const data = file.create_dataset({ name: 'data', data: new Float64Array(2) });
      data.attach_scale(0, '/p');
      data.create_attribute('coordinates', 'xy');
      file.create_dataset({ name: 'xy', data: new Float64Array(4), shape: [2, 2], dtype: '<d' });
    });
    await expectInputFileError(readNetcdfAssembly(grid), grid, /coordinate "xy" has dims \(unnamed\); only 1-D coordinates along \(p\) are supported/);

    const unnamed = build('unnamed.nc', (file) => {
      file.create_dataset({ name: 'data', data: new Float64Array(2) });
    });
    await expectInputFileError(readNetcdfAssembly(unnamed), unnamed, /data variable "data" has no DIMENSION_LIST/);

    const huge = build('huge.nc', (file) => {
      file.create_dataset({ name: 'data', data: new BigInt64Array([1n, 2n ** 53n]), dtype: '<q' }).attach_scale(0, '/p');
    });
    await expectInputFileError(readNetcdfAssembly(huge), huge, /data variable "data": 64-bit integer 9007199254740992 at flat index 1 is beyond/);
  });

  it('explains that an assembly has no stimulus coordinate', () => {
    const a: Assembly = { dims: ['x'], shape: [1], data: new Float64Array(1), coords: { label: { dim: 'x', values: ['a'] } }, attrs: { source_file: 'f.nc' } };
    expect(() => stimulusKey(a)).toThrow(/^f\.nc: no stimulus coordinate: expected one of stimulus_id, image_id, stimulus_path; coordinates: label \(x\)$/);
  });
});

describe('CF decoding', () => {
  it('masks _FillValue/missing_value and applies scale_factor/add_offset, as xarray.decode_cf does', async () => {
    const path = join(scratch, 'packed.nc');
    const { default: h5wasm } = await import('h5wasm/node');
    await h5wasm.ready;
    const file = new h5wasm.File(path, 'w');
    file.create_dataset({ name: 'n', data: new Float32Array(4) }).make_scale('This is a netCDF dimension but not a netCDF variable.         4');
    const packed = file.create_dataset({ name: 'packed', data: new Int16Array([10, -999, 30, 7]), dtype: '<h' });
    packed.attach_scale(0, '/n');
    packed.create_attribute('_FillValue', new Int16Array([-999]), [1], '<h');
    packed.create_attribute('scale_factor', new Float64Array([0.5]), [1], '<d');
    packed.create_attribute('add_offset', new Float64Array([1]), [1], '<d');
    packed.create_attribute('units', 'spikes/s');
    const masked = file.create_dataset({ name: 'masked', data: new Float32Array([1.5, -1, 2.5, 3]), dtype: '<f' });
    masked.attach_scale(0, '/n');
    masked.create_attribute('missing_value', new Float32Array([-1]), [1], '<f');
    file.close();

    const a = await readNetcdfAssembly(path, { variable: 'packed' });
    expect(a.data).toBeInstanceOf(Float64Array);
    expect(Array.from(a.data)).toEqual([6, Number.NaN, 16, 4.5]);
    expect(a.attrs).toEqual({ units: 'spikes/s', source_file: path });
    const b = await readNetcdfAssembly(path, { variable: 'masked' });
    expect(b.data).toBeInstanceOf(Float32Array); // no unpacking: stays float32
    expect(Array.from(b.data)).toEqual([1.5, Number.NaN, 2.5, 3]);
  });
});

describe('reading the data variable in slices', () => {
  /** Bytes of the decoded data, to compare two reads bit for bit (NaN payloads and -0 included). */
  const bytes = (a: Assembly) => Buffer.from(a.data.buffer, a.data.byteOffset, a.data.byteLength);

  /** A file with 7 × 3 × 2 variables of several types, so slices of 1 to 6 rows never divide it evenly. */
  async function buildSlicedFile(): Promise<string> {
    const path = join(scratch, 'sliced.nc');
    const { default: h5wasm } = await import('h5wasm/node');
    await h5wasm.ready;
    const file = new h5wasm.File(path, 'w');
    const shape = [7, 3, 2];
    shape.forEach((n, axis) => {
      file.create_dataset({ name: `d${axis}`, data: new Float32Array(n) }).make_scale(`This is a netCDF dimension but not a netCDF variable. ${String(n).padStart(9)}`);
    });
    const create = (name: string, data: Float32Array | Float64Array | BigInt64Array, dtype: string, chunks?: number[]) => {
      const dataset = file.create_dataset({ name, data, shape, dtype, ...(chunks && { chunks, compression: 4 }) });
      shape.forEach((_, axis) => dataset.attach_scale(axis, `/d${axis}`));
      return dataset;
    };
    const count = 7 * 3 * 2;
    const f32 = Float32Array.from({ length: count }, (_, i) => Math.sin(i) * 1e3);
    f32.set([Number.NaN, -0, 1e-45, Number.NEGATIVE_INFINITY], 20); // edge values, in the middle rows
    create('f32', f32, '<f');
    create('f32_chunked', f32, '<f', [2, 3, 2]);
    const f64 = Float64Array.from({ length: count }, (_, i) => (i % 5 === 3 ? -9999 : i / 7));
    create('f64_filled', f64, '<d').create_attribute('_FillValue', new Float64Array([-9999]), [1], '<d');
    const i64 = BigInt64Array.from({ length: count }, (_, i) => BigInt(i * 1000003 - 2 ** 40));
    create('i64', i64, '<q');
    i64[count - 1] = 2n ** 60n; // beyond 2^53, in the last row
    create('i64_huge', i64, '<q');
    file.close();
    return path;
  }

  it('reads float32, chunked float32, float64 with _FillValue and int64 data bit for bit as one-slice reads do', async () => {
    const path = await buildSlicedFile();
    const { default: h5wasm } = await import('h5wasm/node');
    const slice = vi.spyOn(h5wasm.Dataset.prototype, 'slice');
    const rowBytes = { f32: 24, f32_chunked: 24, f64_filled: 48, i64: 48 };
    // HDF5 reads per sliceBytes (1, a row, 2 rows + 1 byte, 3 rows, 6 rows) for the 7 rows; the
    // chunked variable is read in whole 2-row chunks
    const reads = [7, 7, 4, 3, 2];
    const chunkedReads = [4, 4, 4, 4, 2];
    try {
      for (const [variable, row] of Object.entries(rowBytes)) {
        slice.mockClear();
        const whole = await readNetcdfAssembly(path, { variable });
        expect(slice).toHaveBeenCalledTimes(1);
        expect(whole.shape).toEqual([7, 3, 2]);
        for (const [k, sliceBytes] of [1, row, 2 * row + 1, 3 * row, 6 * row].entries()) {
          slice.mockClear();
          const sliced = await readNetcdfAssembly(path, { variable, sliceBytes });
          const label = `${variable}, sliceBytes ${sliceBytes}`;
          expect(slice, label).toHaveBeenCalledTimes(variable === 'f32_chunked' ? chunkedReads[k] : reads[k]);
          expect(sliced.data.constructor, label).toBe(whole.data.constructor);
          expect(bytes(sliced).equals(bytes(whole)), label).toBe(true);
          expect(sliced.coords).toEqual(whole.coords);
        }
      }
    } finally {
      slice.mockRestore();
    }
    // and the one-slice reads decode as before: float32 kept, fill values masked, int64 exact
    const f32 = (await readNetcdfAssembly(path, { variable: 'f32', sliceBytes: 1 })).data;
    expect(f32).toBeInstanceOf(Float32Array);
    expect(Array.from(f32.subarray(20, 24))).toEqual([Number.NaN, -0, Math.fround(1e-45), Number.NEGATIVE_INFINITY]);
    expect(Object.is(f32[21], -0)).toBe(true);
    expect(f32[41]).toBe(Math.fround(Math.sin(41) * 1e3));
    const f64 = (await readNetcdfAssembly(path, { variable: 'f64_filled', sliceBytes: 1 })).data;
    expect(f64).toBeInstanceOf(Float64Array);
    expect(Array.from(f64.subarray(36, 42))).toEqual([36 / 7, 37 / 7, Number.NaN, 39 / 7, 40 / 7, 41 / 7]);
    const i64 = (await readNetcdfAssembly(path, { variable: 'i64', sliceBytes: 1 })).data;
    expect(i64).toBeInstanceOf(Float64Array);
    expect(i64[41]).toBe(41 * 1000003 - 2 ** 40);
  });

  it('names the flat index in the whole variable of an int64 beyond 2^53 in a later slice', async () => {
    const path = await buildSlicedFile();
    for (const sliceBytes of [1, 48 * 3, undefined]) {
      await expectInputFileError(
        readNetcdfAssembly(path, { variable: 'i64_huge', sliceBytes }),
        path,
        /data variable "i64_huge": 64-bit integer 1152921504606846976 at flat index 41 is beyond/,
      );
    }
  });

  it('rejects a sliceBytes that is not a positive, finite number', async () => {
    const path = files('assy_test_TestMe.nc');
    for (const sliceBytes of [0, -1, Number.NaN, Number.POSITIVE_INFINITY]) {
      await expect(readNetcdfAssembly(path, { sliceBytes })).rejects.toThrow(/options\.sliceBytes must be a positive, finite number of bytes/);
    }
  });
});

describe('writeNetcdfAssembly', () => {
  it('round-trips a Brain-Score file through our writer', async () => {
    const original = await readNetcdfAssembly(files('i1i2/alexnet-probabilities.nc'));
    const path = join(scratch, 'probabilities.nc');
    await writeNetcdfAssembly(path, original);
    const back = await readNetcdfAssembly(path);
    expect(back.dims).toEqual(original.dims);
    expect(back.shape).toEqual(original.shape);
    expect(back.data).toBeInstanceOf(Float32Array);
    expect(sha256(back.data)).toBe(sha256(original.data));
    expect(back.coords).toEqual(original.coords);
    expect(back.attrs).toEqual({ source_file: path });
  });

  it('writes float64 data, a dimension coordinate, numeric and string coordinates and attrs', async () => {
    const assembly: Assembly = {
      dims: ['presentation', 'neuroid', 'time_bin'],
      shape: [2, 3, 1],
      data: new Float64Array([0.1, -2, Number.NaN, 4e300, 5, 6]),
      coords: {
        stimulus_id: { dim: 'presentation', values: ['im0', 'bild-ä'] },
        repetition: { dim: 'presentation', values: [0, 1] },
        neuroid_id: { dim: 'neuroid', values: ['n0', 'n1', 'n2'] },
        x: { dim: 'neuroid', values: [0.5, -1.25, 1e-7] },
        time_bin: { dim: 'time_bin', values: [70] },
      },
      attrs: { identifier: 'toy.IT', version: 2, weights: [0.25, 0.75], regions: ['IT', 'V4'] },
    };
    const path = join(scratch, 'toy.nc');
    await writeNetcdfAssembly(path, assembly);
    const back = await readNetcdfAssembly(path);
    expect(back.dims).toEqual(assembly.dims);
    expect(back.shape).toEqual(assembly.shape);
    expect(back.data).toBeInstanceOf(Float64Array);
    expect(Array.from(back.data)).toEqual(Array.from(assembly.data));
    expect(back.coords).toEqual(assembly.coords);
    expect(back.attrs).toEqual({ ...assembly.attrs, source_file: path });
  });

  it('replaces an existing file and rejects inconsistent assemblies', async () => {
    const path = join(scratch, 'replace.nc');
    const one: Assembly = { dims: ['p'], shape: [1], data: new Float32Array([1]), coords: {} };
    await writeNetcdfAssembly(path, one);
    await writeNetcdfAssembly(path, { ...one, data: new Float32Array([2]) });
    expect(Array.from((await readNetcdfAssembly(path)).data)).toEqual([2]);
    await expect(writeNetcdfAssembly(path, { ...one, shape: [2] })).rejects.toThrow(RangeError);
    await expect(writeNetcdfAssembly(path, { ...one, coords: { c: { dim: 'q', values: [1] } } })).rejects.toThrow(/lies along "q", which is not one of \[p\]/);
    await expect(writeNetcdfAssembly(path, { ...one, coords: { c: { dim: 'p', values: [1, 2] } } })).rejects.toThrow(/has 2 values but dimension "p" has length 1/);
    await expect(writeNetcdfAssembly(path, { ...one, attrs: { _FillValue: 0 } })).rejects.toThrow(/reserved/);
    expect(Array.from((await readNetcdfAssembly(path)).data)).toEqual([2]); // untouched by the failed writes
  });
});
