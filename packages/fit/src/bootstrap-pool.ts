/**
 * The seed's bootstrap refits on worker threads: the resamples of {@link bootstrapResamples}, split
 * into batches that a Piscina pool refits side by side. Every refit is a function of its own rows
 * alone, so the fits are the same, bit for bit, whatever the number of workers.
 */
import { availableParallelism } from 'node:os';
import { Piscina } from 'piscina';
import { workerModule } from '@vvs/core';
import { bootstrapResamples, checkedLength, firstCount, type BootstrapData, type BootstrapFit, type BootstrapResampleOptions } from './bootstrap.ts';
import type { ResampleBatch } from './bootstrap-worker.ts';
import type { StartGrid } from './fit-grid.ts';
import type { LawFormName } from './forms.ts';

/** The worker module (bundled beside the CLI's bundle; see {@link workerModule}). */
const BOOTSTRAP_WORKER = workerModule(import.meta.url, 'bootstrap-worker.mjs', '@vvs/fit/bootstrap-worker');

/**
 * Batches per worker: enough that the workers finish together (refits of one law take similar
 * times) and progress moves in small steps, few enough that posting costs nothing.
 */
const BATCHES_PER_WORKER = 25;

/** Options of {@link bootstrapFitsOnPool}. */
export interface BootstrapPoolOptions extends BootstrapResampleOptions {
  /** Worker threads (default: the machine's available parallelism). */
  readonly workers?: number;
  /** Fit only the first `first` resamples (the draws are still those of the full matrix). */
  readonly first?: number;
  /** Called as batches finish, with the number of resamples done and the number to do. */
  readonly onProgress?: (done: number, total: number) => void;
  /** Stops the refits (the workers are pure JavaScript and are ended at once); the promise rejects with the signal's reason. */
  readonly signal?: AbortSignal;
}

/**
 * `bootstrapFits` on a pool of worker threads: the same fits, in resample order.
 *
 * @param data the selected data (x, or n and d, and log(1 − S)).
 * @param form the law's name (forms cross threads by name).
 * @param grid the start grid, in the config's key order.
 * @param delta the Huber threshold.
 * @throws RangeError as `bootstrapFits`, and for a `workers` that is not a positive integer.
 * @example
 * const fits = await bootstrapFitsOnPool(data, 'power_law_LSE', config.fitting.initialParameters, 1e-3, {
 *   workers: 2,
 *   onProgress: (done, total) => console.error(`${done}/${total}`),
 * });
 */
export async function bootstrapFitsOnPool(
  data: BootstrapData,
  form: LawFormName,
  grid: StartGrid,
  delta: number,
  options: BootstrapPoolOptions = {},
): Promise<BootstrapFit[]> {
  const { workers = availableParallelism(), signal, onProgress } = options;
  if (!Number.isSafeInteger(workers) || workers < 1) throw new RangeError(`workers: expected a positive integer, got ${workers}`);
  const resamples = bootstrapResamples(checkedLength(data), options);
  const total = firstCount(options.first, resamples.length);
  if (total === 0) return [];
  const size = resamples[0]!.length;
  const perBatch = Math.max(1, Math.ceil(total / (workers * BATCHES_PER_WORKER)));
  const pool = new Piscina({ filename: BOOTSTRAP_WORKER, minThreads: workers, maxThreads: workers, idleTimeout: Number.POSITIVE_INFINITY });
  let done = 0;
  // One listener for the whole run (not one per batch): an abort ends the workers, queued batches with them.
  const onAbort = () => void pool.destroy();
  signal?.addEventListener('abort', onAbort, { once: true });
  try {
    signal?.throwIfAborted();
    const batches: Promise<BootstrapFit[]>[] = [];
    for (let start = 0; start < total; start += perBatch) {
      const count = Math.min(perBatch, total - start);
      const rows = new Int32Array(count * size);
      for (let k = 0; k < count; k++) rows.set(resamples[start + k]!, k * size);
      const batch: ResampleBatch = { data, form, grid, delta, rows, size };
      batches.push(
        (pool.run(batch) as Promise<BootstrapFit[]>).then((fits) => {
          done += fits.length;
          onProgress?.(done, total);
          return fits;
        }),
      );
    }
    return (await Promise.all(batches)).flat();
  } catch (error) {
    throw signal?.aborted ? signal.reason : error;
  } finally {
    signal?.removeEventListener('abort', onAbort);
    await (signal?.aborted ? pool.destroy() : pool.close()).catch(() => undefined);
  }
}
