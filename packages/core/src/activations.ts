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
  opts: ActivationOptions & { onBatch?: (batch: ActivationBatch) => void } = {},
): Promise<Map<string, LayerActivations>> {
  const row = new Map(stimuli.rows.map((r, i) => [r.stimulus_id, i]));
  const out = new Map<string, LayerActivations & { filled: number }>();
  const { onBatch, ...activationOptions } = opts;
  for await (const batch of adapter.activations(stimuli, layers, activationOptions)) {
    const cols = batch.data.length / batch.stimulusIds.length;
    let entry = out.get(batch.layer);
    if (!entry) out.set(batch.layer, (entry = { data: new Float32Array(stimuli.rows.length * cols), cols, filled: 0 }));
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
