/**
 * PyTorch checkpoints (`torch.save` files, zip format of PyTorch ≥ 1.6) read and written without
 * Python: the zip container, the pickle of the saved object (`<archive>/data.pkl`), its tensors
 * rebuilt from the storages stored beside it (`<archive>/data/<key>`), and the model's state dict
 * found wherever the training script put it. Mirrors `torch.load(f, map_location='cpu',
 * weights_only=True)` (torch/serialization.py `_load`, torch/_utils.py `_rebuild_tensor_v2`) for the
 * state-dict subset, and `torch.save(obj, f)` for writing.
 */
import { open } from 'node:fs/promises';
import { endianness } from 'node:os';
import { InputFileError, ZipArchive } from '@vvs/io';
import { PickleWriter, PyGlobal, PyObject, unpickle, type PickleCallable } from './pickle.ts';
import {
  DTYPE_ITEM_SIZE,
  bfloat16ToFloat,
  contiguousStrides,
  floatToBfloat16,
  floatToHalf,
  halfToFloat,
  numel,
  type Dtype,
  type Tensor,
} from './tensor.ts';
import { writeAlignedZip, type ZipEntry } from './zip-writer.ts';

/** The storage classes of `torch` that a checkpoint's persistent ids name, and their dtypes. */
const STORAGE_CLASS_DTYPES: Readonly<Record<string, Dtype>> = {
  FloatStorage: 'float32',
  HalfStorage: 'float16',
  BFloat16Storage: 'bfloat16',
  DoubleStorage: 'float64',
  LongStorage: 'int64',
  IntStorage: 'int32',
  ByteStorage: 'uint8',
  BoolStorage: 'bool',
};

/** The storage class `torch.save` names for each dtype (the inverse of {@link STORAGE_CLASS_DTYPES}). */
const DTYPE_STORAGE_CLASS = Object.fromEntries(Object.entries(STORAGE_CLASS_DTYPES).map(([cls, dtype]) => [dtype, cls])) as Readonly<
  Record<Dtype, string>
>;

/** Content of `<archive>/version` that `torch.save` writes (serialization format 3). */
const FORMAT_VERSION = '3\n';

/** Folder name `torch.save` (PyTorch ≥ 2.0) gives the records inside the zip. */
const ARCHIVE_NAME = 'archive';

/** The first bytes of a zip archive's local file header (`PK\x03\x04`). */
const ZIP_MAGIC = [0x50, 0x4b, 0x03, 0x04];

/** The pickle PROTO opcode: the first byte of a legacy (PyTorch < 1.6) `torch.save` file. */
const PICKLE_PROTO = 0x80;

/** Prefixes that wrappers add to every parameter name: `DataParallel`/DDP and `torch.compile`. */
const WRAPPER_PREFIXES = ['module.', '_orig_mod.'] as const;

/**
 * Where training scripts keep the model's state dict, by preference. The seed
 * (scaling_primate_vvs/training/src/models/models.py `create_model`) saves MosaicML Composer
 * checkpoints and loads `ckpt["state"]["model"]`, or `ckpt["state"]["model_ema_state_dict"]` for
 * ConvNeXt and DeiT; torchvision's and timm's reference scripts use `model`, `state_dict`,
 * `model_ema`, `state_dict_ema`.
 */
const MODEL_KEY_PATHS: readonly (readonly string[])[] = [['state', 'model'], ['model'], ['state_dict'], ['model_state_dict']];
const EMA_KEY_PATHS: readonly (readonly string[])[] = [
  ['state', 'model_ema_state_dict'],
  ['model_ema_state_dict'],
  ['model_ema'],
  ['state_dict_ema'],
  ['ema'],
];

/** A storage class global (`torch.FloatStorage`) as the pickle refers to it. */
class StorageType {
  constructor(readonly dtype: Dtype) {}
}

/** A storage named by a persistent id: its record key, class and length, read only if a selected tensor needs it. */
class StorageRef {
  constructor(
    readonly key: string,
    /** `torch.FloatStorage` …, or the unsupported global the pickle named. */
    readonly type: StorageType | PyGlobal,
    readonly numel: number,
  ) {}
}

/** A tensor as `_rebuild_tensor_v2` describes it: a strided view of a storage, not yet read. */
class TensorRef {
  constructor(
    readonly storage: StorageRef,
    readonly offset: number,
    readonly shape: readonly number[],
    readonly stride: readonly number[],
  ) {}
}

