/**
 * `vvs score`: one model on one benchmark — Brain-Score's `score(model_identifier, benchmark_identifier)`
 * for a local model, committed to a given layer or to the layer automatic selection picks.
 */
import type { Command } from 'commander';
import {
  InputError,
  REGIONS,
  commitToLayer,
  defaultCandidateLayers,
  layerSelectionBenchmark,
  selectLayerOnBenchmark,
  type Benchmark,
  type BenchmarkProgress,
  type PluginRegistry,
  type Region,
  type Score,
} from '@vvs/core';
import { OnnxModelAdapter } from '@vvs/models-onnx';
import { collect, parseLayers, parseRegion } from '../flags.ts';
import { createRegistry } from '../plugins.ts';
import { progressReporter, type Progress } from '../progress.ts';
import { addModelFlags, openModel, type ModelFlags } from './layers.ts';

interface ScoreFlags extends ModelFlags {
  benchmark: string;
  layer?: string;
  region?: string;
  candidates?: string;
  plugin: string[];
  cacheDir?: string;
  offline?: boolean;
  json?: boolean;
}

/** How the scored layer was chosen. */
interface LayerChoice {
  readonly layer: string;
  /** `'given'` (--layer) or the id of the benchmark the layer was selected on. */
  readonly selectedOn: string;
  /** Every candidate's raw score, when the layer was selected. */
  readonly candidates?: readonly { layer: string; raw: number }[];
  readonly selectionMs?: number;
}

/**
 * Adds `score` to a commander program.
 *
 * Without `--layer`, a neural benchmark's layer is chosen by Brain-Score's automatic selection: every
 * candidate layer (`--candidates`, default the model's top-level modules) is scored on the selection
 * benchmark of the region (`--region`, default the benchmark's own; a synthetic benchmark selects on
 * synthetic data), and the best raw score wins. A behavioural benchmark reads out the last layer.
 *
 * @example
 * const program = new Command('vvs');
 * registerScore(program);
 * await program.parseAsync(['node', 'vvs', 'score', '--model', 'builtin:cnn', '--benchmark', 'synthetic.IT', '--json']);
 */
export function registerScore(program: Command): void {
  addModelFlags(program.command('score').description("score a model on a benchmark (its data, metric and ceiling), committed to a layer or to the best one"))
    .requiredOption('--benchmark <id>', 'the benchmark id, e.g. MajajHong2015public.IT-pls or synthetic.IT (see vvs benchmarks)')
    .option('--layer <name>', "commit the benchmark's region (or behavioural readout) to this layer")
    .option('--region <region>', `select the layer on this region's selection benchmark: ${REGIONS.join(', ')} (default: the benchmark's)`)
    .option('--candidates <names>', "comma-separated candidate layers for the selection (default: the model's top-level modules)")
    .option('--plugin <module>', 'load a benchmark plugin (package name or path); repeatable', collect, [])
    .option('--cache-dir <dir>', 'where published data sets are cached (default: $VVS_CACHE_DIR or the user cache folder)')
    .option('--offline', 'never download; fail with the command that would fetch missing data')
    .option('--json', 'print one JSON object instead of a summary')
    .action(async (flags: ScoreFlags) => {
      if (flags.layer !== undefined && flags.region !== undefined) {
        throw new InputError('--layer and --region: give one (a layer to commit to, or a region whose benchmark selects it)');
      }
      const progress = progressReporter(!flags.json);
      const registry = await createRegistry({
        plugins: flags.plugin,
        ...(flags.cacheDir !== undefined ? { cacheDir: flags.cacheDir } : {}),
        ...(flags.offline ? { offline: true } : {}),
        onDownload: (e) => progress(`downloading ${e.file}: ${(e.received / 2 ** 20).toFixed(1)}${e.total ? ` of ${(e.total / 2 ** 20).toFixed(1)}` : ''} MiB`),
      });
      const benchmark = registry.benchmark(flags.benchmark);
      const region = flags.region === undefined ? undefined : parseRegion(flags.region);
      const adapter = new OnnxModelAdapter(await openModel(flags));
      const run = { fetchData: registry.fetchData, onProgress: stageReporter(progress) };
      try {
        const started = performance.now();
        const choice = await chooseLayer(registry, benchmark, adapter, flags, region, progress);
        const score = choice.score ?? (await benchmark.score(commitToLayer(flags.model, adapter, choice.layer), run));
        const totalMs = Math.round(performance.now() - started);
        progress.done();
        process.stdout.write(flags.json ? `${JSON.stringify(report(flags.model, benchmark, choice, score, totalMs))}\n` : summary(flags.model, benchmark, choice, score, totalMs));
      } finally {
        progress.done();
        await adapter.dispose();
      }
    });
}

