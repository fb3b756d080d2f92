import {
  commitToLayer,
  defaultCandidateLayers,
  layerSelectionBenchmark,
  selectLayerOnBenchmark,
  type Benchmark,
  type ModelAdapter,
  type PluginRegistry,
  type Region,
} from '@vvs/core';
import { createHash } from 'node:crypto';
import { scoreFields, type ResultsStore, type ScoreRow } from '@vvs/results';

import suitePackage from '../package.json' with { type: 'json' };

/**
 * The version of vvs that computed a score, stored with it (the workspace's packages are versioned
 * together, so the suite's version stands for all of them).
 */
const PACKAGE_VERSIONS: Readonly<Record<string, string>> = { [suitePackage.name]: suitePackage.version };

/** A model the suite scores: an id, how to open it, and the layers selection may choose from. */
export interface SuiteModel {
  /** Model id as it appears in the results (`builtin:cnn`, a file name, a seed id). */
  readonly id: string;
  /** Opens the model; the suite disposes of it once all its benchmarks are scored. */
  open(): Promise<ModelAdapter & { dispose(): Promise<void> }>;
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
  /** Stops after the pair in flight; finished pairs are already in the store. */
  readonly signal?: AbortSignal;
  readonly onProgress?: (event: SuiteProgress) => void;
}

/** What {@link runSuite} did. */
export interface SuiteSummary {
  readonly scored: number;
  readonly skipped: number;
  readonly failed: number;
  /** Whether the run stopped early on its signal. */
  readonly aborted: boolean;
}

/**
 * Scores every (model, benchmark) pair and records each in `store` as soon as it finishes (one
 * transaction per pair), so a run killed at any moment loses at most the pair in flight, and a rerun
 * skips what is done. A model is opened once for all its benchmarks; each benchmark loads its data
 * and ceiling once for all models. Its layer for a region is the commitment's, else the one automatic
 * selection picks on the region's selection benchmark (once per model and selection benchmark). A pair that throws
 * is recorded as failed with its message, and the run carries on.
 *
 * This first version scores pairs one after another in this thread.
 *
 * @example
 * const store = await ResultsStore.open('vvs-results.duckdb');
 * const summary = await runSuite({ registry, models, benchmarks: ['synthetic.IT'], store, onProgress: console.log });
 */
export async function runSuite(options: RunSuiteOptions): Promise<SuiteSummary> {
  const { registry, models, store, force = false, signal, onProgress } = options;
  const benchmarks = options.benchmarks.map((id) => registry.benchmark(id));
  const total = models.length * benchmarks.length;
  let done = 0;
  const counts = { scored: 0, skipped: 0, failed: 0 };
  const report = (model: string, benchmark: string, stage: SuiteProgress['stage'], message?: string) =>
    onProgress?.({ done, total, model, benchmark, stage, ...(message !== undefined ? { message } : {}) });

  for (const model of models) {
    const pending: Benchmark[] = [];
    for (const benchmark of benchmarks) {
      if (!force && (await store.done(model.id, benchmark.id, String(benchmark.version)))) {
        done++;
        counts.skipped++;
        report(model.id, benchmark.id, 'skipped');
      } else pending.push(benchmark);
    }
    if (pending.length === 0) continue;
    if (signal?.aborted) return { ...counts, aborted: true };
    let adapter: (ModelAdapter & { dispose(): Promise<void> }) | undefined;
    // Selected layers by selection benchmark: a region's layer is chosen once per model.
    const selected = new Map<string, Promise<string>>();
    try {
      for (const benchmark of pending) {
        if (signal?.aborted) return { ...counts, aborted: true };
        const startedAt = new Date();
        let layer = '';
        try {
          adapter ??= await model.open();
          layer = await layerFor(registry, model, adapter, benchmark, selected, () => report(model.id, benchmark.id, 'selecting'));
          report(model.id, benchmark.id, 'scoring');
          const score = await benchmark.score(commitToLayer(model.id, adapter, layer), { fetchData: registry.fetchData, ...(signal ? { signal } : {}) });
          const provenance = { modelHash: model.contentHash?.(adapter) ?? null, dataHash: dataHash(registry, benchmark), packageVersions: PACKAGE_VERSIONS };
          await store.record(
            row(model, benchmark, layer, startedAt, { ...scoreFields(score), ...provenance, status: 'ok', timings: timingsOf(score.attrs), metricParams: metricParamsOf(score.attrs) }),
            { force },
          );
          counts.scored++;
          done++;
          report(model.id, benchmark.id, 'scored');
        } catch (error) {
          if (signal?.aborted) return { ...counts, aborted: true };
          const message = error instanceof Error ? error.message : String(error);
          await store.record(row(model, benchmark, layer, startedAt, { status: 'failed', errorMessage: message }));
          counts.failed++;
          done++;
          report(model.id, benchmark.id, 'failed', message);
        }
      }
    } finally {
      await adapter?.dispose();
    }
  }
  return { ...counts, aborted: false };
}

/** The layer `benchmark` reads from `model`: committed, or selected once per region. */
async function layerFor(
  registry: PluginRegistry,
  model: SuiteModel,
  adapter: ModelAdapter,
  benchmark: Benchmark,
  selected: Map<string, Promise<string>>,
  onSelect: () => void,
): Promise<string> {
  const target = benchmark.target;
  if (target === 'behavior') {
    const layers = adapter.layers();
    return model.commitment?.behavior ?? layers[layers.length - 1]!;
  }
  const committed = model.commitment?.[target];
  if (committed !== undefined) return committed;
  const selection = layerSelectionBenchmark(registry, benchmark, target);
  let layer = selected.get(selection.id);
  if (layer === undefined) {
    onSelect();
    layer = selectLayerOnBenchmark({
      id: model.id,
      adapter,
      benchmark: selection,
      layers: model.candidateLayers ?? defaultCandidateLayers(adapter.layers()),
      run: { fetchData: registry.fetchData },
    }).then((s) => s.best);
    selected.set(selection.id, layer);
  }
  return layer;
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
