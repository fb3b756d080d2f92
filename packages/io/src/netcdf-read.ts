/**
 * Reading Brain-Score assemblies from netCDF-4 files, as Brain-Score does with
 * `xarray.open_dataarray` (after which it regroups coordinates into MultiIndexes, which vvs leaves
 * flat). netCDF-4 is HDF5 underneath; h5wasm reads it, including shuffle + deflate compressed chunks.
 */
import type { Assembly, Coordinate } from '@vvs/core';
import type { Attribute, Dataset, File as H5File } from 'h5wasm/node';
import { InputFileError } from './errors.ts';
import { readHdf5, type H5wasm } from './hdf5.ts';
import {
  CONVENTIONAL_DATA_NAMES,
  COORDINATES_ATTRIBUTE,
  DIMENSION_SCALE_CLASS,
  PHANTOM_DIMENSION_PREFIX,
  RESERVED_ATTRIBUTES,
} from './netcdf-names.ts';
import { exactNumber, isNumericArray, type NumericArray } from './numeric.ts';

/**
 * Default bytes of the data variable read per HDF5 call (see {@link ReadNetcdfOptions.sliceBytes}).
 * A 4 MiB slice fits in the free part of the WebAssembly memory h5wasm starts with, so reading never
 * grows that memory (measured on a 103 MiB float32 variable: it stays at 18.4 MiB, against 127 MiB
 * for a whole read; 16 MiB slices grow it to 22 MiB and leave more garbage copies for the GC), while
 * slices are still large enough that the per-call overhead does not show in the read time.
 */
const DEFAULT_SLICE_BYTES = 4 * 2 ** 20;

/** Options of {@link readNetcdfAssembly}. */
export interface ReadNetcdfOptions {
  /**
   * Name of the data variable. By default it is found as described in {@link readNetcdfAssembly};
   * give it when a file holds several candidates.
   */
  variable?: string;
  /**
   * Memory/speed knob: the most bytes of the data variable HDF5 reads at a time, as whole rows along
   * its first dimension (at least one row, and whole chunks of a chunked variable). Each slice passes
   * through h5wasm's WebAssembly heap, which never shrinks, so this bounds what the read leaves
   * resident there. Default 4 MiB ({@link DEFAULT_SLICE_BYTES}).
   */
  sliceBytes?: number;
  /**
   * The name of the coordinate that receives the values of a data variable of strings. `Assembly`
   * values are numbers, but Brain-Score's behavioural assemblies (`BehavioralAssembly`, 1-D over
   * `presentation`) hold strings: each trial's value is the subject's choice. With this option such
   * a file reads as an assembly whose strings form a coordinate of this name along the data
   * variable's dimension, and whose `data` is NaN throughout. Without it, a data variable of strings
   * is an error, so that code expecting numbers never receives a silent array of NaN. A numeric data
   * variable is read as usual whether or not the option is given.
   */
  stringValuesAs?: string;
}

/**
 * HDF5's datatype class of strings (`H5T_STRING` in `H5Tpublic.h`'s `H5T_class_t`), as h5wasm
 * reports it in `metadata.type`: fixed-length and variable-length (netCDF-4 `string`) alike.
 */
const HDF5_STRING_CLASS = 3;

/** A netCDF variable: an HDF5 dataset that is not a phantom dimension scale. */
interface Variable {
  readonly name: string;
  readonly dataset: Dataset;
  readonly attrs: Record<string, Attribute>;
  readonly shape: number[];
  /** Its dimension names, or `undefined` when the dataset carries no dimension scales. */
  readonly dims: string[] | undefined;
  /** Whether it is a dimension coordinate (a dimension scale holding values, named like its dimension). */
  readonly isDimensionCoordinate: boolean;
}

/** The string value of attribute `name`, if it holds one string. */
function stringAttribute(attrs: Record<string, Attribute>, name: string): string | undefined {
  const value = attrs[name]?.value;
  if (typeof value === 'string') return value;
  return Array.isArray(value) && value.length === 1 && typeof value[0] === 'string' ? value[0] : undefined;
}

/** The numbers held by attribute `name` (none when it is absent or not numeric). */
function numericAttribute(attrs: Record<string, Attribute>, name: string): number[] {
  const value = attrs[name]?.value;
  if (typeof value === 'number' || typeof value === 'bigint') return [Number(value)];
  return isNumericArray(value) ? Array.from(value as ArrayLike<number | bigint>, Number) : [];
}

