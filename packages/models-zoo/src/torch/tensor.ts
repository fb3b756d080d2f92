/**
 * The tensor type of a PyTorch state dict as vvs holds it: a dense, row-major (C-contiguous) array
 * with a shape and the dtype its storage had in the checkpoint. Floating tensors are always held as
 * float32 — the precision vvs computes in — whatever their stored precision; integer and boolean
 * tensors keep their values exactly.
 */

/**
 * Element types of the storages `torch.save` writes that vvs reads, named as `torch.dtype`
 * (`torch.float32` …): one per storage class (`torch.FloatStorage` is `float32`, `torch.HalfStorage`
 * `float16`, `torch.BFloat16Storage` `bfloat16`, `torch.DoubleStorage` `float64`, `torch.LongStorage`
 * `int64`, `torch.IntStorage` `int32`, `torch.ByteStorage` `uint8`, `torch.BoolStorage` `bool`).
 */
export type Dtype = FloatDtype | 'int64' | 'int32' | 'uint8' | 'bool';

/** The floating dtypes; their tensors hold float32 values (exact for float16/bfloat16, rounded for float64). */
export type FloatDtype = 'float32' | 'float16' | 'bfloat16' | 'float64';

/** A floating tensor: `data` is float32 whatever the stored precision `dtype`. */
export interface FloatTensor {
  readonly dtype: FloatDtype;
  readonly shape: readonly number[];
  readonly data: Float32Array;
}

/** An int64 tensor (`num_batches_tracked`, index buffers), held exactly. */
export interface Int64Tensor {
  readonly dtype: 'int64';
  readonly shape: readonly number[];
  readonly data: BigInt64Array;
}

/** An int32 tensor. */
export interface Int32Tensor {
  readonly dtype: 'int32';
  readonly shape: readonly number[];
  readonly data: Int32Array;
}

/** A uint8 or bool tensor (bool as 0/1 bytes, as torch stores it). */
export interface ByteTensor {
  readonly dtype: 'uint8' | 'bool';
  readonly shape: readonly number[];
  readonly data: Uint8Array;
}

/**
 * A dense row-major tensor of a state dict. Narrow on `dtype` to get the typed `data`:
 * `if (t.dtype === 'int64') t.data // BigInt64Array`. `data.length` is the product of `shape`
 * (1 for a scalar, `shape = []`). `data` may be a view over a storage shared with other tensors of
 * the same checkpoint, as torch's tensors are: copy it before writing into it.
 */
export type Tensor = FloatTensor | Int64Tensor | Int32Tensor | ByteTensor;

/** The tensor type of each dtype. */
export interface TensorOfDtype {
  float32: FloatTensor;
  float16: FloatTensor;
  bfloat16: FloatTensor;
  float64: FloatTensor;
  int64: Int64Tensor;
  int32: Int32Tensor;
  uint8: ByteTensor;
  bool: ByteTensor;
}

/** What `data` must be for each dtype: `TensorData<'int64'>` is `BigInt64Array`. */
export type TensorData<D extends Dtype> = TensorOfDtype[D]['data'];

/** Bytes per element of each dtype in a torch storage. */
export const DTYPE_ITEM_SIZE: Readonly<Record<Dtype, number>> = {
  float32: 4,
  float16: 2,
  bfloat16: 2,
  float64: 8,
  int64: 8,
  int32: 4,
  uint8: 1,
  bool: 1,
};

/** Whether `dtype` is one of the floating dtypes (held as float32). */
export function isFloatDtype(dtype: Dtype): dtype is FloatDtype {
  return dtype === 'float32' || dtype === 'float16' || dtype === 'bfloat16' || dtype === 'float64';
}

/**
 * Number of elements of a tensor of this shape (`torch.Size.numel()`): 1 for a scalar (`[]`).
 *
 * @throws RangeError when a dimension is not a non-negative integer.
 * @example
 * numel([64, 3, 7, 7]); // 9408
 * numel([]);            // 1
 */
export function numel(shape: readonly number[]): number {
  let n = 1;
  for (const d of shape) {
    if (!Number.isSafeInteger(d) || d < 0) throw new RangeError(`shape: dimensions must be non-negative integers, got [${shape.join(', ')}]`);
    n *= d;
  }
  return n;
}

/**
 * Strides (in elements) of a C-contiguous tensor of this shape, as `torch.empty(shape).stride()`.
 *
 * @example
 * contiguousStrides([64, 3, 7, 7]); // [147, 49, 7, 1]
 */
export function contiguousStrides(shape: readonly number[]): number[] {
  const strides = new Array<number>(shape.length);
  let s = 1;
  for (let d = shape.length - 1; d >= 0; d--) {
    strides[d] = s;
    s *= shape[d];
  }
  return strides;
}

/** The typed-array constructor of each dtype's `data`. */
const DATA_CONSTRUCTOR = {
  float32: Float32Array,
  float16: Float32Array,
  bfloat16: Float32Array,
  float64: Float32Array,
  int64: BigInt64Array,
  int32: Int32Array,
  uint8: Uint8Array,
  bool: Uint8Array,
} as const;

/**
 * A tensor checked for consistency: `data` has the array type of `dtype` (see {@link Tensor}) and
 * `shape`'s number of elements.
 *
 * @throws TypeError when `data` is not the array type `dtype` needs; RangeError when its length is
 *   not the product of `shape`.
 * @example
 * const w = tensor('float32', [2, 2], new Float32Array([1, 0, 0, 1]));
 * const n = tensor('int64', [], new BigInt64Array([0n]));
 */
