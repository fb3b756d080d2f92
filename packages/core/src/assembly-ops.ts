/**
 * Operations on {@link Assembly} values that Brain-Score performs with xarray: finding the stimulus
 * key, collapsing time bins, averaging repetitions per stimulus, and aligning features to recordings.
 */
import { compareCodePoints, meanByGroup } from '@vvs/metrics';
import { inMemorySource, isIdentityOrder, selectRows, shareRows, type FeatureSource, type Matrix, type MatrixLike } from '@vvs/linalg';
import type { Assembly, Coordinate } from './contracts/assembly.ts';
import { isLazyFeatures, type LazyFeatures } from './contracts/features.ts';
import { InputError } from './errors.ts';

/**
 * Coordinates that name the stimulus of a presentation, in order of preference: current Brain-Score
 * files use `stimulus_id`; older ones `image_id`; activation files of model-tools `stimulus_path`.
 */
export const STIMULUS_KEYS = ['stimulus_id', 'image_id', 'stimulus_path'] as const;

/**
 * Where an assembly came from, for error messages: its `attrs.source_file` (set by the readers of
 * `@vvs/io`), else `'assembly'`.
 */
export function assemblySource(a: Assembly): string {
  const file = a.attrs?.source_file;
  return typeof file === 'string' ? file : 'assembly';
}

/**
 * The name of the coordinate that identifies stimuli (`stimulus_id`, else `image_id`, else
 * `stimulus_path`).
 *
 * @throws InputError listing the available coordinates when none is present.
 * @example
 * stimulusKey(assembly); // 'stimulus_id'
 */
export function stimulusKey(a: Assembly): (typeof STIMULUS_KEYS)[number] {
  for (const key of STIMULUS_KEYS) if (a.coords[key]) return key;
  const available = Object.entries(a.coords).map(([name, c]) => `${name} (${c.dim})`);
  throw new InputError(
    `${assemblySource(a)}: no stimulus coordinate: expected one of ${STIMULUS_KEYS.join(', ')}; coordinates: ${available.join(', ') || 'none'}`,
    { file: assemblySource(a), field: 'stimulus_id' },
  );
}

/**
 * A coordinate by name, checked to lie along `dim` when given.
 *
 * @throws InputError naming the coordinate and listing the available ones.
 */
export function coordinate(a: Assembly, name: string, dim?: string): Coordinate {
  const c = a.coords[name];
  if (!c) {
    throw new InputError(`${assemblySource(a)}: no coordinate '${name}' (available: ${Object.keys(a.coords).join(', ')})`, {
      file: assemblySource(a),
      field: name,
    });
  }
  if (dim !== undefined && c.dim !== dim) {
    throw new InputError(`${assemblySource(a)}: coordinate '${name}' lies along '${c.dim}', expected '${dim}'`, { file: assemblySource(a), field: name });
  }
  return c;
}

/** How to collapse a `time_bin` dimension. */
export type TimeBinSelection =
  | { kind: 'mean' }
  | { kind: 'index'; index: number }
  | { kind: 'label'; start: number; end: number }
  /** The mean of the bins lying within [start, end] ms (Brain-Score's averaging over a response window). */
  | { kind: 'window'; start: number; end: number };

/**
 * Parses a time-bin choice as a user writes it: an index (`0`) or a `start-end` window in ms (`70-170`).
 *
 * @example
 * parseTimeBin('70-170'); // { kind: 'label', start: 70, end: 170 }
 */
export function parseTimeBin(text: string): TimeBinSelection {
  const window = /^(-?\d+(?:\.\d+)?)\s*[-:]\s*(-?\d+(?:\.\d+)?)$/.exec(text.trim());
  if (window) return { kind: 'label', start: Number(window[1]), end: Number(window[2]) };
  if (/^\d+$/.test(text.trim())) return { kind: 'index', index: Number(text) };
  throw new InputError(`--time-bin: expected a bin index (e.g. 0) or a window in ms (e.g. 70-170), got '${text}'`, { field: 'time_bin' });
}

/**
 * Collapses the `time_bin` dimension of a recording to `presentation × neuroid`: a single bin is
 * squeezed; several are averaged (NaN skipped) unless `selection` picks one. Assemblies without a
 * time dimension are returned unchanged.
 *
 * @example
 * const twoD = collapseTimeBins(assembly); // dims ['presentation', 'neuroid']
 */
