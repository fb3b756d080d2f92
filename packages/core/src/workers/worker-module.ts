import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';

/**
 * The module a pool of worker threads loads, as a file URL: `fileName` beside the calling module
 * when it is there, else `specifier` resolved through the package's exports.
 *
 * Beside the caller is right in both layouts vvs runs from. In the sources, a pool's worker entry
 * (`src/<name>.mjs`) sits beside the pool's module and loads the TypeScript through tsx. In the
 * CLI's bundle, the pool's code lives in `dist/vvs.mjs` and the bundle build writes each worker,
 * bundled too, as `dist/<name>.mjs` beside it: its workers then start without tsx and without
 * transpiling the workspace again in every thread (about a second of CPU each).
 *
 * @param callerUrl - the calling module's `import.meta.url`.
 * @param fileName - the worker entry's file name (`compute-worker.mjs`).
 * @param specifier - the package export that names the same entry (`@vvs/suite/compute-worker`).
 * @example
 * const filename = workerModule(import.meta.url, 'compute-worker.mjs', '@vvs/suite/compute-worker');
 * new Piscina({ filename });
 */
export function workerModule(callerUrl: string, fileName: string, specifier: string): string {
  const beside = new URL(`./${fileName}`, callerUrl);
  if (beside.protocol === 'file:' && existsSync(fileURLToPath(beside))) return beside.href;
  return pathToFileURL(createRequire(callerUrl).resolve(specifier)).href;
}