/** An attribute as a JSON-compatible value; netCDF stores scalars as length-1 arrays, so those are unwrapped. */
function attributeValue(attribute: Attribute): unknown {
  const value = attribute.json_value;
  return Array.isArray(value) && value.length === 1 ? value[0] : value;
}

/** The names of the dimension scales attached to each axis of `dataset` (its `DIMENSION_LIST`). */
function attachedDimensions(dataset: Dataset, attrs: Record<string, Attribute>, rank: number): string[] | undefined {
  if (rank === 0) return [];
  const list = attrs.DIMENSION_LIST?.value;
  if (!Array.isArray(list) || list.length !== rank) return undefined;
  const names: string[] = [];
  for (const references of list) {
    const reference = Array.isArray(references) ? references[0] : undefined;
    if (reference === undefined || typeof reference !== 'object') return undefined;
    const target = dataset.dereference(reference as Parameters<Dataset['dereference']>[0]);
    const targetPath = target !== null && 'path' in target ? target.path : undefined;
    if (typeof targetPath !== 'string') return undefined;
    names.push(targetPath.slice(targetPath.lastIndexOf('/') + 1));
  }
  return names;
}

/** Lists the root group's variables, skipping netCDF-C's phantom dimension datasets. */
function inventory(file: H5File, h5: H5wasm): Variable[] {
  const variables: Variable[] = [];
  for (const name of file.keys()) {
    const dataset = file.get(name);
    if (!(dataset instanceof h5.Dataset)) continue; // groups, links and named datatypes are not variables
    const attrs = dataset.attrs;
    const shape = dataset.shape ?? [];
    const isScale = stringAttribute(attrs, 'CLASS') === DIMENSION_SCALE_CLASS && shape.length === 1;
    if (isScale && (stringAttribute(attrs, 'NAME') ?? '').startsWith(PHANTOM_DIMENSION_PREFIX)) continue;
    const dims = isScale ? [name] : attachedDimensions(dataset, attrs, shape.length);
    variables.push({ name, dataset, attrs, shape, dims, isDimensionCoordinate: isScale });
  }
  return variables;
}

/**
 * Picks the data variable. Candidates are the variables that are neither dimension coordinates nor
 * listed in any variable's `coordinates` attribute; among several, prefer one that has a
 * `coordinates` attribute, then the highest rank, then a conventional name
 * (`__xarray_dataarray_variable__`, `data`).
 */
function chooseDataVariable(path: string, variables: readonly Variable[], requested: string | undefined): Variable {
  const names = variables.map((v) => v.name).join(', ') || 'none';
  if (requested !== undefined) {
    const found = variables.find((v) => v.name === requested);
    if (found === undefined) throw new InputFileError(path, `no variable "${requested}" (variables: ${names})`);
    return found;
  }
  const listed = new Set(variables.flatMap((v) => (stringAttribute(v.attrs, COORDINATES_ATTRIBUTE) ?? '').split(/\s+/)));
  let candidates = variables.filter((v) => !v.isDimensionCoordinate && !listed.has(v.name));
  if (candidates.length === 0) throw new InputFileError(path, `no data variable: every variable is a coordinate (variables: ${names})`);
  const narrow = (keep: (v: Variable) => boolean) => {
    const kept = candidates.filter(keep);
    if (kept.length > 0) candidates = kept;
  };
  narrow((v) => v.attrs[COORDINATES_ATTRIBUTE] !== undefined);
  const rank = Math.max(...candidates.map((v) => v.shape.length));
  narrow((v) => v.shape.length === rank);
  for (const conventional of CONVENTIONAL_DATA_NAMES) narrow((v) => v.name === conventional);
  if (candidates.length > 1) {
    throw new InputFileError(path, `several candidate data variables (${candidates.map((v) => v.name).join(', ')}); choose one with the variable option`);
  }
  return candidates[0];
}

/** The CF packing of a variable's values (CF Conventions §2.5.1 and §8.1), as its attributes give it. */
interface CfEncoding {
  /** `_FillValue` and `missing_value` entries (NaN ones dropped: NaN already reads as missing). */
  readonly fills: readonly number[];
  /** `scale_factor` (1 when absent). */
  readonly scale: number;
  /** `add_offset` (0 when absent). */
  readonly offset: number;
}

