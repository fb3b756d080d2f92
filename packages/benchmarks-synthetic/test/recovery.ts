/**
 * Model recovery on the synthetic recordings, shared by the recovery tests: score the generating
 * model committed to the generating layer, a different built-in model, and every candidate layer of
 * the generating model (automatic layer selection), all with core's Brain-Score scoring.
 */
import {
  CommittedBrainModel,
  collectActivations,
  scoreFeatures,
  selectLayer,
  type Assembly,
  type FeatureScore,
  type LayerSelection,
  type Region,
  type StimulusSet,
} from '@vvs/core';
import { afterAll, describe, expect, it } from 'vitest';
import { OnnxModelAdapter } from '@vvs/models-onnx';
import {
  SYNTHETIC_GENERATOR_COMMITMENT,
  SYNTHETIC_GENERATORS,
  SYNTHETIC_MODEL,
  SYNTHETIC_NEUROIDS,
  SYNTHETIC_REPETITIONS,
  syntheticNeuralData,
} from '../src/index.ts';

/** The generating model's candidate layers for automatic selection, in forward order. */
export const CANDIDATE_LAYERS = ['stage1', 'stage2', 'stage3', 'stage4', 'avgpool'] as const;

/** The different built-in model that must score clearly lower: RGB pixels averaged over 8×8 blocks. */
export const DIFFERENT_MODEL = 'builtin:pixels';

/** Every region of the different model reads its only layer. */
const DIFFERENT_COMMITMENT = {
  regionLayer: { V1: 'pixels', V2: 'pixels', V4: 'pixels', IT: 'pixels' },
  behavioralReadoutLayer: 'pixels',
};

/** What model recovery measured on one region. */
export interface Recovery {
  region: Region;
  /** The generating model committed to the generating layer. */
  generating: FeatureScore;
  /** {@link DIFFERENT_MODEL}. */
  different: FeatureScore;
  /** Selection among {@link CANDIDATE_LAYERS} by raw score (what the CLI's select-layers ranks by). */
  selection: LayerSelection;
  /** Every candidate layer's ceiled score, in {@link CANDIDATE_LAYERS} order. */
  layerScores: FeatureScore[];
  expectedCeiling: number;
}

let adapters: Promise<{ generator: OnnxModelAdapter; different: OnnxModelAdapter }> | undefined;
const candidateFeatures = new Map<string, Promise<Map<string, Assembly>>>();
const recoveries = new Map<Region, Promise<Recovery>>();

function models() {
  adapters ??= Promise.all([OnnxModelAdapter.load(SYNTHETIC_MODEL, { id: SYNTHETIC_MODEL }), OnnxModelAdapter.load(DIFFERENT_MODEL, { id: DIFFERENT_MODEL })]).then(
    ([generator, different]) => ({ generator, different }),
  );
  return adapters;
}

/** Releases the models' sessions (call once the file's tests are done). */
async function disposeModels(): Promise<void> {
  if (!adapters) return;
  const { generator, different } = await adapters;
  await Promise.all([generator.dispose(), different.dispose()]);
  adapters = undefined;
}

/** Recovery on `region`'s synthetic recording, computed once per process. */
function recover(region: Region): Promise<Recovery> {
  let recovery = recoveries.get(region);
  if (!recovery) recoveries.set(region, (recovery = measure(region)));
  return recovery;
}

async function measure(region: Region): Promise<Recovery> {
  const data = await syntheticNeuralData(region);
  const { generator, different } = await models();
  const options = { stratifyBy: data.stratifyBy };
  const generatingModel = new CommittedBrainModel(SYNTHETIC_MODEL, generator, SYNTHETIC_GENERATOR_COMMITMENT);
  const generating = await scoreFeatures(await generatingModel.record(region, data.stimuli), data.recording, options);
  const differentModel = new CommittedBrainModel(DIFFERENT_MODEL, different, DIFFERENT_COMMITMENT);
  const differentScore = await scoreFeatures(await differentModel.record(region, data.stimuli), data.recording, options);
  const features = await layerFeatures(generator, data.stimuli);
  const layerScores: FeatureScore[] = [];
  const selection = await selectLayer({
    layers: CANDIDATE_LAYERS,
    score: async (layer) => {
      const score = await scoreFeatures(features.get(layer)!, data.recording, options);
      layerScores.push(score);
      return score.raw;
    },
  });
  return { region, generating, different: differentScore, selection, layerScores, expectedCeiling: data.recording.attrs!.expectedCeiling as number };
}

