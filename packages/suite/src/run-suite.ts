import {
  ActivationMemo,
  commitToLayer,
  defaultCacheDir,
  defaultCandidateLayers,
  layerSelectionBenchmark,
  selectLayerOnBenchmark,
  type Benchmark,
  type BenchmarkLayerSelection,
  type BenchmarkRunOptions,
  type ComputePool,
  type ModelAdapter,
  type PluginRegistry,
  type Region,
  type Score,
} from '@vvs/core';
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { scoreFields, type ResultsStore, type ScoreRow } from '@vvs/results';
import { DiskCeilingCache } from './ceiling-cache.ts';
import { WorkerComputePool } from './worker-pool.ts';
import suitePackage from '../package.json' with { type: 'json' };

/**
 * The version of vvs that computed a score, stored with it (the workspace's packages are versioned
 * together, so the suite's version stands for all of them).
 */
const PACKAGE_VERSIONS: Readonly<Record<string, string>> = { [suitePackage.name]: suitePackage.version };

/** What a suite run offers a model it opens. */
export interface SuiteModelContext {
  /** The run's worker pool, when it has one: a model may run its forward passes there. */
  readonly pool?: WorkerComputePool;
}

/** A model the suite scores: an id, how to open it, and the layers selection may choose from. */
export interface SuiteModel {
  /** Model id as it appears in the results (`builtin:cnn`, a file name, a seed id). */
  readonly id: string;
  /** Opens the model; the suite disposes of it once all its benchmarks are scored. */
  open(context?: SuiteModelContext): Promise<ModelAdapter & { dispose?(): Promise<void> }>;
  /** A content hash of the opened model (e.g. the SHA-256 of its ONNX bytes), stored with its scores. */
  contentHash?(adapter: ModelAdapter): string;
  /** Candidate layers for automatic selection, in forward order (default: {@link defaultCandidateLayers}). */
  readonly candidateLayers?: readonly string[];
  /** Layers fixed in advance (the seed's commitments): region → layer, and the behavioural readout. */
  readonly commitment?: Partial<Record<Region, string>> & { readonly behavior?: string };
}

/** One progress report of {@link runSuite}. */
export interface SuiteProgress {
  /** Pairs finished (scored, failed or skipped) so far, and in all. */
  readonly done: number;
  readonly total: number;
  readonly model: string;
  readonly benchmark: string;
  readonly stage: 'skipped' | 'selecting' | 'scoring' | 'scored' | 'failed';
  /** For `failed`: the error's message. */
  readonly message?: string;
  /** Milliseconds since the run started. */
  readonly elapsedMs: number;
}

/** Options of {@link runSuite}. */
export interface RunSuiteOptions {
  readonly registry: PluginRegistry;
  readonly models: readonly SuiteModel[];
  /** Benchmark ids. */
  readonly benchmarks: readonly string[];
  readonly store: ResultsStore;
  /** Score pairs the store already has (default: skip them). */
  readonly force?: boolean;
  /**
   * Worker threads the scoring runs on (regressions, ceilings, readouts), each on one core; `0` (the
   * default) computes in this thread. Scores do not depend on it, bit for bit. With as many workers
   * as cores, start Node with `--single-threaded-gc --no-concurrent-recompilation` (as `pnpm vvs`
   * does): V8's helper threads would otherwise take the workers' cores (9 s of CPU in a 25 s run).
   */
  readonly workers?: number;
  /** A compute pool to use instead of starting one (e.g. shared by several runs); `workers` is then ignored. */
  readonly compute?: ComputePool;
  /**
   * The cache folder, where neural ceilings are kept between runs (in `ceilings/`, keyed by
   * benchmark, version and data checksum); default {@link defaultCacheDir}; `null` keeps nothing.
   */
  readonly cacheDir?: string | null;
  /** Bytes of activations kept per open model (default: {@link DEFAULT_ACTIVATION_MEMO_BYTES}). */
  readonly activationMemoBytes?: number;
  /** Stops starting pairs; pairs in flight are abandoned, finished ones are already in the store. */
  readonly signal?: AbortSignal;
  readonly onProgress?: (event: SuiteProgress) => void;
}

