/**
 * Writing assemblies as netCDF-4 files laid out the way xarray's `DataArray.to_netcdf` lays them out,
 * so that vvs, xarray and Brain-Score read them back.
 */
import type { Assembly, Coordinate } from '@vvs/core';
import type { Dataset, File as H5File } from 'h5wasm/node';
import { writeAtomically } from './files.ts';
import { writeHdf5 } from './hdf5.ts';
import {
  COORDINATES_ATTRIBUTE,
  PHANTOM_DIMENSION_PREFIX,
  PHANTOM_LENGTH_WIDTH,
  RESERVED_ATTRIBUTES,
  XARRAY_DATAARRAY_VARIABLE,
} from './netcdf-names.ts';

/** Options of {@link writeNetcdfAssembly}. */
export interface WriteNetcdfOptions {
  /** Name of the data variable; default `__xarray_dataarray_variable__`, xarray's name for an unnamed DataArray. */
  variable?: string;
  /**
   * Write the coordinate of this name as the data variable, as strings: the counterpart of
   * `readNetcdfAssembly`'s option of the same name, for Brain-Score's behavioural assemblies, whose
   * values are strings (each trial's choice). The assembly must be 1-D, the coordinate must lie
   * along its dimension and hold strings, and `data` must be NaN throughout (a number there would
   * otherwise be dropped). The coordinate is not written as a coordinate too.
   */
  stringValuesAs?: string;
}

/** HDF5 dtype strings (h5wasm spelling) of what the writer stores. */
const H5_DTYPE = { float32: '<f', float64: '<d', int32: '<i', int64: '<q', string: 'S' } as const;

/** The product of `shape`'s entries. */
function sizeOf(shape: readonly number[]): number {
  return shape.reduce((n, d) => n * d, 1);
}

/** Whether `name` can be an HDF5 link name at the root (`/` separates groups; `.` is the group itself). */
function isValidName(name: string): boolean {
  return name !== '' && name !== '.' && !name.includes('/');
}

/** Checks that the coordinate `name` can be written as the data variable of strings (see {@link WriteNetcdfOptions.stringValuesAs}). */
function checkStringValues(assembly: Assembly, name: string): void {
  const { dims, data, coords } = assembly;
  const coord = coords[name];
  if (coord === undefined) {
    throw new RangeError(`writeNetcdfAssembly: stringValuesAs names "${name}", which is not a coordinate (coordinates: ${Object.keys(coords).join(', ') || 'none'})`);
  }
  if (dims.length !== 1 || coord.dim !== dims[0]) {
    throw new RangeError(`writeNetcdfAssembly: string values need a 1-D assembly with "${name}" along its dimension, got dims [${dims.join(', ')}] and "${name}" along "${coord.dim}"`);
  }
  if (!(coord.values as readonly unknown[]).every((v) => typeof v === 'string')) {
    throw new TypeError(`writeNetcdfAssembly: coordinate "${name}" must hold only strings to be written as the data variable`);
  }
  if (!data.every(Number.isNaN)) {
    throw new RangeError(`writeNetcdfAssembly: with stringValuesAs, assembly.data must be NaN throughout (its numbers would not be written)`);
  }
}

