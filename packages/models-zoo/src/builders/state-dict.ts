/**
 * The builders' view of a PyTorch state dict: parameter name → shape and values. Structural, so
 * that the checkpoint reader's output (or tensors recovered from any other source) fits as is.
 */
import { InputError } from '@vvs/core';
import type { Parameter } from '../onnx/graph.ts';

/** One state-dict entry: a C-order tensor (`dtype` as the checkpoint reader names it, when known). */
export interface StateDictTensor {
  readonly shape: readonly number[];
  readonly data: ArrayLike<number> | BigInt64Array;
  readonly dtype?: string;
}

/** `model.state_dict()`: parameter and buffer names (`layer1.0.conv1.weight`) → tensors. */
export type StateDict = ReadonlyMap<string, StateDictTensor>;

/** How many keys an error message lists before eliding the rest. */
const KEYS_SHOWN_IN_ERRORS = 8;

/**
 * The first keys of a state dict for an error message: `conv_stem.weight, bn1.weight, … (412 keys)`.
 *
 * @example
 * describeKeys(new Map([['a.weight', t]])); // 'a.weight (1 key)'
 */
export function describeKeys(stateDict: StateDict): string {
  const keys = [...stateDict.keys()];
  const shown = keys.slice(0, KEYS_SHOWN_IN_ERRORS).join(', ');
  const more = keys.length > KEYS_SHOWN_IN_ERRORS ? ', …' : '';
  return `${shown}${more} (${keys.length} key${keys.length === 1 ? '' : 's'})`;
}

/**
 * The float32 parameter `key` of a state dict, for an ONNX initializer: float32 values are used
 * without copying, float64 values are narrowed; anything else (integer buffers, float16 bit
 * patterns) raises a TypeError, and a missing key an {@link InputError} naming the architecture
 * that needs it.
 *
 * @example
 * const w = floatParameter(stateDict, 'conv1.weight', 'ResNet'); // { name: 'conv1.weight', shape: [64, 3, 7, 7], data }
 */
export function floatParameter(stateDict: StateDict, key: string, architecture: string): Parameter {
  const tensor = stateDict.get(key);
  if (!tensor) {
    throw new InputError(`state dict has no '${key}', which the ${architecture} builder needs; got keys ${describeKeys(stateDict)}`, { field: key });
  }
  const { data } = tensor;
  if (data instanceof Float32Array) return { name: key, shape: tensor.shape, data };
  if (data instanceof Float64Array) return { name: key, shape: tensor.shape, data: Float32Array.from(data) };
  const kind = tensor.dtype ?? data.constructor.name;
  throw new TypeError(`state dict entry '${key}': expected float32 or float64 values, got ${kind} (decode float16/bfloat16 to float32 first)`);
}
