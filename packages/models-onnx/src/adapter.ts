/**
 * An ONNX model as a vvs {@link ModelAdapter}: stimuli in, named layers' activations out, batch by batch.
 */
import { basename, extname } from 'node:path';
import { InputError, type ActivationBatch, type ActivationOptions, type ModelAdapter, type StimulusSet } from '@vvs/core';
import { activationCacheKey, stimulusSetHash } from './activation-cache.ts';
import type { ActivationCache, CachedActivations } from './activation-cache.ts';
import { loadModel } from './model-source.ts';
import type { OnnxModel, OnnxModelOptions } from './onnx-model.ts';
import { DEFAULT_INPUT_SIZE, preprocessBatch } from './preprocess.ts';
import type { PreprocessOptions } from './preprocess.ts';
import { DEFAULT_PROJECTION_COMPONENTS, DEFAULT_PROJECTION_SEED, SparseRandomProjection } from './projection.ts';

/** Images per forward pass when the caller does not say: small enough for CPU caches and for memory at 224². */
export const DEFAULT_BATCH_SIZE = 32;

/** On-the-fly compression of every layer by a {@link SparseRandomProjection}. */
export interface ProjectionOptions {
  /** Components per layer. Default {@link DEFAULT_PROJECTION_COMPONENTS} (1000). */
  nComponents?: number;
  /** Seed of the projection matrices. Default {@link DEFAULT_PROJECTION_SEED}. */
  seed?: number;
}

/** Options of {@link OnnxModelAdapter}. */
export interface OnnxModelAdapterOptions {
  /** The adapter's id. Default: the model file's name without `.onnx`. */
  id?: string;
  /**
   * Image preprocessing (Brain-Score's by default). When `stimulusDegrees` is not given, the stimulus
   * set's `visualDegrees` is used, so a 4° set is placed at half size on an 8° model's canvas.
   */
  preprocess?: PreprocessOptions;
  /**
   * Compress each layer whose flattened size exceeds `nComponents` by a seeded sparse random
   * projection to `nComponents` values; smaller layers pass through unchanged. Default: no projection.
   */
  projection?: ProjectionOptions;
}

/** Options of {@link OnnxModelAdapter.activations}: the common ones plus an activation cache. */
export interface OnnxActivationOptions extends ActivationOptions {
  /**
   * Serve layers from this cache when their activations on these exact stimuli are stored, and
   * store the others once the run completes (an aborted or abandoned run stores nothing). Default: none.
   */
  cache?: ActivationCache;
}

/** A layer's activations on the whole set, gathered while streaming so they can be cached at the end. */
interface Collected {
  shape: readonly number[];
  data: Float32Array;
}

/**
 * Brain-Score's `PytorchWrapper` + `ActivationsExtractorHelper` for an ONNX model: reads a stimulus
 * set batch by batch, preprocesses it (`load_preprocess_images`), runs the network and yields each
 * requested layer's activations, flattened per stimulus in C order (channel × height × width) as
 * Brain-Score's `flatten` does — or compressed by a {@link SparseRandomProjection} when
 * `options.projection` is set. Only one batch of images and activations is held at a time.
 *
 * Layers are named as {@link OnnxModel.resolveLayer} accepts them: PyTorch module paths
 * (`features.4`, `layer3.0.conv2`) or raw ONNX tensor names.
 *
 * @example
 * const adapter = await OnnxModelAdapter.load('alexnet.onnx', { projection: { nComponents: 1000 } });
 * for await (const batch of adapter.activations(stimuli, ['features.4', 'avgpool'], { batchSize: 32 })) {
 *   batch.shape; // [32, 1000] for features.4 (projected from 192·27·27), [32, 9216] for avgpool
 * }
 * await adapter.dispose();
 */
export class OnnxModelAdapter implements ModelAdapter {
  readonly id: string;
  /** The wrapped model. */
  readonly model: OnnxModel;
  private readonly preprocess: PreprocessOptions;
  private readonly projection?: Required<ProjectionOptions>;
  /** Projection matrices by input size: layers of equal size share one (it depends only on size and seed). */
  private readonly projections = new Map<number, SparseRandomProjection>();
  /**
   * The last batch's input buffer, free for the next batch to write into (see preprocessBatch's
   * `reuse`). A batch takes it and puts it back after its forward pass, so batches of concurrent
   * extractions never share one.
   */
  private spareInput: Float32Array | undefined;

