/**
 * Class labels encoded as numpy's `np.unique(y, return_inverse=True, return_counts=True)` does.
 */

/** The distinct labels in `np.unique` order, each sample's class index, and each class's size. */
export interface UniqueLabels<T extends string | number> {
  /** Distinct labels, sorted: numerically for numbers, by Unicode code point for strings. */
  classes: T[];
  /** For every sample, the index of its label in `classes` (numpy's `return_inverse`). */
  inverse: Int32Array;
  /** Number of samples of each class, aligned with `classes` (numpy's `return_counts`). */
  counts: Int32Array;
}

/** UTF-16 code units at or above this value and below `SURROGATE_END` are surrogate halves. */
const SURROGATE_START = 0xd800;
/** End (exclusive) of the UTF-16 surrogate range. */
const SURROGATE_END = 0xe000;
/** Lifts a surrogate above every BMP code unit, since it encodes a code point ≥ U+10000. */
const SURROGATE_LIFT = 0x10000;

/**
 * Orders strings by Unicode code point, as numpy compares its `<U` (UCS-4) strings. JavaScript's
 * default sort compares UTF-16 code units, which disagrees only between an astral character
 * (a surrogate pair) and a character in U+E000–U+FFFF; lifting surrogates fixes that case.
 *
 * @example
 * ```ts
 * ['obj1', 'Obj5', 'obj_9', 'obj10'].sort(compareCodePoints); // ['Obj5', 'obj1', 'obj10', 'obj_9']
 * ```
 */
export function compareCodePoints(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a.charCodeAt(i);
    const y = b.charCodeAt(i);
    if (x !== y) return liftSurrogate(x) - liftSurrogate(y);
  }
  return a.length - b.length;
}

function liftSurrogate(unit: number): number {
  return unit >= SURROGATE_START && unit < SURROGATE_END ? unit + SURROGATE_LIFT : unit;
}

/**
 * Distinct labels in `np.unique` order, with each sample's class index and each class's count —
 * numpy's `np.unique(labels, return_inverse=True, return_counts=True)`, as scikit-learn's
 * stratified splitters call it. Labels must be all strings or all (non-NaN) numbers.
 *
 * @throws TypeError for mixed or non-string, non-number labels; RangeError for a NaN label.
 * @example
 * ```ts
 * uniqueLabels(['b', 'a', 'b', 'B']);
 * // { classes: ['B', 'a', 'b'], inverse: Int32Array [2, 1, 2, 0], counts: Int32Array [1, 1, 2] }
 * ```
 */
export function uniqueLabels<T extends string | number>(labels: ArrayLike<T>): UniqueLabels<T> {
  const n = labels.length;
  const firstType = n > 0 ? typeof labels[0] : 'string';
  if (firstType !== 'string' && firstType !== 'number') {
    throw new TypeError(`labels must be strings or numbers, got ${firstType}`);
  }
  const seen = new Map<T, number>();
  const firstSeenCode = new Int32Array(n);
  const distinct: T[] = [];
  for (let i = 0; i < n; i++) {
    const label = labels[i];
    if (typeof label !== firstType) {
      throw new TypeError(`labels must be all strings or all numbers; label ${i} is a ${typeof label}, label 0 a ${firstType}`);
    }
    if (Number.isNaN(label)) throw new RangeError(`labels must not be NaN (label ${i})`);
    let code = seen.get(label);
    if (code === undefined) {
      code = distinct.length;
      seen.set(label, code);
      distinct.push(label);
    }
    firstSeenCode[i] = code;
  }

  const classes =
    firstType === 'number'
      ? (distinct as number[]).slice().sort((a, b) => a - b)
      : (distinct as string[]).slice().sort(compareCodePoints);
  const rankOfFirstSeen = new Int32Array(distinct.length);
  for (let rank = 0; rank < classes.length; rank++) {
    rankOfFirstSeen[seen.get(classes[rank] as T) as number] = rank;
  }
  const inverse = new Int32Array(n);
  const counts = new Int32Array(classes.length);
  for (let i = 0; i < n; i++) {
    const rank = rankOfFirstSeen[firstSeenCode[i]];
    inverse[i] = rank;
    counts[rank]++;
  }
  return { classes: classes as T[], inverse, counts };
}
