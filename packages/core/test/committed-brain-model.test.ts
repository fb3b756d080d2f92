import { describe, expect, it } from 'vitest';
import { CommittedBrainModel, InputError, type ActivationBatch, type ModelAdapter, type StimulusRow, type StimulusSet } from '../src/index.ts';

/** A model whose layer `k` maps stimulus i (id `s<i>`) to the features [k·i, k·i + 1] — or to a class signal. */
function fakeAdapter(batchSize = 3): ModelAdapter {
  return {
    id: 'fake',
    layers: () => ['layer1', 'layer2', 'readout'],
    async *activations(stimuli: StimulusSet, layers: readonly string[]): AsyncIterable<ActivationBatch> {
      // Batches arrive in reverse order, to check that rows are put back in stimulus-set order.
      const rows = [...stimuli.rows].reverse();
      for (let b = 0; b < rows.length; b += batchSize) {
        const chunk = rows.slice(b, b + batchSize);
        for (const layer of layers) {
          const data = new Float32Array(chunk.length * 2);
          chunk.forEach((r, i) => {
            const n = Number(r.stimulus_id.slice(1));
            if (layer === 'readout') {
              // class 'a' for even stimuli, 'b' for odd: separable along the first feature
              data[2 * i] = n % 2 === 0 ? 1 + 0.01 * n : -1 - 0.01 * n;
              data[2 * i + 1] = Math.sin(n);
            } else {
              const k = layer === 'layer1' ? 1 : 2;
              data[2 * i] = k * n;
              data[2 * i + 1] = k * n + 1;
            }
          });
          yield { stimulusIds: chunk.map((r) => r.stimulus_id), layer, shape: [chunk.length, 2], data };
        }
      }
    },
  };
}

function stimuli(ids: number[], label = true): StimulusSet {
  const rows = ids.map((n): StimulusRow => (label ? { stimulus_id: `s${n}`, image_label: n % 2 === 0 ? 'a' : 'b' } : { stimulus_id: `s${n}` }));
  return { identifier: 'test-set', rows, getImage: async () => new Uint8Array() };
}

const commitment = { regionLayer: { V1: 'layer1', V2: 'layer1', V4: 'layer2', IT: 'layer2' }, behavioralReadoutLayer: 'readout' } as const;

describe('CommittedBrainModel', () => {
  it("records the committed layer in the stimulus set's order, with its columns as coordinates", async () => {
    const model = new CommittedBrainModel('fake', fakeAdapter(), commitment);
    const it4 = await model.record('IT', stimuli([0, 1, 2, 3, 4]));
    expect(it4.shape).toEqual([5, 2]);
    expect(Array.from(it4.data)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(it4.coords.stimulus_id.values).toEqual(['s0', 's1', 's2', 's3', 's4']);
    expect(it4.coords.image_label.values).toEqual(['a', 'b', 'a', 'b', 'a']);
    expect(it4.coords.layer.values).toEqual(['layer2', 'layer2']);
    const v1 = await model.record('V1', stimuli([3]));
    expect(Array.from(v1.data)).toEqual([3, 4]);
  });

  it('reads behaviour out with a scaled, C = 1e-3 multinomial logistic regression', async () => {
    const model = new CommittedBrainModel('fake', fakeAdapter(), commitment);
    const p = await model.probabilities(stimuli([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]), stimuli([10, 11], false));
    expect(p.dims).toEqual(['presentation', 'choice']);
    expect(p.coords.choice.values).toEqual(['a', 'b']);
    expect(p.coords.stimulus_id.values).toEqual(['s10', 's11']);
    // Strong regularisation keeps the probabilities near ½, but on the right side of it.
    expect(p.data[0]).toBeGreaterThan(0.5); // s10 is even: 'a'
    expect(p.data[3]).toBeGreaterThan(0.5); // s11 is odd: 'b'
    expect(p.data[0] + p.data[1]).toBeCloseTo(1, 12);
  });

  it('refuses commitments to layers the model lacks, and fitting stimuli without labels', async () => {
    expect(() => new CommittedBrainModel('fake', fakeAdapter(), { ...commitment, regionLayer: { ...commitment.regionLayer, IT: 'layer9' } })).toThrow(
      "fake: region IT is committed to layer 'layer9', which the model does not have",
    );
    const model = new CommittedBrainModel('fake', fakeAdapter(), commitment);
    await expect(model.probabilities(stimuli([0, 1], false), stimuli([2]))).rejects.toThrow(InputError);
  });
});
