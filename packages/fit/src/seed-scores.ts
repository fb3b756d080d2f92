/**
 * The seed's scores table (`benchmark_scores.csv`, the alignment of its ~1000 models on the five
 * benchmarks), fetched from the seed's public repository into the cache on first use, verified by
 * SHA-1, and read from there afterwards.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { defaultCacheDir, downloadFile, InputError, offlineFromEnv, sha1OfFile, type DownloadProgress } from '@vvs/core';

/** The seed's public repository on GitHub. */
export const SEED_REPOSITORY = 'epflneuroailab/scaling-primate-vvs';

/** The git ref the tables are read at. */
export const SEED_REF = 'main';

/** The scores table in the seed's repository, and the SHA-1 of the version vvs's fits were checked on. */
export const SEED_SCORES_TABLE = {
  path: 'scaling_primate_vvs/artifacts/benchmark_scores.csv',
  sha1: 'dc609894f7462494a522d67518d1cc6320b42d43',
  size: 1_875_009,
} as const;

/** The cache folder's subfolder for the seed's tables. */
const SEED_CACHE_FOLDER = 'seed';

/** Options of {@link seedScoresTable}. */
export interface SeedScoresOptions {
  /** The cache folder (default {@link defaultCacheDir}); the table goes to `<cacheDir>/seed/`. */
  readonly cacheDir?: string;
  /** Where to fetch from (default: the raw file of {@link SEED_SCORES_TABLE} at {@link SEED_REF}); `file:` URLs work. */
  readonly url?: string;
  /** Forbid the download (default: `VVS_OFFLINE`). */
  readonly offline?: boolean;
  readonly onProgress?: (event: DownloadProgress) => void;
  readonly fetch?: typeof globalThis.fetch;
  readonly signal?: AbortSignal;
}

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

/**
 * The local path of the seed's scores table: the cached copy when it is there and intact, else the
 * file downloaded into the cache (atomically, resumable, checked against {@link SEED_SCORES_TABLE}'s
 * SHA-1).
 *
 * @throws InputError when offline and the table is not cached; ChecksumError / DownloadError from
 *   `downloadFile` when the download fails or the file differs from the one vvs was checked on.
 * @example
 * const scores = await seedScoresTable({ onProgress: ({ received, total }) => console.error(received, total) });
 * const fit = await fitExperiment('compute_neuro.yaml', scores);
 */
export async function seedScoresTable(options: SeedScoresOptions = {}): Promise<string> {
  const { cacheDir = defaultCacheDir(), offline = offlineFromEnv() } = options;
  const destination = join(cacheDir, SEED_CACHE_FOLDER, 'benchmark_scores.csv');
  if (existsSync(destination) && (await sha1OfFile(destination)) === SEED_SCORES_TABLE.sha1) return destination;
  const url = options.url ?? seedFileUrl(SEED_SCORES_TABLE.path);
  if (offline) {
    throw new InputError(`the seed's scores table is not in the cache (${destination}) and vvs is offline: pass --scores <csv>, or fetch ${url}`, { file: destination });
  }
  await downloadFile(url, destination, {
    sha1: SEED_SCORES_TABLE.sha1,
    size: SEED_SCORES_TABLE.size,
    ...(options.onProgress ? { onProgress: options.onProgress } : {}),
    ...(options.fetch ? { fetch: options.fetch } : {}),
    ...(options.signal ? { signal: options.signal } : {}),
  });
  return destination;
}
