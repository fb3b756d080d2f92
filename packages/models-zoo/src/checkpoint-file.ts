/**
 * The seed's checkpoint of a model: which row of `model_checkpoints.csv` (the model's last epoch,
 * as the seed's `load_model` picks it) and where its `.pt` file is on this machine — a user's
 * checkpoints folder, vvs's cache, or downloaded from the seed's public S3 bucket into the cache.
 */
import { existsSync } from 'node:fs';
import { isAbsolute, join } from 'node:path';
import { closestMatches, defaultCacheDir, downloadFile, InputError, offlineFromEnv, type TransferOptions } from '@vvs/core';
import type { ModelCheckpointRow } from '@vvs/seed';

/** The cache folder's subfolder for downloaded checkpoints (`<cacheDir>/checkpoints/<checkpoint_path>`). */
export const CHECKPOINT_CACHE_FOLDER = 'checkpoints';

/**
 * The row of `model_checkpoints.csv` to load for `modelId`: the given `epoch`'s, else the highest
 * epoch's — the seed's `load_model(model_id, checkpoints_dir)`, which takes
 * `DF_MODELS[DF_MODELS['model_id'] == model_id].sort_values('epoch', ascending=False).iloc[0]`.
 * Epochs compare as numbers (the table lists `ep100` before `ep95`); of rows with equal epochs the
 * first in file order is taken.
 *
 * @throws InputError for an id the table does not have (suggesting the closest ids) or an epoch the
 *   model has no checkpoint for (listing the epochs it has).
 * @example
 * const row = checkpointRow(await getModelCheckpoints(), 'resnet18_imagenet_full');
 * row.checkpoint_path; // 'resnet18_imagenet_full/ep100.pt'
 */
export function checkpointRow(rows: readonly ModelCheckpointRow[], modelId: string, epoch?: number): ModelCheckpointRow {
  const ofModel = rows.filter((r) => r.model_id === modelId);
  if (ofModel.length === 0) {
    const near = closestMatches(modelId, new Set(rows.map((r) => r.model_id)));
    const hint = near.length > 0 ? `; did you mean ${near.map((n) => `'${n}'`).join(', ')}?` : ' (vvs seed models lists them)';
    throw new InputError(`unknown model id '${modelId}': the seed's model_checkpoints.csv has no checkpoint for it${hint}`, { field: 'model' });
  }
  if (epoch !== undefined) {
    const row = ofModel.find((r) => r.epoch === epoch);
    if (row !== undefined) return row;
    const epochs = [...new Set(ofModel.map((r) => r.epoch))].sort((a, b) => a - b);
    throw new InputError(`${modelId} has no checkpoint at epoch ${epoch}; its epochs are ${epochs.join(', ')}`, { field: 'epoch' });
  }
  return ofModel.reduce((best, r) => (r.epoch > best.epoch ? r : best));
}

/** Options of {@link checkpointFile}. */
export interface CheckpointFileOptions extends TransferOptions {
  /** A folder laid out as the seed's bucket (`<model_id>/ep<epoch>.pt`), searched first (the seed's `checkpoints_dir`). */
  readonly checkpointsDir?: string;
  /** The cache folder (default `defaultCacheDir()`); downloads go to `<cacheDir>/checkpoints/`. */
  readonly cacheDir?: string;
  /**
   * Base URL of a mirror of the seed's bucket: the file is fetched from `<mirror>/<checkpoint_path>`
   * instead of the row's `checkpoint_url` (`http:`, `https:` or `file:`).
   */
  readonly mirror?: string;
  /** Forbid the download (default: `VVS_OFFLINE`). */
  readonly offline?: boolean;
}

/**
 * The row's `checkpoint_path`, checked to stay inside the folder it is joined to (the table may come
 * from a user's `--tables` folder).
 */
function relativeCheckpointPath(row: ModelCheckpointRow): string {
  const path = row.checkpoint_path;
  if (isAbsolute(path) || path.split(/[\\/]/).includes('..')) {
    throw new InputError(`${row.model_id}: checkpoint_path '${path}' must be a relative path inside the checkpoints folder`, { field: 'checkpoint_path' });
  }
  return path;
}

/**
 * The local `.pt` file of a checkpoint row: `<checkpointsDir>/<checkpoint_path>` when it exists;
 * else `<cacheDir>/checkpoints/<checkpoint_path>` when it exists; else the file downloaded there
 * from `checkpoint_url` (or the `mirror`), with progress, resumable and atomic. The seed publishes
 * no checksums for its checkpoints, so the download is checked by its size: it must be as long as
 * the server announces (`downloadFile` with `sha1: null`); a truncated transfer is retried, then
 * rejected, and never lands under the final name.
 *
 * Two processes fetching the same checkpoint at once would share its `.partial` file; callers that
 * may do so must serialise.
 *
 * @throws InputError when the file is neither local nor in the cache and vvs is offline; a
 *   DownloadError (from `@vvs/core`) when the download fails.
 * @example
 * const pt = await checkpointFile(row, { checkpointsDir: '/data/scaling-checkpoints', onProgress: console.error });
 */
export async function checkpointFile(row: ModelCheckpointRow, options: CheckpointFileOptions = {}): Promise<string> {
  const path = relativeCheckpointPath(row);
  if (options.checkpointsDir !== undefined) {
    const local = join(options.checkpointsDir, path);
    if (existsSync(local)) return local;
  }
  const { cacheDir = defaultCacheDir(), offline = offlineFromEnv() } = options;
  const cached = join(cacheDir, CHECKPOINT_CACHE_FOLDER, path);
  // downloadFile renames only complete files into place, so an existing one is whole.
  if (existsSync(cached)) return cached;
  const url = options.mirror === undefined ? row.checkpoint_url : `${options.mirror.replace(/\/+$/, '')}/${path}`;
  if (offline) {
    const where = options.checkpointsDir === undefined ? cached : `${join(options.checkpointsDir, path)} nor ${cached}`;
    throw new InputError(`the checkpoint of ${row.model_id} (epoch ${row.epoch}) is not at ${where}, and vvs is offline: fetch ${url} there, or pass a checkpoints folder`, {
      file: cached,
    });
  }
  await downloadFile(url, cached, {
    sha1: null,
    ...(options.retries === undefined ? {} : { retries: options.retries }),
    ...(options.backoffMs === undefined ? {} : { backoffMs: options.backoffMs }),
    ...(options.onProgress ? { onProgress: options.onProgress } : {}),
    ...(options.fetch ? { fetch: options.fetch } : {}),
    ...(options.signal ? { signal: options.signal } : {}),
  });
  return cached;
}