function isIntegerArray(value: unknown): value is number[] {
  return Array.isArray(value) && value.every((v) => Number.isSafeInteger(v) && v >= 0);
}

/** `torch._utils._rebuild_tensor_v2(storage, storage_offset, size, stride, requires_grad, backward_hooks[, metadata])`. */
function rebuildTensor(args: readonly unknown[]): TensorRef {
  const [storage, offset, shape, stride] = args;
  if (!(storage instanceof StorageRef)) throw new Error('_rebuild_tensor_v2 without a storage as its first argument');
  if (!Number.isSafeInteger(offset) || (offset as number) < 0) throw new Error('_rebuild_tensor_v2 with a storage offset that is not a non-negative integer');
  if (!isIntegerArray(shape) || !isIntegerArray(stride) || shape.length !== stride.length) {
    throw new Error('_rebuild_tensor_v2 with a size and stride that are not integer tuples of the same length');
  }
  return new TensorRef(storage, offset as number, shape, stride);
}

/** `torch._utils._rebuild_parameter(data, requires_grad, backward_hooks)`: a Parameter is its data here. */
function rebuildParameter(args: readonly unknown[]): unknown {
  return args[0];
}

/** `torch._tensor._rebuild_from_type_v2(func, new_type, args, state)`: a tensor subclass rebuilt by `func(*args)`. */
function rebuildFromType(args: readonly unknown[]): unknown {
  const [func, , funcArgs] = args;
  if (!Array.isArray(funcArgs)) throw new Error('_rebuild_from_type_v2 without an argument tuple');
  if (typeof func === 'function') return (func as PickleCallable)(funcArgs);
  if (func instanceof PyGlobal) return new PyObject(func, funcArgs);
  throw new Error('_rebuild_from_type_v2 without a function to call');
}

/** `collections.OrderedDict()` or `OrderedDict([(key, value), …])`. */
function orderedDict(args: readonly unknown[]): Map<unknown, unknown> {
  const pairs = args[0] ?? [];
  if (!Array.isArray(pairs)) throw new Error('OrderedDict with an argument that is not a list of pairs');
  return new Map(pairs.map((pair) => (pair as [unknown, unknown])));
}

/** The globals a state-dict checkpoint may name; any other becomes an opaque {@link PyGlobal}. */
const TORCH_GLOBALS: ReadonlyMap<string, unknown> = new Map<string, unknown>([
  ['collections.OrderedDict', orderedDict],
  ['torch._utils._rebuild_tensor_v2', rebuildTensor],
  ['torch._utils._rebuild_parameter', rebuildParameter],
  ['torch._utils._rebuild_parameter_with_state', rebuildParameter],
  ['torch._tensor._rebuild_from_type_v2', rebuildFromType],
  ...Object.entries(STORAGE_CLASS_DTYPES).map(([cls, dtype]): [string, unknown] => [`torch.${cls}`, new StorageType(dtype)]),
]);

/** A short description of a pickled value for error messages. */
function describe(value: unknown): string {
  if (value instanceof TensorRef) return 'a tensor';
  if (value instanceof PyObject) return `an object of the non-allowed global '${value.type.qualifiedName}'`;
  if (value instanceof PyGlobal) return `the non-allowed global '${value.qualifiedName}'`;
  if (value instanceof Map) return `a dict with keys [${[...value.keys()].slice(0, 8).map(String).join(', ')}${value.size > 8 ? ', …' : ''}]`;
  if (Array.isArray(value)) return `a list/tuple of ${value.length}`;
  if (value === null) return 'None';
  return `a ${typeof value} (${String(value)})`;
}

/** Which state dict {@link readCheckpoint} returns when a checkpoint holds both the model's and its EMA. */
export type StateDictPreference = 'model' | 'ema';

/** Options of {@link readCheckpoint}. */
export interface ReadCheckpointOptions {
  /**
   * `'model'` (default): the trained weights (`state.model`, `model`, `state_dict`, …), else the EMA.
   * `'ema'`: the exponential moving average (`state.model_ema_state_dict`, `model_ema`,
   * `state_dict_ema`, `ema`), else the model's — the seed evaluates ConvNeXt and DeiT from their EMA.
   */
  readonly prefer?: StateDictPreference;
}