export function collapseTimeBins(a: Assembly, selection: TimeBinSelection = { kind: 'mean' }): Assembly {
  const axis = a.dims.indexOf('time_bin');
  if (axis < 0) return a;
  if (axis !== a.dims.length - 1) {
    throw new InputError(`${assemblySource(a)}: time_bin must be the last dimension, dims are (${a.dims.join(', ')})`, { file: assemblySource(a), field: 'time_bin' });
  }
  const bins = a.shape[axis];
  let pick: number | undefined;
  let within: boolean[] | undefined;
  if (selection.kind === 'window') {
    const starts = coordinate(a, 'time_bin_start', 'time_bin').values as number[];
    const ends = coordinate(a, 'time_bin_end', 'time_bin').values as number[];
    within = starts.map((s, i) => s >= selection.start && ends[i] <= selection.end);
    if (!within.includes(true)) {
      const have = starts.map((s, i) => `${s}-${ends[i]}`).join(', ');
      throw new InputError(`${assemblySource(a)}: no time bin lies within ${selection.start}-${selection.end} ms (bins: ${have})`, { file: assemblySource(a), field: 'time_bin' });
    }
  }
  if (selection.kind === 'index') {
    if (selection.index >= bins) throw new InputError(`${assemblySource(a)}: time bin ${selection.index} requested, the file has ${bins}`, { file: assemblySource(a), field: 'time_bin' });
    pick = selection.index;
  } else if (selection.kind === 'label') {
    const starts = coordinate(a, 'time_bin_start', 'time_bin').values as number[];
    const ends = coordinate(a, 'time_bin_end', 'time_bin').values as number[];
    pick = starts.findIndex((s, i) => s === selection.start && ends[i] === selection.end);
    if (pick < 0) {
      const have = starts.map((s, i) => `${s}-${ends[i]}`).join(', ');
      throw new InputError(`${assemblySource(a)}: no time bin ${selection.start}-${selection.end} (bins: ${have})`, { file: assemblySource(a), field: 'time_bin' });
    }
  }
  const coords = Object.fromEntries(Object.entries(a.coords).filter(([, c]) => c.dim !== 'time_bin'));
  const collapsed = { dims: a.dims.slice(0, axis), shape: a.shape.slice(0, axis), coords, attrs: a.attrs };
  // One bin: the values are already laid out as presentation × neuroid; share them.
  if (bins === 1) return { ...collapsed, data: a.data };
  if (within?.filter(Boolean).length === 1) pick = within.indexOf(true);
  const outer = a.data.length / bins;
  const data = a.data instanceof Float32Array ? new Float32Array(outer) : new Float64Array(outer);
  for (let i = 0; i < outer; i++) {
    if (pick !== undefined) {
      data[i] = a.data[i * bins + pick];
      continue;
    }
    let sum = 0;
    let count = 0;
    for (let b = 0; b < bins; b++) {
      if (within !== undefined && !within[b]) continue;
      const v = a.data[i * bins + b];
      if (!Number.isNaN(v)) {
        sum += v;
        count++;
      }
    }
    data[i] = count ? sum / count : Number.NaN;
  }
  return { ...collapsed, data };
}

/**
 * The part of `a` whose coordinate `name` has one of `values`, along that coordinate's dimension
 * (xarray's `assembly.sel(region='IT')` on a non-index coordinate). Coordinates of the dimension are
 * subset alike; the other dimensions are untouched. Order is kept.
 *
 * @throws InputError when the coordinate is missing or no position matches (naming what exists).
 * @example
 * const it = selectAlong(recording, 'region', ['IT']); // neuroids of IT only
 */
export function selectAlong(a: Assembly, name: string, values: readonly (string | number)[]): Assembly {
  const coord = coordinate(a, name);
  const axis = a.dims.indexOf(coord.dim);
  const wanted = new Set<string | number>(values);
  const keep: number[] = [];
  coord.values.forEach((v, i) => wanted.has(v) && keep.push(i));
  if (keep.length === 0) {
    const present = [...new Set(coord.values as (string | number)[])].slice(0, 10).join(', ');
    throw new InputError(`${assemblySource(a)}: no ${coord.dim} has ${name} ${values.join(' or ')} (values: ${present})`, {
      file: assemblySource(a),
      field: name,
    });
  }
  if (keep.length === coord.values.length) return a;
  const outer = a.shape.slice(0, axis).reduce((x, y) => x * y, 1);
  const inner = a.shape.slice(axis + 1).reduce((x, y) => x * y, 1);
  const length = a.shape[axis];
  const data = a.data instanceof Float32Array ? new Float32Array(outer * keep.length * inner) : new Float64Array(outer * keep.length * inner);
  for (let o = 0; o < outer; o++) {
    keep.forEach((k, j) => {
      const from = (o * length + k) * inner;
      data.set(a.data.subarray(from, from + inner), (o * keep.length + j) * inner);
    });
  }
  const coords: Record<string, Coordinate> = {};
  for (const [key, c] of Object.entries(a.coords)) {
    coords[key] = c.dim === coord.dim ? { dim: c.dim, values: keep.map((k) => c.values[k]) as string[] | number[] } : c;
  }
  const shape = [...a.shape];
  shape[axis] = keep.length;
  return { dims: a.dims, shape, data, coords, ...(a.attrs ? { attrs: a.attrs } : {}) };
}

