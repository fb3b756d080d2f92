import type { Benchmark, BenchmarkRunOptions } from '../contracts/benchmark.ts';
import type { ModelAdapter } from '../contracts/model-adapter.ts';
import { REGIONS, type Region } from '../contracts/region.ts';
import type { Score } from '../contracts/score.ts';
import { CommittedBrainModel, DEFAULT_MODEL_VISUAL_DEGREES } from '../brain-model/committed-brain-model.ts';
import type { PluginRegistry } from '../registry/plugin-registry.ts';
import { selectLayer, type LayerScore, type LayerSelection, type SelectLayerOptions } from './layer-selection.ts';

/**
 * The benchmark a model's `region` layer is selected on before it is scored on `benchmark`: the
 * registry's selection benchmark of the region (Brain-Score's public benchmark of that region), or,
 * for synthetic data, a synthetic benchmark of the region (preferring `benchmark` itself), so that a
 * synthetic run never needs a download.
 *
 * @throws UnknownPluginError when no benchmark selects layers for the region.
 * @example
 * layerSelectionBenchmark(registry, registry.benchmark('MajajHong2015public.IT-pls'), 'IT').id; // 'MajajHong2015public.IT-pls'
 * layerSelectionBenchmark(registry, registry.benchmark('synthetic.V4'), 'V4').id;                // 'synthetic.V4'
 */
export function layerSelectionBenchmark(registry: PluginRegistry, benchmark: Benchmark, region: Region): Benchmark {
  if (benchmark.synthetic) {
    if (benchmark.target === region) return benchmark;
    const synthetic = registry.list('benchmark').find((info) => info.target === region && registry.benchmark(info.id).synthetic);
    if (synthetic !== undefined) return registry.benchmark(synthetic.id);
  }
  return registry.selectionBenchmark(region);
}

/**
 * A model committed to one layer for every region and for its behavioural readout: what scoring a
 * single layer on a benchmark needs (only the benchmark's target reads it).
 *
 * @example
 * const model = commitToLayer('builtin:cnn', adapter, 'stage3');
 * await benchmark.score(model);
 */
export function commitToLayer(id: string, adapter: ModelAdapter, layer: string, visualDegrees = DEFAULT_MODEL_VISUAL_DEGREES): CommittedBrainModel {
  const regionLayer = Object.fromEntries(REGIONS.map((region) => [region, layer])) as Record<Region, string>;
  return new CommittedBrainModel(id, adapter, { regionLayer, behavioralReadoutLayer: layer }, visualDegrees);
}

/** Options of {@link selectLayerOnBenchmark}. */
export interface BenchmarkLayerSelectionOptions {
  /** Model id, as it should appear in scores. */
  readonly id: string;
  readonly adapter: ModelAdapter;
  /** The benchmark the layers are ranked on (usually the region's selection benchmark). */
  readonly benchmark: Benchmark;
  /** Candidate layers in forward order (ties go to the earliest). */
  readonly layers: readonly string[];
  readonly visualDegrees?: number;
  /** Data fetching, progress and cancellation for each benchmark run. */
  readonly run?: BenchmarkRunOptions;
  /** Called after each layer is scored. */
  readonly onLayer?: (result: LayerScore, index: number, total: number) => void;
  /** Score the candidates concurrently (see {@link SelectLayerOptions.concurrent}). */
  readonly concurrent?: boolean;
}

/** The selected layer, every candidate's score, and the full benchmark score of each. */
export interface BenchmarkLayerSelection extends LayerSelection {
  readonly benchmarkScores: ReadonlyMap<string, Score>;
}

/**
 * Brain-Score's automatic layer commitment (`LayerSelection` in model-tools): each candidate layer
 * is scored on `benchmark` and the best one wins. Layers are ranked by the raw score (the
 * cross-validated median r): the ceiling is the same for every layer, so this is the order of the
 * r/c score, and unlike the squared or clipped normalisations it never ties two layers that a
 * clipped score would both cap at 1. The benchmark loads its data and ceiling once for all layers.
 *
 * @example
 * const { best } = await selectLayerOnBenchmark({
 *   id: 'builtin:cnn', adapter, benchmark: registry.benchmark('synthetic.IT'),
 *   layers: ['stage1', 'stage2', 'stage3', 'stage4'],
 * });
 */
export async function selectLayerOnBenchmark(options: BenchmarkLayerSelectionOptions): Promise<BenchmarkLayerSelection> {
  const { id, adapter, benchmark, layers, visualDegrees, run = {}, onLayer, concurrent = false } = options;
  const benchmarkScores = new Map<string, Score>();
  const selection = await selectLayer({
    layers,
    score: async (layer) => {
      const score = await benchmark.score(commitToLayer(id, adapter, layer, visualDegrees), run);
      benchmarkScores.set(layer, score);
      return score.raw;
    },
    ...(onLayer ? { onLayer } : {}),
    concurrent,
  });
  return { ...selection, benchmarkScores };
}

/**
 * The layers automatic selection considers when a model names none: its top-level modules (a
 * network's stages or blocks, e.g. the built-in CNN's `stage1` … `stage4`, `avgpool`), or every layer
 * when it has fewer than two.
 *
 * @example
 * defaultCandidateLayers(['stage1', 'stage1.conv', 'stage2', 'avgpool']); // ['stage1', 'stage2', 'avgpool']
 */
export function defaultCandidateLayers(layers: readonly string[]): string[] {
  const topLevel = layers.filter((layer) => !layer.includes('.'));
  return topLevel.length >= 2 ? topLevel : [...layers];
}
