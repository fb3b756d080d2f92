/**
 * `vvs select-layers`: Brain-Score's automatic layer selection — score every candidate layer of a
 * model against a region's recording and commit the region to the best one.
 */
import type { Command } from 'commander';
import {
  REGIONS,
  collectActivations,
  coordinate,
  scoreFeatures,
  selectLayer,
  selectStimuli,
  stimulusKey,
  type Assembly,
  type FeatureScore,
  type Region,
  type StimulusSet,
} from '@vvs/core';
import { openStimulusSet, readNetcdfAssembly } from '@vvs/io';
import { BRAINSCORE_PLS_COMPONENTS } from '@vvs/metrics';
import { DEFAULT_BATCH_SIZE, DEFAULT_PROJECTION_COMPONENTS, DEFAULT_PROJECTION_SEED, OnnxModelAdapter } from '@vvs/models-onnx';
import { parseCount, parseLayers, parseRegion, parseSeed } from '../flags.ts';
import { progressReporter, type Progress } from '../progress.ts';

interface SelectLayersFlags {
  model: string;
  stimuli: string;
  assembly: string;
  region: string;
  layers?: string;
  projection: string;
  projectionSeed: string;
  layersPerPass?: string;
  batchSize: string;
  stratifyBy: string;
  components: string;
  json?: boolean;
}

/** One row of the report: a layer's score against the recording. */
interface LayerResult {
  layer: string;
  /** The ceiled, clipped score ({@link FeatureScore.value}). */
  score: number;
  /** Cross-validated median Pearson r: what layers are ranked by. */
  raw: number;
  ceiling: number;
}

/**
 * Adds `select-layers` to a commander program.
 *
 * Layers are ranked by their raw score (the cross-validated median Pearson r): the ceiling is the
 * same for every layer, so this is the ranking of Brain-Score's r/c ceiled score, and unlike the
 * squared normalisations it never ranks a negative correlation above a smaller positive one, nor
 * ties layers that a clipped score would cap at 1. Ties go to the earliest layer, and a layer
 * whose score is NaN is never selected (see `selectLayer` in `@vvs/core`).
 *
 * Activations: the model runs over the recording's stimuli once per pass of `--layers-per-pass`
 * layers (default: every candidate in a single pass when projecting, one layer per pass without
 * projection); only the current pass's features are in memory — about stimuli × k × layers × 4
 * bytes with `--projection k` — and each layer's are dropped once it is scored.
 *
 * @example
 * const program = new Command('vvs');
 * registerSelectLayers(program);
 * await program.parseAsync(['node', 'vvs', 'select-layers', '--model', 'resnet18.onnx', '--stimuli', 'hvm/',
 *   '--assembly', 'MajajHong2015.public.nc', '--region', 'IT', '--layers', 'layer3.0.relu,layer4.0.relu']);
 */