/** What {@link runSuite} did. */
export interface SuiteSummary {
  readonly scored: number;
  readonly skipped: number;
  readonly failed: number;
  /** The pairs that failed, with their errors. */
  readonly failures: readonly { readonly model: string; readonly benchmark: string; readonly message: string }[];
  /** Whether the run stopped early on its signal. */
  readonly aborted: boolean;
}

/**
 * Models open at once beyond the pool's workers: one more than there are workers, so that a model's
 * images are being prepared while the workers score the others, and memory stays bounded however
 * many models a run scores.
 */
const EXTRA_MODELS_IN_FLIGHT = 1;

/** The folder of the cache folder that keeps neural ceilings between runs. */
const CEILING_CACHE_FOLDER = 'ceilings';

/**
 * Benchmarks in the order their pairs start: behaviour first, since a behavioural readout (a logistic
 * regression on a whole layer) is the longest single task of a pair and should not start last.
 */
function schedulingOrder(benchmarks: readonly Benchmark[]): Benchmark[] {
  return [...benchmarks].sort((a, b) => Number(b.target === 'behavior') - Number(a.target === 'behavior'));
}

/**
 * Scores every (model, benchmark) pair and records each in `store` as soon as it finishes (one
 * transaction per pair), so a run killed at any moment loses at most the pairs in flight, and a rerun
 * skips what is done.
 *
 * Work is shared wherever the answer is the same: a model is opened once for all its benchmarks, and
 * its activations are extracted once per (stimulus set, layer) and kept while it is open
 * ({@link ActivationMemo}; layer selection extracts all candidate layers in one pass); each benchmark
 * loads its data and ceiling once for all models; a region's layer is selected once per model (on the
 * region's selection benchmark, whose score is reused when it is the benchmark being scored). With
 * `workers` > 0 the scoring runs on a pool of worker threads and a model's pairs run concurrently.
 * A pair that throws, or whose worker dies, is recorded as failed with its message, and the run
 * carries on.
 *
 * @example
 * const store = await ResultsStore.open('vvs-results.duckdb');
 * const summary = await runSuite({ registry, models, benchmarks: ['synthetic.IT'], store, workers: 2, onProgress: console.log });
 */
