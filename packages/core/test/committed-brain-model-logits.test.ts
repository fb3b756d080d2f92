import { describe, expect, it } from 'vitest';
import { CommittedBrainModel, type ActivationBatch, type ModelAdapter, type StimulusSet } from '../src/index.ts';

/** Stimulus i (id `s<i>`) gives `features` = [i] and `fc` = [i, 10 + i, 20 + i]; batches of two arrive last batch first. */
function classifierAdapter(layers: readonly string[] = ['features', 'fc']): ModelAdapter {
  return {
    id: 'classifier',
    layers: () => layers,
    async *activations(stimuli: StimulusSet, requested: readonly string[]): AsyncIterable<ActivationBatch> {
      const batches: (typeof stimuli.rows)[] = [];
      for (let b = 0; b < stimuli.rows.length; b += 2) batches.push(stimuli.rows.slice(b, b + 2));
      for (const chunk of batches.reverse()) {
        for (const layer of requested) {
          const width = layer === 'fc' ? 3 : 1;
          const data = new Float32Array(chunk.length * width);
          chunk.forEach((row, i) => {
            const n = Number(row.stimulus_id.slice(1));
            for (let k = 0; k < width; k++) data[i * width + k] = 10 * k + n;
          });
          yield { stimulusIds: chunk.map((row) => row.stimulus_id), layer, shape: [chunk.length, width], data };
        }
      }
    },
  };
}

const stimuli: StimulusSet = {
  identifier: 'five',
  rows: [3, 0, 4, 1, 2].map((n) => ({ stimulus_id: `s${n}` })),
  getImage: async () => new Uint8Array(),
};

const commitment = { regionLayer: { V1: 'features', V2: 'features', V4: 'features', IT: 'features' }, behavioralReadoutLayer: 'features' };

describe('CommittedBrainModel.logits', () => {
  it("reads the last layer by default, presentation × class in the set's order", async () => {
    const model = new CommittedBrainModel('m', classifierAdapter(), commitment);
    expect(model.logitsLayer).toBe('fc');
    const logits = await model.logits(stimuli);
    expect(logits.dims).toEqual(['presentation', 'class']);
    expect(logits.shape).toEqual([5, 3]);
    expect(logits.coords.stimulus_id).toEqual({ dim: 'presentation', values: ['s3', 's0', 's4', 's1', 's2'] });
    expect(logits.coords.class).toEqual({ dim: 'class', values: [0, 1, 2] });
    expect(Array.from(logits.data)).toEqual([3, 13, 23, 0, 10, 20, 4, 14, 24, 1, 11, 21, 2, 12, 22]);
    expect(logits.attrs).toEqual({ model: 'm', layer: 'fc' });
  });

  it('reads the layer the commitment names, and refuses one the model lacks', async () => {
    const model = new CommittedBrainModel('m', classifierAdapter(['fc', 'features']), { ...commitment, logitsLayer: 'fc' });
    expect((await model.logits(stimuli)).shape).toEqual([5, 3]);
    expect(() => new CommittedBrainModel('m', classifierAdapter(), { ...commitment, logitsLayer: 'head' })).toThrow(
      "m: the logits layer 'head' is not a layer of the model",
    );
  });

});
