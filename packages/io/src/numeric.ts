/**
 * Conversion of the typed arrays that file readers produce into the `Float64Array`s that vvs computes on.
 */
import { InputFileError } from './errors.ts';

/** Every typed array a reader may get numbers in (HDF5 integer and float classes, NumPy dtypes). */
export type NumericArray =
  | Int8Array
  | Uint8Array
  | Int16Array
  | Uint16Array
  | Int32Array
  | Uint32Array
  | BigInt64Array
  | BigUint64Array
  | Float32Array
  | Float64Array;

/** Whether `value` is one of the typed arrays in {@link NumericArray} (not a DataView or a plain array). */
export function isNumericArray(value: unknown): value is NumericArray {
  return ArrayBuffer.isView(value) && !(value instanceof DataView) && !(value instanceof Uint8ClampedArray);
}

/** The largest magnitude a 64-bit integer may have to be represented exactly by a JS number. */
const SAFE_INTEGER_LIMIT = BigInt(Number.MAX_SAFE_INTEGER);

/**
 * One value read from a file as a JS number; 64-bit integers must fit exactly
 * (|v| ≤ 2^53 − 1, `Number.MAX_SAFE_INTEGER`): a larger one is an error, not a silent rounding.
 *
 * @param index - its flat index in the whole variable, for the error message.
 * @throws {@link InputFileError} when a 64-bit integer is beyond ±(2^53 − 1).
 * @example
 * exactNumber(2n ** 40n, 'a.nc', 'variable "data"', 0); // 1099511627776
 */
export function exactNumber(value: number | bigint, file: string, what: string, index: number): number {
  if (typeof value === 'number') return value;
  if (value > SAFE_INTEGER_LIMIT || value < -SAFE_INTEGER_LIMIT) {
    throw new InputFileError(file, `${what}: 64-bit integer ${value} at flat index ${index} is beyond ±(2^53 − 1) and has no exact JS number`);
  }
  return Number(value);
}

/**
 * Copies `values` into a new `Float64Array`, converting 64-bit integers with {@link exactNumber}.
 *
 * @param values - numbers as read from a file.
 * @param file - the file they came from, for the error message.
 * @param what - what they are (`'variable "data"'`), for the error message.
 * @throws {@link InputFileError} when a 64-bit integer is beyond ±(2^53 − 1).
 * @example
 * toFloat64Array(new BigInt64Array([1n, 2n]), 'a.nc', 'variable "data"'); // Float64Array [1, 2]
 */
export function toFloat64Array(values: NumericArray, file: string, what: string): Float64Array {
  if (!(values instanceof BigInt64Array || values instanceof BigUint64Array)) return new Float64Array(values);
  const out = new Float64Array(values.length);
  for (let i = 0; i < values.length; i++) out[i] = exactNumber(values[i], file, what, i);
  return out;
}
