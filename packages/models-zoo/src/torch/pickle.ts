/**
 * The subset of Python's pickle format (PEP 307 protocol 2, with the protocol 3–4 opcodes for bytes,
 * sets, framing and memoization) that `torch.save` writes, read and written without executing
 * anything. Opcode values and semantics follow CPython's `Lib/pickle.py` / `pickletools.py`.
 *
 * Reading never imports or calls Python code: a global (`module.name`) resolves through a table the
 * caller supplies; a global outside the table becomes a {@link PyGlobal} marker, and what is built
 * from it (REDUCE, NEWOBJ, BUILD) a {@link PyObject} that only records its arguments and state, so a
 * checkpoint can carry optimizer state, RNG state or metrics objects next to the weights and still be
 * read; the caller decides what to accept.
 *
 * Python values map to JavaScript as: `None` → `null`; `bool` → `boolean`; `int` → `number`, or
 * `bigint` beyond ±2^53; `float` → `number`; `str` → `string`; `bytes` → `Uint8Array`; `list` and
 * `tuple` → arrays; `dict` → `Map` (insertion-ordered, keys kept as read); `set`/`frozenset` → `Set`.
 */
import { InputFileError } from '@vvs/io';

/** Opcode byte values (CPython `Lib/pickle.py`). */
const OP = {
  MARK: 0x28, // '('
  STOP: 0x2e, // '.'
  POP: 0x30, // '0'
  POP_MARK: 0x31, // '1'
  BINFLOAT: 0x47, // 'G'
  BININT: 0x4a, // 'J'
  BININT1: 0x4b, // 'K'
  BININT2: 0x4d, // 'M'
  NONE: 0x4e, // 'N'
  BINPERSID: 0x51, // 'Q'
  REDUCE: 0x52, // 'R'
  BINSTRING: 0x54, // 'T'
  SHORT_BINSTRING: 0x55, // 'U'
  BINUNICODE: 0x58, // 'X'
  BINBYTES: 0x42, // 'B'
  SHORT_BINBYTES: 0x43, // 'C'
  EMPTY_LIST: 0x5d, // ']'
  APPEND: 0x61, // 'a'
  BUILD: 0x62, // 'b'
  GLOBAL: 0x63, // 'c'
  APPENDS: 0x65, // 'e'
  BINGET: 0x68, // 'h'
  LONG_BINGET: 0x6a, // 'j'
  BINPUT: 0x71, // 'q'
  LONG_BINPUT: 0x72, // 'r'
  SETITEM: 0x73, // 's'
  TUPLE: 0x74, // 't'
  SETITEMS: 0x75, // 'u'
  EMPTY_DICT: 0x7d, // '}'
  EMPTY_TUPLE: 0x29, // ')'
  PROTO: 0x80,
  NEWOBJ: 0x81,
  TUPLE1: 0x85,
  TUPLE2: 0x86,
  TUPLE3: 0x87,
  NEWTRUE: 0x88,
  NEWFALSE: 0x89,
  LONG1: 0x8a,
  LONG4: 0x8b,
  SHORT_BINUNICODE: 0x8c,
  BINUNICODE8: 0x8d,
  BINBYTES8: 0x8e,
  EMPTY_SET: 0x8f,
  ADDITEMS: 0x90,
  FROZENSET: 0x91,
  NEWOBJ_EX: 0x92,
  STACK_GLOBAL: 0x93,
  MEMOIZE: 0x94,
  FRAME: 0x95,
} as const;

/** Highest pickle protocol whose opcodes this reader knows (Python 3.4+, PEP 3154). */
const MAX_PROTOCOL = 4;

/** The protocol {@link PickleWriter} writes: torch.save's default (`DEFAULT_PROTOCOL = 2`). */
export const PICKLE_PROTOCOL = 2;

/**
 * A Python global (`module.name`) outside the caller's table: named, never resolved or called.
 *
 * @example
 * const g = new PyGlobal('argparse', 'Namespace');
 * g.qualifiedName; // 'argparse.Namespace'
 */
export class PyGlobal {
  constructor(
    readonly module: string,
    readonly name: string,
  ) {}

  /** `module.name`, the way Python prints a qualified name. */
  get qualifiedName(): string {
    return `${this.module}.${this.name}`;
  }
}

