/**
 * The one error class of `@vvs/io`: a file handed to vvs that cannot be used.
 */
import { InputError } from '@vvs/core';

/**
 * A file that cannot be used as given: missing, unreadable, of the wrong format, truncated, or holding
 * data that does not fit what was asked of it (no data variable, duplicated stimulus ids, a row count
 * that disagrees with its sidecar). The message starts with the file's path and says in one line what
 * is wrong, so a command-line front end can print it as is. It is an `InputError` of `@vvs/core`
 * (code `E_INPUT`, `exitCode` 2, `isUserError` true), with `file` always set.
 *
 * @example
 * try {
 *   await readFeatures('features.npy');
 * } catch (e) {
 *   if (e instanceof InputFileError) {
 *     console.error(`error: ${e.message}`); // "features.npy: a .npy feature matrix needs --stimulus-ids …"
 *     process.exitCode = e.exitCode; // 2
 *   } else throw e;
 * }
 */
export class InputFileError extends InputError {
  /** The path of the offending file, as it was given. */
  declare readonly file: string;

  /**
   * @param file - the path of the offending file; the message starts with it.
   * @param problem - what is wrong, in one line, without the path.
   * @param options - `cause`: the underlying error (a file-system or HDF5 error), kept for debugging.
   */
  constructor(file: string, problem: string, options: { cause?: unknown } = {}) {
    super(`${file}: ${problem}`, { file, cause: options.cause });
  }
}