/** A state dict read from a checkpoint. */
export interface Checkpoint {
  /** Parameter and buffer names (wrapper prefixes `module.` / `_orig_mod.` removed) → tensors, in file order. */
  readonly stateDict: Map<string, Tensor>;
  /** The file, as given. */
  readonly path: string;
  /** The keys leading to the state dict in the saved object: `['state', 'model']`; `[]` for a bare state dict. */
  readonly keyPath: string[];
}

/** Walks `keyPath` through nested dicts; undefined where a key is missing. */
function lookup(root: unknown, keyPath: readonly string[]): unknown {
  let node = root;
  for (const key of keyPath) {
    if (!(node instanceof Map) || !node.has(key)) return undefined;
    node = node.get(key);
  }
  return node;
}

/** A non-empty dict whose values are all tensors. */
function isStateDict(value: unknown): value is Map<string, TensorRef> {
  return value instanceof Map && value.size > 0 && [...value.values()].every((v) => v instanceof TensorRef);
}

/** Finds the state dict in the unpickled object (see {@link MODEL_KEY_PATHS}). */
function findStateDict(path: string, root: unknown, prefer: StateDictPreference): { refs: Map<string, TensorRef>; keyPath: string[] } {
  if (isStateDict(root)) return { refs: root, keyPath: [] };
  const candidates = prefer === 'ema' ? [...EMA_KEY_PATHS, ...MODEL_KEY_PATHS] : [...MODEL_KEY_PATHS, ...EMA_KEY_PATHS];
  for (const keyPath of candidates) {
    const value = lookup(root, keyPath);
    if (value === undefined) continue;
    const where = keyPath.map((k) => `['${k}']`).join('');
    if (!(value instanceof Map)) throw new InputFileError(path, `checkpoint${where} is ${describe(value)}, not a state dict (parameter name → tensor)`);
    for (const [name, entry] of value) {
      if (typeof name !== 'string') throw new InputFileError(path, `checkpoint${where} has a key that is ${describe(name)}; a state dict's keys are parameter names`);
      if (!(entry instanceof TensorRef)) throw new InputFileError(path, `checkpoint${where}['${name}'] is ${describe(entry)}, not a tensor`);
    }
    return { refs: value as Map<string, TensorRef>, keyPath: [...keyPath] };
  }
  const places = candidates.map((k) => k.join('.')).join(', ');
  throw new InputFileError(
    path,
    `no state dict found: the checkpoint holds ${describe(root)}; expected a state dict (parameter name → tensor) at the top level or under one of ${places}`,
  );
}

/** Removes `module.` / `_orig_mod.` while every name starts with it (a model saved through a wrapper). */
function stripWrapperPrefixes(path: string, refs: Map<string, TensorRef>): Map<string, TensorRef> {
  let entries = [...refs];
  while (entries.length > 0) {
    const prefix = WRAPPER_PREFIXES.find((p) => entries.every(([name]) => name.startsWith(p) && name.length > p.length));
    if (prefix === undefined) break;
    entries = entries.map(([name, ref]) => [name.slice(prefix.length), ref]);
  }
  const stripped = new Map(entries);
  if (stripped.size !== entries.length) throw new InputFileError(path, 'state dict has names that coincide once wrapper prefixes are removed');
  return stripped;
}

/** Typed arrays a storage is viewed as: the float types' raw bits for float16/bfloat16. */
type StorageArray = Float32Array | Float64Array | Uint16Array | BigInt64Array | Int32Array | Uint8Array;

/** A typed view of a whole storage (`bytes` copied once if misaligned for the element type). */
function storageArray(bytes: Uint8Array, dtype: Dtype, length: number): StorageArray {
  const aligned = bytes.byteOffset % DTYPE_ITEM_SIZE[dtype] === 0 ? bytes : bytes.slice();
  const { buffer, byteOffset } = aligned;
  switch (dtype) {
    case 'float32':
      return new Float32Array(buffer, byteOffset, length);
    case 'float16':
    case 'bfloat16':
      return new Uint16Array(buffer, byteOffset, length);
    case 'float64':
      return new Float64Array(buffer, byteOffset, length);
    case 'int64':
      return new BigInt64Array(buffer, byteOffset, length);
    case 'int32':
      return new Int32Array(buffer, byteOffset, length);
    case 'uint8':
    case 'bool':
      return new Uint8Array(buffer, byteOffset, length);
  }
}