/**
 * An object the pickle builds from a {@link PyGlobal} (an optimizer's state, `argparse.Namespace`,
 * a NumPy array of an RNG state …): its class, the arguments it was reduced with and the state BUILD
 * gave it, kept as data.
 *
 * @example
 * const value = unpickle(bytes, { globals: new Map(), file: 'x.pt', label: 'archive/data.pkl' });
 * if (value instanceof PyObject) console.log(value.type.qualifiedName); // 'argparse.Namespace'
 */
export class PyObject {
  /** The state a BUILD opcode set (`__setstate__` argument), if any. */
  state: unknown = undefined;

  constructor(
    readonly type: PyGlobal,
    readonly args: readonly unknown[],
  ) {}
}

/** A callable global of the caller's table: receives the argument tuple of REDUCE or NEWOBJ. */
export type PickleCallable = (args: readonly unknown[]) => unknown;

/** Options of {@link unpickle}. */
export interface UnpickleOptions {
  /**
   * The globals to resolve, keyed by `module.name` (`collections.OrderedDict`). A function is called
   * with the arguments when the pickle calls the global; any other value stands for the global itself.
   * Globals outside the table become {@link PyGlobal} markers.
   */
  readonly globals: ReadonlyMap<string, unknown>;
  /** Turns a persistent id (BINPERSID) into its object, as `Unpickler.persistent_load`. */
  readonly persistentLoad?: (pid: unknown) => unknown;
  /** The file to name in errors (its message starts with it). */
  readonly file: string;
  /** What the bytes are within that file, for errors (`archive/data.pkl`). */
  readonly label: string;
}

/** Text decoder for pickle strings (UTF-8, as Python writes `str`; torch.load's default encoding). */
const utf8 = new TextDecoder('utf-8', { fatal: true });

/** A printable form of an opcode byte for error messages: `0x49 ('I')`. */
function describeOpcode(code: number): string {
  const hex = `0x${code.toString(16).padStart(2, '0')}`;
  return code >= 0x20 && code < 0x7f ? `${hex} ('${String.fromCharCode(code)}')` : hex;
}

/** The stream-reading state of one {@link unpickle} call. */
class Unpickler {
  readonly #bytes: Uint8Array;
  readonly #view: DataView;
  readonly #options: UnpickleOptions;
  #pos = 0;
  /** Position of the opcode being executed, for errors. */
  #opAt = 0;
  #stack: unknown[] = [];
  readonly #metastack: unknown[][] = [];
  readonly #memo = new Map<number, unknown>();

  constructor(bytes: Uint8Array, options: UnpickleOptions) {
    this.#bytes = bytes;
    this.#view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    this.#options = options;
  }

  #fail(problem: string): never {
    throw new InputFileError(this.#options.file, `${problem} at byte ${this.#opAt} of ${this.#options.label}`);
  }

  #need(n: number): number {
    if (this.#pos + n > this.#bytes.length) this.#fail(`corrupt pickle: it ends inside the opcode ${describeOpcode(this.#bytes[this.#opAt])}`);
    const at = this.#pos;
    this.#pos += n;
    return at;
  }

