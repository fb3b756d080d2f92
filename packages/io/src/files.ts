/**
 * File-system access shared by the readers and writers: reading an input file with errors that name
 * it, and replacing an output file atomically.
 */
import { closeSync, openSync, readFileSync, readSync, renameSync, rmSync, statSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { InputFileError } from './errors.ts';

/** One-line explanations of the `errno` codes a reader meets when the path itself is the problem. */
const FS_PROBLEMS: Readonly<Record<string, string>> = {
  ENOENT: 'file not found',
  ENOTDIR: 'file not found (a parent of it is not a directory)',
  EACCES: 'permission denied',
  EPERM: 'permission denied',
  EISDIR: 'is a directory, expected a file',
};

/** Turns a Node file-system error about `path` into an {@link InputFileError}, or rethrows it untouched. */
function inputError(path: string, error: unknown): never {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  const problem = code === undefined ? undefined : FS_PROBLEMS[code];
  if (problem === undefined) throw error;
  throw new InputFileError(path, problem, { cause: error });
}

/**
 * Size in bytes of the regular file at `path`.
 *
 * @throws {@link InputFileError} when the file is missing, unreadable or a directory.
 * @example
 * const bytes = inputFileSize('assembly.nc');
 */
export function inputFileSize(path: string): number {
  let size: number;
  let isFile: boolean;
  try {
    const stats = statSync(path);
    size = stats.size;
    isFile = stats.isFile();
  } catch (error) {
    inputError(path, error);
  }
  if (!isFile) throw new InputFileError(path, FS_PROBLEMS.EISDIR);
  return size;
}

/**
 * The whole file at `path` in one Buffer (Node's `fs.readFileSync`, so it is read once and never copied).
 *
 * @throws {@link InputFileError} when the file is missing, unreadable or a directory.
 * @example
 * const bytes = readInputFile('features.npy');
 */
export function readInputFile(path: string): Buffer {
  try {
    return readFileSync(path);
  } catch (error) {
    inputError(path, error);
  }
}

/**
 * Up to `length` bytes of `path` starting at byte `position` (fewer at the end of the file), without
 * reading the rest: enough to sniff a format's magic number or header.
 *
 * @throws {@link InputFileError} when the file is missing or unreadable.
 * @example
 * const magic = readInputBytes('assembly.nc', 0, 8);
 */
export function readInputBytes(path: string, position: number, length: number): Buffer {
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch (error) {
    inputError(path, error);
  }
  try {
    const bytes = Buffer.alloc(length);
    const read = readSync(fd, bytes, 0, length, position);
    return bytes.subarray(0, read);
  } finally {
    closeSync(fd);
  }
}

/**
 * Writes a file so that readers never see it half-written: `write` fills a temporary file beside
 * `path` (same directory, hence same file system), which then replaces `path` by one `rename(2)`,
 * atomic on POSIX. On failure the temporary file is removed and `path` is left as it was.
 *
 * @param path - the file to create or replace.
 * @param write - writes the complete file at the temporary path it is given.
 * @example
 * await writeAtomically('scores.json', (tmp) => writeFileSync(tmp, JSON.stringify(scores)));
 */
export async function writeAtomically(path: string, write: (temporaryPath: string) => void | Promise<void>): Promise<void> {
  const temporary = join(dirname(path), `.${basename(path)}.${process.pid}.${Date.now()}.${Math.random().toString(36).slice(2)}.tmp`);
  try {
    await write(temporary);
    renameSync(temporary, path);
  } catch (error) {
    rmSync(temporary, { force: true });
    throw error;
  }
}