/** Whether a strided view reads its elements in storage order (`Tensor.is_contiguous()`: size-1 dims' strides are free). */
function isContiguous(shape: readonly number[], stride: readonly number[]): boolean {
  const expected = contiguousStrides(shape);
  return shape.every((size, d) => size === 1 || stride[d] === expected[d]);
}

/** The elements of a strided view in row-major order, copied (`Tensor.contiguous()`). */
function gather<T extends StorageArray>(source: T, shape: readonly number[], stride: readonly number[], offset: number): T {
  const n = numel(shape);
  const out = new (source.constructor as new (length: number) => T)(n);
  // Element-wise copy within one array type; typed as numbers, bigints for BigInt64Array flow the same way.
  const src = source as unknown as ArrayLike<number>;
  const dst = out as unknown as number[];
  const index = new Array<number>(shape.length).fill(0);
  let at = offset;
  for (let i = 0; i < n; i++) {
    dst[i] = src[at];
    for (let d = shape.length - 1; d >= 0; d--) {
      index[d]++;
      at += stride[d];
      if (index[d] < shape[d]) break;
      at -= stride[d] * shape[d];
      index[d] = 0;
    }
  }
  return out;
}

/** The tensor a {@link TensorRef} describes, from its storage's bytes: a view when possible, else one copy. */
function materialize(path: string, name: string, ref: TensorRef, bytes: Uint8Array): Tensor {
  const type = ref.storage.type as StorageType;
  const { dtype } = type;
  const n = numel(ref.shape);
  const last = ref.shape.reduce((acc, size, d) => acc + (size - 1) * ref.stride[d], ref.offset);
  if (n > 0 && last >= ref.storage.numel) {
    throw new InputFileError(path, `tensor '${name}' reaches element ${last} of storage '${ref.storage.key}', which has ${ref.storage.numel}`);
  }
  const all = storageArray(bytes, dtype, ref.storage.numel);
  const elements = isContiguous(ref.shape, ref.stride) ? all.subarray(ref.offset, ref.offset + n) : gather(all, ref.shape, ref.stride, ref.offset);
  const shape = [...ref.shape];
  switch (dtype) {
    case 'float16':
    case 'bfloat16': {
      const bits = elements as Uint16Array;
      const decode = dtype === 'float16' ? halfToFloat : bfloat16ToFloat;
      const data = new Float32Array(n);
      for (let i = 0; i < n; i++) data[i] = decode(bits[i]);
      return { dtype, shape, data };
    }
    case 'float64':
      return { dtype, shape, data: new Float32Array(elements as Float64Array) };
    case 'float32':
      return { dtype, shape, data: elements as Float32Array };
    case 'int64':
      return { dtype, shape, data: elements as BigInt64Array };
    case 'int32':
      return { dtype, shape, data: elements as Int32Array };
    case 'uint8':
    case 'bool':
      return { dtype, shape, data: elements as Uint8Array };
  }
}

/** Checks the magic number: a zip archive, or a legacy pickle-stream `torch.save` file (rejected). */
async function checkFormat(path: string): Promise<void> {
  let head: Buffer;
  try {
    const handle = await open(path, 'r');
    try {
      head = Buffer.alloc(ZIP_MAGIC.length);
      const { bytesRead } = await handle.read(head, 0, head.length, 0);
      head = head.subarray(0, bytesRead);
    } finally {
      await handle.close();
    }
  } catch (cause) {
    const missing = (cause as NodeJS.ErrnoException).code === 'ENOENT';
    throw new InputFileError(path, missing ? 'file not found' : `cannot be read (${(cause as Error).message})`, { cause });
  }
  if (ZIP_MAGIC.every((byte, i) => head[i] === byte)) return;
  if (head[0] === PICKLE_PROTO) {
    throw new InputFileError(path, 'unsupported: legacy torch.save format (PyTorch < 1.6); re-save it with a newer PyTorch (torch.save(torch.load(f), f))');
  }
  throw new InputFileError(path, `not a torch.save checkpoint: expected a zip archive (starting with 'PK'), got ${head.length} bytes [${[...head].join(', ')}]`);
}