export function registerSelectLayers(program: Command): void {
  program
    .command('select-layers')
    .description("pick the layer of a model that best predicts a region's recording (Brain-Score's layer selection)")
    .requiredOption('--model <file>', 'the model: an .onnx file exported from PyTorch')
    .requiredOption('--stimuli <path>', 'the images of the recording: a folder (stimulus_id = file name) or a stimulus-set .csv')
    .requiredOption('--assembly <file>', "the region's recording: a Brain-Score NetCDF4 assembly (presentation × neuroid [× time_bin])")
    .requiredOption('--region <region>', `the region the recording comes from: ${REGIONS.join(', ')}`)
    .option('--layers <names>', 'comma-separated candidate layers in forward order (default: every leaf layer; see vvs layers)')
    .option('--projection <k>', "compress each layer wider than k by a seeded sparse random projection, or 'none'", String(DEFAULT_PROJECTION_COMPONENTS))
    .option('--projection-seed <n>', 'seed of the projection matrices', String(DEFAULT_PROJECTION_SEED))
    .option('--layers-per-pass <n>', 'layers extracted per run of the model over the stimuli (default: all when projecting, else 1)')
    .option('--batch-size <n>', 'images per forward pass', String(DEFAULT_BATCH_SIZE))
    .option('--stratify-by <coord>', "presentation coordinate for stratified splits, or 'none'", 'object_name')
    .option('--components <n>', 'PLS components', String(BRAINSCORE_PLS_COMPONENTS))
    .option('--json', 'print one JSON object (model, region, best, scores) instead of a table')
    .action(async (flags: SelectLayersFlags) => {
      const region = parseRegion(flags.region);
      const projection = flags.projection === 'none' ? undefined : { nComponents: parseCount(flags.projection, '--projection'), seed: parseSeed(flags.projectionSeed, '--projection-seed') };
      const batchSize = parseCount(flags.batchSize, '--batch-size');
      const nComponents = parseCount(flags.components, '--components');
      const stratifyBy = flags.stratifyBy === 'none' ? null : flags.stratifyBy;
      const recording = await readNetcdfAssembly(flags.assembly);
      const recorded = coordinate(recording, stimulusKey(recording)).values.map(String);
      // The model sees only the images it will be scored on.
      const stimuli = selectStimuli(openStimulusSet(flags.stimuli), recorded, flags.assembly);
      const adapter = await OnnxModelAdapter.load(flags.model, { projection });
      const progress = progressReporter(!flags.json);
      try {
        const layers = flags.layers === undefined ? adapter.model.leafLayers() : parseLayers(flags.layers);
        const perPass =
          flags.layersPerPass === undefined ? (projection ? layers.length : 1) : parseCount(flags.layersPerPass, '--layers-per-pass');
        const results = new Map<string, LayerResult>();
        const pending = new Map<string, Assembly>();
        const selection = await selectLayer({
          layers,
          score: async (layer) => {
            if (!pending.has(layer)) {
              const pass = layers.slice(layers.indexOf(layer), layers.indexOf(layer) + perPass);
              const features = await extractFeatures(adapter, stimuli, pass, batchSize, progress);
              for (const [name, assembly] of features) pending.set(name, assembly);
            }
            const features = pending.get(layer)!;
            pending.delete(layer);
            const score = await scoreFeatures(features, recording, {
              stratifyBy,
              nComponents,
              onWarning: (m) => process.stderr.write(`warning: ${layer}: ${m}\n`),
              onProgress: (stage, done, total) => progress(`${layer}: ${stage} ${done}/${total}`),
            });
            results.set(layer, toResult(layer, score));
            return score.raw;
          },
        });
        const rows = layers.map((layer) => results.get(layer)!);
        process.stdout.write(
          flags.json
            ? `${JSON.stringify({ model: flags.model, region, assembly: flags.assembly, rankedBy: 'raw', best: selection.best, scores: rows })}\n`
            : table(region, selection.best, rows),
        );
      } finally {
        progress.done();
        await adapter.dispose();
      }
    });
}


/**
 * Runs the model once over `stimuli` and gathers each of `layers` into its own presentation ×
 * neuroid assembly (float32, stimuli in the set's order).
 */
async function extractFeatures(
  adapter: OnnxModelAdapter,
  stimuli: StimulusSet,
  layers: readonly string[],
  batchSize: number,
  progress: Progress,
): Promise<Map<string, Assembly>> {
  const ids = stimuli.rows.map((row) => row.stimulus_id);
  const last = layers[layers.length - 1];
  let done = 0;
  const data = await collectActivations(adapter, stimuli, layers, {
    batchSize,
    onBatch: (batch) => {
      if (batch.layer !== last) return;
      done += batch.stimulusIds.length;
      progress(`activations of ${layers.length === 1 ? last : `${layers.length} layers`} ${done}/${ids.length}`);
    },
  });
  return new Map(
    layers.map((layer) => {
      const { data: values, cols } = data.get(layer)!;
      const assembly: Assembly = {
        dims: ['presentation', 'neuroid'],
        shape: [ids.length, cols],
        data: values,
        coords: { stimulus_id: { dim: 'presentation', values: ids } },
        attrs: { source_file: `${adapter.id}:${layer}` },
      };
      return [layer, assembly];
    }),
  );
}

function toResult(layer: string, score: FeatureScore): LayerResult {
  return { layer, score: score.value, raw: score.raw, ceiling: score.ceiling };
}

function table(region: Region, best: string, rows: readonly LayerResult[]): string {
  const width = Math.max('layer'.length, ...rows.map((row) => row.layer.length));
  const f = (x: number) => (Number.isNaN(x) ? 'NaN' : x.toFixed(4)).padStart(8);
  const lines = [`${'layer'.padEnd(width)}  ${'score'.padStart(8)}  ${'raw'.padStart(8)}  ${'ceiling'.padStart(8)}`];
  for (const row of rows) lines.push(`${row.layer.padEnd(width)}  ${f(row.score)}  ${f(row.raw)}  ${f(row.ceiling)}${row.layer === best ? '  ← best' : ''}`);
  lines.push('', `${region}: ${best} (highest raw score of ${rows.length} layers)`, '');
  return lines.join('\n');
}