async function chooseLayer(
  registry: PluginRegistry,
  benchmark: Benchmark,
  adapter: OnnxModelAdapter,
  flags: ScoreFlags,
  region: Region | undefined,
  progress: Progress,
): Promise<LayerChoice & { score?: Score }> {
  if (flags.layer !== undefined) return { layer: flags.layer, selectedOn: 'given' };
  const target = region ?? (benchmark.target === 'behavior' ? undefined : benchmark.target);
  if (target === undefined) {
    const layers = adapter.layers();
    return { layer: layers[layers.length - 1]!, selectedOn: 'last layer' };
  }
  const selection = layerSelectionBenchmark(registry, benchmark, target);
  const layers = flags.candidates === undefined ? defaultCandidateLayers(adapter.layers()) : parseLayers(flags.candidates, '--candidates');
  const started = performance.now();
  const result = await selectLayerOnBenchmark({
    id: flags.model,
    adapter,
    benchmark: selection,
    layers,
    run: { fetchData: registry.fetchData, onProgress: stageReporter(progress) },
    onLayer: (r, i, n) => progress(`layer selection on ${selection.id}: ${i + 1}/${n} (${r.layer}: r = ${r.score.toFixed(3)})`),
  });
  return {
    layer: result.best,
    selectedOn: selection.id,
    candidates: result.scores.map((s) => ({ layer: s.layer, raw: s.score })),
    selectionMs: Math.round(performance.now() - started),
    // Selecting on the benchmark itself already scored the chosen layer on it.
    ...(selection === benchmark ? { score: result.benchmarkScores.get(result.best)! } : {}),
  };
}

function stageReporter(progress: Progress): (event: BenchmarkProgress) => void {
  return (e) => progress(`${e.benchmark}: ${e.stage}${e.total ? ` ${e.done}/${e.total}` : ''}`);
}

function report(model: string, benchmark: Benchmark, choice: LayerChoice, score: Score, totalMs: number): Record<string, unknown> {
  return {
    model,
    benchmark: benchmark.id,
    version: benchmark.version,
    target: benchmark.target,
    metric: benchmark.metric,
    synthetic: benchmark.synthetic === true,
    layer: choice.layer,
    layerSelectedOn: choice.selectedOn,
    ...(choice.candidates ? { layerCandidates: choice.candidates } : {}),
    score: score.value,
    unclippedScore: score.unclipped,
    raw: score.raw,
    ceiling: score.ceiling,
    error: score.error,
    ...(score.ceilingError !== undefined ? { ceilingError: score.ceilingError } : {}),
    normalization: score.normalization,
    timings: { ...(score.attrs?.timings as object | undefined), ...(choice.selectionMs !== undefined ? { selectionMs: choice.selectionMs } : {}), totalMs },
  };
}

function summary(model: string, benchmark: Benchmark, choice: LayerChoice, score: Score, totalMs: number): string {
  const f = (x: number) => (Number.isFinite(x) ? x.toFixed(4) : String(x));
  const how = choice.selectedOn === 'given' ? 'given' : choice.selectedOn === 'last layer' ? 'last layer' : `selected on ${choice.selectedOn}`;
  const lines = [
    `${benchmark.id} (v${benchmark.version}, ${benchmark.target}, metric ${benchmark.metric})${benchmark.synthetic ? '  [SYNTHETIC DATA: not a brain score]' : ''}`,
    `model    ${model}`,
    `layer    ${choice.layer} (${how})`,
    `score    ${f(score.value)}${score.unclipped !== score.value ? ` (unclipped ${f(score.unclipped)})` : ''}  [${score.normalization}]`,
    `raw      ${f(score.raw)} ± ${f(score.error)}`,
    `ceiling  ${f(score.ceiling)}${score.ceilingError !== undefined ? ` ± ${f(score.ceilingError)}` : ''}`,
    `time     ${(totalMs / 1000).toFixed(1)} s${choice.selectionMs !== undefined ? ` (layer selection ${(choice.selectionMs / 1000).toFixed(1)} s)` : ''}`,
  ];
  return `${lines.join('\n')}\n`;
}