/** The records' folder (`archive/`, or the file's stem for PyTorch < 2.0): the one holding `data.pkl`. */
function archivePrefix(path: string, zip: ZipArchive): string {
  const pickles = zip.entries().filter((name) => /^[^/]+\/data\.pkl$/.test(name));
  if (pickles.length !== 1) {
    throw new InputFileError(path, `not a torch.save checkpoint: expected one '<archive>/data.pkl' in the zip, found ${pickles.length}`);
  }
  return pickles[0].slice(0, -'data.pkl'.length);
}

/**
 * Reads the model's state dict from a `torch.save` checkpoint, as `torch.load(f, map_location='cpu',
 * weights_only=True)` followed by picking the state dict does. Finds it at the top level (a bare
 * `state_dict()`), under `model`, `state.model` (the seed's Composer checkpoints), `state_dict`,
 * `model_state_dict`, or their EMA counterparts (`state.model_ema_state_dict`, `model_ema`,
 * `state_dict_ema`, `ema`); removes the `module.` (DataParallel) and `_orig_mod.` (torch.compile)
 * prefixes when every name has them. Only the storages of the selected tensors are read (optimizer
 * state and the like are skipped), each once; float32, int32, int64, uint8 and bool tensors are views
 * of it, float16/bfloat16/float64 tensors one float32 copy, and non-contiguous tensors one contiguous
 * copy. Other objects in the file (RNG state, metrics, `argparse.Namespace` …) are parsed as inert
 * data and ignored; nothing is executed.
 *
 * @param path - the `.pt` / `.pth` file (zip format, PyTorch ≥ 1.6).
 * @param options - `prefer`: `'model'` (default) or `'ema'`, see {@link ReadCheckpointOptions}.
 * @throws {@link InputFileError} naming the file for: a missing file, a legacy (PyTorch < 1.6)
 *   file, a truncated or corrupt zip, an unsupported pickle opcode (with its hex byte and position),
 *   no state dict, a state-dict entry that is not a tensor (naming a non-allowed global it holds),
 *   a storage of an unsupported type, or a tensor outside its storage.
 * @example
 * const { stateDict, keyPath } = await readCheckpoint('resnet18_ep100.pt');
 * keyPath;                               // ['state', 'model']
 * stateDict.get('conv1.weight')!.shape;  // [64, 3, 7, 7]
 */
export async function readCheckpoint(path: string, options: ReadCheckpointOptions = {}): Promise<Checkpoint> {
  const { prefer = 'model' } = options;
  if (prefer !== 'model' && prefer !== 'ema') throw new TypeError(`prefer: expected 'model' or 'ema', got '${String(prefer)}'`);
  await checkFormat(path);
  let zip: ZipArchive;
  try {
    zip = await ZipArchive.open(path);
  } catch (cause) {
    if (!(cause instanceof InputFileError)) throw cause;
    const problem = cause.message.startsWith(`${path}: `) ? cause.message.slice(path.length + 2) : cause.message;
    throw new InputFileError(path, `truncated or corrupt torch.save archive: ${problem}`, { cause });
  }
  const prefix = archivePrefix(path, zip);
  const label = `${prefix}data.pkl`;
  const littleEndian = !zip.has(`${prefix}byteorder`) || Buffer.from(await zip.read(`${prefix}byteorder`)).toString('latin1').trim() === 'little';

  const root = unpickle(await zip.read(label), {
    globals: TORCH_GLOBALS,
    file: path,
    label,
    persistentLoad: (pid) => {
      // torch.serialization's persistent id: ('storage', storage_type, key, location, numel).
      if (!Array.isArray(pid) || pid[0] !== 'storage' || pid.length < 5 || !Number.isSafeInteger(pid[4])) {
        throw new InputFileError(path, `${label} has a persistent id that is not ('storage', type, key, location, numel): ${describe(pid)}`);
      }
      const [, type, key, , count] = pid as [string, unknown, unknown, unknown, number];
      if (!(type instanceof StorageType) && !(type instanceof PyGlobal)) throw new InputFileError(path, `${label}: a storage's type is ${describe(type)}`);
      return new StorageRef(String(key), type, count);
    },
  });

  const found = findStateDict(path, root, prefer);
  const refs = stripWrapperPrefixes(path, found.refs);
  const storages = new Map<string, Uint8Array>();
  const stateDict = new Map<string, Tensor>();
  for (const [name, ref] of refs) {
    const { storage } = ref;
    if (!(storage.type instanceof StorageType)) {
      const supported = Object.keys(STORAGE_CLASS_DTYPES).map((c) => `torch.${c}`).join(', ');
      throw new InputFileError(path, `tensor '${name}' has a storage of the non-allowed global '${storage.type.qualifiedName}' (supported: ${supported})`);
    }
    let bytes = storages.get(storage.key);
    if (bytes === undefined) {
      bytes = await zip.read(`${prefix}data/${storage.key}`);
      const expected = storage.numel * DTYPE_ITEM_SIZE[storage.type.dtype];
      if (bytes.length < expected) {
        throw new InputFileError(path, `storage '${prefix}data/${storage.key}' has ${bytes.length} bytes; ${storage.numel} ${storage.type.dtype} elements need ${expected}`);
      }
      if (!littleEndian) swapBytes(bytes, DTYPE_ITEM_SIZE[storage.type.dtype]);
      storages.set(storage.key, bytes);
    }
    stateDict.set(name, materialize(path, name, ref, bytes));
  }
  return { stateDict, path, keyPath: found.keyPath };
}

