import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CommittedBrainModel } from '@vvs/core';
import { i2n, type I2nResult } from '@vvs/metrics';
import { OnnxModelAdapter } from '@vvs/models-onnx';
import {
  BEHAVIOR_TEST_IMAGES_PER_CLASS,
  BEHAVIOR_TRIALS_PER_PAIR,
  OBJECT_NAMES,
  SYNTHETIC_GENERATOR_COMMITMENT,
  SYNTHETIC_GENERATORS,
  SYNTHETIC_MODEL,
  i2nModelOutput,
  syntheticBehaviorData,
  type SyntheticBehaviorData,
} from '../src/index.ts';

/**
 * Generating the data and reading out two models. The bound is set by `@vvs/metrics`'
 * LogisticRegression, which runs its 1000 L-BFGS iterations at the default tolerance: ~15 s per
 * fit on the 128 avgpool features, ~85 s on the 2352 pixels features.
 */
const BEHAVIOR_TIMEOUT_MS = 400_000;

/** The different built-in model: RGB pixels averaged over 8×8 blocks, read out from its only layer. */
const DIFFERENT_MODEL = 'builtin:pixels';

let data: SyntheticBehaviorData;
let generating: I2nResult;
let different: I2nResult;
const adapters: OnnxModelAdapter[] = [];

async function readout(spec: string, layer: string | undefined): Promise<I2nResult> {
  const adapter = await OnnxModelAdapter.load(spec, { id: spec });
  adapters.push(adapter);
  const commitment = layer === undefined ? SYNTHETIC_GENERATOR_COMMITMENT : { regionLayer: { V1: layer, V2: layer, V4: layer, IT: layer }, behavioralReadoutLayer: layer };
  const model = new CommittedBrainModel(spec, adapter, commitment);
  return i2n(i2nModelOutput(await model.probabilities(data.fitting, data.test)), data.human);
}

describe('the synthetic I2n data (simulated two-alternative observers)', () => {
  beforeAll(async () => {
    data = await syntheticBehaviorData();
    [generating, different] = await Promise.all([readout(SYNTHETIC_MODEL, undefined), readout(DIFFERENT_MODEL, 'pixels')]);
    console.log(
      `behavior: generating I2n ${generating.score.toFixed(3)} (r ${generating.rawMeanR.toFixed(3)}, human split-half ceiling ${generating.ceilingMean.toFixed(3)}); ` +
        `pixels ${different.score.toFixed(3)}; observers' expected accuracy ${data.expectedAccuracy.toFixed(3)} (β ${data.sharpness.toFixed(2)})`,
    );
  }, BEHAVIOR_TIMEOUT_MS);
  afterAll(async () => {
    await Promise.all(adapters.map((a) => a.dispose()));
  });

  it('is labelled synthetic, with disjoint, labelled fitting and test sets', () => {
    expect(data.identifier).toBe('synthetic.behavior');
    expect(data.synthetic).toBe(true);
    expect(data.generator).toEqual(SYNTHETIC_GENERATORS.behavior);
    for (const set of [data.fitting, data.test]) {
      expect(set.identifier.startsWith('synthetic.')).toBe(true);
      expect(set.rows.every((r) => r.synthetic === true && r.image_label === r.object_name)).toBe(true);
    }
    const fittingIds = new Set(data.fitting.rows.map((r) => r.stimulus_id));
    expect(data.test.rows.some((r) => fittingIds.has(r.stimulus_id))).toBe(false);
  });

  it('has trialsPerPair trials on every (image, distractor) pair, with the true object as sample', () => {
    const { human } = data;
    const { stimulus, sampleObj, distObj, choice } = human.trials;
    const images = OBJECT_NAMES.length * BEHAVIOR_TEST_IMAGES_PER_CLASS;
    expect(human.stimulusIds).toHaveLength(images);
    expect(stimulus).toHaveLength(images * (OBJECT_NAMES.length - 1) * BEHAVIOR_TRIALS_PER_PAIR);
    const perPair = new Map<string, number>();
    let malformed = 0;
    for (let t = 0; t < stimulus.length; t++) {
      const sampleIsTruth = sampleObj[t] === human.imageTruth[stimulus[t]];
      const chosenOffered = choice[t] === sampleObj[t] || choice[t] === distObj[t];
      if (!sampleIsTruth || distObj[t] === sampleObj[t] || !chosenOffered) malformed++;
      const key = `${stimulus[t]}:${distObj[t]}`;
      perPair.set(key, (perPair.get(key) ?? 0) + 1);
    }
    expect(malformed).toBe(0);
    expect(perPair.size).toBe(images * (OBJECT_NAMES.length - 1));
    expect([...perPair.values()].every((n) => n === BEHAVIOR_TRIALS_PER_PAIR)).toBe(true);
  });

  it('has a split-half ceiling well above zero, and observers at their expected accuracy', () => {
    expect(generating.ceilingMean).toBeGreaterThan(0.5);
    const { sampleObj, choice } = data.human.trials;
    let correct = 0;
    for (let t = 0; t < choice.length; t++) if (choice[t] === sampleObj[t]) correct++;
    // Binomial standard error over 67,200 trials is below 0.002.
    expect(Math.abs(correct / choice.length - data.expectedAccuracy)).toBeLessThan(0.01);
  });

  it("recovers the generating readout: its I2n is ≥ 0.9 and pixels' is ≤ 0.7", () => {
    expect(generating.score).toBeGreaterThanOrEqual(0.9);
    expect(different.score).toBeLessThanOrEqual(0.7);
  });
});
