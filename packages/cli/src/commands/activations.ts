/**
 * `vvs activations`: run an ONNX model over a stimulus set and write the named layers' activations as
 * a Brain-Score activations assembly (presentation × neuroid netCDF-4).
 *
 * Activations are computed afresh unless `--cache <dir>` is given: then each layer is looked up in
 * (and, after a complete run, stored in) a content-addressed cache keyed by the model's bytes, the
 * preprocessing, the images' bytes, the layer and the projection (`ActivationCache` of
 * `@vvs/models-onnx`); `--no-cache` turns a `--cache` given earlier off.
 */
import type { Command } from 'commander';
import { InputError } from '@vvs/core';
import type { ActivationBatch, Assembly } from '@vvs/core';
import { openStimulusSet, writeNetcdfAssembly } from '@vvs/io';
import { ActivationCache, DEFAULT_BATCH_SIZE, DEFAULT_VISUAL_DEGREES, OnnxModelAdapter } from '@vvs/models-onnx';
import { progressReporter } from '../progress.ts';
import { parseCount, parseLayers, parseSeed } from '../flags.ts';
import { addModelFlags, openModel } from './layers.ts';
import type { ModelFlags } from './layers.ts';

interface ActivationsFlags extends ModelFlags {
  stimuli: string;
  layers: string;
  out: string;
  projection?: string;
  projectionSeed: string;
  batchSize: string;
  visualDegrees: string;
  stimulusDegrees?: string;
  /** The cache folder; `false` for `--no-cache`, `undefined` when neither is given (no cache). */
  cache?: string | false;
}

/** Bytes per float32 activation, for the out-of-memory message. */
const FLOAT32_BYTES = 4;

/**
 * Adds `activations` to a commander program.
 *
 * @example
 * const program = new Command('vvs');
 * registerActivations(program);
 * await program.parseAsync(['node', 'vvs', 'activations', '--model', 'alexnet.onnx', '--stimuli', 'images/',
 *   '--layers', 'features.4,avgpool', '--projection', '1000', '--out', 'alexnet.nc']);
 */
export function registerActivations(program: Command): void {
  addModelFlags(
    program.command('activations').description("write a model's layer activations on a stimulus set as a Brain-Score activations assembly (.nc)"),
  )
    .requiredOption('--stimuli <path>', 'a folder of images (stimulus_id = file name without extension) or a stimulus-set .csv (stimulus_id, filename, …)')
    .requiredOption('--layers <names>', 'comma-separated layers: PyTorch module paths (see vvs layers) or ONNX tensor names')
    .requiredOption('--out <file>', 'the .nc file to write (presentation × neuroid, float32)')
    .option('--projection <k>', 'compress each layer wider than k to k components by a seeded sparse random projection')
    .option('--projection-seed <n>', 'seed of the projection matrices', '0')
    .option('--batch-size <n>', 'images per forward pass', String(DEFAULT_BATCH_SIZE))
    .option('--visual-degrees <deg>', "the model's field of view in degrees", String(DEFAULT_VISUAL_DEGREES))
    .option('--stimulus-degrees <deg>', 'degrees the stimuli span (default: the same as --visual-degrees, no placement)')
    // Off unless asked for, so a plain run always computes what it writes.
    .option('--cache <dir>', 'reuse (and store) per-layer activations in this folder, keyed by model, preprocessing, image bytes, layer and projection')
    .option('--no-cache', 'compute every activation (the default)')
    .action(async (flags: ActivationsFlags) => {
      const layers = parseLayers(flags.layers);
      const batchSize = parseCount(flags.batchSize, '--batch-size');
      const visualDegrees = parseDegrees(flags.visualDegrees, '--visual-degrees');
      const stimulusDegrees = flags.stimulusDegrees === undefined ? visualDegrees : parseDegrees(flags.stimulusDegrees, '--stimulus-degrees');
      const projection =
        flags.projection === undefined
          ? undefined
          : { nComponents: parseCount(flags.projection, '--projection'), seed: parseSeed(flags.projectionSeed, '--projection-seed') };
      const stimuli = openStimulusSet(flags.stimuli, { visualDegrees: stimulusDegrees });
      const cache = flags.cache ? new ActivationCache({ dir: flags.cache }) : undefined;
      const adapter = new OnnxModelAdapter(await openModel(flags), { preprocess: { visualDegrees }, projection });
      const progress = progressReporter(true);
      let assembly: Assembly;
      try {
        const ids = stimuli.rows.map((row) => row.stimulus_id);
        let done = 0;
        assembly = await collectAssembly(ids, layers, adapter.activations(stimuli, layers, { batchSize, cache }), (batch) => {
          if (batch.layer === layers[layers.length - 1]) progress(`activations ${(done += batch.stimulusIds.length)}/${ids.length}`);
        });
      } finally {
        progress.done();
        await adapter.dispose();
      }
      await writeNetcdfAssembly(flags.out, {
        ...assembly,
        attrs: {
          model: flags.model,
          stimuli: flags.stimuli,
          stimulus_set_identifier: stimuli.identifier,
          layers,
          visual_degrees: visualDegrees,
          stimulus_degrees: stimulusDegrees,
          ...(projection ? { projection_components: projection.nComponents, projection_seed: projection.seed } : {}),
        },
      });
      const [n, total] = assembly.shape;
      process.stdout.write(`wrote ${flags.out}: ${n} stimuli × ${total} neuroids (${layers.join(', ')})\n`);
    });
}