/** The CF encoding that `attrs` declare. */
function cfEncoding(attrs: Record<string, Attribute>): CfEncoding {
  const fills = [...numericAttribute(attrs, '_FillValue'), ...numericAttribute(attrs, 'missing_value')].filter((f) => !Number.isNaN(f));
  const [scale = 1] = numericAttribute(attrs, 'scale_factor');
  const [offset = 0] = numericAttribute(attrs, 'add_offset');
  return { fills, scale, offset };
}

/** float32 values that need no unpacking stay float32 (activations are large); everything else becomes float64. */
function decodedArrayType(values: NumericArray, { scale, offset }: CfEncoding): Float32ArrayConstructor | Float64ArrayConstructor {
  return values instanceof Float32Array && scale === 1 && offset === 0 ? Float32Array : Float64Array;
}

/**
 * Writes `values`, decoded as xarray's `decode_cf` does, into `out` from index `at`: values equal to a
 * fill value become NaN, then `scale_factor` and `add_offset` unpack them. 64-bit integers must fit a JS
 * number exactly ({@link exactNumber}); when `values` is one slice of a variable, an error names the
 * flat index in the whole variable.
 */
function decodeInto(
  values: NumericArray,
  { fills, scale, offset }: CfEncoding,
  out: Float32Array | Float64Array,
  at: number,
  path: string,
  what: string,
): void {
  const wide = values instanceof BigInt64Array || values instanceof BigUint64Array;
  if (!wide && fills.length === 0 && scale === 1 && offset === 0) {
    out.set(values, at);
    return;
  }
  for (let i = 0; i < values.length; i++) {
    const v = exactNumber(values[i], path, what, at + i);
    out[at + i] = fills.includes(v) ? Number.NaN : v * scale + offset;
  }
}

/** `values` decoded as {@link decodeInto} does, in a new array of {@link decodedArrayType}. */
function decodeNumbers(values: NumericArray, attrs: Record<string, Attribute>, path: string, what: string): Float32Array | Float64Array {
  const encoding = cfEncoding(attrs);
  const out = new (decodedArrayType(values, encoding))(values.length);
  decodeInto(values, encoding, out, 0, path, what);
  return out;
}

/** The values of a 1-D coordinate variable, decoded. */
function coordinateValues(path: string, variable: Variable): string[] | number[] {
  const value = variable.dataset.value;
  if (Array.isArray(value) && value.every((v) => typeof v === 'string')) return value as string[];
  if (isNumericArray(value)) return Array.from(decodeNumbers(value, variable.attrs, path, `coordinate "${variable.name}"`));
  throw new InputFileError(path, `coordinate "${variable.name}" has an unsupported HDF5 type (${JSON.stringify(variable.dataset.dtype)})`);
}

/**
 * How many rows (indices along the first dimension) of `data` to read at a time: as many as fit in
 * `sliceBytes`, at least one, and, for a chunked variable, whole chunks, because HDF5 inflates a
 * whole chunk to read any part of it.
 */
function rowsPerSlice(data: Variable, sliceBytes: number): number {
  const { size, chunks } = data.dataset.metadata;
  const rowBytes = data.shape.slice(1).reduce((n, d) => n * d, size);
  const rows = Math.max(1, Math.floor(sliceBytes / Math.max(rowBytes, 1)));
  const chunkRows = chunks?.[0] ?? 1;
  return Math.max(chunkRows, rows - (rows % chunkRows));
}

/**
 * Reads and decodes the data variable in slices along its first dimension, straight into one array
 * of the final type. h5wasm copies what it reads through the WebAssembly heap, which never shrinks,
 * so reading the variable whole would leave a second copy of it resident for the life of the process.
 */
function readDataValues(path: string, data: Variable, sliceBytes: number): Float32Array | Float64Array {
  const what = `data variable "${data.name}"`;
  const { dataset, shape } = data;
  const encoding = cfEncoding(data.attrs);
  const rows = shape[0] ?? 1;
  const step = rowsPerSlice(data, sliceBytes);
  let out: Float32Array | Float64Array | undefined;
  let start = 0;
  let at = 0;
  // at least one read, even of an empty variable: the first slice decides the result's type
  do {
    // a scalar has no axis to slice along
    const raw = shape.length === 0 ? dataset.value : dataset.slice([[start, Math.min(start + step, rows)]]);
    if (!isNumericArray(raw)) {
      throw new InputFileError(path, `${what} is not numeric (HDF5 type ${JSON.stringify(dataset.dtype)})`);
    }
    out ??= new (decodedArrayType(raw, encoding))(shape.reduce((n, d) => n * d, 1));
    decodeInto(raw, encoding, out, at, path, what);
    at += raw.length;
    start += step;
  } while (start < rows);
  return out;
}