/** A `presentation × X` assembly viewed as a matrix (rows = presentations, all other dims flattened). */
export function asMatrix(a: Assembly, rowDim: string): MatrixLike {
  const axis = a.dims.indexOf(rowDim);
  if (axis !== 0) {
    throw new InputError(`${assemblySource(a)}: expected '${rowDim}' as the first dimension, dims are (${a.dims.join(', ')})`, { file: assemblySource(a), field: rowDim });
  }
  const rows = a.shape[0];
  return { rows, cols: rows === 0 ? 0 : a.data.length / rows, data: a.data };
}

/** A recording averaged over repetitions: one row per stimulus, stimuli sorted by id. */
export interface StimulusAverage {
  /** Stimulus ids in np.unique order (code-point sort), the rows of `data`. */
  stimulusIds: string[];
  /** Stimuli × neuroids means over each stimulus's presentations (NaN skipped). */
  data: Matrix;
  /** Per presentation row, the index of its stimulus in `stimulusIds`. */
  stimulusIndex: Int32Array;
}

/**
 * Averages a `presentation × neuroid` recording over the presentations of each stimulus, like
 * Brain-Score's `average_repetition` (`groupby('stimulus_id').mean()`), with stimuli sorted by id.
 *
 * @example
 * const { stimulusIds, data } = averageRepetitions(recording);
 */
export function averageRepetitions(a: Assembly): StimulusAverage {
  const key = stimulusKey(a);
  const ids = coordinate(a, key, 'presentation').values.map(String);
  const stimulusIds = [...new Set(ids)].sort(compareCodePoints);
  const position = new Map(stimulusIds.map((id, i) => [id, i]));
  const stimulusIndex = Int32Array.from(ids, (id) => position.get(id)!);
  return { stimulusIds, data: meanByGroup(asMatrix(a, 'presentation'), stimulusIndex, stimulusIds.length), stimulusIndex };
}

/**
 * One value of a presentation coordinate per stimulus (e.g. `object_name`), checking that every
 * presentation of a stimulus agrees.
 *
 * @throws InputError when the coordinate is missing or differs between presentations of one stimulus.
 */
export function perStimulus(a: Assembly, name: string, average: StimulusAverage): (string | number)[] {
  const values = coordinate(a, name, 'presentation').values;
  const out: (string | number | undefined)[] = new Array(average.stimulusIds.length);
  for (let row = 0; row < values.length; row++) {
    const s = average.stimulusIndex[row];
    if (out[s] === undefined) out[s] = values[row];
    else if (out[s] !== values[row]) {
      throw new InputError(
        `${assemblySource(a)}: coordinate '${name}' differs between presentations of stimulus '${average.stimulusIds[s]}' (${out[s]} vs ${values[row]})`,
        { file: assemblySource(a), field: name },
      );
    }
  }
  return out as (string | number)[];
}

/**
 * Features as a {@link FeatureSource} whose rows follow `stimulusIds` (the recording's sorted
 * stimuli), whatever order the features list them in; nothing is copied. Features keyed by file path
 * (`stimulus_path`, as old model-tools activations are) also match a recording's id equal to the
 * path's file name without extension.
 *
 * @throws InputError listing a few recording stimuli that the features lack, or duplicated feature rows.
 * @example
 * const x = alignFeatures(features, averageRepetitions(recording).stimulusIds);
 */
export function alignFeatures(features: Assembly | LazyFeatures, stimulusIds: readonly string[]): FeatureSource {
  const lazy = isLazyFeatures(features);
  const source = lazy ? features.source : inMemorySource(asMatrix(features, features.coords[stimulusKey(features)].dim));
  const order = featureRowOrder(features, stimulusIds);
  return isIdentityOrder(order, source.rows) ? source : selectRows(source, order);
}