/**
 * Gathers streamed batches into one presentation × neuroid assembly, layers side by side in the
 * order asked. The output (stimuli × all layers' neuroids, float32) is allocated once, when the
 * first batch of every layer has told its width; only those first batches wait in memory until then.
 */
async function collectAssembly(
  ids: readonly string[],
  layers: readonly string[],
  batches: AsyncIterable<ActivationBatch>,
  onBatch: (batch: ActivationBatch) => void,
): Promise<Assembly> {
  const width = new Map<string, number>();
  const nextRow = new Map<string, number>(layers.map((layer) => [layer, 0]));
  const pending: ActivationBatch[] = [];
  let data: Float32Array | undefined;
  let offsets: Map<string, number> | undefined;
  let total = 0;
  const place = (batch: ActivationBatch) => {
    const w = width.get(batch.layer)!;
    const column = offsets!.get(batch.layer)!;
    const row = nextRow.get(batch.layer)!;
    for (let i = 0; i < batch.stimulusIds.length; i++) {
      data!.set(batch.data.subarray(i * w, (i + 1) * w), (row + i) * total + column);
    }
    nextRow.set(batch.layer, row + batch.stimulusIds.length);
  };
  const allocate = () => {
    offsets = new Map();
    for (const layer of layers) {
      offsets.set(layer, total);
      total += width.get(layer)!;
    }
    try {
      data = new Float32Array(ids.length * total);
    } catch (cause) {
      const gib = (ids.length * total * FLOAT32_BYTES) / 2 ** 30;
      throw new InputError(
        `${ids.length} stimuli × ${total} neuroids (${gib.toFixed(1)} GiB of float32) do not fit in memory; use --projection 1000 or fewer layers`,
        { field: 'layers', cause },
      );
    }
    pending.splice(0).forEach(place);
  };
  for await (const batch of batches) {
    onBatch(batch);
    if (data) {
      place(batch);
    } else {
      width.set(batch.layer, batch.data.length / batch.stimulusIds.length);
      pending.push(batch);
      if (width.size === layers.length) allocate();
    }
  }
  if (!data) allocate();
  const layerOf: string[] = [];
  const numOf: number[] = [];
  for (const layer of layers) {
    for (let k = 0; k < width.get(layer)!; k++) {
      layerOf.push(layer);
      numOf.push(k);
    }
  }
  return {
    dims: ['presentation', 'neuroid'],
    shape: [ids.length, total],
    data: data!,
    coords: {
      stimulus_id: { dim: 'presentation', values: [...ids] },
      // Brain-Score's neuroid_id: '<layer>.<neuroid_num>'.
      neuroid_id: { dim: 'neuroid', values: layerOf.map((layer, k) => `${layer}.${numOf[k]}`) },
      layer: { dim: 'neuroid', values: layerOf },
      neuroid_num: { dim: 'neuroid', values: numOf },
    },
  };
}



function parseDegrees(text: string, flag: string): number {
  const deg = Number(text);
  if (!Number.isFinite(deg) || deg <= 0) throw new InputError(`${flag}: expected a positive number of degrees, got '${text}'`);
  return deg;
}
