/**
 * Files written whole or not at all, so that a reader (or a crash) never meets half a file.
 */
import { rename, rm, writeFile } from 'node:fs/promises';
import { InputError } from '../errors.ts';

/**
 * Writes `data` to `path` through `path.partial`, renamed over `path` once complete: a rename within
 * one directory is atomic on POSIX file systems, so `path` holds the old content or the new, never a
 * truncated mix. The partial file is removed when writing fails.
 *
 * @throws {InputError} naming `path` when it cannot be written (no such directory, no permission).
 *
 * @example
 * await writeFileAtomic('report/scores.csv', regionTableCsv(table));
 */
export async function writeFileAtomic(path: string, data: string | Uint8Array): Promise<void> {
  const partial = `${path}.partial`;
  try {
    await writeFile(partial, data);
    await rename(partial, path);
  } catch (error) {
    await rm(partial, { force: true });
    throw new InputError(`cannot write "${path}": ${error instanceof Error ? error.message : String(error)}`, { file: path, cause: error });
  }
}
