export { RandomState, checkRandomState } from './random/random-state.ts';
export type { MT19937State } from './random/random-state.ts';
export type { Split, ShuffleSplitOptions } from './split/types.ts';
export { shuffleSplit } from './split/shuffle-split.ts';
export { stratifiedShuffleSplit, approximateMode } from './split/stratified-shuffle-split.ts';
export { uniqueLabels, compareCodePoints } from './split/unique-labels.ts';
export { validateShuffleSplit } from './split/split-sizes.ts';

export type { Regression } from './regression/types.ts';
export { PLSRegression } from './regression/pls-nipals.ts';
export type { PLSRegressionOptions } from './regression/pls-nipals.ts';
export { KernelPLSRegression, fitKernelPls, kernelPlsSteps, predictKernelPls, kernelPlsProducts } from './regression/pls-kernel.ts';
export type { KernelPlsOptions, KernelPlsFit, KernelPlsProducts } from './regression/pls-kernel.ts';
export { Ridge } from './regression/ridge.ts';
export type { RidgeOptions } from './regression/ridge.ts';

export { meanByGroup } from './neural/group-mean.ts';
export {
  crossValidatedPredictivity,
  brainScoreSplits,
  BRAINSCORE_CV,
  BRAINSCORE_PLS_COMPONENTS,
} from './neural/predictivity.ts';
export type { PredictivityOptions, PredictivityResult, PredictivitySplit, RegressionKind, SortedSplit } from './neural/predictivity.ts';
export { kernelCrossValidatedPredictions, splitKernels } from './neural/kernel-cv.ts';
export type { KernelCvOptions, SplitKernelBuffers } from './neural/kernel-cv.ts';
export { internalConsistency, BRAINSCORE_CEILING_CV } from './neural/ceiling.ts';
export type { CeilingResult, CeilingSplit, RepeatedResponses } from './neural/ceiling.ts';
export { ceilScore, parseNormalization, NORMALIZATIONS, DEFAULT_NORMALIZATION } from './neural/normalization.ts';
export type { Normalization, CeiledScore } from './neural/normalization.ts';

export { sum, mean, nanMean, std, nanMedian } from './stats/descriptive.ts';
export { pearson, pearsonColumns, spearmanBrown } from './stats/correlation.ts';
export { normalQuantile } from './stats/normal.ts';

export {
  i2n,
  i2nLayout,
  modelResponseMatrix,
  humanResponseMatrix,
  dprimeMatrix,
  i2nNormalize,
  modelI2n,
  humanI2n,
  correlateNonNaN,
  i2nSplitHalves,
  DPRIME_CAP,
  I2N_SPLITS,
  I2N_RANDOM_STATE,
} from './behavior/i2n.ts';
export type {
  I2nModelOutput,
  I2nTrials,
  I2nHumanData,
  I2nLayout,
  I2nMatrices,
  I2nNanRule,
  NonNaNCorrelation,
  I2nSplit,
  I2nOptions,
  I2nResult,
} from './behavior/i2n.ts';
export { errorConsistency, errorConsistencyFromCorrectness, aggregateErrorConsistency } from './behavior/error-consistency.ts';
export type {
  ErrorConsistencyResult,
  ObserverTrial,
  PerfectAgreementKappa,
  AggregateErrorConsistencyOptions,
  ConditionErrorConsistency,
  PairErrorConsistency,
  AggregatedErrorConsistency,
} from './behavior/error-consistency.ts';

export { LogisticRegression, StandardScaler, BRAINSCORE_READOUT_C, BRAINSCORE_READOUT_TOL } from './classification/logistic-regression.ts';
export type { LogisticRegressionOptions } from './classification/logistic-regression.ts';
