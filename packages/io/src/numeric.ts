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

/**
 * Copies `values` into a new `Float64Array`. 64-bit integers must fit a JS number exactly
 * (|v| ≤ 2^53 − 1, `Number.MAX_SAFE_INTEGER`); a larger one is an error rather than a silent rounding.
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
  const limit = BigInt(Number.MAX_SAFE_INTEGER);
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (v > limit || v < -limit) {
      throw new InputFileError(file, `${what}: 64-bit integer ${v} at flat index ${i} is beyond ±(2^53 − 1) and has no exact JS number`);
    }
    out[i] = Number(v);
  }
  return out;
}
