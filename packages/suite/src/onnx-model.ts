import type { ActivationBatch, ActivationOptions, ModelAdapter, StimulusSet } from '@vvs/core';
import { OnnxModel, OnnxModelAdapter, loadModel, type OnnxModelOptions } from '@vvs/models-onnx';
import type { SuiteModel } from './run-suite.ts';
import { toPortable } from './portable-stimuli.ts';
import type { WorkerComputePool } from './worker-pool.ts';

/**
 * An ONNX model whose forward passes run on a {@link WorkerComputePool}: this thread keeps the graph
 * (its layer names and content hash; opened `graphOnly`, without a session) and a worker runs the
 * images through it, one stimulus set and any number of layers per task. Batches come back whole,
 * in shared memory.
 *
 * @example
 * const adapter = new PooledOnnxAdapter('builtin:cnn', await loadModel('builtin:cnn'), pool);
 * const acts = await collectActivations(adapter, stimuli, ['stage4']);
 */
export class PooledOnnxAdapter implements ModelAdapter {
  constructor(
    readonly id: string,
    readonly model: OnnxModel,
    private readonly pool: WorkerComputePool,
    private readonly load: Omit<OnnxModelOptions, 'intraOpNumThreads'> = {},
  ) {}

  layers(): readonly string[] {
    return this.model.layers();
  }

  async *activations(stimuli: StimulusSet, layers: readonly string[], opts: ActivationOptions = {}): AsyncIterable<ActivationBatch> {
    layers.forEach((layer) => this.model.resolveLayer(layer)); // an unknown layer fails here, with suggestions
    opts.signal?.throwIfAborted();
    const result = await this.pool.activations({
      model: this.id,
      load: this.load,
      stimuli: await toPortable(stimuli),
      layers,
      ...(opts.batchSize !== undefined ? { batchSize: opts.batchSize } : {}),
    });
    const ids = stimuli.rows.map((r) => r.stimulus_id);
    for (const { layer, shape, data } of result.layers) yield { stimulusIds: ids, layer, shape: [ids.length, ...shape], data };
  }

  async dispose(): Promise<void> {
    await this.model.dispose();
  }
}

/**
 * A suite model from an `.onnx` file or a built-in (`builtin:cnn@3`), opened with onnxruntime when
 * the suite reaches it, with `load`'s session options (device, threads). On a run with workers, its
 * forward passes run on the pool ({@link PooledOnnxAdapter}).
 *
 * @example
 * const models = [onnxSuiteModel('builtin:pixels'), onnxSuiteModel('resnet18.onnx', { commitment: { IT: 'layer3.0.relu' } }, { device: 'cuda' })];
 */
export function onnxSuiteModel(spec: string, extra: Omit<SuiteModel, 'id' | 'open'> = {}, load: OnnxModelOptions = {}): SuiteModel {
  return {
    id: spec,
    open: async (context) => {
      if (context?.pool === undefined) return new OnnxModelAdapter(await loadModel(spec, load));
      const { intraOpNumThreads: _threads, ...workerLoad } = load;
      // This thread only names layers: no session, so the weights are loaded only where the model runs.
      return new PooledOnnxAdapter(spec, await loadModel(spec, { ...workerLoad, graphOnly: true }), context.pool, workerLoad);
    },
    contentHash: (adapter) => (adapter instanceof OnnxModelAdapter || adapter instanceof PooledOnnxAdapter ? adapter.model.sha256 : ''),
    ...extra,
  };
}