/** Checks that `assembly` is self-consistent and storable; throws a RangeError/TypeError naming what is wrong. */
function checkAssembly(assembly: Assembly, variable: string): void {
  const { dims, shape, data, coords } = assembly;
  if (dims.length !== shape.length) {
    throw new RangeError(`writeNetcdfAssembly: assembly has ${dims.length} dims but shape has ${shape.length} entries`);
  }
  if (new Set(dims).size !== dims.length) throw new RangeError(`writeNetcdfAssembly: assembly.dims repeats a name: [${dims.join(', ')}]`);
  if (!shape.every((d) => Number.isSafeInteger(d) && d >= 0)) {
    throw new RangeError(`writeNetcdfAssembly: assembly.shape must be non-negative integers, got [${shape.join(', ')}]`);
  }
  if (sizeOf(shape) !== data.length) {
    throw new RangeError(`writeNetcdfAssembly: shape [${shape.join(', ')}] holds ${sizeOf(shape)} values but assembly.data has ${data.length}`);
  }
  if (!(data instanceof Float32Array || data instanceof Float64Array)) {
    throw new TypeError('writeNetcdfAssembly: assembly.data must be a Float32Array or a Float64Array');
  }
  for (const name of [variable, ...dims, ...Object.keys(coords)]) {
    if (!isValidName(name)) throw new RangeError(`writeNetcdfAssembly: "${name}" cannot be a netCDF name (empty, "." or containing "/")`);
  }
  if (dims.includes(variable) || variable in coords) {
    throw new RangeError(`writeNetcdfAssembly: the data variable's name "${variable}" is also a dimension or coordinate name`);
  }
  for (const [name, coord] of Object.entries(coords)) {
    const axis = dims.indexOf(coord.dim);
    if (axis < 0) throw new RangeError(`writeNetcdfAssembly: coordinate "${name}" lies along "${coord.dim}", which is not one of [${dims.join(', ')}]`);
    if (dims.includes(name) && name !== coord.dim) {
      throw new RangeError(`writeNetcdfAssembly: coordinate "${name}" lies along "${coord.dim}" but is named like a dimension; rename it`);
    }
    if (coord.values.length !== shape[axis]) {
      throw new RangeError(`writeNetcdfAssembly: coordinate "${name}" has ${coord.values.length} values but dimension "${coord.dim}" has length ${shape[axis]}`);
    }
    const kinds = new Set<string>(coord.values.map((v: string | number) => typeof v));
    if (kinds.size > 1 || (kinds.size === 1 && !kinds.has('string') && !kinds.has('number'))) {
      throw new TypeError(`writeNetcdfAssembly: coordinate "${name}" must hold only strings or only numbers`);
    }
  }
  for (const name of Object.keys(assembly.attrs ?? {})) {
    if (RESERVED_ATTRIBUTES.has(name)) throw new RangeError(`writeNetcdfAssembly: attribute "${name}" is reserved for netCDF/CF bookkeeping`);
  }
}

/**
 * Creates a 1-D variable from coordinate values: strings as variable-length UTF-8 strings (netCDF
 * `string`), integers as int64 when all are exact, other numbers as float64.
 */
function createCoordinate(file: H5File, name: string, coord: Coordinate): Dataset {
  const values = coord.values as readonly (string | number)[];
  if (values.length > 0 && typeof values[0] === 'string') return file.create_dataset({ name, data: values as string[] });
  const numbers = values as readonly number[];
  return numbers.every(Number.isSafeInteger)
    ? file.create_dataset({ name, data: BigInt64Array.from(numbers, BigInt), dtype: H5_DTYPE.int64 })
    : file.create_dataset({ name, data: Float64Array.from(numbers), dtype: H5_DTYPE.float64 });
}

/** Stores one `attrs` entry as an HDF5 attribute of `dataset`; only strings and numbers (or arrays of one of them) fit. */
function writeAttribute(dataset: Dataset, name: string, value: unknown): void {
  const list = Array.isArray(value) ? (value as unknown[]) : [value];
  if (list.length > 0 && list.every((v) => typeof v === 'string')) {
    dataset.create_attribute(name, Array.isArray(value) ? (list as string[]) : (value as string));
  } else if (list.length > 0 && list.every((v) => typeof v === 'number')) {
    const numbers = list as number[];
    if (numbers.every(Number.isSafeInteger)) dataset.create_attribute(name, BigInt64Array.from(numbers, BigInt), [numbers.length], H5_DTYPE.int64);
    else dataset.create_attribute(name, Float64Array.from(numbers), [numbers.length], H5_DTYPE.float64);
  } else {
    throw new TypeError(`writeNetcdfAssembly: attribute "${name}" must be a string, a number, or a non-empty array of one of them`);
  }
}

