import { Piscina } from 'piscina';
import { workerModule, type ComputeInput, type ComputeOutput, type ComputePool, type ComputeTaskName } from '@vvs/core';
import type { ActivationsResult, ActivationsTask, PoolTask } from './compute-worker.ts';

/** The module every worker loads unless told otherwise (bundled beside the CLI's bundle; see {@link workerModule}). */
const DEFAULT_WORKER = workerModule(import.meta.url, 'compute-worker.mjs', '@vvs/suite/compute-worker');

/**
 * The order queued tasks start in, by kind (higher first; first in, first out within a kind). A
 * behavioural readout (a logistic regression on a whole layer) is the longest single task, so it
 * starts as soon as it is posted rather than behind the regressions; forward passes come next, since
 * every score of a model waits for them.
 */
const TASK_PRIORITY: Readonly<Record<PoolTask['task'], number>> = { readout: 2, activations: 1, predictivity: 0, ceiling: 0 };

/** A task waiting for a worker, with the promise its poster holds. */
interface Waiting {
  readonly posted: PoolTask;
  readonly resolve: (value: unknown) => void;
  readonly reject: (reason: unknown) => void;
}

/** Tasks waiting for a worker, by {@link TASK_PRIORITY}: highest first, first in first out within one. */
class PriorityQueue {
  readonly #lanes = [...new Set(Object.values(TASK_PRIORITY))].sort((a, b) => b - a).map((priority) => ({ priority, tasks: [] as Waiting[] }));

  push(waiting: Waiting): void {
    this.#lanes.find((lane) => lane.priority === TASK_PRIORITY[waiting.posted.task])!.tasks.push(waiting);
  }

  shift(): Waiting | undefined {
    for (const lane of this.#lanes) if (lane.tasks.length > 0) return lane.tasks.shift();
    return undefined;
  }

  get size(): number {
    return this.#lanes.reduce((size, lane) => size + lane.tasks.length, 0);
  }

  /** Empties the queue, returning what it held. */
  drain(): Waiting[] {
    return this.#lanes.flatMap((lane) => lane.tasks.splice(0));
  }
}

/** Options of {@link WorkerComputePool}. */
export interface WorkerComputePoolOptions {
  /** Worker threads, each computing one task at a time on one core. */
  readonly workers: number;
  /**
   * The worker module (a URL or path whose default export runs `{ task, input }`); default: the
   * suite's, which runs `@vvs/core`'s compute tasks. Another module can add task kinds of its own.
   */
  readonly filename?: string;
  /**
   * Drops the tasks still queued (they reject with the signal's reason) and refuses new ones; tasks a
   * worker has started run to their end, since stopping a thread inside onnxruntime can abort the
   * whole process.
   */
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
  /**
   * Tasks not yet handed to Piscina. The pool gives Piscina no more tasks than it has workers and
   * orders the rest itself: Piscina moves a task it could not place at once to a first-in-first-out
   * queue of its own that runs ahead of any custom task queue, so its queue cannot hold priorities.
   */
  readonly #queue = new PriorityQueue();
  #running = 0;
  /** Who waits for the pool to have nothing queued or running (its {@link close}). */
  #onIdle: (() => void)[] = [];

  constructor({ workers, filename = DEFAULT_WORKER, signal }: WorkerComputePoolOptions) {
    if (!Number.isSafeInteger(workers) || workers < 1) throw new RangeError(`workers: expected a positive integer, got ${workers}`);
    this.workers = workers;
    this.#signal = signal;
    // Workers start when the first task arrives and stay for the pool's life: starting one costs a second.
    this.#piscina = new Piscina({ filename, minThreads: workers, maxThreads: workers, idleTimeout: Number.POSITIVE_INFINITY });
    signal?.addEventListener('abort', () => {
      for (const waiting of this.#queue.drain()) waiting.reject(signal.reason);
    }, { once: true });
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

  #post(posted: PoolTask): Promise<unknown> {
    return new Promise((resolve, reject) => {
      if (this.#signal?.aborted) return reject(this.#signal.reason);
      this.#queue.push({ posted, resolve, reject });
      this.#startNext();
    });
  }

  /** Hands the most urgent waiting tasks to Piscina while a worker is free. */
  #startNext(): void {
    while (this.#running < this.workers) {
      const next = this.#queue.shift();
      if (next === undefined) return;
      this.#running++;
      this.#piscina.run(next.posted).then(next.resolve, (error: unknown) => next.reject(this.#describe(next.posted.task, error))).finally(() => {
        this.#running--;
        this.#startNext();
        if (this.#running === 0) for (const idle of this.#onIdle.splice(0)) idle();
      });
    }
  }

  #describe(task: PoolTask['task'], error: unknown): unknown {
    const message = error instanceof Error ? error.message : String(error);
    // Piscina reports a worker that exited mid-task as a plain error; name what happened.
    if (/worker.*(exit|terminat)/i.test(message)) return new Error(`the compute worker running '${task}' stopped: ${message}`, { cause: error });
    return error;
  }

  /**
   * Stops the workers once the tasks posted so far have finished: a worker is never stopped inside
   * onnxruntime, which can abort the process (tasks dropped on the signal are already gone).
   */
  async close(): Promise<void> {
    while (this.#running > 0 || this.#queue.size > 0) await new Promise<void>((idle) => this.#onIdle.push(idle));
    await this.#piscina.close();
  }
}