/** Reverses the byte order of each `itemSize`-byte element in place (a big-endian writer's storages). */
function swapBytes(bytes: Uint8Array, itemSize: number): void {
  const buffer = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length);
  if (itemSize === 2) buffer.swap16();
  else if (itemSize === 4) buffer.swap32();
  else if (itemSize === 8) buffer.swap64();
}

/**
 * A strided view of a tensor's storage, for writing checkpoints whose tensors share a storage or are
 * not contiguous (a transposed weight, tied embeddings): element `[i0, i1, …]` of the view is
 * `base.data[storageOffset + Σ ik·stride[k]]`.
 */
export interface TensorView {
  readonly base: Tensor;
  readonly shape: readonly number[];
  readonly stride: readonly number[];
  /** Offset of the view's first element in `base.data`; 0 when absent. */
  readonly storageOffset?: number;
}

/**
 * What {@link writeCheckpoint} can save: tensors and views at the leaves; a `Map` is written as a
 * `collections.OrderedDict` (what `module.state_dict()` returns), a plain object as a `dict`, an array
 * as a `list`; strings,
 * booleans, `null`, bigints, and numbers (integer values as Python `int`, others as `float`).
 */
export type CheckpointValue =
  | Tensor
  | TensorView
  | ReadonlyMap<string, CheckpointValue>
  | readonly CheckpointValue[]
  | { readonly [key: string]: CheckpointValue }
  | string
  | number
  | bigint
  | boolean
  | null;

function isTensor(value: unknown): value is Tensor {
  const v = value as Partial<Tensor> | null;
  return typeof v === 'object' && v !== null && typeof v.dtype === 'string' && Array.isArray(v.shape) && ArrayBuffer.isView(v.data);
}

function isTensorView(value: unknown): value is TensorView {
  return typeof value === 'object' && value !== null && 'base' in value && isTensor((value as TensorView).base);
}

/** A storage's bytes as torch writes them: the element type of `dtype`, in this machine's byte order. */
function encodeStorage(t: Tensor): Uint8Array {
  let typed: ArrayBufferView;
  switch (t.dtype) {
    case 'float16':
      typed = Uint16Array.from(t.data, floatToHalf);
      break;
    case 'bfloat16':
      typed = Uint16Array.from(t.data, floatToBfloat16);
      break;
    case 'float64':
      typed = new Float64Array(t.data);
      break;
    default:
      typed = t.data;
  }
  return new Uint8Array(typed.buffer, typed.byteOffset, typed.byteLength);
}

/**
 * Writes `root` as `torch.save(root, path)` would (zip format, serialization version 3, pickle
 * protocol 2): tensors as `torch._utils._rebuild_tensor_v2` calls over storages named by persistent
 * ids, each storage a 64-byte-aligned stored entry `archive/data/<key>`. One storage per distinct
 * tensor object (the same tensor twice, or views of it, share it, as in torch). `torch.load` and
 * {@link readCheckpoint} read the result.
 *
 * @param path - the file to write (replaced if it exists).
 * @param root - what to save: a state dict (`Map<string, Tensor>`), or nested objects holding one,
 *   such as `{ model: stateDict }` or the seed's `{ state: { model: stateDict } }`.
 * @throws RangeError for a view that reaches outside its base tensor, a tensor whose data length does
 *   not match its shape, or an archive beyond 4 GiB; TypeError for a value that cannot be saved.
 * @example
 * const sd = new Map([['fc.weight', tensor('float32', [10, 512], new Float32Array(5120))]]);
 * await writeCheckpoint('model.pt', { state: { model: sd } });
 */
