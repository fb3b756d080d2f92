import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { Piscina } from 'piscina';
import type { ComputeInput, ComputeOutput, ComputePool, ComputeTaskName } from '@vvs/core';
import type { ActivationsResult, ActivationsTask, PoolTask } from './compute-worker.ts';

/**
 * The module every worker loads unless told otherwise. Resolved through the package's exports so that
 * it is found from the sources, from a bundle (the CLI's), and from an installed copy alike.
 */
const DEFAULT_WORKER = pathToFileURL(createRequire(import.meta.url).resolve('@vvs/suite/compute-worker')).href;

/** Options of {@link WorkerComputePool}. */
export interface WorkerComputePoolOptions {
  /** Worker threads, each computing one task at a time on one core. */
  readonly workers: number;
  /**
   * The worker module (a URL or path whose default export runs `{ task, input }`); default: the
   * suite's, which runs `@vvs/core`'s compute tasks. Another module can add task kinds of its own.
   */
  readonly filename?: string;
  /** Aborts every task in flight or queued (their workers are stopped) and refuses new ones. */
  readonly signal?: AbortSignal;
}

/**
 * A {@link ComputePool} of worker threads (Piscina). Typed arrays in shared memory
 * (`SharedArrayBuffer`, as `sharedAlignedFeatures` makes them) reach a worker without being copied.
 * A worker that dies fails only the task it was running; Piscina starts another in its place.
 *
 * @example
 * const pool = new WorkerComputePool({ workers: 2 });
 * try {
 *   const score = await benchmark.score(model, { compute: pool });
 * } finally {
 *   await pool.close();
 * }
 */
export class WorkerComputePool implements ComputePool {
  readonly workers: number;
  readonly #piscina: Piscina;
  readonly #signal: AbortSignal | undefined;

  constructor({ workers, filename = DEFAULT_WORKER, signal }: WorkerComputePoolOptions) {
    if (!Number.isSafeInteger(workers) || workers < 1) throw new RangeError(`workers: expected a positive integer, got ${workers}`);
    this.workers = workers;
    this.#signal = signal;
    // Workers start when the first task arrives and stay for the pool's life: starting one costs a second.
    this.#piscina = new Piscina({
      filename,
      minThreads: workers,
      maxThreads: workers,
      idleTimeout: Number.POSITIVE_INFINITY,
    });
  }

  run<K extends ComputeTaskName>(task: K, input: ComputeInput<K>): Promise<ComputeOutput<K>> {
    return this.#post({ task, input } as PoolTask) as Promise<ComputeOutput<K>>;
  }

  /**
   * Runs a model over a stimulus set in a worker (see {@link ActivationsTask}); the activations come
   * back in shared memory.
   */
  activations(input: ActivationsTask): Promise<ActivationsResult> {
    return this.#post({ task: 'activations', input }) as Promise<ActivationsResult>;
  }

  async #post(posted: PoolTask): Promise<unknown> {
    const { task } = posted;
    try {
      return await this.#piscina.run(posted, this.#signal ? { signal: this.#signal } : {});
    } catch (error) {
      if (this.#signal?.aborted) throw this.#signal.reason;
      const message = error instanceof Error ? error.message : String(error);
      // Piscina reports a worker that exited mid-task as a plain error; name what happened.
      if (/worker.*(exit|terminat)/i.test(message)) throw new Error(`the compute worker running '${task}' stopped: ${message}`, { cause: error });
      throw error;
    }
  }

  /** Stops the workers (tasks still queued are rejected). */
  async close(): Promise<void> {
    await this.#piscina.destroy();
  }
}
