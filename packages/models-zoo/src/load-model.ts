/**
 * `loadModel(id)`: one of the seed's models as a vvs ModelAdapter, without Python — the seed's
 * `load_model` (`scaling_primate_vvs/artifacts/artifacts_helpers.py`), with the PyTorch model
 * replaced by an ONNX graph built from the checkpoint once and cached.
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { mkdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { defaultCacheDir, InputError, writeFileAtomic } from '@vvs/core';
import { OnnxModel, OnnxModelAdapter, type OnnxModelOptions, type PreprocessOptions, type ProjectionOptions } from '@vvs/models-onnx';
import { getModelCheckpoints, type ModelCheckpointRow } from '@vvs/seed';
import { buildOnnx, type Architecture } from './builders/build-onnx.ts';
import { checkpointFile, checkpointRow, type CheckpointFileOptions } from './checkpoint-file.ts';
import { readCheckpoint, type StateDictPreference } from './torch/checkpoint.ts';

/** The cache folder's subfolder for converted models (`<cacheDir>/onnx/<model_id>/<epoch>.onnx`). */
export const ONNX_CACHE_FOLDER = 'onnx';

/** Suffix of the record kept next to a cached ONNX file: what it was converted from, and its hash. */
const CONVERSION_RECORD_SUFFIX = '.json';

/**
 * The version of this package, part of every conversion's key: a new vvs release (whose builders
 * may emit different graphs) converts the checkpoints again rather than reuse older graphs.
 */
const CONVERTER_VERSION: string = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')).version;

/**
 * The seed's preprocessing of its models' inputs: the training configs' validation transform,
 * `Resize(256)` then `CenterCrop(224)` (`val_resize_size`, `val_crop_size` of
 * `training/cfgs/runai/*.yaml`, applied by `brainscore/src/utils/wrapper.py`), rather than
 * Brain-Score's plain resize.
 */
export const SEED_PREPROCESS: PreprocessOptions = { resize: 'shorter-side-crop' };

/** A seed architecture name pattern and the vvs builder that builds it. */
interface ArchitectureBuilder {
  readonly pattern: RegExp;
  readonly builder: Architecture;
  /** The names it covers, in words, for error messages. */
  readonly names: string;
}

/**
 * Which seed architectures (the `arch` column of `model_checkpoints.csv`) vvs builds, and with which
 * builder. The ResNet builder reads depth, width and class count from the state dict's shapes, so it
 * also covers the seed's training-recipe variants (`resnet18-adamw-00001`) and its width- and
 * depth-scaled `resnetflexfilters-*` models, which the seed's own `load_model` does not load.
 */
const ARCHITECTURE_BUILDERS: readonly ArchitectureBuilder[] = [
  { pattern: /^resnet(18|34|50|101|152)($|-)/, builder: 'resnet', names: 'resnet18/34/50/101/152 (and their -<recipe> variants)' },
  { pattern: /^resnetflexfilters/, builder: 'resnet', names: 'resnetflexfilters-* (width- and depth-scaled ResNets)' },
  { pattern: /^alexnet$/, builder: 'alexnet', names: 'alexnet' },
  { pattern: /^convnext(_(tiny|small|base|large)$|flex-)/, builder: 'convnext', names: 'convnext_tiny/small/base/large, convnextflex-*' },
  { pattern: /^efficientnet_b[0-2]$/, builder: 'efficientnet', names: 'efficientnet_b0/b1/b2' },
];

/**
 * The vvs builder of a seed architecture, or an InputError naming the model, its architecture and
 * the architectures vvs builds.
 */
function builderFor(row: ModelCheckpointRow): Architecture {
  const found = row.arch === null ? undefined : ARCHITECTURE_BUILDERS.find((b) => b.pattern.test(row.arch!));
  if (found !== undefined) return found.builder;
  const what = row.arch === null ? "no architecture in the seed's table" : `architecture '${row.arch}'`;
  throw new InputError(`${row.model_id}: ${what}, which vvs cannot build yet; vvs builds ${ARCHITECTURE_BUILDERS.map((b) => b.names).join(', ')}`, {
    field: 'arch',
  });
}

/**
 * Which state dict the seed evaluates: the EMA weights for ConvNeXt and DeiT (`load_model_ema` of
 * the seed's `load_model`), the trained weights otherwise.
 */
function statePreference(arch: string | null): StateDictPreference {
  return arch !== null && (arch.includes('convnext') || arch.includes('deit')) ? 'ema' : 'model';
}

/**
 * Options of {@link loadModel}: where the checkpoint comes from ({@link CheckpointFileOptions}; the
 * cache folder also keeps the tables in `seed/` and the conversions in `onnx/`, and `onProgress`
 * reports the tables' downloads too), where the tables come from, and the adapter's settings.
 */
export interface LoadModelOptions extends OnnxModelOptions, CheckpointFileOptions {
  /** A folder holding the seed's tables (the CLI's `--tables`), read as is. */
  readonly tablesDir?: string;
  /** The epoch to load (default: the model's last, as the seed's `load_model`). */
  readonly epoch?: number;
  /** Image preprocessing of the adapter; default {@link SEED_PREPROCESS}. */
  readonly preprocess?: PreprocessOptions;
  /** Random projection of the adapter's layers; default none. */
  readonly projection?: ProjectionOptions;
}