/**
 * The values of a data variable of strings (a behavioural assembly's choices), read whole: such
 * variables are 1-D, one short string per trial, so slicing would gain nothing.
 */
function readStringValues(path: string, data: Variable): string[] {
  const what = `data variable "${data.name}"`;
  if (data.shape.length !== 1) {
    throw new InputFileError(path, `${what} holds strings over ${data.shape.length} dimensions; only a 1-D one can become a coordinate`);
  }
  const values = data.dataset.value;
  if (!Array.isArray(values) || !values.every((v) => typeof v === 'string')) {
    throw new InputFileError(path, `${what} has an HDF5 string type but did not read as strings (${JSON.stringify(data.dataset.dtype)})`);
  }
  return values as string[];
}

/**
 * The coordinates of the data variable: every other variable that lies along exactly one of its
 * dimensions. xarray renames a coordinate that clashes with a dimension name by appending `_`
 * (`choice` → `choice_`); such a coordinate gets the dimension's name back.
 */
function readCoordinates(path: string, variables: readonly Variable[], data: Variable, dims: readonly string[]): Record<string, Coordinate> {
  const listed = new Set((stringAttribute(data.attrs, COORDINATES_ATTRIBUTE) ?? '').split(/\s+/).filter((s) => s !== ''));
  const along = variables.filter((v) => v !== data && v.dims?.length === 1 && dims.includes(v.dims[0]));
  for (const name of listed) {
    const variable = variables.find((v) => v.name === name);
    if (variable === undefined) throw new InputFileError(path, `coordinate "${name}" listed by "${data.name}" does not exist`);
    if (!along.includes(variable)) {
      throw new InputFileError(path, `coordinate "${name}" has dims (${variable.dims?.join(', ') ?? 'unnamed'}); only 1-D coordinates along (${dims.join(', ')}) are supported`);
    }
  }
  const taken = new Set(along.map((v) => v.name));
  const coords: Record<string, Coordinate> = {};
  for (const variable of along) {
    const dim = variable.dims![0];
    const expected = data.shape[dims.indexOf(dim)];
    if (variable.shape[0] !== expected) {
      throw new InputFileError(path, `coordinate "${variable.name}" has ${variable.shape[0]} values but dimension "${dim}" has length ${expected}`);
    }
    const base = variable.name.slice(0, -1);
    const name = variable.name.endsWith('_') && dims.includes(base) && !taken.has(base) ? base : variable.name;
    coords[name] = { dim, values: coordinateValues(path, variable) };
  }
  return coords;
}

