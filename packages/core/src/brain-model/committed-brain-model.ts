/**
 * A model committed to brain regions — Brain-Score's `ModelCommitment`: each region is read out
 * from one layer, and behaviour from a readout layer through a fitted linear classifier.
 */
import { BRAINSCORE_READOUT_C, BRAINSCORE_READOUT_TOL } from '@vvs/metrics';
import { shareRows } from '@vvs/linalg';
import type { Assembly } from '../contracts/assembly.ts';
import type { BrainModel, ProbabilitiesOptions, RecordingOptions } from '../contracts/brain-model.ts';
import { IN_THREAD_COMPUTE } from '../scoring/compute.ts';
import type { ActivationOptions, ModelAdapter } from '../contracts/model-adapter.ts';
import type { Region } from '../contracts/region.ts';
import type { StimulusSet } from '../contracts/stimulus-set.ts';
import { collectActivations, type LayerActivations } from '../activations.ts';
import { InputError } from '../errors.ts';

/** The stimulus-set column holding the true label of fitting images (Brain-Score's `image_label`). */
export const LABEL_COLUMN = 'image_label';

/** Brain-Score's default field of view of a model, in degrees of visual angle. */
export const DEFAULT_MODEL_VISUAL_DEGREES = 8;

/** What a {@link CommittedBrainModel} reads out. */
export interface Commitment {
  regionLayer: Record<Region, string>;
  behavioralReadoutLayer: string;
  /**
   * The layer whose output is the network's class scores, read by {@link CommittedBrainModel.logits}.
   * Default: the adapter's last layer, which is the network's output because
   * {@link ModelAdapter.layers} lists layers in forward order (`fc` of a torchvision ResNet,
   * `classifier.6` of AlexNet). Name it when the last listed layer is not the classifier.
   */
  logitsLayer?: string;
}

/**
 * A {@link BrainModel} built from a {@link ModelAdapter} and a layer commitment (an explicit map,
 * or the seed's `commitments.json` entry via `commitmentFor`).
 *
 * - `record(region, stimuli)`: the committed layer's activations, presentation × neuroid, with the
 *   stimulus set's columns as presentation coordinates.
 * - `probabilities(fitting, test)`: readout-layer features → `StandardScaler` → multinomial logistic
 *   regression (C = 1e-3) fitted on the fitting stimuli's `image_label` → class probabilities of
 *   the test stimuli, presentation × choice (Brain-Score's `ProbabilitiesMapping`).
 * - `logits(stimuli)`: the logits layer's output (by default the network's last layer, its
 *   classifier), presentation × class, for label tasks (Brain-Score's `LabelBehavior`). An adapter
 *   that compresses layers (a random projection) must leave that layer's width alone.
 *
 * @example
 * const model = new CommittedBrainModel('resnet18', adapter, commitmentFor(table, 'ResNet18', 'imagenet_full'));
 * const it = await model.record('IT', stimuli);
 */
export class CommittedBrainModel implements BrainModel {
  readonly regionLayer: Readonly<Record<Region, string>>;
  readonly behavioralReadoutLayer: string;
  /** The layer {@link logits} reads (see {@link Commitment.logitsLayer}). */
  readonly logitsLayer: string;

  constructor(
    readonly id: string,
    private readonly adapter: ModelAdapter,
    commitment: Commitment,
    readonly visualDegrees = DEFAULT_MODEL_VISUAL_DEGREES,
  ) {
    const known = new Set(adapter.layers());
    for (const [region, layer] of Object.entries(commitment.regionLayer)) {
      if (!known.has(layer)) throw new InputError(`${id}: region ${region} is committed to layer '${layer}', which the model does not have`);
    }
    if (!known.has(commitment.behavioralReadoutLayer)) {
      throw new InputError(`${id}: the behavioural readout layer '${commitment.behavioralReadoutLayer}' is not a layer of the model`);
    }
    if (commitment.logitsLayer !== undefined && !known.has(commitment.logitsLayer)) {
      throw new InputError(`${id}: the logits layer '${commitment.logitsLayer}' is not a layer of the model`);
    }
    this.regionLayer = { ...commitment.regionLayer };
    this.behavioralReadoutLayer = commitment.behavioralReadoutLayer;
    // The readout layer is one of the adapter's layers (checked above), so there is a last one.
    this.logitsLayer = commitment.logitsLayer ?? adapter.layers().at(-1)!;
  }

