import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CommittedBrainModel, type StimulusSet } from '@vvs/core';
import { OnnxModelAdapter } from '@vvs/models-onnx';
import { SYNTHETIC_GENERATOR_COMMITMENT, SYNTHETIC_MODEL, expectedCeiling, objectImages, simulateNeurons, type NeuronModel } from '../src/index.ts';

/** A small population on 16 images: enough to check shapes, determinism and errors quickly. */
const SMALL: NeuronModel = { neuroids: 6, repetitions: 4, components: 5, threshold: -2, noiseToSignal: 1 };

let adapter: OnnxModelAdapter;
let model: CommittedBrainModel;
let stimuli: StimulusSet;

describe('expectedCeiling', () => {
  it('is the reliability of the full average, 1 / (1 + κ²/R), for an even number of repetitions', () => {
    expect(expectedCeiling(2, 24)).toBeCloseTo(1 / (1 + 4 / 24), 15);
    expect(expectedCeiling(0, 10)).toBe(1);
  });

  it('is the Spearman–Brown correction of unequal halves for an odd number', () => {
    // R = 3, κ = 1: halves of 1 and 2 trials, ρ = 1/√(2 · 1.5) = 1/√3, and 2ρ/(1 + ρ) = √3 − 1.
    expect(expectedCeiling(1, 3)).toBeCloseTo(Math.sqrt(3) - 1, 15);
  });

  it('rejects fewer than two repetitions and negative noise', () => {
    expect(() => expectedCeiling(1, 1)).toThrow('repetitions: expected an integer ≥ 2, got 1');
    expect(() => expectedCeiling(-1, 4)).toThrow('noiseToSignal: expected a non-negative number, got -1');
  });
});

describe('simulateNeurons', () => {
  beforeAll(async () => {
    adapter = await OnnxModelAdapter.load(SYNTHETIC_MODEL, { id: SYNTHETIC_MODEL });
    model = new CommittedBrainModel(SYNTHETIC_MODEL, adapter, SYNTHETIC_GENERATOR_COMMITMENT);
    stimuli = await objectImages({ seed: 2, imagesPerObject: 2, part: 'small' });
  });
  afterAll(() => adapter.dispose());

  it('returns a Brain-Score-shaped recording: one row per (stimulus, repetition), labelled synthetic', async () => {
    const assembly = await simulateNeurons({ model, region: 'V4', stimuli, seed: 1, ...SMALL });
    const n = stimuli.rows.length;
    expect(assembly.dims).toEqual(['presentation', 'neuroid']);
    expect(assembly.shape).toEqual([n * SMALL.repetitions, SMALL.neuroids]);
    expect(assembly.coords.stimulus_id.values).toEqual(Array.from({ length: SMALL.repetitions }, () => stimuli.rows.map((r) => r.stimulus_id)).flat());
    expect(assembly.coords.repetition.values).toEqual(Array.from({ length: n * SMALL.repetitions }, (_, i) => Math.floor(i / n)));
    expect(assembly.coords.object_name.values.slice(0, n)).toEqual(stimuli.rows.map((r) => r.object_name));
    expect(assembly.coords.neuroid_id.values).toEqual(['synthetic.V4.000', 'synthetic.V4.001', 'synthetic.V4.002', 'synthetic.V4.003', 'synthetic.V4.004', 'synthetic.V4.005']);
    expect(assembly.coords.region.values).toEqual(Array(SMALL.neuroids).fill('V4'));
    expect(assembly.attrs).toMatchObject({
      synthetic: true,
      identifier: 'synthetic.V4',
      stimulus_set_identifier: stimuli.identifier,
      generator: { model: SYNTHETIC_MODEL, layer: 'stage3' },
      expectedCeiling: expectedCeiling(SMALL.noiseToSignal, SMALL.repetitions),
    });
    expect(assembly.data.every(Number.isFinite)).toBe(true);
  });

  it('gives identical values for the same seed and different values for another', async () => {
    const a = await simulateNeurons({ model, region: 'IT', stimuli, seed: 7, ...SMALL });
    const b = await simulateNeurons({ model, region: 'IT', stimuli, seed: 7, ...SMALL });
    const c = await simulateNeurons({ model, region: 'IT', stimuli, seed: 8, ...SMALL });
    expect(Array.from(b.data)).toEqual(Array.from(a.data));
    expect(a.data.some((v, i) => v !== c.data[i])).toBe(true);
  });

  it('adds trial noise of noiseToSignal times the signal: without noise every repetition is the same', async () => {
    const noiseless = await simulateNeurons({ model, region: 'V1', stimuli, seed: 3, ...SMALL, noiseToSignal: 0 });
    const rowLength = stimuli.rows.length * SMALL.neuroids;
    expect(Array.from(noiseless.data.subarray(rowLength, 2 * rowLength))).toEqual(Array.from(noiseless.data.subarray(0, rowLength)));
    expect(noiseless.attrs!.expectedCeiling).toBe(1);
  });

  it('rejects more components than the stimuli span, and bad counts', async () => {
    await expect(simulateNeurons({ model, region: 'V4', stimuli, seed: 1, ...SMALL, components: 16 })).rejects.toThrow(
      'components: expected at most 15 (stimuli − 1), got 16',
    );
    await expect(simulateNeurons({ model, region: 'V4', stimuli, seed: 1, ...SMALL, repetitions: 1 })).rejects.toThrow(
      'repetitions: expected an integer ≥ 2, got 1',
    );
    await expect(simulateNeurons({ model, region: 'V4', stimuli, seed: 1, ...SMALL, neuroids: 0 })).rejects.toThrow('neuroids: expected an integer ≥ 1, got 0');
  });
});