/** What a cached conversion was made from; a different key converts again. */
interface ConversionKey {
  readonly converter: string;
  readonly checkpoint: { readonly size: number; readonly mtimeMs: number };
  readonly builder: Architecture;
  readonly prefer: StateDictPreference;
}

/** The record written next to a cached ONNX file. */
interface ConversionRecord {
  readonly key: ConversionKey;
  /** Hex SHA-256 of the ONNX file, so that a damaged file converts again rather than load. */
  readonly sha256: string;
}

/** The cached ONNX file's bytes when its record matches `key` and its hash, else undefined. */
async function cachedConversion(onnxPath: string, key: ConversionKey): Promise<Uint8Array | undefined> {
  const recordPath = `${onnxPath}${CONVERSION_RECORD_SUFFIX}`;
  if (!existsSync(onnxPath) || !existsSync(recordPath)) return undefined;
  let record: ConversionRecord;
  try {
    record = JSON.parse(await readFile(recordPath, 'utf8')) as ConversionRecord;
  } catch {
    return undefined;
  }
  if (JSON.stringify(record.key) !== JSON.stringify(key)) return undefined;
  const bytes = await readFile(onnxPath);
  return createHash('sha256').update(bytes).digest('hex') === record.sha256 ? bytes : undefined;
}

/**
 * The ONNX graph of a checkpoint, converted once: `<cacheDir>/onnx/<model_id>/<epoch>.onnx`, with a
 * record of what it was converted from (vvs version, checkpoint size and modification time, builder,
 * weights) and its SHA-256 beside it; each written atomically, the record last, so that a crash
 * between them converts again.
 */
async function convertOnce(row: ModelCheckpointRow, checkpoint: string, builder: Architecture, cacheDir: string): Promise<{ path: string; bytes: Uint8Array }> {
  const folder = join(cacheDir, ONNX_CACHE_FOLDER, row.model_id);
  const path = join(folder, `${row.epoch}.onnx`);
  const { size, mtimeMs } = await stat(checkpoint);
  const key: ConversionKey = { converter: CONVERTER_VERSION, checkpoint: { size, mtimeMs }, builder, prefer: statePreference(row.arch) };
  const cached = await cachedConversion(path, key);
  if (cached !== undefined) return { path, bytes: cached };
  const { stateDict } = await readCheckpoint(checkpoint, { prefer: key.prefer });
  const { bytes } = buildOnnx(stateDict, { arch: builder });
  await mkdir(folder, { recursive: true });
  await writeFileAtomic(path, bytes);
  const record: ConversionRecord = { key, sha256: createHash('sha256').update(bytes).digest('hex') };
  await writeFileAtomic(`${path}${CONVERSION_RECORD_SUFFIX}`, `${JSON.stringify(record, null, 1)}\n`);
  return { path, bytes };
}

/**
 * One of the seed's models as a {@link OnnxModelAdapter} whose layers are PyTorch module paths
 * (`layer4.0.bn1`, `avgpool`, `fc`), the seed's `load_model(model_id, checkpoints_dir)` without
 * Python:
 *
 * 1. the checkpoint row: the model's highest epoch in `model_checkpoints.csv` (or `epoch`);
 * 2. the `.pt` file: in `checkpointsDir`, else in the cache, else downloaded from the seed's S3
 *    bucket into the cache (size-checked, see `checkpointFile`);
 * 3. the ONNX graph, built from the checkpoint's state dict (EMA weights for ConvNeXt and DeiT, as the
 *    seed) by the architecture's builder, once: later calls reuse `<cacheDir>/onnx/<model_id>/<epoch>.onnx`
 *    until the checkpoint file or the vvs version changes.
 *
 * Differences from the seed: vvs also loads ids outside the seed's `SUPPORTED_MODELS` whose
 * architecture it builds (its `resnetflexfilters-*` models); and the file comes from the chosen
 * row's `checkpoint_url`, where the seed's download branch takes `benchmark_scores.csv`'s URL (the
 * same file for all but six ids, whose score rows name an epoch past their last checkpoint row).
 *
 * @throws InputError for an id the seed's table lacks (with the closest ids), an epoch it has no
 *   checkpoint for, an architecture vvs does not build yet (naming it and those it builds), or a
 *   checkpoint that is neither local nor cached while offline; DownloadError when the download
 *   fails; the checkpoint reader's and builders' errors for a file they cannot read or build.
 * @example
 * const adapter = await loadModel('resnet18_imagenet_full', { onProgress: ({ received, total }) => console.error(received, total) });
 * adapter.layers().includes('layer4.0.bn1'); // true
 * await adapter.dispose();
 */
export async function loadModel(id: string, options: LoadModelOptions = {}): Promise<OnnxModelAdapter> {
  const { checkpointsDir, cacheDir = defaultCacheDir(), tablesDir, mirror, offline, retries, backoffMs, epoch, onProgress, fetch, signal, preprocess, projection, ...session } =
    options;
  const shared = { cacheDir, offline, onProgress, fetch, signal };
  const row = checkpointRow(await getModelCheckpoints({ ...shared, tablesDir }), id, epoch);
  const builder = builderFor(row);
  const checkpoint = await checkpointFile(row, { ...shared, checkpointsDir, mirror, retries, backoffMs });
  const { path, bytes } = await convertOnce(row, checkpoint, builder, cacheDir);
  const model = await OnnxModel.fromBytes(bytes, path, session);
  return new OnnxModelAdapter(model, { id, preprocess: preprocess ?? SEED_PREPROCESS, ...(projection ? { projection } : {}) });
}
