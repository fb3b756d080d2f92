/**
 * The seed's point fit: BFGS from every start of a grid, best final loss wins (FIT-SEMANTICS §5).
 */
import { lawForm, type LawForm, type LawFormName, type LawInputs } from './forms.ts';
import { DEFAULT_HUBER_DELTA, huberObjective } from './huber.ts';
import { bfgs, type BfgsOptions, type BfgsStatus } from './optimize.ts';

/**
 * A grid of starts: `[parameter name, values]` pairs in the order the merged config lists
 * `fitting_parameters.initial_parameters` (that order, not the function's, decides the start order).
 */
export type StartGrid = ReadonlyArray<readonly [string, readonly number[]]>;

/**
 * Every start of a grid, in `itertools.product` order (first key slowest, last key fastest), as one
 * row-major Float64Array of `nStarts × grid.length` values, each row a tuple in grid-key order.
 *
 * @throws RangeError when the grid is empty or a key has no values.
 * @example
 * gridStarts([['e', [0, 1]], ['a', [5, 6, 7]]]);
 * // Float64Array [0,5, 0,6, 0,7, 1,5, 1,6, 1,7]
 */
export function gridStarts(grid: StartGrid): Float64Array {
  if (grid.length === 0) throw new RangeError('grid: expected at least one [name, values] pair');
  let nStarts = 1;
  for (const [name, values] of grid) {
    if (values.length === 0) throw new RangeError(`grid['${name}']: expected at least one start value`);
    nStarts *= values.length;
  }
  const p = grid.length;
  const out = new Float64Array(nStarts * p);
  for (let s = 0; s < nStarts; s++) {
    // Mixed-radix digits of s, the last key being the fastest-varying digit.
    let rest = s;
    for (let j = p - 1; j >= 0; j--) {
      const values = grid[j][1];
      out[s * p + j] = values[rest % values.length];
      rest = Math.floor(rest / values.length);
    }
  }
  return out;
}

/** Options of {@link fitLaw}. */
export interface FitLawOptions {
  /** The form (forms.ts) or the seed's `loss_function` name. */
  form: LawFormName | LawForm;
  /** One-variable data x = row[X] / X_scaler (power law and shift forms). */
  x?: Float64Array;
  /** Two-variable data N and D, already scaled (Chinchilla form). */
  n?: Float64Array;
  d?: Float64Array;
  /** log(1 − S) per data point. */
  logY: Float64Array;
  /** Huber threshold δ (default 1e-3). */
  delta?: number;
  /** A multiplicity per data point (see {@link huberObjective}); default 1 each. */
  weights?: Float64Array;
  /** Start grid in the config's key order (see {@link StartGrid}). */
  grid: StartGrid;
  /** BFGS options (scipy defaults). */
  bfgs?: BfgsOptions;
}

/** The best fit of a grid. */
export interface LawFit {
  form: LawFormName;
  /** Fitted parameters by the function's parameter names. */
  params: Record<string, number>;
  /** The same, in the function's order. */
  paramVector: Float64Array;
  /** Sum of Huber losses at `params`. */
  loss: number;
  /**
   * The winning start, by the function's parameter names: the value each parameter actually started
   * from. For the shift form this is where the quirk shows: `start.lambda_` comes from the config's
   * `alpha` list and `start.alpha` from its `lambda_` list.
   */
  start: Record<string, number>;
  /** Index of the winning start in `itertools.product` order. */
  startIndex: number;
  /** Linear-space parameters (E, A, alpha, S_inf, …), as the JSON's `params_converted`. */
  converted: Record<string, number>;
  /** The seed's plotting vector (E, A, −alpha, …), as the JSON's `seed_visualization_vector`. */
  visualizationVector: number[];
  /** How BFGS stopped from the winning start (the seed accepts any outcome). */
  status: BfgsStatus;
  nStarts: number;
}