/**
 * In-memory features ready for a worker thread: the matrix in shared memory (as it is when it
 * already lives in a `SharedArrayBuffer`, else copied once, in its own precision) and the feature
 * row of each of `stimulusIds` (matched as {@link alignFeatures} matches them), or `undefined`
 * when the rows are already in that order.
 *
 * @throws InputError as {@link alignFeatures} does.
 * @example
 * const { features: x, rowOrder } = sharedFeatureRows(features, averageRepetitions(recording).stimulusIds);
 * await pool.run('predictivity', { features: x, rowOrder, targets, labels: null, options: {} });
 */
export function sharedFeatureRows(features: Assembly, stimulusIds: readonly string[]): { features: MatrixLike; rowOrder?: Int32Array } {
  const order = featureRowOrder(features, stimulusIds);
  const x = shareRows(asMatrix(features, features.coords[stimulusKey(features)].dim));
  return isIdentityOrder(order, x.rows) ? { features: x } : { features: x, rowOrder: order };
}

/** The feature row of each of `stimulusIds`, matched by `stimulus_id` (or `stimulus_path`). */
function featureRowOrder(features: Assembly | LazyFeatures, stimulusIds: readonly string[]): Int32Array {
  const lazy = isLazyFeatures(features);
  const origin = lazy ? features.origin : assemblySource(features);
  const key = lazy ? 'stimulus_id' : stimulusKey(features);
  const keys = lazy ? features.stimulusIds : coordinate(features, key).values.map(String);
  const row = new Map<string, number>();
  keys.forEach((k, i) => {
    if (row.has(k)) throw new InputError(`${origin}: stimulus '${k}' appears in more than one feature row`, { file: origin, field: key });
    row.set(k, i);
  });
  if (key === 'stimulus_path' && !stimulusIds.some((id) => row.has(id))) {
    for (const [k, i] of [...row]) row.set(basenameWithoutExtension(k), i);
  }
  const missing = stimulusIds.filter((id) => !row.has(id));
  if (missing.length) {
    const shown = missing.slice(0, 5).map((m) => `'${m}'`).join(', ');
    throw new InputError(
      `${origin}: ${missing.length} of ${stimulusIds.length} recorded stimuli have no features (${shown}${missing.length > 5 ? ', …' : ''})`,
      { file: origin, field: key },
    );
  }
  return Int32Array.from(stimulusIds, (id) => row.get(id)!);
}

/**
 * The error for a feature value that is NaN or infinite, worded the same wherever it is found
 * (in memory here, or while `@vvs/io` streams a file).
 *
 * @example
 * throw nonFiniteFeatureError('layer4.npy', 'im0042', Number.NaN, 17);
 */
export function nonFiniteFeatureError(origin: string, stimulusId: string, value: number, column: number): InputError {
  return new InputError(`${origin}: features of stimulus '${stimulusId}' contain ${value} (column ${column}); features must be finite`, {
    file: origin,
  });
}

/**
 * Checks that an in-memory features assembly holds only finite values.
 *
 * @throws InputError ({@link nonFiniteFeatureError}) naming the first offending stimulus and column.
 */
export function checkFiniteFeatures(features: Assembly): void {
  const key = stimulusKey(features);
  const { data, cols } = asMatrix(features, features.coords[key].dim);
  const i = data instanceof Float32Array ? firstNonFinite32(data) : firstNonFinite64(data);
  if (i >= 0) {
    const row = Math.floor(i / cols);
    throw nonFiniteFeatureError(assemblySource(features), String(features.coords[key].values[row]), data[i], i - row * cols);
  }
}

/**
 * Bits of a binary32 exponent; all of them set means ±Inf or NaN. Testing the bits of float32
 * features is 1.5 times faster than `Number.isFinite` on them, and the suite's main thread checks
 * every feature matrix it scores.
 */
const FLOAT32_EXPONENT_BITS = 0x7f800000;

/** Index of the first NaN or infinite value of float32 data, or −1. */
function firstNonFinite32(data: Float32Array): number {
  const bits = new Int32Array(data.buffer, data.byteOffset, data.length);
  for (let i = 0; i < bits.length; i++) if ((bits[i]! & FLOAT32_EXPONENT_BITS) === FLOAT32_EXPONENT_BITS) return i;
  return -1;
}

/** Index of the first NaN or infinite value of float64 data, or −1. */
function firstNonFinite64(data: Float64Array): number {
  for (let i = 0; i < data.length; i++) if (!Number.isFinite(data[i])) return i;
  return -1;
}

function basenameWithoutExtension(path: string): string {
  const base = path.slice(path.lastIndexOf('/') + 1);
  const dot = base.lastIndexOf('.');
  return dot > 0 ? base.slice(0, dot) : base;
}