export async function runSuite(options: RunSuiteOptions): Promise<SuiteSummary> {
  const { registry, models, store, force = false, signal, onProgress, workers = 0 } = options;
  if (!Number.isSafeInteger(workers) || workers < 0) throw new RangeError(`workers: expected a non-negative integer, got ${workers}`);
  const benchmarks = schedulingOrder(options.benchmarks.map((id) => registry.benchmark(id)));
  const started = performance.now();
  const total = models.length * benchmarks.length;
  let done = 0;
  const counts = { scored: 0, skipped: 0, failed: 0 };
  const failures: { model: string; benchmark: string; message: string }[] = [];
  const report = (model: string, benchmark: string, stage: SuiteProgress['stage'], message?: string) =>
    onProgress?.({ done, total, model, benchmark, stage, elapsedMs: performance.now() - started, ...(message !== undefined ? { message } : {}) });

  const ownPool = options.compute === undefined && workers > 0 ? new WorkerComputePool({ workers, ...(signal ? { signal } : {}) }) : undefined;
  const compute = options.compute ?? ownPool;
  const modelContext: SuiteModelContext = compute instanceof WorkerComputePool ? { pool: compute } : {};
  const cacheDir = options.cacheDir === undefined ? defaultCacheDir() : options.cacheDir;
  const ceilingCache = cacheDir === null
    ? undefined
    : new DiskCeilingCache({ dir: join(cacheDir, CEILING_CACHE_FOLDER), dataChecksum: (benchmark) => dataHash(registry, benchmark), codeVersion: suitePackage.version });
  const run: BenchmarkRunOptions = {
    fetchData: registry.fetchData,
    ...(signal ? { signal } : {}),
    ...(compute ? { compute } : {}),
    ...(ceilingCache ? { ceilingCache } : {}),
  };

  // What is left to do, per model: pairs the store already has are reported as skipped at once.
  const pendingByModel = new Map<SuiteModel, Benchmark[]>();
  for (const model of models) {
    const pending: Benchmark[] = [];
    for (const benchmark of benchmarks) {
      if (!force && (await store.done(model.id, benchmark.id, String(benchmark.version)))) {
        done++;
        counts.skipped++;
        report(model.id, benchmark.id, 'skipped');
      } else pending.push(benchmark);
    }
    if (pending.length > 0) pendingByModel.set(model, pending);
  }
  const ready = warmUp(benchmarks.filter((b) => [...pendingByModel.values()].some((pending) => pending.includes(b))), run);

  const scoreModel = async (model: SuiteModel) => {
    const pending = pendingByModel.get(model);
    if (pending === undefined || signal?.aborted) return;
    let memo: ActivationMemo | undefined;
    let opening: Promise<ActivationMemo> | undefined;
    const memoOptions = options.activationMemoBytes !== undefined ? { maxBytes: options.activationMemoBytes } : {};
    const open = () => (opening ??= model.open(modelContext).then((adapter) => (memo = new ActivationMemo(adapter, memoOptions))));
    // Selected layers by selection benchmark: a region's layer is chosen once per model.
    const selections = new Map<string, Promise<BenchmarkLayerSelection>>();
    const scorePair = async (benchmark: Benchmark) => {
      if (signal?.aborted) return;
      const startedAt = new Date();
      let layer = '';
      try {
        await ready.get(benchmark);
        const adapter = await open();
        const chosen = await layerFor(registry, model, adapter, benchmark, selections, run, compute !== undefined, () => report(model.id, benchmark.id, 'selecting'));
        layer = chosen.layer;
        report(model.id, benchmark.id, 'scoring');
        const score = chosen.score ?? (await benchmark.score(commitToLayer(model.id, adapter, layer), run));
        const provenance = { modelHash: model.contentHash?.(adapter.inner) ?? null, dataHash: dataHash(registry, benchmark), packageVersions: PACKAGE_VERSIONS };
        await store.record(
          row(model, benchmark, layer, startedAt, { ...scoreFields(score), ...provenance, status: 'ok', timings: timingsOf(score.attrs), metricParams: metricParamsOf(score.attrs) }),
          { force },
        );
        counts.scored++;
        done++;
        report(model.id, benchmark.id, 'scored');
      } catch (error) {
        if (signal?.aborted) return;
        const message = error instanceof Error ? error.message : String(error);
        await store.record(row(model, benchmark, layer, startedAt, { status: 'failed', errorMessage: message }));
        counts.failed++;
        failures.push({ model: model.id, benchmark: benchmark.id, message });
        done++;
        report(model.id, benchmark.id, 'failed', message);
      }
    };
    try {
      await forEachLimit(pending, compute ? pending.length : 1, scorePair);
    } finally {
      await (memo ?? (await opening?.catch(() => undefined)))?.dispose();
    }
  };

  try {
    const lanes = compute ? (compute instanceof WorkerComputePool ? compute.workers : 1) + EXTRA_MODELS_IN_FLIGHT : 1;
    await forEachLimit(models, lanes, scoreModel);
  } finally {
    await ownPool?.close();
  }
  return { ...counts, failures, aborted: signal?.aborted === true };
}

/**
 * Loads each benchmark's data and ceiling, one benchmark after another in `benchmarks`' order, and
 * says when each is ready. Loading them all at once would interleave their preparation (much of it
 * JavaScript on this thread), so that the first would be ready only when the last is. A failure is
 * left for the pair to meet and report.
 */
