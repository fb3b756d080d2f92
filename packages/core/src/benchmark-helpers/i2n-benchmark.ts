import { i2n, type I2nHumanData, type I2nModelOutput, type I2nResult } from '@vvs/metrics';
import { matrix } from '@vvs/linalg';
import type { Assembly } from '../contracts/assembly.ts';
import type { Benchmark, BenchmarkRunOptions } from '../contracts/benchmark.ts';
import type { BrainModel } from '../contracts/brain-model.ts';
import type { Score } from '../contracts/score.ts';
import type { StimulusSet } from '../contracts/stimulus-set.ts';
import { assemblySource, coordinate } from '../assembly-ops.ts';
import { InputError } from '../errors.ts';
import { SpecBenchmark, type BenchmarkSpecBase } from './benchmark-base.ts';
import { atVisualDegrees } from '../stimulus-set-views.ts';
import { ceilingScore, elapsedMs, type DataFetcher } from './run-support.ts';

/** The experiment of an I2n benchmark. */
export interface I2nBenchmarkData {
  /** Images with their object in `image_label`, to fit the model's readout on. */
  readonly fitting: StimulusSet;
  /** The images the humans saw; the model gives class probabilities for each. */
  readonly test: StimulusSet;
  /** The humans' two-alternative trials on the test images. */
  readonly human: I2nHumanData;
}

/**
 * Everything that defines an I2n behavioural benchmark (Brain-Score's `Rajalingham2018-i2n`).
 *
 * @example
 * const spec: I2nBenchmarkSpec = {
 *   id: 'Rajalingham2018public-i2n', version: 2, visualDegrees: 8, numberOfTrials: 2,
 *   dataSets: ['Rajalingham2018.public', 'objectome.public'],
 *   load: (fetchData) => loadObjectome(fetchData),
 * };
 */
export type I2nBenchmarkSpec = BenchmarkSpecBase<I2nBenchmarkData>;

/** Options of an {@link I2nBenchmark}. */
export interface I2nBenchmarkOptions {
  /** Used when a run passes no `fetchData`. */
  readonly fetchData?: DataFetcher;
}

/**
 * A behavioural benchmark on image-level consistency (Rajalingham et al. 2018, I2n): the model's
 * readout is fitted on the fitting images (StandardScaler + logistic regression, C = 1e-3), its
 * class probabilities on the test images become normalised d′ per (image, distractor), correlated
 * with the humans' on half of their trials, and divided by √ of the two human halves' correlation;
 * the score is the mean over two seeded halvings (DESIGN.md §3; `i2n` in `@vvs/metrics`).
 *
 * @example
 * const behaviour = new I2nBenchmark(spec, { fetchData: (id) => cache.ensure(id) });
 * const score = await behaviour.score(model); // score.raw: mean r; score.ceiling: human split-half r
 */
export class I2nBenchmark extends SpecBenchmark<I2nBenchmarkData> implements Benchmark {
  readonly target = 'behavior' as const;
  readonly metric = 'i2n';

  constructor(spec: I2nBenchmarkSpec, { fetchData }: I2nBenchmarkOptions = {}) {
    super(spec, fetchData);
  }

  protected prepare(loaded: I2nBenchmarkData): I2nBenchmarkData {
    return { fitting: atVisualDegrees(loaded.fitting, this.visualDegrees), test: atVisualDegrees(loaded.test, this.visualDegrees), human: loaded.human };
  }

  /**
   * The human split-half consistency: the mean over the two halvings of the correlation between
   * the halves' I2n. It does not depend on the model; a constant model output stands in for one.
   */
  async ceiling(options: BenchmarkRunOptions = {}): Promise<Score> {
    const { human } = await this.data(options);
    this.report(options, 'ceiling');
    const result = i2n(uniformModel(human), human);
    return ceilingScore(result.ceilingMean, 0, {
      ...this.labels(),
      method: 'split_half_human_i2n',
      splitValues: result.splits.map((s) => s.ceiling),
    });
  }

  async score(model: BrainModel, options: BenchmarkRunOptions = {}): Promise<Score> {
    const started = performance.now();
    const data = await this.data(options);
    const dataMs = elapsedMs(started);
    options.signal?.throwIfAborted();

    const readoutStart = performance.now();
    this.report(options, 'activations');
    const probabilities = await model.probabilities(data.fitting, data.test, { signal: options.signal, ...(options.compute ? { compute: options.compute } : {}) });
    const activationsMs = elapsedMs(readoutStart);
    options.signal?.throwIfAborted();

    const metricStart = performance.now();
    this.report(options, 'metric');
    const result: I2nResult = i2n(modelOutput(probabilities), data.human);
    const metricMs = elapsedMs(metricStart);
    return {
      value: Math.min(Math.max(result.score, 0), 1),
      unclipped: result.score,
      raw: result.rawMeanR,
      ceiling: result.ceilingMean,
      error: result.scoreError,
      normalization: 'r/sqrt(c)',
      attrs: {
        ...this.labels(),
        model: model.id,
        layer: model.behavioralReadoutLayer,
        metric: this.metric,
        splitValues: result.splits.map((s) => s.ceiled),
        timings: { dataMs, activationsMs, metricMs, totalMs: elapsedMs(started) },
      },
    };
  }
}

/** A BrainModel's `presentation × choice` probabilities as the I2n metric's input. */
function modelOutput(probabilities: Assembly): I2nModelOutput {
  if (probabilities.dims.length !== 2 || probabilities.dims[1] !== 'choice') {
    throw new InputError(`${assemblySource(probabilities)}: expected probabilities with dims (presentation, choice), got (${probabilities.dims.join(', ')})`);
  }
  const [rows, cols] = probabilities.shape;
  return {
    stimulusIds: coordinate(probabilities, 'stimulus_id', 'presentation').values.map(String),
    choices: coordinate(probabilities, 'choice', 'choice').values.map(String),
    probabilities: matrix(rows, cols, Float64Array.from(probabilities.data)),
  };
}

/** Equal probabilities for every object on every test image: enough to run the human-only part. */
function uniformModel(human: I2nHumanData): I2nModelOutput {
  const cols = human.objects.length;
  return {
    stimulusIds: human.stimulusIds,
    choices: human.objects,
    probabilities: matrix(human.stimulusIds.length, cols, new Float64Array(human.stimulusIds.length * cols).fill(1 / cols)),
  };
}
