/**
 * The seed's published artifact files (its score tables, its checkpoint list, its region
 * commitments), read from a local folder when one is given, else from the cache, else fetched from
 * the seed's public repository into the cache on first use and verified by SHA-1.
 */
import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { defaultCacheDir, downloadFile, InputError, offlineFromEnv, sha1OfFile, type TransferOptions } from '@vvs/core';

/** The seed's public repository on GitHub. */
export const SEED_REPOSITORY = 'epflneuroailab/scaling-primate-vvs';

/** The git ref the artifacts are read at. */
export const SEED_REF = 'main';

/** Where a file lives in the seed's repository, and the SHA-1 and size of the version vvs is checked against. */
export interface SeedArtifactInfo {
  /** Path inside the seed's repository. */
  readonly path: string;
  /** SHA-1 of the version vvs's tables and fits were checked on (40 lowercase hex digits). */
  readonly sha1: string;
  /** Its size in bytes. */
  readonly size: number;
}

/**
 * The seed's artifacts by file name. The CSV files sit in `scaling_primate_vvs/artifacts/`
 * (`artifact_dir` of the seed's `artifacts_helpers.py`); `commitments.json` sits in
 * `scaling_primate_vvs/brainscore/artifacts/`, where the seed's `load_brain_model` reads it.
 */
export const SEED_ARTIFACTS = {
  'benchmark_scores.csv': { path: 'scaling_primate_vvs/artifacts/benchmark_scores.csv', sha1: 'dc609894f7462494a522d67518d1cc6320b42d43', size: 1_875_009 },
  'benchmark_scores_brainscore.csv': { path: 'scaling_primate_vvs/artifacts/benchmark_scores_brainscore.csv', sha1: 'd8f35f25b20724242a915c8d6a40e80983b9dbb1', size: 19_976 },
  'benchmark_scores_ckpts.csv': { path: 'scaling_primate_vvs/artifacts/benchmark_scores_ckpts.csv', sha1: '1da90af909e30c59e6cc73e9dfa8ac484d58f556', size: 2_225_240 },
  'model_checkpoints.csv': { path: 'scaling_primate_vvs/artifacts/model_checkpoints.csv', sha1: '4e287f575ca141c7a1d52b5307961c63bcf29657', size: 2_446_704 },
  'commitments.json': { path: 'scaling_primate_vvs/brainscore/artifacts/commitments.json', sha1: '66dcc96be4c084df634c54f8e86212c03c12da0a', size: 221_698 },
} as const satisfies Record<string, SeedArtifactInfo>;

/** The name of one of the seed's artifact files. */
export type SeedArtifactName = keyof typeof SEED_ARTIFACTS;

/** The seed's public scores table (`benchmark_scores.csv`: every model on the five public benchmarks). */
export const SEED_SCORES_TABLE: SeedArtifactInfo = SEED_ARTIFACTS['benchmark_scores.csv'];

/** The cache folder's subfolder for the seed's artifacts. */
const SEED_CACHE_FOLDER = 'seed';

/** Options of {@link seedArtifact}. */
export interface SeedArtifactOptions extends Pick<TransferOptions, 'onProgress' | 'fetch' | 'signal'> {
  /** The cache folder (default {@link defaultCacheDir}); the artifacts go to `<cacheDir>/seed/`. */
  readonly cacheDir?: string;
  /**
   * A folder holding the seed's artifact files (the CLI's `--tables <dir>`), used as it is: no
   * cache, no download and no checksum, so that a newer or edited copy can be read.
   */
  readonly tablesDir?: string;
  /** Where to fetch from (default: the raw file at {@link SEED_REF}, see {@link seedFileUrl}); `file:` URLs work. */
  readonly url?: string;
  /** Forbid the download (default: `VVS_OFFLINE`). */
  readonly offline?: boolean;
}

/** Options of {@link seedScoresTable}: those of {@link seedArtifact}. */
export type SeedScoresOptions = SeedArtifactOptions;

/**
 * The raw URL of a file of the seed's repository.
 *
 * @example
 * seedFileUrl('scaling_primate_vvs/artifacts/benchmark_scores.csv');
 * // https://raw.githubusercontent.com/epflneuroailab/scaling-primate-vvs/main/scaling_primate_vvs/artifacts/benchmark_scores.csv
 */
