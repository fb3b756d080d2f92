import type { BrainModel } from './brain-model.ts';
import type { BenchmarkTarget } from './region.ts';
import type { Score } from './score.ts';

/**
 * Experimental data, a metric and a ceiling bundled under one id: Brain-Score's `Benchmark`
 * (`BenchmarkBase` with `identifier`, `version`, `ceiling`, `bibtex`, `__call__(candidate)`).
 *
 * Construction must be cheap (registries build benchmarks on first use); load data lazily in
 * `ceiling()`/`score()`.
 *
 * @example
 * const it: Benchmark = {
 *   id: 'MajajHong2015public.IT-pls', target: 'IT', version: 3,
 *   visualDegrees: 8, numberOfTrials: 50,
 *   ceiling: async () => internalConsistency(await loadNeural()),
 *   score: async (model) => ceilScore(await pls(await model.record('IT', stimuli), await loadNeural())),
 * };
 * const score = await it.score(model); // score.value in [0, 1]
 */
export interface Benchmark {
  /** Registry id, e.g. `'MajajHong2015public.IT-pls'`. */
  readonly id: string;
  /** The region (or behaviour) the benchmark measures. */
  readonly target: BenchmarkTarget;
  /** Non-negative integer; raised whenever the data or metric change scores. */
  readonly version: number;
  /** Citation of the data's paper, as a BibTeX entry. */
  readonly bibtex?: string;
  /** Size of the stimuli in the subject's visual field, in degrees (4 for FreemanZiemba2013, 8 for MajajHong2015). */
  readonly visualDegrees?: number;
  /** Repetitions per stimulus in the experiment (Brain-Score's `number_of_trials`). */
  readonly numberOfTrials?: number;
  /** The data's ceiling (an unceiled {@link Score}: `value` is the ceiling). */
  ceiling(): Promise<Score>;
  /** Scores `model` against the data, ceiled. */
  score(model: BrainModel): Promise<Score>;
}