  #u8(): number {
    return this.#bytes[this.#need(1)];
  }

  #u16(): number {
    return this.#view.getUint16(this.#need(2), true);
  }

  #u32(): number {
    return this.#view.getUint32(this.#need(4), true);
  }

  #u64(): number {
    const value = this.#view.getBigUint64(this.#need(8), true);
    if (value > BigInt(Number.MAX_SAFE_INTEGER)) this.#fail(`corrupt pickle: length ${value} is out of range`);
    return Number(value);
  }

  #take(n: number): Uint8Array {
    const at = this.#need(n);
    return this.#bytes.subarray(at, at + n);
  }

  #text(n: number): string {
    try {
      return utf8.decode(this.#take(n));
    } catch {
      return this.#fail('corrupt pickle: a string is not valid UTF-8');
    }
  }

  /** A newline-terminated ASCII line (the arguments of GLOBAL). */
  #line(): string {
    const end = this.#bytes.indexOf(0x0a, this.#pos);
    if (end < 0) this.#fail('corrupt pickle: GLOBAL without its newline');
    const line = Buffer.from(this.#bytes.subarray(this.#pos, end)).toString('latin1');
    this.#pos = end + 1;
    return line;
  }

  /** A two's-complement little-endian integer of `n` bytes (LONG1, LONG4): a number when safe, else a bigint. */
  #long(n: number): number | bigint {
    const bytes = this.#take(n);
    if (n === 0) return 0;
    let value = 0n;
    for (let i = n - 1; i >= 0; i--) value = (value << 8n) | BigInt(bytes[i]);
    if (bytes[n - 1] & 0x80) value -= 1n << BigInt(8 * n);
    return value >= BigInt(Number.MIN_SAFE_INTEGER) && value <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(value) : value;
  }

  #pop(): unknown {
    if (this.#stack.length === 0) this.#fail('corrupt pickle: stack underflow');
    return this.#stack.pop();
  }

  #top(): unknown {
    if (this.#stack.length === 0) this.#fail('corrupt pickle: stack underflow');
    return this.#stack[this.#stack.length - 1];
  }

  /** The items pushed since the last MARK, restoring the stack below it (CPython's `pop_mark`). */
  #popMark(): unknown[] {
    const items = this.#stack;
    const below = this.#metastack.pop();
    if (below === undefined) this.#fail('corrupt pickle: no MARK to pop to');
    this.#stack = below;
    return items;
  }

  #memoGet(index: number): unknown {
    if (!this.#memo.has(index)) this.#fail(`corrupt pickle: memo entry ${index} was never stored`);
    return this.#memo.get(index);
  }

  #resolveGlobal(module: string, name: string): unknown {
    const key = `${module}.${name}`;
    return this.#options.globals.has(key) ? this.#options.globals.get(key) : new PyGlobal(module, name);
  }

  /** Calls `callable` on `args` (REDUCE, NEWOBJ): a table function runs, an unknown global yields a {@link PyObject}. */
  #call(callable: unknown, args: unknown): unknown {
    if (!Array.isArray(args)) this.#fail('corrupt pickle: the arguments of a call are not a tuple');
    if (typeof callable === 'function') {
      try {
        return (callable as PickleCallable)(args);
      } catch (cause) {
        if (cause instanceof InputFileError) throw cause;
        return this.#fail(`cannot rebuild an object (${(cause as Error).message})`);
      }
    }
    if (callable instanceof PyGlobal) return new PyObject(callable, args);
    return this.#fail('corrupt pickle: calling something that is not a global');
  }

  #setItems(dict: unknown, items: readonly unknown[]): void {
    if (!(dict instanceof Map)) this.#fail('corrupt pickle: SETITEM(S) on something that is not a dict');
    if (items.length % 2 !== 0) this.#fail('corrupt pickle: SETITEMS with an odd number of items');
    for (let i = 0; i < items.length; i += 2) dict.set(items[i], items[i + 1]);
  }

  #append(list: unknown, items: readonly unknown[]): void {
    if (!Array.isArray(list)) this.#fail('corrupt pickle: APPEND(S) on something that is not a list');
    for (const item of items) list.push(item);
  }

  run(): unknown {
    const bytes = this.#bytes;
    for (;;) {
      if (this.#pos >= bytes.length) {
        this.#opAt = this.#pos;
        this.#fail('corrupt pickle: it ends without a STOP opcode');
      }
      this.#opAt = this.#pos;
      const code = bytes[this.#pos++];
      switch (code) {
        case OP.PROTO: {
          const protocol = this.#u8();
          if (protocol > MAX_PROTOCOL) this.#fail(`unsupported pickle protocol ${protocol} (at most ${MAX_PROTOCOL})`);
          break;
        }
        case OP.FRAME:
          // Frames only group opcodes for buffered reading; the bytes are all in memory already.
          this.#u64();
          break;
        case OP.STOP:
          return this.#pop();
        case OP.MARK:
          this.#metastack.push(this.#stack);
          this.#stack = [];
          break;
        case OP.POP:
          this.#pop();
          break;
        case OP.POP_MARK:
          this.#popMark();
          break;
        case OP.NONE:
          this.#stack.push(null);
          break;
        case OP.NEWTRUE:
          this.#stack.push(true);
          break;
        case OP.NEWFALSE:
          this.#stack.push(false);
          break;
        case OP.BININT:
          this.#stack.push(this.#view.getInt32(this.#need(4), true));
          break;
        case OP.BININT1:
          this.#stack.push(this.#u8());
          break;
        case OP.BININT2:
          this.#stack.push(this.#u16());
          break;
        case OP.LONG1:
          this.#stack.push(this.#long(this.#u8()));
          break;
        case OP.LONG4: {
          const n = this.#view.getInt32(this.#need(4), true);
          if (n < 0) this.#fail('corrupt pickle: LONG4 with a negative length');
          this.#stack.push(this.#long(n));
          break;
        }
        case OP.BINFLOAT:
          // The one big-endian field of the format.
          this.#stack.push(this.#view.getFloat64(this.#need(8), false));
          break;
        case OP.SHORT_BINUNICODE:
          this.#stack.push(this.#text(this.#u8()));
          break;
        case OP.BINUNICODE:
          this.#stack.push(this.#text(this.#u32()));
          break;
        case OP.BINUNICODE8:
          this.#stack.push(this.#text(this.#u64()));
          break;
        case OP.SHORT_BINSTRING:
          // Python 2 `str`; torch.load decodes it with its default encoding, UTF-8.
          this.#stack.push(this.#text(this.#u8()));
          break;
        case OP.BINSTRING: {
          const n = this.#view.getInt32(this.#need(4), true);
          if (n < 0) this.#fail('corrupt pickle: BINSTRING with a negative length');
          this.#stack.push(this.#text(n));
          break;
        }
        case OP.SHORT_BINBYTES:
          this.#stack.push(this.#take(this.#u8()).slice());
          break;
        case OP.BINBYTES:
          this.#stack.push(this.#take(this.#u32()).slice());
          break;
        case OP.BINBYTES8:
          this.#stack.push(this.#take(this.#u64()).slice());
          break;
        case OP.EMPTY_TUPLE:
          this.#stack.push([]);
          break;
        case OP.TUPLE1: {
          const a = this.#pop();
          this.#stack.push([a]);
          break;
        }
        case OP.TUPLE2: {
          const b = this.#pop();
          const a = this.#pop();
          this.#stack.push([a, b]);
          break;
        }
        case OP.TUPLE3: {
          const c = this.#pop();
          const b = this.#pop();
          const a = this.#pop();
          this.#stack.push([a, b, c]);
          break;
        }
        case OP.TUPLE: {
          // Pop first: popping the mark replaces the stack being pushed onto.
          const items = this.#popMark();
          this.#stack.push(items);
          break;
        }
        case OP.EMPTY_LIST:
          this.#stack.push([]);
          break;
        case OP.APPEND: {
          const item = this.#pop();
          this.#append(this.#top(), [item]);
          break;
        }
        case OP.APPENDS: {
          const items = this.#popMark();
          this.#append(this.#top(), items);
          break;
        }
        case OP.EMPTY_DICT:
          this.#stack.push(new Map());
          break;
        case OP.SETITEM: {
          const value = this.#pop();
          const key = this.#pop();
          this.#setItems(this.#top(), [key, value]);
          break;
        }
        case OP.SETITEMS: {
          const items = this.#popMark();
          this.#setItems(this.#top(), items);
          break;
        }
        case OP.EMPTY_SET:
          this.#stack.push(new Set());
          break;
        case OP.ADDITEMS: {
          const items = this.#popMark();
          const set = this.#top();
          if (!(set instanceof Set)) this.#fail('corrupt pickle: ADDITEMS on something that is not a set');
          for (const item of items) set.add(item);
          break;
        }
        case OP.FROZENSET: {
          const items = this.#popMark();
          this.#stack.push(new Set(items));
          break;
        }
        case OP.BINPUT:
          this.#memo.set(this.#u8(), this.#top());
          break;
        case OP.LONG_BINPUT:
          this.#memo.set(this.#u32(), this.#top());
          break;
        case OP.MEMOIZE:
          this.#memo.set(this.#memo.size, this.#top());
          break;
        case OP.BINGET:
          this.#stack.push(this.#memoGet(this.#u8()));
          break;
        case OP.LONG_BINGET:
          this.#stack.push(this.#memoGet(this.#u32()));
          break;
        case OP.GLOBAL: {
          const module = this.#line();
          const name = this.#line();
          this.#stack.push(this.#resolveGlobal(module, name));
          break;
        }
        case OP.STACK_GLOBAL: {
          const name = this.#pop();
          const module = this.#pop();
          if (typeof module !== 'string' || typeof name !== 'string') this.#fail('corrupt pickle: STACK_GLOBAL needs two strings');
          this.#stack.push(this.#resolveGlobal(module, name));
          break;
        }
        case OP.REDUCE:
        case OP.NEWOBJ: {
          const args = this.#pop();
          const callable = this.#pop();
          this.#stack.push(this.#call(callable, args));
          break;
        }
        case OP.NEWOBJ_EX: {
          // Keyword arguments only matter to the classes that take them, none of which this reader builds.
          this.#pop();
          const args = this.#pop();
          const callable = this.#pop();
          this.#stack.push(this.#call(callable, args));
          break;
        }
        case OP.BUILD: {
          const state = this.#pop();
          const target = this.#top();
          if (target instanceof PyObject) target.state = state;
          // A dict subclass's attributes (a state dict's `_metadata` of module versions) carry no weights.
          else if (!(target instanceof Map)) this.#fail('unsupported pickle: BUILD (setting the state of an object) on a built-in value');
          break;
        }
        case OP.BINPERSID: {
          const pid = this.#pop();
          const load = this.#options.persistentLoad;
          if (load === undefined) this.#fail('unsupported pickle: a persistent id (BINPERSID) where none is expected');
          this.#stack.push(load(pid));
          break;
        }
        default:
          this.#fail(`unsupported pickle opcode ${describeOpcode(code)}`);
      }
    }
  }
}