function warmUp(benchmarks: readonly Benchmark[], run: BenchmarkRunOptions): Map<Benchmark, Promise<void>> {
  const ready = new Map<Benchmark, Promise<void>>();
  let previous = Promise.resolve();
  for (const benchmark of benchmarks) {
    previous = previous.then(() => benchmark.ceiling(run).then(() => undefined, () => undefined));
    ready.set(benchmark, previous);
  }
  return ready;
}

/** Runs `fn` on every item, at most `limit` at a time, in order of the items; resolves when all have settled. */
async function forEachLimit<T>(items: readonly T[], limit: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const lane = async () => {
    while (next < items.length) await fn(items[next++]!);
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, lane));
}

/**
 * The layer `benchmark` reads from `model`: committed, or selected once per region — with the
 * benchmark's own score when the selection ran on the benchmark itself.
 */
async function layerFor(
  registry: PluginRegistry,
  model: SuiteModel,
  adapter: ActivationMemo,
  benchmark: Benchmark,
  selections: Map<string, Promise<BenchmarkLayerSelection>>,
  run: BenchmarkRunOptions,
  concurrent: boolean,
  onSelect: () => void,
): Promise<{ layer: string; score?: Score }> {
  const target = benchmark.target;
  if (target === 'behavior') {
    const layers = adapter.layers();
    return { layer: model.commitment?.behavior ?? layers[layers.length - 1]! };
  }
  const committed = model.commitment?.[target];
  if (committed !== undefined) return { layer: committed };
  const selectionBenchmark = layerSelectionBenchmark(registry, benchmark, target);
  let selection = selections.get(selectionBenchmark.id);
  if (selection === undefined) {
    onSelect();
    const candidates = model.candidateLayers ?? defaultCandidateLayers(adapter.layers());
    selection = selectLayerOnBenchmark({
      id: model.id,
      adapter: adapter.prefetching(candidates),
      benchmark: selectionBenchmark,
      layers: candidates,
      run,
      concurrent,
    });
    selections.set(selectionBenchmark.id, selection);
  }
  const { best, benchmarkScores } = await selection;
  const score = selectionBenchmark === benchmark ? benchmarkScores.get(best) : undefined;
  return { layer: best, ...(score ? { score } : {}) };
}

function row(
  model: SuiteModel,
  benchmark: Benchmark,
  layer: string,
  startedAt: Date,
  fields: Partial<ScoreRow> & Pick<ScoreRow, 'status'>,
): Parameters<ResultsStore['record']>[0] {
  return {
    model: model.id,
    benchmark: benchmark.id,
    benchmarkVersion: String(benchmark.version),
    layer,
    target: benchmark.target,
    metric: benchmark.metric,
    synthetic: benchmark.synthetic === true,
    startedAt,
    finishedAt: new Date(),
    ...fields,
  };
}

/**
 * A digest of the data a benchmark reads: the SHA-1s of its published files, in catalog order
 * (null for built-in data, whose version number says what it is).
 */
function dataHash(registry: PluginRegistry, benchmark: Benchmark): string | null {
  const ids = benchmark.dataSets ?? [];
  if (ids.length === 0 || !ids.every((id) => registry.dataSets.has(id))) return null;
  const sha1s = ids.flatMap((id) => registry.dataSets.get(id).files.map((f) => f.sha1));
  return createHash('sha256').update(sha1s.join('\n')).digest('hex');
}

/** The metric's settings a score reports (regression, stratification), as stored with it. */
function metricParamsOf(attrs: Readonly<Record<string, unknown>> | undefined): Record<string, unknown> | null {
  const params = Object.fromEntries(['metric', 'stratifyBy', 'splitValues'].filter((k) => attrs?.[k] !== undefined).map((k) => [k, attrs![k]]));
  return Object.keys(params).length > 0 ? params : null;
}

function timingsOf(attrs: Readonly<Record<string, unknown>> | undefined): Record<string, number> | null {
  const timings = attrs?.timings;
  return timings !== null && typeof timings === 'object' ? (timings as Record<string, number>) : null;
}