export function tensor<D extends Dtype>(dtype: D, shape: readonly number[], data: TensorData<D>): TensorOfDtype[D] {
  const expected = DATA_CONSTRUCTOR[dtype];
  if (expected === undefined) throw new TypeError(`dtype: expected one of ${Object.keys(DATA_CONSTRUCTOR).join(', ')}, got '${dtype}'`);
  if (!(data instanceof expected)) {
    throw new TypeError(`data: a ${dtype} tensor holds a ${expected.name}, got ${(data as object).constructor.name}`);
  }
  const n = numel(shape);
  if (data.length !== n) throw new RangeError(`data: shape [${shape.join(', ')}] has ${n} elements, data has ${data.length}`);
  return { dtype, shape: [...shape], data } as unknown as TensorOfDtype[D];
}

/** Bit layout of IEEE 754 binary16: 5 exponent bits (bias 15), 10 fraction bits. */
const HALF_EXPONENT_MASK = 0x7c00;
const HALF_FRACTION_MASK = 0x03ff;
const HALF_EXPONENT_BIAS = 15;
const HALF_FRACTION_BITS = 10;
/** binary32: exponent bias 127, 23 fraction bits. */
const FLOAT_EXPONENT_BIAS = 127;
const FLOAT_FRACTION_BITS = 23;
/** 2^-24, the smallest positive binary16 subnormal: subnormals are `fraction × 2^-24`. */
const HALF_SUBNORMAL_UNIT = 2 ** -24;

/** Shared scratch for reinterpreting float32 bits. */
const scratchFloat = new Float32Array(1);
const scratchBits = new Uint32Array(scratchFloat.buffer);

/**
 * float32 value of an IEEE 754 binary16 bit pattern (exact: every half is a float). Used for
 * `torch.HalfStorage`.
 *
 * @example
 * halfToFloat(0x3c00); // 1
 */
export function halfToFloat(bits: number): number {
  const sign = bits & 0x8000 ? -1 : 1;
  const exponent = (bits & HALF_EXPONENT_MASK) >> HALF_FRACTION_BITS;
  const fraction = bits & HALF_FRACTION_MASK;
  if (exponent === 0) return sign * fraction * HALF_SUBNORMAL_UNIT;
  if (exponent === 0x1f) return fraction === 0 ? sign * Infinity : NaN;
  return sign * (1 + fraction / (1 << HALF_FRACTION_BITS)) * 2 ** (exponent - HALF_EXPONENT_BIAS);
}

/**
 * IEEE 754 binary16 bit pattern nearest to `value` (round half to even, overflow to ±Infinity), as
 * `torch.Tensor.half()` rounds.
 *
 * @example
 * floatToHalf(1);      // 0x3c00
 * floatToHalf(65520);  // 0x7c00 (Infinity)
 */
export function floatToHalf(value: number): number {
  scratchFloat[0] = value;
  const f = scratchBits[0];
  const sign = (f >>> 16) & 0x8000;
  const exponent = (f >>> FLOAT_FRACTION_BITS) & 0xff;
  const fraction = f & 0x7fffff;
  if (exponent === 0xff) return sign | HALF_EXPONENT_MASK | (fraction ? 0x200 : 0);
  const unbiased = exponent - FLOAT_EXPONENT_BIAS;
  if (unbiased > HALF_EXPONENT_BIAS) return sign | HALF_EXPONENT_MASK;
  // Mantissa with its implicit leading 1, and how many low bits the half format drops.
  let mantissa: number;
  let shift: number;
  let halfExponent: number;
  if (unbiased < 1 - HALF_EXPONENT_BIAS) {
    // Subnormal (or zero) half: the value is mantissa × 2^-24 after shifting.
    if (exponent === 0) return sign;
    mantissa = fraction | 0x800000;
    shift = FLOAT_FRACTION_BITS - HALF_FRACTION_BITS + (1 - HALF_EXPONENT_BIAS - unbiased);
    halfExponent = 0;
    if (shift > 24) return sign;
  } else {
    mantissa = fraction;
    shift = FLOAT_FRACTION_BITS - HALF_FRACTION_BITS;
    halfExponent = (unbiased + HALF_EXPONENT_BIAS) << HALF_FRACTION_BITS;
  }
  const kept = mantissa >>> shift;
  const dropped = mantissa - kept * 2 ** shift;
  const half = 2 ** (shift - 1);
  // A carry out of the fraction bumps the exponent, which is the correct rounded result (and gives Infinity past the max).
  const rounded = dropped > half || (dropped === half && kept & 1) ? kept + 1 : kept;
  return (sign | (halfExponent + rounded)) & 0xffff;
}

/**
 * float32 value of a bfloat16 bit pattern (the top 16 bits of a float32). Used for
 * `torch.BFloat16Storage`.
 *
 * @example
 * bfloat16ToFloat(0x3f80); // 1
 */
export function bfloat16ToFloat(bits: number): number {
  scratchBits[0] = (bits & 0xffff) << 16;
  return scratchFloat[0];
}

/**
 * bfloat16 bit pattern nearest to `value` (round half to even; NaN stays a quiet NaN), as
 * `torch.Tensor.bfloat16()` rounds.
 *
 * @example
 * floatToBfloat16(1); // 0x3f80
 */
export function floatToBfloat16(value: number): number {
  scratchFloat[0] = value;
  const f = scratchBits[0];
  if ((f & 0x7f800000) === 0x7f800000 && f & 0x7fffff) return (f >>> 16) | 0x40;
  return ((f + 0x7fff + ((f >>> 16) & 1)) >>> 16) & 0xffff;
}
