import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { Piscina, type TaskQueue } from 'piscina';
import type { ComputeInput, ComputeOutput, ComputePool, ComputeTaskName } from '@vvs/core';
import type { ActivationsResult, ActivationsTask, PoolTask } from './compute-worker.ts';

/**
 * The module every worker loads unless told otherwise. Resolved through the package's exports so that
 * it is found from the sources, from a bundle (the CLI's), and from an installed copy alike.
 */
const DEFAULT_WORKER = pathToFileURL(createRequire(import.meta.url).resolve('@vvs/suite/compute-worker')).href;

/**
 * The order queued tasks start in, by kind (higher first; first in, first out within a kind). A
 * behavioural readout (a logistic regression on a whole layer) is the longest single task, so it
 * starts as soon as it is posted rather than behind the regressions; forward passes come next, since
 * every score of a model waits for them.
 */
const TASK_PRIORITY: Readonly<Record<PoolTask['task'], number>> = { readout: 2, activations: 1, predictivity: 0, ceiling: 0 };

/** A task in Piscina's queue. */
type QueuedTask = Parameters<TaskQueue['push']>[0];

/**
 * What the queue knows of a task: its priority, and whether it is waiting in the queue (a task
 * posted while a worker is free goes to it at once and never waits).
 */
interface QueueOptions {
  readonly priority: number;
  waiting: boolean;
}

function queueOptionsOf(task: QueuedTask): QueueOptions {
  return (task as unknown as Record<symbol, QueueOptions>)[Piscina.queueOptionsSymbol]!;
}

/** Piscina's task queue, ordered by {@link TASK_PRIORITY}. */
class PriorityTaskQueue implements TaskQueue {
  /** Queued tasks by priority, highest first. */
  readonly #lanes = new Map<number, QueuedTask[]>([...new Set(Object.values(TASK_PRIORITY))].sort((a, b) => b - a).map((p) => [p, []]));

  get size(): number {
    let size = 0;
    for (const lane of this.#lanes.values()) size += lane.length;
    return size;
  }

  push(task: QueuedTask): void {
    const options = queueOptionsOf(task);
    options.waiting = true;
    this.#lanes.get(options.priority)!.push(task);
  }

  shift(): QueuedTask | null {
    for (const lane of this.#lanes.values()) {
      const task = lane.shift();
      if (task !== undefined) {
        queueOptionsOf(task).waiting = false;
        return task;
      }
    }
    return null;
  }

  remove(task: QueuedTask): void {
    for (const lane of this.#lanes.values()) {
      const index = lane.indexOf(task);
      if (index >= 0) lane.splice(index, 1);
    }
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
      taskQueue: new PriorityTaskQueue(),
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
      this.#signal?.throwIfAborted();
      const options: QueueOptions = { priority: TASK_PRIORITY[task], waiting: false };
      const dequeue = new AbortController();
      const onAbort = () => options.waiting && dequeue.abort(this.#signal!.reason);
      this.#signal?.addEventListener('abort', onAbort, { once: true });
      try {
        return await this.#piscina.run({ ...posted, [Piscina.queueOptionsSymbol]: options }, { signal: dequeue.signal });
      } finally {
        this.#signal?.removeEventListener('abort', onAbort);
      }
    } catch (error) {
      if (this.#signal?.aborted) throw this.#signal.reason;
      const message = error instanceof Error ? error.message : String(error);
      // Piscina reports a worker that exited mid-task as a plain error; name what happened.
      if (/worker.*(exit|terminat)/i.test(message)) throw new Error(`the compute worker running '${task}' stopped: ${message}`, { cause: error });
      throw error;
    }
  }

  /**
   * Stops the workers once the tasks posted so far have finished: a worker is never stopped inside
   * onnxruntime, which can abort the process (tasks dropped on the signal are already gone).
   */
  async close(): Promise<void> {
    await this.#piscina.close();
  }
}
