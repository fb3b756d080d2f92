/**
 * `loadBrainModel(id)`: one of the seed's models committed to brain regions — the seed's
 * `load_brain_model` (`scaling_primate_vvs/artifacts/artifacts_helpers.py`): `load_model` plus the
 * layer commitment of its `brainscore/artifacts/commitments.json`.
 */
import { readFile } from 'node:fs/promises';
import { CommittedBrainModel, InputError, parseCommitments, type LayerCommitment } from '@vvs/core';
import type { OnnxModelAdapter } from '@vvs/models-onnx';
import { getBenchmarkScores, seedArtifact, type SeedTableOptions } from '@vvs/seed';
import { loadModel, type LoadModelOptions } from './load-model.ts';

/** The regions a CORnet's areas stand for, each read from `<region>.output`. */
const CORNET_REGIONS = ['V1', 'V2', 'V4', 'IT'] as const;

/** CORnet's behavioural readout layer in the seed's rule. */
const CORNET_READOUT_LAYER = 'decoder.avgpool';

/**
 * The seed's fixed commitment of every CORnet (`'cornet' in arch`): each region its own area's
 * output, behaviour read from the decoder's average pool.
 */
const CORNET_COMMITMENT: LayerCommitment = {
  regionLayer: { V1: 'V1.output', V2: 'V2.output', V4: 'V4.output', IT: 'IT.output' },
  behavioralReadoutLayer: CORNET_READOUT_LAYER,
  layers: [...CORNET_REGIONS.map((region) => `${region}.output`), CORNET_READOUT_LAYER],
};

/** The only seed whose commitment the seed's `load_brain_model` reads. */
const COMMITMENT_SEED = 'seed-0';

/** Suffix of the training-set key the seed's `load_brain_model` reads: the full data set's. */
const FULL_DATASET_SUFFIX = '_full';

/** A model's commitment as the seed's rule finds it. */
export interface SeedCommitment {
  /** The layer commitment, or `null` when the seed has none for the model. */
  readonly commitment: LayerCommitment | null;
  /**
   * Where it comes from — `commitments.json ResNet18/imagenet_full/seed-0`, `the seed's CORnet
   * rule` — or, when `commitment` is null, why there is none.
   */
  readonly source: string;
}

/**
 * The layer commitment the seed's `load_brain_model(model_id)` gives a model. The seed reads the
 * model's `arch` and `dataset` from the first row of `benchmark_scores.csv` for the id, lower-cases
 * the architecture keys of `commitments.json` (`ResNet18` → `resnet18`) and then:
 *
 * - a CORnet (`'cornet' in arch`): the fixed commitment `V1.output` … `IT.output`, readout `decoder.avgpool`;
 * - otherwise `commitments[arch][f'{dataset}_full']['seed-0']`: the commitment of the same architecture
 *   trained on the *full* data set with seed 0, whatever the model's data size or seed — so
 *   `resnet18_imagenet_10_seed-1` and `resnet18_imagenet21kP-class-1000_full_seed-1` get
 *   `ResNet18/imagenet_full/seed-0` and `ResNet18/imagenet21kP-class-1000_full/seed-0`.
 *
 * Where the seed finds none it fails: an architecture missing from the file gives `{}`, on which
 * Brain-Score's `ModelCommitment` stops (`layers[-1]` of `None`); a training set missing under the
 * architecture (the 7 `resnet18_infimnist_*` models) raises a KeyError; an id without a score row
 * an IndexError. vvs returns `commitment: null` with the reason instead, so that the caller selects
 * layers on the benchmarks (`selectLayerOnBenchmark` of `@vvs/core`), which is what Brain-Score's
 * `ModelCommitment` does when it is given no region-to-layer map.
 *
 * @example
 * const { commitment, source } = await seedCommitment('resnet18_imagenet_10_seed-1');
 * source;                    // "commitments.json ResNet18/imagenet_full/seed-0"
 * commitment!.regionLayer.IT; // 'layer4.0.bn1'
 */
export async function seedCommitment(id: string, options: SeedTableOptions = {}): Promise<SeedCommitment> {
  const row = (await getBenchmarkScores('public', options)).find((r) => r.model_id === id);
  if (row === undefined) return { commitment: null, source: `${id} has no row in the seed's benchmark_scores.csv, so the seed knows neither its architecture nor its data set` };
  const { arch, dataset } = row;
  if (arch.includes('cornet')) return { commitment: CORNET_COMMITMENT, source: "the seed's CORnet rule" };
  const file = await seedArtifact('commitments.json', options);
  let data: unknown;
  try {
    data = JSON.parse(await readFile(file, 'utf8'));
  } catch (cause) {
    throw new InputError(`${file}: not valid JSON (${(cause as Error).message})`, { file, cause });
  }
  const table = parseCommitments(data, file);
  // The seed's {k.lower(): v}: of keys equal but for case, the last one in the file wins.
  const architecture = [...table.keys()].filter((key) => key.toLowerCase() === arch).at(-1);
  if (architecture === undefined) return { commitment: null, source: `commitments.json has no architecture '${arch}'` };
  const trainingSet = `${dataset}${FULL_DATASET_SUFFIX}`;
  const commitment = table.get(architecture)!.get(trainingSet)?.get(COMMITMENT_SEED);
  if (commitment === undefined) return { commitment: null, source: `commitments.json has no ${architecture}/${trainingSet}/${COMMITMENT_SEED}` };
  return { commitment, source: `commitments.json ${architecture}/${trainingSet}/${COMMITMENT_SEED}` };
}

/** A seed model loaded with its commitment. */
export interface SeedBrainModel extends SeedCommitment {
  /** The network (see `loadModel`); dispose of it when done. */
  readonly adapter: OnnxModelAdapter;
  /** The network committed to the seed's layers; `null` when the seed has no commitment (select layers on the benchmarks). */
  readonly brainModel: CommittedBrainModel | null;
}

/**
 * One of the seed's models as a brain model: {@link loadModel} plus the commitment the seed's
 * `load_brain_model` gives it ({@link seedCommitment}), as a `CommittedBrainModel` (visual field 8°,
 * Brain-Score's default, which the seed keeps). When the seed has no commitment for the model,
 * `brainModel` and `commitment` are null and `source` says why: the adapter is there for
 * automatic layer selection.
 *
 * @throws what {@link loadModel} throws; InputError when a committed layer is not a layer of the built network.
 * @example
 * const { brainModel, source } = await loadBrainModel('resnet18_imagenet_full');
 * source; // 'commitments.json ResNet18/imagenet_full/seed-0'
 * const it = await brainModel!.record('IT', stimuli);
 */
export async function loadBrainModel(id: string, options: LoadModelOptions = {}): Promise<SeedBrainModel> {
  const { cacheDir, tablesDir, offline, onProgress, fetch, signal } = options;
  const found = await seedCommitment(id, { cacheDir, tablesDir, offline, onProgress, fetch, signal });
  const adapter = await loadModel(id, options);
  try {
    const brainModel = found.commitment === null ? null : new CommittedBrainModel(id, adapter, found.commitment);
    return { ...found, adapter, brainModel };
  } catch (error) {
    await adapter.dispose();
    throw error;
  }
}