/**
 * Fits a scaling law as the seed does (FIT-SEMANTICS §4–§5): the sum of Huber(δ) losses of
 * log-space residuals, minimised by BFGS ({@link bfgs}, after `scipy.optimize.minimize(method='BFGS')`)
 * from every start of the Cartesian product of the grid (`itertools.product`, last key fastest);
 * the start with the lowest final loss wins (ties: the first; non-finite losses never win).
 *
 * Starts are tuples in the grid's key order and are handed to the function POSITIONALLY, as the
 * seed does: for `power_law_shift_LSE` the configs list e, a, alpha, lambda_ while the function
 * takes e, a, lambda_, alpha, so the `alpha` values start lambda_ and vice versa (§5 quirk). The
 * grid must name exactly the form's parameters.
 *
 * @throws RangeError when the grid does not name the form's parameters, when there are fewer data
 *   points than parameters, or when the data are invalid (see {@link huberObjective}).
 * @example
 * const x = Float64Array.from([1, 2, 4, 8, 16, 32]);
 * const logY = x.map((v) => Math.log(0.5 + 0.3 * v ** -0.4));
 * const fit = fitLaw({ form: 'power_law_LSE', x, logY,
 *   grid: [['e', [-1, 0]], ['a', [0, 5]], ['alpha', [0.5, 1]]] });
 * fit.converted; // ≈ { E: 0.5, A: 0.3, alpha: 0.4, S_inf: 0.5 }
 */
export function fitLaw(options: FitLawOptions): LawFit {
  const form = typeof options.form === 'string' ? lawForm(options.form) : options.form;
  const names = form.parameterNames;
  const p = names.length;
  const { grid, logY } = options;
  const gridNames = grid.map(([name]) => name);
  if (gridNames.length !== p || names.some((name) => !gridNames.includes(name))) {
    throw new RangeError(
      `grid: expected start lists for exactly the parameters of ${form.name} (${names.join(', ')}), got ${gridNames.join(', ')}`,
    );
  }
  let inputs: LawInputs;
  if (form.nVariables === 1) {
    if (options.x === undefined) throw new TypeError(`x: ${form.name} needs x (Float64Array)`);
    inputs = { x: options.x };
  } else {
    if (options.n === undefined || options.d === undefined) {
      throw new TypeError(`n, d: ${form.name} needs n and d (Float64Array)`);
    }
    inputs = { n: options.n, d: options.d };
  }
  if (logY.length < p) {
    throw new RangeError(`logY: ${form.name} has ${p} parameters but only ${logY.length} data points were given`);
  }
  if (options.weights !== undefined && options.weights.some((w) => !(w > 0))) {
    throw new RangeError('weights: expected a positive multiplicity for every data point');
  }
  const objective = huberObjective(form, inputs, logY, options.delta ?? DEFAULT_HUBER_DELTA, options.weights);
  const starts = gridStarts(grid);
  const nStarts = starts.length / p;
  let best: ReturnType<typeof bfgs> | null = null;
  let bestIndex = -1;
  for (let s = 0; s < nStarts; s++) {
    const result = bfgs(objective, starts.subarray(s * p, (s + 1) * p), options.bfgs);
    if (Number.isFinite(result.fun) && (best === null || result.fun < best.fun)) {
      best = result;
      bestIndex = s;
    }
  }
  if (best === null) throw new RangeError(`${form.name}: no start of the grid reached a finite loss`);
  const byName = (v: ArrayLike<number>) => Object.fromEntries(names.map((name, j) => [name, v[j]]));
  return {
    form: form.name,
    params: byName(best.x),
    paramVector: best.x,
    loss: best.fun,
    start: byName(starts.subarray(bestIndex * p, (bestIndex + 1) * p)),
    startIndex: bestIndex,
    converted: form.convert(best.x),
    visualizationVector: form.visualizationVector(best.x),
    status: best.status,
    nStarts,
  };
}
