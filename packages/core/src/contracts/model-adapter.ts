import type { StimulusSet } from './stimulus-set.ts';

/**
 * Options for extracting activations.
 *
 * @example
 * const controller = new AbortController();
 * const opts: ActivationOptions = { batchSize: 64, signal: controller.signal };
 */
export interface ActivationOptions {
  /** Images per forward pass; adapters pick their own default (Brain-Score uses 64). */
  batchSize?: number;
  /** Aborts the extraction: the iterator rejects with the signal's reason at the next batch. */
  signal?: AbortSignal;
}

/**
 * Activations of one layer for one batch of stimuli, in float32 as the network produced them.
 *
 * `shape[0] === stimulusIds.length`; the remaining entries are the layer's own shape (e.g.
 * `[C, H, W]` for a convolution, `[D]` for a pooled vector), and `data` holds
 * `shape.reduce((a, b) => a * b)` values row-major, so stimulus `i`'s features are the contiguous
 * slice `data.subarray(i * f, (i + 1) * f)` with `f` the product of `shape.slice(1)` (Brain-Score
 * flattens them the same way into neuroids).
 *
 * @example
 * const batch: ActivationBatch = {
 *   stimulusIds: ['im0', 'im1'], layer: 'layer4.0.relu', shape: [2, 512, 7, 7],
 *   data: new Float32Array(2 * 512 * 7 * 7),
 * };
 */
export interface ActivationBatch {
  /** The stimuli of this batch, in the order of `data`'s first axis. */
  readonly stimulusIds: readonly string[];
  /** The layer these activations come from, named as in {@link ModelAdapter.layers}. */
  readonly layer: string;
  /** `[batch, ...layerShape]`. */
  readonly shape: readonly number[];
  /** Row-major activations, `shape` product long. */
  readonly data: Float32Array;
}

/**
 * A network that maps images to activations (Brain-Score's `ActivationsExtractor`/model wrapper),
 * without any commitment to brain regions.
 *
 * @example
 * const adapter: ModelAdapter = await OnnxModelAdapter.load('resnet18-seed0.onnx');
 * adapter.layers(); // ['conv1', 'layer1.0.conv1', …, 'avgpool', 'fc']
 * for await (const batch of adapter.activations(stimuli, ['layer4.0.relu'], { batchSize: 32 })) {
 *   consume(batch);
 * }
 */
export interface ModelAdapter {
  /** Registry id, e.g. `'resnet18_imagenet_full_seed-0'`. */
  readonly id: string;
  /**
   * The layers that can be read, named as the model's authors name them (PyTorch module paths such as
   * `layer3.0.conv2`), in forward order.
   */
  layers(): readonly string[];
  /**
   * Runs the network over `stimuli` and yields one {@link ActivationBatch} per (batch, layer), batches
   * in the set's row order. Rejects with a `RangeError` for a layer not in {@link layers}.
   */
  activations(
    stimuli: StimulusSet,
    layers: readonly string[],
    opts?: ActivationOptions,
  ): AsyncIterable<ActivationBatch>;
  /** Frees native resources (inference sessions, GPU memory). Optional for pure-JS adapters. */
  dispose?(): Promise<void>;
}
