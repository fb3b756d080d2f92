/**
 * The regression contract shared by the estimators that map model features to neural responses,
 * and the input checks and centring every implementation applies.
 */
import { matrix } from '@vvs/linalg';
import type { Matrix } from '@vvs/linalg';

/**
 * A multi-output linear regression, in scikit-learn's estimator shape (`fit(X, Y)` then
 * `predict(X)`). Rows are samples (stimuli): `X` is n_samples × n_features (model activations),
 * `Y` is n_samples × n_targets (neuroids), and `predict` returns one row of n_targets per row of its
 * input. Implementations keep the fitted state on the instance, so `fit` returns `this` for chaining.
 *
 * @example
 * const model: Regression = new PLSRegression({ nComponents: 25 });
 * const predicted = model.fit(Xtrain, Ytrain).predict(Xtest); // Xtest.rows × Ytrain.cols
 */
export interface Regression {
  /** Fits on `X` (n_samples × n_features) and `Y` (n_samples × n_targets); returns `this`. */
  fit(X: Matrix, Y: Matrix): this;
  /** Predicts targets for `X` (m × n_features): an m × n_targets matrix. */
  predict(X: Matrix): Matrix;
}

function assertFinite(m: Matrix, who: string, arg: string): void {
  const { data, cols } = m;
  for (let i = 0; i < data.length; i++) {
    if (!Number.isFinite(data[i])) {
      const row = Math.floor(i / cols);
      throw new RangeError(`${who}: ${arg} must be finite, found ${data[i]} at row ${row}, column ${i - row * cols}`);
    }
  }
}

/**
 * Checks training data as scikit-learn's `check_X_y`/`check_array` do: equal row counts, at least
 * `minSamples` rows, at least one column in each, and only finite values.
 *
 * @throws RangeError naming the offending argument.
 * @example
 * checkFitInputs(X, Y, 'PLSRegression.fit', 2);
 */
export function checkFitInputs(X: Matrix, Y: Matrix, who: string, minSamples: number): void {
  if (X.rows !== Y.rows) {
    throw new RangeError(`${who}: X and Y must have the same number of rows (samples), got ${X.rows} and ${Y.rows}`);
  }
  if (X.rows < minSamples) {
    throw new RangeError(`${who}: need at least ${minSamples} samples (rows), got ${X.rows}`);
  }
  if (X.cols < 1) throw new RangeError(`${who}: X must have at least one feature column`);
  if (Y.cols < 1) throw new RangeError(`${who}: Y must have at least one target column`);
  assertFinite(X, who, 'X');
  assertFinite(Y, who, 'Y');
}

/**
 * Checks a matrix passed to `predict`: the fitted number of features and only finite values.
 *
 * @throws RangeError naming the offending argument.
 * @example
 * checkPredictInput(Xtest, this.xMean.length, 'PLSRegression.predict');
 */
export function checkPredictInput(X: Matrix, nFeatures: number, who: string): void {
  if (X.cols !== nFeatures) {
    throw new RangeError(`${who}: X has ${X.cols} features (columns), the model was fitted with ${nFeatures}`);
  }
  assertFinite(X, who, 'X');
}

/**
 * `m` with `means[j]` subtracted from column j (numpy's `m - means`, broadcasting over rows): a copy,
 * or `m` itself changed in place when `inPlace` (for large temporaries nobody else holds).
 *
 * @example
 * centerColumns(X, columnMeans(X)); // column means become zero (to rounding)
 */
export function centerColumns(m: Matrix, means: Float64Array, { inPlace = false }: { inPlace?: boolean } = {}): Matrix {
  if (means.length !== m.cols) {
    throw new RangeError(`centerColumns: ${means.length} means for ${m.cols} columns`);
  }
  const out = inPlace ? m : matrix(m.rows, m.cols, m.data);
  const d = out.data;
  const c = m.cols;
  for (let i = 0; i < m.rows; i++) {
    const off = i * c;
    for (let j = 0; j < c; j++) d[off + j] -= means[j];
  }
  return out;
}