/**
 * Writes `assembly` as a netCDF-4 file in the layout of xarray's `DataArray.to_netcdf` (without
 * compression), which {@link readNetcdfAssembly}, `xarray.open_dataarray` and netCDF-C tools
 * (`ncdump`) read back:
 *
 * - each dimension is an HDF5 dimension scale: the coordinate of the same name when there is one (a
 *   netCDF dimension coordinate), else a phantom float32 dataset named as netCDF-C names them;
 * - every other coordinate is a 1-D variable with that dimension scale attached (`DIMENSION_LIST`) and
 *   is listed in the data variable's `coordinates` attribute;
 * - the data variable keeps its precision (float32 or float64), with all dimension scales attached;
 *   with `options.stringValuesAs`, it holds that coordinate's strings instead (as xarray writes a
 *   `BehavioralAssembly` of choices: netCDF-4 `string`, HDF5 variable-length UTF-8);
 * - string coordinates are variable-length UTF-8; integer coordinates int64, others float64;
 * - `assembly.attrs` become attributes of the data variable (strings, numbers, or arrays of one of them).
 *
 * The file is replaced atomically (written beside it, then renamed).
 *
 * @param path - the `.nc` file to create or replace.
 * @param assembly - the assembly; coordinates must lie along its dims and match their lengths.
 * @param options - see {@link WriteNetcdfOptions}.
 * @throws RangeError/TypeError for an inconsistent or unstorable assembly (or string values that
 *   do not fit {@link WriteNetcdfOptions.stringValuesAs}); Error when HDF5 fails.
 * @example
 * await writeNetcdfAssembly('activations.nc', {
 *   dims: ['presentation', 'neuroid'], shape: [2, 1], data: new Float32Array([0.5, 0.7]),
 *   coords: { stimulus_id: { dim: 'presentation', values: ['im0', 'im1'] } },
 * });
 *
 * // A behavioural assembly: one choice per trial, stored as the data variable's strings.
 * await writeNetcdfAssembly('trials.nc', {
 *   dims: ['presentation'], shape: [2], data: new Float64Array([NaN, NaN]),
 *   coords: { stimulus_id: { dim: 'presentation', values: ['im0', 'im1'] }, values: { dim: 'presentation', values: ['dog', 'cat'] } },
 * }, { stringValuesAs: 'values' });
 */
export async function writeNetcdfAssembly(path: string, assembly: Assembly, options: WriteNetcdfOptions = {}): Promise<void> {
  const variable = options.variable ?? XARRAY_DATAARRAY_VARIABLE;
  const { stringValuesAs } = options;
  checkAssembly(assembly, variable);
  if (stringValuesAs !== undefined) checkStringValues(assembly, stringValuesAs);
  const { dims, shape } = assembly;
  const coords = Object.fromEntries(Object.entries(assembly.coords).filter(([name]) => name !== stringValuesAs));
  await writeAtomically(path, (temporary) =>
    writeHdf5(temporary, (file) => {
      dims.forEach((dim, axis) => {
        const coordinate = coords[dim];
        const scale = coordinate !== undefined ? createCoordinate(file, dim, coordinate) : file.create_dataset({ name: dim, data: new Float32Array(shape[axis]), dtype: H5_DTYPE.float32 });
        scale.make_scale(coordinate !== undefined ? dim : `${PHANTOM_DIMENSION_PREFIX}${String(shape[axis]).padStart(PHANTOM_LENGTH_WIDTH)}`);
        // netCDF-C numbers dimensions by this attribute (netCDF ≥ 4.4), in creation order
        scale.create_attribute('_Netcdf4Dimid', new Int32Array([axis]), [], H5_DTYPE.int32);
      });
      const auxiliary = Object.keys(coords).filter((name) => !dims.includes(name));
      for (const name of auxiliary) createCoordinate(file, name, coords[name]).attach_scale(0, `/${coords[name].dim}`);
      const data =
        stringValuesAs === undefined
          ? file.create_dataset({
              name: variable,
              data: assembly.data,
              shape: [...shape],
              dtype: assembly.data instanceof Float32Array ? H5_DTYPE.float32 : H5_DTYPE.float64,
            })
          : file.create_dataset({ name: variable, data: assembly.coords[stringValuesAs].values as string[], shape: [...shape], dtype: H5_DTYPE.string });
      dims.forEach((dim, axis) => data.attach_scale(axis, `/${dim}`));
      if (auxiliary.length > 0) data.create_attribute(COORDINATES_ATTRIBUTE, auxiliary.join(' '));
      for (const [name, value] of Object.entries(assembly.attrs ?? {})) writeAttribute(data, name, value);
    }),
  );
}
