import type { Assembly } from './assembly.ts';
import type { ActivationOptions } from './model-adapter.ts';
import type { Region } from './region.ts';
import type { ComputePool } from '../scoring/compute.ts';
import type { StimulusSet } from './stimulus-set.ts';

/**
 * Options for recording from a {@link BrainModel}.
 *
 * @example
 * const opts: RecordingOptions = { numberOfTrials: 1, batchSize: 64 };
 */
export interface RecordingOptions extends ActivationOptions {
  /**
   * Presentations per stimulus (Brain-Score's `look_at(stimuli, number_of_trials)`). A deterministic
   * model gives the same response to every trial, so the default is 1.
   */
  numberOfTrials?: number;
}

/**
 * Options of {@link BrainModel.probabilities}: extraction options plus where the readout is fitted.
 *
 * @example
 * const opts: ProbabilitiesOptions = { batchSize: 64, compute: IN_THREAD_COMPUTE };
 */
export interface ProbabilitiesOptions extends ActivationOptions {
  /** Where the readout's logistic regression runs (default: this thread). */
  compute?: ComputePool;
}

/**
 * A model committed to brain regions and to a behavioural readout: Brain-Score's `BrainModel` as
 * implemented by `ModelCommitment` (`look_at` after `start_recording(region)`, after
 * `start_task('probabilities', fitting_stimuli)`, or after `start_task('label', labels)`). Benchmarks
 * see models only through this interface.
 *
 * @example
 * const model: BrainModel = commit(adapter, {
 *   visualDegrees: 8,
 *   regionLayer: { V1: 'layer1.0.relu', V2: 'layer3.3.relu', V4: 'layer2.3.relu', IT: 'layer3.0.relu' },
 *   behavioralReadoutLayer: 'avgpool',
 * });
 * const it = await model.record('IT', stimuli); // presentation × neuroid
 * const logits = await model.logits?.(stimuli); // presentation × class (1000 ImageNet classes)
 */
export interface BrainModel {
  /** Registry id, e.g. `'resnet18_imagenet_full_seed-0'`. */
  readonly id: string;
  /** Field of view of the model's input, in degrees (8 for Brain-Score's standard models). */
  readonly visualDegrees: number;
  /** The layer committed to each region (the seed's `region2layer`). */
  readonly regionLayer: Readonly<Record<Region, string>>;
  /** The layer whose features feed the behavioural readout (the seed's `behavioral_readout_layer`). */
  readonly behavioralReadoutLayer: string;
  /**
   * Records the committed layer of `region` for `stimuli`: an assembly `presentation × neuroid` with
   * coordinates `stimulus_id` (presentation) and `neuroid_id` (neuroid), rows in the set's order.
   */
  record(region: Region, stimuli: StimulusSet, opts?: RecordingOptions): Promise<Assembly>;
  /**
   * Fits a readout on `fitting` (labels in the `image_label` column) and returns class probabilities
   * for `test`: an assembly `presentation × choice` with coordinates `stimulus_id` and `choice` (the
   * labels, sorted). Brain-Score fits StandardScaler then logistic regression (C = 1e-3).
   */
  probabilities(fitting: StimulusSet, test: StimulusSet, opts?: ProbabilitiesOptions): Promise<Assembly>;
  /**
   * The network's own class scores for `stimuli`: its classifier's output (for an ImageNet-1k model,
   * 1000 logits), as an assembly `presentation × class` with coordinates `stimulus_id`
   * (presentation, rows in the set's order) and `class` (the class index 0…C−1). What Brain-Score's
   * `start_task(BrainModel.Task.label, choice_labels)` turns into labels (`LabelBehavior`: softmax,
   * then the 16 model-vs-human categories for Geirhos2021). Optional: a model without such an output
   * leaves it out, and benchmarks that need it refuse the model.
   */
  logits?(stimuli: StimulusSet, opts?: ActivationOptions): Promise<Assembly>;
}