/**
 * Reads one pickle (`pickle.loads` with a restricted `find_class` and a `persistent_load`, as
 * `torch.load(weights_only=True)` does), executing nothing.
 *
 * @param bytes - the pickle, e.g. a checkpoint's `data.pkl`.
 * @throws {@link InputFileError} naming `options.file` and `options.label` for an unsupported opcode
 *   (its byte in hex and position), an unsupported protocol, or a corrupt pickle.
 * @example
 * const value = unpickle(bytes, {
 *   globals: new Map([['collections.OrderedDict', () => new Map()]]),
 *   file: 'model.pt',
 *   label: 'archive/data.pkl',
 * });
 */
export function unpickle(bytes: Uint8Array, options: UnpickleOptions): unknown {
  return new Unpickler(bytes, options).run();
}

/** Integer bounds of the compact opcodes BININT1 (unsigned byte), BININT2 (unsigned short), BININT (int32). */
const BININT1_MAX = 0xff;
const BININT2_MAX = 0xffff;
const INT32_MIN = -(2 ** 31);
const INT32_MAX = 2 ** 31 - 1;

/**
 * Writes a protocol-2 pickle opcode by opcode, the way CPython's `pickle.Pickler` encodes each value
 * (without memoization, which readers do not require). Containers are written by the caller: open
 * them, write their items, close them.
 *
 * @example
 * const w = new PickleWriter();
 * w.proto();
 * w.emptyDict();
 * w.setItems(1, () => { w.str('epoch'); w.int(90); });
 * w.stop();
 * const bytes = w.finish(); // pickle.loads(bytes) == {'epoch': 90}
 */
