/**
 * A labelled n-dimensional array: Brain-Score's `DataAssembly` (an xarray `DataArray` whose dimensions
 * carry coordinates). Neural recordings are `presentation × neuroid [× time_bin]`; model activations
 * are `presentation × neuroid`; behavioural probabilities are `presentation × choice`.
 *
 * Values are stored row-major (C order) in `data`; `shape[i]` is the length of `dims[i]`.
 *
 * @example
 * const a: Assembly = {
 *   dims: ['presentation', 'neuroid'], shape: [2, 1], data: new Float64Array([0.5, 0.7]),
 *   coords: {
 *     stimulus_id: { dim: 'presentation', values: ['im0', 'im1'] },
 *     neuroid_id: { dim: 'neuroid', values: ['n0'] },
 *   },
 * };
 */
export interface Assembly {
  /** Dimension names in storage order, e.g. `['presentation', 'neuroid', 'time_bin']`. */
  readonly dims: readonly string[];
  /** Length of each dimension. */
  readonly shape: readonly number[];
  /** Row-major values; float32 data (activations) stays float32 to halve memory. */
  readonly data: Float64Array | Float32Array;
  /** Coordinates by name; each lies along one dimension and has that dimension's length. */
  readonly coords: Readonly<Record<string, Coordinate>>;
  /** Free-form attributes (identifier, source file, …). */
  readonly attrs?: Readonly<Record<string, unknown>>;
}

/** One coordinate: its dimension and one value per position along it. */
export interface Coordinate {
  readonly dim: string;
  readonly values: readonly string[] | readonly number[];
}