  /**
   * @throws InputError when the model's input is not an image batch (rank 4, 3 channels, and a fixed
   *   spatial size equal to the preprocessing's input size when the model fixes one).
   * @throws RangeError when the projection's `nComponents` is not a positive integer.
   */
  constructor(model: OnnxModel, options: OnnxModelAdapterOptions = {}) {
    this.model = model;
    this.id = options.id ?? basename(model.path, extname(model.path));
    this.preprocess = options.preprocess ?? {};
    checkImageInput(model, this.preprocess.inputSize ?? DEFAULT_INPUT_SIZE);
    if (options.projection) {
      const { nComponents = DEFAULT_PROJECTION_COMPONENTS, seed = DEFAULT_PROJECTION_SEED } = options.projection;
      if (!Number.isSafeInteger(nComponents) || nComponents < 1) {
        throw new RangeError(`projection.nComponents: expected a positive integer, got ${nComponents}`);
      }
      this.projection = { nComponents, seed };
    }
  }

  /**
   * Loads the model `spec` names — an `.onnx` file or `builtin:<name>[@seed]`, see {@link loadModel} — and wraps it.
   *
   * @throws InputError naming the file when it is missing or not a valid ONNX model, or for an
   *   unknown built-in model; DeviceUnavailableError when `options.device` cannot start.
   * @example
   * const adapter = await OnnxModelAdapter.load('resnet18.onnx', { intraOpNumThreads: 4, device: 'auto' });
   */
  static async load(spec: string, options: OnnxModelAdapterOptions & OnnxModelOptions = {}): Promise<OnnxModelAdapter> {
    const { id, preprocess, projection, ...sessionOptions } = options;
    return new OnnxModelAdapter(await loadModel(spec, sessionOptions), { id, preprocess, projection });
  }

  /** The model's module paths, containers before their children (see {@link OnnxModel.layers}). */
  layers(): readonly string[] {
    return this.model.layers();
  }

  /**
   * The projection applied to a layer of `nFeatures` flattened values, or `undefined` when such a
   * layer passes through (no projection configured, or not more values than components).
   *
   * @example
   * adapter.projectionFor(192 * 27 * 27)?.nComponents; // 1000
   */
  projectionFor(nFeatures: number): SparseRandomProjection | undefined {
    if (!this.projection || nFeatures <= this.projection.nComponents) return undefined;
    let projection = this.projections.get(nFeatures);
    if (!projection) {
      projection = new SparseRandomProjection({ nFeatures, ...this.projection });
      this.projections.set(nFeatures, projection);
    }
    return projection;
  }

  /**
   * Runs the model over `stimuli` in row order, `batchSize` images at a time, and yields one
   * {@link ActivationBatch} per batch per layer (layers in the order asked). `shape` is
   * `[batch, ...layerShape]`, or `[batch, nComponents]` for a projected layer.
   *
   * With `opts.cache`, layers whose activations are stored under their content key (model bytes,
   * preprocessing, image bytes, layer, projection; see {@link activationCacheKey}) are sliced from
   * the cache — no image is decoded and the model does not run when every layer is stored — and
   * the others are gathered in memory (the whole set × layer, the price of caching) and stored once
   * the last batch has been yielded.
   *
   * @throws InputError (suggesting close names) for a layer the model does not have, or naming an
   *   image that cannot be read; RangeError for a repeated or empty `layers`, or a `batchSize` that
   *   is not a positive integer; the signal's reason when `opts.signal` aborts.
   * @example
   * for await (const b of adapter.activations(stimuli, ['avgpool'], { batchSize: 4, cache: new ActivationCache() })) console.log(b.stimulusIds);
   */
  async *activations(stimuli: StimulusSet, layers: readonly string[], opts: OnnxActivationOptions = {}): AsyncGenerator<ActivationBatch> {
    const { batchSize = DEFAULT_BATCH_SIZE, signal, cache } = opts;
    if (!Number.isSafeInteger(batchSize) || batchSize < 1) throw new RangeError(`batchSize: expected a positive integer, got ${batchSize}`);
    if (layers.length === 0) throw new RangeError('layers: expected at least one layer');
    const repeated = layers.find((layer, i) => layers.indexOf(layer) !== i);
    if (repeated !== undefined) throw new RangeError(`layers: '${repeated}' is listed twice`);
    // Resolve every name before reading any image, so a typo fails at once with suggestions.
    layers.forEach((layer) => this.model.resolveLayer(layer));
    const preprocess: PreprocessOptions = { stimulusDegrees: stimuli.visualDegrees, ...this.preprocess };
    const ids = stimuli.rows.map((row) => row.stimulus_id);
    const keys = cache ? await this.cacheKeys(stimuli, layers, preprocess) : new Map<string, string>();
    const stored = new Map<string, CachedActivations>();
    for (const [layer, key] of keys) {
      const entry = await cache!.get(key);
      if (entry && entry.rows === ids.length) stored.set(layer, entry);
    }
    const live = layers.filter((layer) => !stored.has(layer));
    const collected = new Map<string, Collected>();
    for (let start = 0; start < ids.length; start += batchSize) {
      signal?.throwIfAborted();
      const batchIds = ids.slice(start, start + batchSize);
      const outputs = live.length > 0 ? await this.runBatch(stimuli, batchIds, preprocess, live) : new Map<string, ActivationBatch>();
      for (const layer of layers) {
        const entry = stored.get(layer);
        if (entry) {
          const width = entry.data.length / entry.rows;
          yield { stimulusIds: batchIds, layer, shape: [batchIds.length, ...entry.shape], data: entry.data.subarray(start * width, (start + batchIds.length) * width) };
          continue;
        }
        const batch = outputs.get(layer)!;
        if (cache) {
          let gathered = collected.get(layer);
          if (!gathered) {
            gathered = { shape: batch.shape.slice(1), data: new Float32Array((ids.length * batch.data.length) / batchIds.length) };
            collected.set(layer, gathered);
          }
          gathered.data.set(batch.data, (start * batch.data.length) / batchIds.length);
        }
        yield batch;
      }
    }
    for (const [layer, { shape, data }] of collected) await cache!.set(keys.get(layer)!, { shape, rows: ids.length, data });
  }

