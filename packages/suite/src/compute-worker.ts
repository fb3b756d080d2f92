/**
 * What a pool worker does with a task: `@vvs/core`'s compute tasks (regressions, ceilings, readouts)
 * and the suite's own `activations` task (a model's forward passes over a stimulus set). Every
 * worker runs its matrix products and its models on one thread, so that N workers keep N cores busy
 * and no more, whatever N is, and compute the same numbers whatever N is.
 */
import { collectActivations, runComputeTask, type ComputeInput, type ComputeOutput, type ComputeTaskName } from '@vvs/core';
import { setKernelThreads } from '@vvs/linalg';
import { OnnxModelAdapter, type OnnxModelOptions } from '@vvs/models-onnx';
import { fromPortable, type PortableStimulusSet } from './portable-stimuli.ts';

setKernelThreads(1);

/** Input of the `activations` task: which model, on which device, which layers of which images. */
export interface ActivationsTask {
  /** An `.onnx` file or `builtin:<name>[@seed]` (see `loadModel`). */
  readonly model: string;
  /** Session options other than threads (a worker always uses one). */
  readonly load: Omit<OnnxModelOptions, 'intraOpNumThreads'>;
  readonly stimuli: PortableStimulusSet;
  readonly layers: readonly string[];
  readonly batchSize?: number;
}

/** Output of the `activations` task: each layer on the whole set, rows in the set's order, in shared memory. */
export interface ActivationsResult {
  readonly layers: readonly { readonly layer: string; readonly shape: readonly number[]; readonly data: Float32Array }[];
}

/** A task as posted to the pool. */
export type PoolTask =
  | { readonly [K in ComputeTaskName]: { readonly task: K; readonly input: ComputeInput<K> } }[ComputeTaskName]
  | { readonly task: 'activations'; readonly input: ActivationsTask };

/**
 * Models a worker keeps open: as many as a suite run has in flight, so that a model's extractions
 * do not reload it, and memory stays bounded however many models a run scores.
 */
const OPEN_MODELS = 2;

const open = new Map<string, Promise<OnnxModelAdapter>>();

function openModel(spec: string, load: ActivationsTask['load']): Promise<OnnxModelAdapter> {
  const key = JSON.stringify([spec, load]);
  let adapter = open.get(key);
  if (adapter === undefined) {
    for (const [oldKey, old] of [...open].slice(0, Math.max(0, open.size - OPEN_MODELS + 1))) {
      open.delete(oldKey);
      void old.then((a) => a.dispose(), () => undefined);
    }
    adapter = OnnxModelAdapter.load(spec, { ...load, intraOpNumThreads: 1, id: spec });
    adapter.catch(() => open.delete(key));
    open.set(key, adapter);
  }
  return adapter;
}

async function activations(task: ActivationsTask): Promise<ActivationsResult> {
  const adapter = await openModel(task.model, task.load);
  const shapes = new Map<string, readonly number[]>();
  const collected = await collectActivations(adapter, fromPortable(task.stimuli), task.layers, {
    shared: true,
    ...(task.batchSize !== undefined ? { batchSize: task.batchSize } : {}),
    onBatch: (batch) => shapes.set(batch.layer, batch.shape.slice(1)),
  });
  return { layers: task.layers.map((layer) => ({ layer, shape: shapes.get(layer)!, data: collected.get(layer)!.data })) };
}

/**
 * Runs one posted task.
 *
 * @example
 * await runTask({ task: 'ceiling', input: ceilingTask(recording) });
 */
export function runTask(posted: PoolTask): Promise<unknown> {
  if (posted.task === 'activations') return activations(posted.input);
  return runComputeTask(posted.task, posted.input as never) as Promise<ComputeOutput<typeof posted.task>>;
}

export default runTask;