  async record(region: Region, stimuli: StimulusSet, opts: RecordingOptions = {}): Promise<Assembly> {
    const layer = this.regionLayer[region];
    const { data, cols } = await collectLayer(this.adapter, stimuli, layer, opts);
    const coords: Record<string, { dim: string; values: string[] | number[] }> = {
      neuroid_num: { dim: 'neuroid', values: Array.from({ length: cols }, (_, j) => j) },
      layer: { dim: 'neuroid', values: Array(cols).fill(layer) },
      region: { dim: 'neuroid', values: Array(cols).fill(region) },
    };
    for (const column of Object.keys(stimuli.rows[0] ?? {})) {
      coords[column] = { dim: 'presentation', values: stimuli.rows.map((r) => r[column]) as string[] | number[] };
    }
    return { dims: ['presentation', 'neuroid'], shape: [stimuli.rows.length, cols], data, coords, attrs: { model: this.id, region } };
  }

  async probabilities(fitting: StimulusSet, test: StimulusSet, opts: ProbabilitiesOptions = {}): Promise<Assembly> {
    const labels = fitting.rows.map((r) => r[LABEL_COLUMN]);
    const missing = labels.findIndex((l) => l === undefined || l === null);
    if (missing >= 0) {
      throw new InputError(`${fitting.identifier}: fitting stimulus '${fitting.rows[missing].stimulus_id}' has no '${LABEL_COLUMN}'`, { field: LABEL_COLUMN });
    }
    const layer = this.behavioralReadoutLayer;
    const { compute = IN_THREAD_COMPUTE, ...activationOptions } = opts;
    // Both sets at once: on a worker pool their forward passes run side by side.
    const [fit, testFeatures] = await Promise.all([
      collectLayer(this.adapter, fitting, layer, activationOptions),
      collectLayer(this.adapter, test, layer, activationOptions),
    ]);
    const { probabilities: proba, classes } = await compute.run('readout', {
      // In shared memory (already there when a worker extracted them), so a pool reads them without a copy.
      fitting: shareRows({ rows: fitting.rows.length, cols: fit.cols, data: fit.data }),
      labels: labels as (string | number)[],
      test: shareRows({ rows: test.rows.length, cols: testFeatures.cols, data: testFeatures.data }),
      C: BRAINSCORE_READOUT_C,
      tol: BRAINSCORE_READOUT_TOL,
    });
    return {
      dims: ['presentation', 'choice'],
      shape: [test.rows.length, classes.length],
      data: proba.data,
      coords: {
        stimulus_id: { dim: 'presentation', values: test.rows.map((r) => r.stimulus_id) },
        choice: { dim: 'choice', values: classes.map(String) },
      },
      attrs: { model: this.id, layer },
    };
  }

  /**
   * The logits layer's output for `stimuli`, flattened per stimulus: presentation × class, with
   * coordinates `stimulus_id` and `class` (0…C−1), rows in the set's order.
   *
   * @example
   * const logits = await model.logits(stimuli);
   * logits.shape; // [stimuli.rows.length, 1000] for an ImageNet classifier
   */
  async logits(stimuli: StimulusSet, opts: ActivationOptions = {}): Promise<Assembly> {
    const layer = this.logitsLayer;
    const { data, cols } = await collectLayer(this.adapter, stimuli, layer, opts);
    return {
      dims: ['presentation', 'class'],
      shape: [stimuli.rows.length, cols],
      data,
      coords: {
        stimulus_id: { dim: 'presentation', values: stimuli.rows.map((r) => r.stimulus_id) },
        class: { dim: 'class', values: Array.from({ length: cols }, (_, j) => j) },
      },
      attrs: { model: this.id, layer },
    };
  }
}

async function collectLayer(adapter: ModelAdapter, stimuli: StimulusSet, layer: string, opts: ActivationOptions): Promise<LayerActivations> {
  return (await collectActivations(adapter, stimuli, [layer], opts)).get(layer)!;
}
