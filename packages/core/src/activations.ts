/**
 * Gathering a {@link ModelAdapter}'s streamed batches into one matrix per layer.
 */
import type { ActivationBatch, ActivationOptions, ModelAdapter } from './contracts/model-adapter.ts';
import type { StimulusSet } from './contracts/stimulus-set.ts';

/** One layer's activations for a whole stimulus set: rows in the set's order, flattened per stimulus. */
export interface LayerActivations {
  data: Float32Array;
  /** Values per stimulus. */
  cols: number;
}

/** Options of {@link collectActivations}. */
export interface CollectOptions extends ActivationOptions {
  /** Sees every batch as it arrives (e.g. to learn a layer's shape). */
  onBatch?: (batch: ActivationBatch) => void;
  /** Gather into `SharedArrayBuffer`s, which reach worker threads without a copy. */
  shared?: boolean;
}

function allocate(length: number, shared: boolean): Float32Array {
  return shared ? new Float32Array(new SharedArrayBuffer(length * Float32Array.BYTES_PER_ELEMENT)) : new Float32Array(length);
}

/** Whether `batch` holds every stimulus of `stimuli`, in the set's order. */
function coversInOrder(batch: ActivationBatch, stimuli: StimulusSet): boolean {
  return batch.stimulusIds.length === stimuli.rows.length && batch.stimulusIds.every((id, i) => id === stimuli.rows[i]!.stimulus_id);
}

/**
 * Runs the adapter over `stimuli` and places every batch of every requested layer at its
 * stimuli's rows, whatever order the batches arrive in.
 *
 * @throws Error when the adapter returns a stimulus outside the set or leaves one out.
 * @example
 * const acts = await collectActivations(adapter, stimuli, ['layer4.0.bn1', 'avgpool']);
 * acts.get('avgpool')!.cols; // 512
 */
export async function collectActivations(
  adapter: ModelAdapter,
  stimuli: StimulusSet,
  layers: readonly string[],
  opts: CollectOptions = {},
): Promise<Map<string, LayerActivations>> {
  const row = new Map(stimuli.rows.map((r, i) => [r.stimulus_id, i]));
  const out = new Map<string, LayerActivations & { filled: number }>();
  const { onBatch, shared = false, ...activationOptions } = opts;
  for await (const batch of adapter.activations(stimuli, layers, activationOptions)) {
    const cols = batch.data.length / batch.stimulusIds.length;
    let entry = out.get(batch.layer);
    if (!entry && coversInOrder(batch, stimuli) && (!shared || batch.data.buffer instanceof SharedArrayBuffer)) {
      // One batch with every stimulus in the set's order (a memo or a cache serving the whole set): nothing to place.
      out.set(batch.layer, { data: batch.data, cols, filled: stimuli.rows.length });
      onBatch?.(batch);
      continue;
    }
    if (!entry) out.set(batch.layer, (entry = { data: allocate(stimuli.rows.length * cols, shared), cols, filled: 0 }));
    batch.stimulusIds.forEach((id, i) => {
      const r = row.get(id);
      if (r === undefined) throw new Error(`${adapter.id}: activations for stimulus '${id}', which is not in ${stimuli.identifier}`);
      entry!.data.set(batch.data.subarray(i * cols, (i + 1) * cols), r * cols);
      entry!.filled++;
    });
    onBatch?.(batch);
  }
  for (const layer of layers) {
    const filled = out.get(layer)?.filled ?? 0;
    if (filled !== stimuli.rows.length) {
      throw new Error(`${adapter.id}: layer '${layer}' produced activations for ${filled} of ${stimuli.rows.length} stimuli of ${stimuli.identifier}`);
    }
  }
  return new Map([...out].map(([layer, { data, cols }]) => [layer, { data, cols }]));
}