export class PickleWriter {
  #chunks: Uint8Array[] = [];
  #length = 0;

  #push(bytes: Uint8Array): void {
    this.#chunks.push(bytes);
    this.#length += bytes.length;
  }

  #op(code: number, payload?: Uint8Array): void {
    this.#push(Uint8Array.of(code));
    if (payload !== undefined) this.#push(payload);
  }

  /** PROTO 2: the first opcode of a protocol-2 pickle. */
  proto(): void {
    this.#op(OP.PROTO, Uint8Array.of(PICKLE_PROTOCOL));
  }

  /** STOP: ends the pickle; the value on top of the stack is its result. */
  stop(): void {
    this.#op(OP.STOP);
  }

  /** MARK: the start of the items of a TUPLE, SETITEMS or APPENDS. */
  mark(): void {
    this.#op(OP.MARK);
  }

  /** `None`. */
  none(): void {
    this.#op(OP.NONE);
  }

  /** `True` / `False`. */
  bool(value: boolean): void {
    this.#op(value ? OP.NEWTRUE : OP.NEWFALSE);
  }

  /**
   * A Python `int`, in the shortest opcode: BININT1, BININT2, BININT, else LONG1 (two's complement).
   *
   * @throws RangeError when `value` is a number that is not a safe integer.
   */
  int(value: number | bigint): void {
    if (typeof value === 'number') {
      if (!Number.isSafeInteger(value)) throw new RangeError(`value: a pickled int must be a safe integer, got ${value}`);
      if (value >= 0 && value <= BININT1_MAX) return this.#op(OP.BININT1, Uint8Array.of(value));
      if (value >= 0 && value <= BININT2_MAX) return this.#op(OP.BININT2, Uint8Array.of(value & 0xff, value >>> 8));
      if (value >= INT32_MIN && value <= INT32_MAX) {
        const payload = new Uint8Array(4);
        new DataView(payload.buffer).setInt32(0, value, true);
        return this.#op(OP.BININT, payload);
      }
    }
    let v = BigInt(value);
    const bytes: number[] = [];
    // Little-endian two's complement, as short as keeps the sign bit right (CPython's encode_long).
    for (;;) {
      const byte = Number(v & 0xffn);
      bytes.push(byte);
      v >>= 8n;
      if ((v === 0n && !(byte & 0x80)) || (v === -1n && byte & 0x80)) break;
    }
    this.#op(OP.LONG1, Uint8Array.of(bytes.length, ...bytes));
  }

  /** A Python `float` (BINFLOAT, big-endian IEEE 754 double). */
  float(value: number): void {
    const payload = new Uint8Array(8);
    new DataView(payload.buffer).setFloat64(0, value, false);
    this.#op(OP.BINFLOAT, payload);
  }

  /** A Python `str` (BINUNICODE, UTF-8). */
  str(value: string): void {
    const text = Buffer.from(value, 'utf8');
    const length = new Uint8Array(4);
    new DataView(length.buffer).setUint32(0, text.length, true);
    this.#op(OP.BINUNICODE, length);
    this.#push(new Uint8Array(text.buffer, text.byteOffset, text.length));
  }

  /** A global `module.name` (GLOBAL), to be called with REDUCE or used as a value. */
  global(module: string, name: string): void {
    this.#op(OP.GLOBAL, Buffer.from(`${module}\n${name}\n`, 'latin1'));
  }

  /** A tuple of `count` items that `writeItems` writes (EMPTY_TUPLE, TUPLE1–3, or MARK … TUPLE). */
  tuple(count: number, writeItems: () => void): void {
    if (count === 0) return this.#op(OP.EMPTY_TUPLE);
    if (count > 3) this.mark();
    writeItems();
    this.#op(count > 3 ? OP.TUPLE : [OP.TUPLE1, OP.TUPLE2, OP.TUPLE3][count - 1]);
  }

  /** An empty dict, to be filled with {@link setItems}. */
  emptyDict(): void {
    this.#op(OP.EMPTY_DICT);
  }

  /** Adds `count` key–value pairs that `writeItems` writes (key, value, key, value …) to the dict on top. */
  setItems(count: number, writeItems: () => void): void {
    if (count === 0) return;
    this.mark();
    writeItems();
    this.#op(OP.SETITEMS);
  }

  /** An empty list, to be filled with {@link appends}. */
  emptyList(): void {
    this.#op(OP.EMPTY_LIST);
  }

  /** Appends `count` items that `writeItems` writes to the list on top. */
  appends(count: number, writeItems: () => void): void {
    if (count === 0) return;
    this.mark();
    writeItems();
    this.#op(OP.APPENDS);
  }

  /** REDUCE: calls the callable below the top of the stack with the argument tuple on top. */
  reduce(): void {
    this.#op(OP.REDUCE);
  }

  /** BINPERSID: replaces the value on top (a persistent id) with the object it stands for. */
  persistentId(): void {
    this.#op(OP.BINPERSID);
  }

  /** The pickle written so far, as one byte array. */
  finish(): Uint8Array {
    return Buffer.concat(this.#chunks, this.#length);
  }
}
