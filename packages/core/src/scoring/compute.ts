/**
 * The heavy, pure computations of a benchmark — cross-validated regressions, split-half ceilings,
 * the behavioural readout — named so that they can run wherever a {@link ComputePool} puts them: in
 * this thread, or on a pool of worker threads (`@vvs/suite`). Every task is a plain function of
 * plain data (typed arrays, numbers, strings), so a worker computes exactly what this thread would:
 * the same code on the same inputs, bit for bit.
 */
import {
  crossValidatedPredictivity,
  internalConsistency,
  LogisticRegression,
  StandardScaler,
  type CeilingResult,
  type PredictivityOptions,
  type PredictivityResult,
  type RepeatedResponses,
} from '@vvs/metrics';
import { inMemorySource, selectRows, type Matrix, type MatrixLike } from '@vvs/linalg';

/** Input of the `predictivity` task: {@link crossValidatedPredictivity}'s arguments. */
export interface PredictivityTask {
  /** stimuli × feature columns: rows in the targets' order, or in any order that `rowOrder` maps. */
  readonly features: MatrixLike;
  /**
   * The feature row of each target row, when the features are in another order (e.g. the stimulus
   * set's rather than the recording's sorted one): rows are then read through it, never copied.
   */
  readonly rowOrder?: Int32Array;
  /** stimuli × neuroids, averaged over repetitions. */
  readonly targets: Matrix;
  /** Stratification label per stimulus, or `null` for plain shuffle splits. */
  readonly labels: readonly (string | number)[] | null;
  /** The regression and its settings (progress callbacks cannot cross threads). */
  readonly options: Omit<PredictivityOptions, 'onProgress'>;
}

/** Input of the `readout` task: Brain-Score's behavioural readout on precomputed features. */
export interface ReadoutTask {
  /** fitting stimuli × features of the readout layer, in the precision they were extracted in. */
  readonly fitting: MatrixLike;
  /** Class label per fitting stimulus. */
  readonly labels: readonly (string | number)[];
  /** test stimuli × features of the readout layer. */
  readonly test: MatrixLike;
  /** Inverse regularisation strength of the logistic regression. */
  readonly C: number;
  /** Convergence tolerance of the logistic regression. */
  readonly tol: number;
}

/** Output of the `readout` task. */
export interface ReadoutResult {
  /** test stimuli × classes, rows summing to 1. */
  readonly probabilities: Matrix;
  /** The class labels in column order (sorted as np.unique sorts them). */
  readonly classes: (string | number)[];
}

/**
 * StandardScaler fitted on the fitting features, then multinomial logistic regression, then class
 * probabilities of the test features: Brain-Score's `ProbabilitiesMapping`
 * (`model_helpers/brain_transformation/behavior.py`).
 */
async function readout(task: ReadoutTask): Promise<ReadoutResult> {
  // The scaler reads the features in their own precision, so that float32 features cross threads
  // as extracted and only their standardised float64 form is ever allocated here.
  const scaler = new StandardScaler().fit(task.fitting);
  const classifier = await new LogisticRegression({ C: task.C, tol: task.tol }).fit(scaler.transform(task.fitting), task.labels);
  const probabilities = await classifier.predictProba(scaler.transform(task.test));
  return { probabilities, classes: classifier.classes };
}

/** Every task a {@link ComputePool} runs, by name. */
export const COMPUTE_TASKS = {
  /** Cross-validated regression + Pearson r per neuroid ({@link crossValidatedPredictivity}). */
  predictivity: (task: PredictivityTask): Promise<PredictivityResult> =>
    crossValidatedPredictivity(
      task.rowOrder ? selectRows(inMemorySource(task.features), task.rowOrder) : task.features,
      task.targets,
      task.labels,
      task.options,
    ),
  /** Split-half internal consistency, Spearman–Brown corrected ({@link internalConsistency}). */
  ceiling: async (task: RepeatedResponses): Promise<CeilingResult> => internalConsistency(task),
  /** The behavioural readout's class probabilities. */
  readout,
} as const;

/** The name of a compute task. */
export type ComputeTaskName = keyof typeof COMPUTE_TASKS;
/** What task `K` takes. */
export type ComputeInput<K extends ComputeTaskName> = Parameters<(typeof COMPUTE_TASKS)[K]>[0];
/** What task `K` resolves to. */
export type ComputeOutput<K extends ComputeTaskName> = Awaited<ReturnType<(typeof COMPUTE_TASKS)[K]>>;

/**
 * Where a benchmark's heavy computations run. Benchmarks take one through
 * `BenchmarkRunOptions.compute`; without one they run in this thread ({@link IN_THREAD_COMPUTE}).
 *
 * @example
 * const pool: ComputePool = { run: (task, input) => runComputeTask(task, input) }; // = IN_THREAD_COMPUTE
 * const { raw } = await pool.run('predictivity', { features, targets, labels: null, options: {} });
 */
export interface ComputePool {
  run<K extends ComputeTaskName>(task: K, input: ComputeInput<K>): Promise<ComputeOutput<K>>;
}

/**
 * Runs one named task here and now: what {@link IN_THREAD_COMPUTE} does, and what a pool's worker
 * does with a task it receives.
 *
 * @throws RangeError for a name that is not in {@link COMPUTE_TASKS}.
 * @example
 * const ceiling = await runComputeTask('ceiling', { responses, stimulus, repetition, nStimuli });
 */
export function runComputeTask<K extends ComputeTaskName>(task: K, input: ComputeInput<K>): Promise<ComputeOutput<K>> {
  if (!Object.hasOwn(COMPUTE_TASKS, task)) {
    throw new RangeError(`compute task: expected one of ${Object.keys(COMPUTE_TASKS).join(', ')}, got '${String(task)}'`);
  }
  const run = COMPUTE_TASKS[task] as (input: ComputeInput<K>) => Promise<ComputeOutput<K>>;
  return run(input);
}

/**
 * The pool benchmarks use when a run gives none: every task in this thread.
 *
 * @example
 * await IN_THREAD_COMPUTE.run('ceiling', { responses, stimulus, repetition, nStimuli });
 */
export const IN_THREAD_COMPUTE: ComputePool = { run: runComputeTask };