  /**
   * The cache key of each layer's activations on `stimuli` (see {@link activationCacheKey}).
   *
   * @example
   * (await adapter.cacheKeys(stimuli, ['avgpool'], {})).get('avgpool'); // 64 hex digits
   */
  async cacheKeys(stimuli: StimulusSet, layers: readonly string[], preprocess: PreprocessOptions): Promise<Map<string, string>> {
    const stimuliHash = await stimulusSetHash(stimuli);
    const parts = { model: this.model.sha256, preprocess, stimuli: stimuliHash, projection: this.projection ?? null };
    return new Map(layers.map((layer) => [layer, activationCacheKey({ ...parts, layer })]));
  }

  /** Reads, preprocesses and runs one batch, returning each layer's batch (flattened or projected). */
  private async runBatch(
    stimuli: StimulusSet,
    batchIds: readonly string[],
    preprocess: PreprocessOptions,
    layers: readonly string[],
  ): Promise<Map<string, ActivationBatch>> {
    const images = await Promise.all(batchIds.map((id) => (stimuli.imagePath ? stimuli.imagePath(id) : stimuli.getImage(id))));
    const spare = this.spareInput;
    this.spareInput = undefined;
    const { data, dims } = await preprocessBatch(images, preprocess, spare);
    const outputs = await this.model.run(data, dims, layers);
    // Keep the larger buffer: a short last batch writes into a view of the spare one.
    this.spareInput = data.buffer.byteLength >= (spare?.buffer.byteLength ?? 0) ? new Float32Array(data.buffer) : spare;
    const batches = new Map<string, ActivationBatch>();
    for (const layer of layers) {
      const activation = outputs.get(layer)!;
      const projection = this.projectionFor(activation.data.length / batchIds.length);
      batches.set(
        layer,
        projection
          ? { stimulusIds: batchIds, layer, shape: [batchIds.length, projection.nComponents], data: projection.transform(activation.data) }
          : { stimulusIds: batchIds, layer, shape: activation.dims, data: activation.data },
      );
    }
    return batches;
  }

  /** Releases the model's onnxruntime sessions. */
  async dispose(): Promise<void> {
    this.spareInput = undefined;
    await this.model.dispose();
  }
}

/** Refuses a model whose single input cannot take a batch of preprocessed RGB images (N × 3 × H × W). */
function checkImageInput(model: OnnxModel, inputSize: number): void {
  const { name, dims } = model.inputInfo;
  const fixed = (d: number | string) => typeof d === 'number';
  const shape = `[${dims.join(', ')}]`;
  if (dims.length !== 4 || (fixed(dims[1]) && dims[1] !== 3)) {
    throw new InputError(`${model.path}: input '${name}' has shape ${shape}, not an image batch [N, 3, H, W]`, { file: model.path });
  }
  for (const d of dims.slice(2)) {
    if (fixed(d) && d !== inputSize) {
      throw new InputError(`${model.path}: input '${name}' expects ${shape} images, but preprocessing makes ${inputSize}×${inputSize} (set inputSize)`, {
        file: model.path,
      });
    }
  }
}