export async function writeCheckpoint(path: string, root: CheckpointValue): Promise<void> {
  const keys = new Map<Tensor, string>();
  const storages: ZipEntry[] = [];
  const w = new PickleWriter();

  const storageKey = (base: Tensor): string => {
    let key = keys.get(base);
    if (key === undefined) {
      if (base.data.length !== numel(base.shape)) {
        throw new RangeError(`root: a tensor of shape [${base.shape.join(', ')}] has ${base.data.length} elements`);
      }
      key = String(keys.size);
      keys.set(base, key);
      storages.push({ name: `${ARCHIVE_NAME}/data/${key}`, data: encodeStorage(base) });
    }
    return key;
  };

  const intTuple = (values: readonly number[]): void => w.tuple(values.length, () => values.forEach((v) => w.int(v)));

  const writeTensor = (base: Tensor, shape: readonly number[], stride: readonly number[], offset: number): void => {
    if (shape.length !== stride.length) throw new RangeError(`root: a view's shape [${shape.join(', ')}] and stride [${stride.join(', ')}] differ in length`);
    const last = shape.reduce((acc, size, d) => acc + (size - 1) * stride[d], offset);
    if (numel(shape) > 0 && (offset < 0 || stride.some((s) => s < 0) || last >= base.data.length)) {
      throw new RangeError(`root: a view reaches element ${last} of a tensor with ${base.data.length}`);
    }
    const key = storageKey(base);
    w.global('torch._utils', '_rebuild_tensor_v2');
    w.tuple(6, () => {
      w.tuple(5, () => {
        w.str('storage');
        w.global('torch', DTYPE_STORAGE_CLASS[base.dtype]);
        w.str(key);
        w.str('cpu');
        w.int(base.data.length);
      });
      w.persistentId();
      w.int(offset);
      intTuple(shape);
      intTuple(stride);
      w.bool(false); // requires_grad
      w.global('collections', 'OrderedDict'); // backward_hooks: an empty OrderedDict
      w.tuple(0, () => {});
      w.reduce();
    });
    w.reduce();
  };

  const writeEntries = (entries: [string, CheckpointValue][]): void =>
    w.setItems(entries.length, () => {
      for (const [key, value] of entries) {
        w.str(key);
        writeValue(value);
      }
    });

  const writeValue = (value: CheckpointValue): void => {
    if (value === null) w.none();
    else if (typeof value === 'boolean') w.bool(value);
    else if (typeof value === 'bigint') w.int(value);
    else if (typeof value === 'number') Number.isInteger(value) ? w.int(value) : w.float(value);
    else if (typeof value === 'string') w.str(value);
    else if (isTensor(value)) writeTensor(value, value.shape, contiguousStrides(value.shape), 0);
    else if (isTensorView(value)) writeTensor(value.base, value.shape, value.stride, value.storageOffset ?? 0);
    else if (Array.isArray(value)) {
      w.emptyList();
      w.appends(value.length, () => value.forEach(writeValue));
    } else if (value instanceof Map) {
      w.global('collections', 'OrderedDict');
      w.tuple(0, () => {});
      w.reduce();
      writeEntries([...value]);
    } else if (typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype) {
      w.emptyDict();
      writeEntries(Object.entries(value as { readonly [key: string]: CheckpointValue }));
    } else throw new TypeError(`root: cannot save ${String(value)} in a checkpoint`);
  };

  w.proto();
  writeValue(root);
  w.stop();
  await writeAlignedZip(path, [
    { name: `${ARCHIVE_NAME}/data.pkl`, data: w.finish() },
    { name: `${ARCHIVE_NAME}/byteorder`, data: Buffer.from(endianness() === 'LE' ? 'little' : 'big') },
    ...storages,
    { name: `${ARCHIVE_NAME}/version`, data: Buffer.from(FORMAT_VERSION) },
  ]);
}