/** Every candidate layer's activations on `stimuli`, from one pass of the model (shared by regions on the same set). */
function layerFeatures(adapter: OnnxModelAdapter, stimuli: StimulusSet): Promise<Map<string, Assembly>> {
  let features = candidateFeatures.get(stimuli.identifier);
  if (!features) {
    features = collectActivations(adapter, stimuli, CANDIDATE_LAYERS).then(
      (byLayer) =>
        new Map(
          [...byLayer].map(([layer, { data, cols }]): [string, Assembly] => [
            layer,
            {
              dims: ['presentation', 'neuroid'],
              shape: [stimuli.rows.length, cols],
              data,
              coords: { stimulus_id: { dim: 'presentation', values: stimuli.rows.map((r) => r.stimulus_id) } },
            },
          ]),
        ),
    );
    candidateFeatures.set(stimuli.identifier, features);
  }
  return features;
}

/** One line per region for the test log: every score the acceptance criteria look at. */
function describeRecovery({ region, generating, different, layerScores, selection }: Recovery): string {
  const layers = CANDIDATE_LAYERS.map((layer, i) => `${layer} ${layerScores[i].unclipped.toFixed(3)}`).join(', ');
  return (
    `${region}: generating ${generating.value.toFixed(3)} (unclipped ${generating.unclipped.toFixed(3)}, raw ${generating.raw.toFixed(3)}, ceiling ${generating.ceiling.toFixed(3)}); ` +
    `pixels ${different.value.toFixed(3)}; layers (unclipped) ${layers}; selected ${selection.best}`
  );
}

/** Generation, feature extraction and seven scorings of a region take ~10 s on two cores. */
const REGION_TIMEOUT_MS = 120_000;

/**
 * The acceptance tests of the synthetic suite for `regions` (which share one stimulus set, so they
 * share its features): the data's shape and labels, the ceiling, and model recovery.
 */
export function recoveryTests(title: string, regions: readonly Region[], stimulusCount: number): void {
  describe(`model recovery on the synthetic ${title}`, () => {
    afterAll(disposeModels);

    for (const region of regions) {
      it(`${region}: the recording is Brain-Score-shaped, labelled synthetic, and memoised`, async () => {
        const data = await syntheticNeuralData(region);
        expect(await syntheticNeuralData(region)).toBe(data);
        expect(data.identifier).toBe(`synthetic.${region}`);
        expect(data.synthetic).toBe(true);
        expect(data.generator).toEqual(SYNTHETIC_GENERATORS[region]);
        expect(data.numberOfTrials).toBe(SYNTHETIC_REPETITIONS);
        expect(data.stimuli.rows).toHaveLength(stimulusCount);
        expect(data.stimuli.identifier.startsWith('synthetic.')).toBe(true);
        expect(data.recording.shape).toEqual([stimulusCount * SYNTHETIC_REPETITIONS, SYNTHETIC_NEUROIDS]);
        expect(data.recording.attrs).toMatchObject({ synthetic: true, generator: { model: SYNTHETIC_MODEL, layer: SYNTHETIC_GENERATORS[region].layer } });
        expect(data.recording.coords[data.stratifyBy].dim).toBe('presentation');
      }, REGION_TIMEOUT_MS);

      it(`${region}: the generating layer scores ≥ 0.9, pixels ≤ 0.7, and selection picks ${SYNTHETIC_GENERATORS[region].layer}`, async () => {
        const recovery = await recover(region);
        console.log(describeRecovery(recovery));
        expect(recovery.generating.value).toBeGreaterThanOrEqual(0.9);
        expect(recovery.different.value).toBeLessThanOrEqual(0.7);
        expect(recovery.selection.best).toBe(SYNTHETIC_GENERATORS[region].layer);
      }, REGION_TIMEOUT_MS);

      it(`${region}: the measured split-half ceiling is the documented expectation`, async () => {
        const { generating, expectedCeiling } = await recover(region);
        expect(Math.abs(generating.ceiling - expectedCeiling)).toBeLessThan(0.02);
      }, REGION_TIMEOUT_MS);
    }
  });
}