/**
 * Reads the assembly stored in a netCDF-4 file, as `xarray.open_dataarray(path)` does for the files
 * Brain-Score writes (`DataAssembly.to_netcdf` after resetting its MultiIndexes) and ships.
 *
 * - The data variable is `options.variable` if given; otherwise the variable that is not listed as a
 *   coordinate (ties: the one with a `coordinates` attribute, then the highest rank, then the name
 *   `__xarray_dataarray_variable__` or `data`).
 * - Its dimensions come from its HDF5 `DIMENSION_LIST`; netCDF-C's phantom dimension datasets
 *   ("This is a netCDF dimension but not a netCDF variable") are dimensions, not variables.
 * - Coordinates are the other variables lying along one of those dimensions, including dimension
 *   coordinates (like `stimulus_path` in old activation files). A coordinate that xarray renamed with a
 *   trailing `_` because it clashed with a dimension name (`choice_`) is returned under the
 *   dimension's name (`choice`). Other names are kept as stored: old files key stimuli by `image_id`
 *   or `stimulus_path` (see `stimulusKey` in `@vvs/core`).
 * - Values are decoded as xarray's `decode_cf` does: `_FillValue`/`missing_value` → NaN,
 *   `scale_factor`/`add_offset` applied. float32 data stays `Float32Array` (activations are large);
 *   integer and float64 data become `Float64Array`; 64-bit integers must fit a JS number exactly.
 *   Strings (variable- or fixed-length UTF-8) stay strings. Time units are not decoded. The data
 *   variable is read in slices of `options.sliceBytes` straight into the result, so the read needs
 *   about one copy of the data, not three (HDF5's WebAssembly heap, h5wasm's copy of it, the result).
 * - A 1-D data variable of strings (Brain-Score's behavioural assemblies: values = the subject's
 *   choice, written by xarray as netCDF-4 `string`, i.e. HDF5 variable-length UTF-8) is read only
 *   with `options.stringValuesAs`: its strings become the coordinate of that name and `data` is NaN.
 * - `attrs` holds the data variable's own attributes (netCDF/CF bookkeeping removed, length-1 arrays
 *   unwrapped) plus `source_file`: the path read.
 *
 * @param path - the `.nc` file.
 * @param options - see {@link ReadNetcdfOptions}.
 * @throws {@link InputFileError} (message starting with `path`) for a missing, non-HDF5 (netCDF-3
 *   included), truncated or corrupt file, a file without a data variable, or unsupported contents
 *   (2-D coordinates, compound types, integers beyond 2^53), a data variable of strings without
 *   `stringValuesAs`, of more than one dimension, or whose `stringValuesAs` names an existing
 *   coordinate; RangeError for a `sliceBytes` that is not a positive, finite number or an empty
 *   `stringValuesAs`.
 * @example
 * const assembly = await readNetcdfAssembly('assy_test_TestMe.nc');
 * assembly.dims; // ['presentation', 'neuroid']
 * assembly.coords.stimulus_id.values; // ['n0', 'n1', 'n1', 'n0', 'n4', 'n9']
 *
 * const trials = await readNetcdfAssembly('assy_dicarlo_Rajalingham2018_public.nc', { stringValuesAs: 'values' });
 * trials.coords.values.values[0]; // the first trial's choice, e.g. 'dog'
 */
export async function readNetcdfAssembly(path: string, options: ReadNetcdfOptions = {}): Promise<Assembly> {
  const { sliceBytes = DEFAULT_SLICE_BYTES, stringValuesAs } = options;
  if (!Number.isFinite(sliceBytes) || sliceBytes <= 0) {
    throw new RangeError(`readNetcdfAssembly: options.sliceBytes must be a positive, finite number of bytes, got ${sliceBytes}`);
  }
  if (stringValuesAs !== undefined && (typeof stringValuesAs !== 'string' || stringValuesAs === '')) {
    throw new RangeError(`readNetcdfAssembly: options.stringValuesAs must be a non-empty coordinate name, got ${JSON.stringify(stringValuesAs)}`);
  }
  return readHdf5(path, (file, h5) => {
    const variables = inventory(file, h5);
    const data = chooseDataVariable(path, variables, options.variable);
    const dims = data.dims;
    if (dims === undefined) {
      throw new InputFileError(path, `data variable "${data.name}" has no DIMENSION_LIST, so its dimensions are unnamed (not written by netCDF or xarray?)`);
    }
    const repeated = dims.find((d, i) => dims.indexOf(d) !== i);
    if (repeated !== undefined) throw new InputFileError(path, `data variable "${data.name}" uses dimension "${repeated}" twice`);
    const attrs: Record<string, unknown> = {};
    for (const [name, attribute] of Object.entries(data.attrs)) {
      if (!RESERVED_ATTRIBUTES.has(name)) attrs[name] = attributeValue(attribute);
    }
    attrs.source_file = path;
    const coords = readCoordinates(path, variables, data, dims);
    if (data.dataset.metadata.type !== HDF5_STRING_CLASS) {
      return { dims, shape: data.shape, data: readDataValues(path, data, sliceBytes), coords, attrs };
    }
    if (stringValuesAs === undefined) {
      throw new InputFileError(
        path,
        `data variable "${data.name}" holds strings (a behavioural assembly's choices?); read them as a coordinate with the stringValuesAs option`,
      );
    }
    if (coords[stringValuesAs] !== undefined) {
      throw new InputFileError(path, `stringValuesAs "${stringValuesAs}" names an existing coordinate; choose another name for the data variable's strings`);
    }
    const strings = readStringValues(path, data);
    coords[stringValuesAs] = { dim: dims[0], values: strings };
    return { dims, shape: data.shape, data: new Float64Array(strings.length).fill(Number.NaN), coords, attrs };
  });
}