export function seedFileUrl(path: string, ref: string = SEED_REF): string {
  return `https://raw.githubusercontent.com/${SEED_REPOSITORY}/${ref}/${path}`;
}

/** Whether `name` is one of {@link SEED_ARTIFACTS}'s file names. */
function isSeedArtifact(name: string): name is SeedArtifactName {
  return Object.hasOwn(SEED_ARTIFACTS, name);
}

/** The artifact inside a user's tables folder, which must exist and hold it. */
function fromTablesDir(file: SeedArtifactName, tablesDir: string): string {
  if (!existsSync(tablesDir) || !statSync(tablesDir).isDirectory()) {
    throw new InputError(`the seed's tables folder ${tablesDir} does not exist (--tables expects a folder holding ${Object.keys(SEED_ARTIFACTS).join(', ')})`, { file: tablesDir, field: 'tables' });
  }
  const path = join(tablesDir, file);
  if (!existsSync(path)) {
    throw new InputError(`the seed's tables folder ${tablesDir} has no ${file} (fetch it from ${seedFileUrl(SEED_ARTIFACTS[file].path)})`, { file: path, field: 'tables' });
  }
  return path;
}

/**
 * The local path of one of the seed's artifact files, as the seed's `artifacts_helpers.py` reads
 * it from its package folder: the file in `tablesDir` when one is given (as it is); else the cached
 * copy in `<cacheDir>/seed/` when it is intact; else the file downloaded into the cache (atomically,
 * resumable, checked against the SHA-1 and size in {@link SEED_ARTIFACTS}).
 *
 * @param file - one of the names in {@link SEED_ARTIFACTS}.
 * @throws TypeError for an unknown file name; InputError when `tablesDir` does not exist or lacks
 *   the file, or when offline and the file is not cached; ChecksumError / DownloadError from
 *   `downloadFile` when the download fails or the file differs from the one vvs was checked on.
 * @example
 * const checkpoints = await seedArtifact('model_checkpoints.csv');                       // cache, fetched once
 * const scores = await seedArtifact('benchmark_scores.csv', { tablesDir: 'artifacts' }); // artifacts/benchmark_scores.csv
 */
export async function seedArtifact(file: SeedArtifactName, options: SeedArtifactOptions = {}): Promise<string> {
  if (!isSeedArtifact(file)) {
    throw new TypeError(`file: expected one of the seed's artifacts (${Object.keys(SEED_ARTIFACTS).join(', ')}), got ${JSON.stringify(file)}`);
  }
  if (options.tablesDir !== undefined) return fromTablesDir(file, options.tablesDir);
  const { cacheDir = defaultCacheDir(), offline = offlineFromEnv() } = options;
  const artifact = SEED_ARTIFACTS[file];
  const destination = join(cacheDir, SEED_CACHE_FOLDER, file);
  if (existsSync(destination) && (await sha1OfFile(destination)) === artifact.sha1) return destination;
  const url = options.url ?? seedFileUrl(artifact.path);
  if (offline) {
    throw new InputError(
      `the seed's ${file} is not in the cache (${destination}) and vvs is offline: point --tables <dir> at a folder holding the seed's tables (vvs fit: --scores <csv>), or fetch ${url}`,
      { file: destination },
    );
  }
  await downloadFile(url, destination, {
    sha1: artifact.sha1,
    size: artifact.size,
    ...(options.onProgress ? { onProgress: options.onProgress } : {}),
    ...(options.fetch ? { fetch: options.fetch } : {}),
    ...(options.signal ? { signal: options.signal } : {}),
  });
  return destination;
}

/**
 * The local path of the seed's public scores table, `benchmark_scores.csv` (the table
 * `fitExperiment` of `@vvs/fit` reads): {@link seedArtifact} for that file.
 *
 * @example
 * const scores = await seedScoresTable({ onProgress: ({ received, total }) => console.error(received, total) });
 * const fit = await fitExperiment('compute_neuro.yaml', scores);
 */
export function seedScoresTable(options: SeedScoresOptions = {}): Promise<string> {
  return seedArtifact('benchmark_scores.csv', options);
}
