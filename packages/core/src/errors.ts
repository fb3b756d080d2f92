/**
 * Errors that vvs raises on purpose. Each carries a stable `code` (for programs) and the process exit
 * code a command-line front end should use (for shells), following the BSD `sysexits` split that
 * most CLIs share: 2 for a problem in what the user supplied, 1 for everything else.
 */

/** Exit status for a failure that is not the user's doing (a bug, a crashed worker, a full disk). */
export const EXIT_FAILURE = 1;

/** Exit status for bad user input: a malformed file, an unknown id, an invalid plugin. */
export const EXIT_USAGE = 2;

/** Options every vvs error accepts. */
export interface VvsErrorOptions {
  /** Stable machine-readable code, e.g. `'E_INPUT'`. */
  code: string;
  /** Process exit status a CLI should use: {@link EXIT_USAGE} or {@link EXIT_FAILURE} (the default). */
  exitCode?: number;
  /** The underlying error, kept for stack traces (ES2022 `Error.cause`). */
  cause?: unknown;
}

/**
 * Base class of every error vvs raises deliberately; anything else reaching the top level is a bug.
 *
 * @example
 * try {
 *   registry.benchmark('MajajHong2015public.IT-pls');
 * } catch (e) {
 *   if (e instanceof VvsError) process.exitCode = e.exitCode;
 *   throw e;
 * }
 */
export class VvsError extends Error {
  /** Stable machine-readable code, e.g. `'E_REGISTRATION'`. */
  readonly code: string;
  /** Exit status a CLI should end with: 2 for user/input errors, 1 otherwise. */
  readonly exitCode: number;

  constructor(message: string, { code, exitCode = EXIT_FAILURE, cause }: VvsErrorOptions) {
    super(message, cause === undefined ? undefined : { cause });
    this.name = new.target.name;
    this.code = code;
    this.exitCode = exitCode;
  }
}

/**
 * Bad input data: a file that cannot be parsed, a column that is missing, a value out of range.
 * `file` and `field` locate the problem so a front end can point at it.
 *
 * @example
 * throw new InputError('expected a number, got "n/a"', { file: 'scores.csv', field: 'score' });
 */
export class InputError extends VvsError {
  /** The file the bad data came from, when it came from a file. */
  readonly file?: string;
  /** The column, key or argument that holds the bad value. */
  readonly field?: string;

  constructor(message: string, options: { file?: string; field?: string; cause?: unknown } = {}) {
    super(message, { code: 'E_INPUT', exitCode: EXIT_USAGE, cause: options.cause });
    this.file = options.file;
    this.field = options.field;
  }
}

/**
 * A plugin, model, benchmark or metric that cannot be registered or loaded: a duplicate or malformed
 * id, a missing method, a module that does not exist or exports no `register`. The message names the
 * plugin and the problem. It is a user error: the fix is in the plugin or in the list of plugins given.
 *
 * @example
 * throw new RegistrationError('benchmark "x y" (plugin "my-bench"): id must match [A-Za-z0-9._-]+', {
 *   plugin: 'my-bench',
 * });
 */
export class RegistrationError extends VvsError {
  /** The plugin (package name, path or registrant label) the problem belongs to, when known. */
  readonly plugin?: string;

  constructor(message: string, options: { plugin?: string; cause?: unknown } = {}) {
    super(message, { code: 'E_REGISTRATION', exitCode: EXIT_USAGE, cause: options.cause });
    this.plugin = options.plugin;
  }
}

/**
 * A lookup of an id nobody registered. `suggestions` holds the closest registered ids (by edit
 * distance), which the message also lists.
 *
 * @example
 * throw new UnknownPluginError('benchmark', 'MajajHong2015.IT-pls', ['MajajHong2015public.IT-pls']);
 */
export class UnknownPluginError extends VvsError {
  /** What was looked up: `'benchmark'`, `'model'` or `'metric'`. */
  readonly kind: string;
  /** The id asked for. */
  readonly id: string;
  /** Registered ids closest to `id`, best first (may be empty). */
  readonly suggestions: readonly string[];

  constructor(kind: string, id: string, suggestions: readonly string[], registeredCount?: number) {
    let message = `no ${kind} is registered with id "${id}"`;
    if (suggestions.length > 0) {
      message += `; did you mean ${suggestions.map((s) => `"${s}"`).join(', ')}?`;
    } else if (registeredCount === 0) {
      message += `; no ${kind}s are registered at all (was the plugin that provides it loaded?)`;
    } else if (registeredCount !== undefined) {
      message += `; none of the ${registeredCount} registered ${kind}s is close (list them with list('${kind}'))`;
    }
    super(message, { code: 'E_UNKNOWN_PLUGIN', exitCode: EXIT_USAGE });
    this.kind = kind;
    this.id = id;
    this.suggestions = suggestions;
  }
}

/**
 * Whether `e` is an error the user can fix (bad input, unknown id, invalid plugin) rather than a bug:
 * a {@link VvsError} whose `exitCode` is {@link EXIT_USAGE}. A CLI prints such errors without a stack.
 *
 * @example
 * catch (e) {
 *   console.error(isUserError(e) ? `error: ${e.message}` : e);
 *   process.exitCode = isUserError(e) ? EXIT_USAGE : EXIT_FAILURE;
 * }
 */
export function isUserError(e: unknown): e is VvsError {
  return e instanceof VvsError && e.exitCode === EXIT_USAGE;
}
