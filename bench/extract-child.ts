/**
 * One measured vvs extraction run, in its own process so that its peak RSS is its own; started by
 * `bench/extraction.ts`, which reads the JSON line this prints last on stdout.
 *
 * Modes:
 * - `throughput`: the model's final output (the logits) for every image of `--images`, `--batch` at a
 *   time; times from the first batch read to the last batch produced (model load excluded).
 * - `rss`: every conv / batch-norm / ReLU leaf module, each projected to `--components` values, kept
 *   for the whole set (a `[images, components]` float32 matrix per layer, as a scoring run holds it);
 *   reports the layer count, the time and the process's peak RSS.
 *
 * Usage: node --import tsx bench/extract-child.ts --mode throughput|rss --images DIR --model FILE.onnx
 *        [--batch 32] [--components 1000] [--threads T]
 */
import { parseArgs } from 'node:util';
import { stimulusSetFromDirectory } from '@vvs/io';
import { OnnxModelAdapter } from '@vvs/models-onnx';
import { peakRss } from './peak-rss.mjs';

/**
 * Leaf modules the memory run extracts: convolutions (`conv1`, `downsample.0`), batch norms (`bn2`,
 * `downsample.1`) and ReLUs — matched on the module's own name, since the ONNX graph keeps no module
 * types and torch folds each BatchNorm into its convolution (so op types cannot tell them apart).
 */
const CONV_BN_RELU = /(?:^|\.)(?:conv\d*|bn\d*|relu|downsample\.\d+)$/;

/**
 * Images timed before the memory run prints its estimate for the whole set: enough batches that the
 * first one's session setup (a graph with ~50 extra outputs) no longer dominates the rate.
 */
const ESTIMATE_AFTER_IMAGES = 64;

const { values } = parseArgs({
  options: {
    mode: { type: 'string' },
    images: { type: 'string' },
    model: { type: 'string' },
    batch: { type: 'string', default: '32' },
    components: { type: 'string', default: '1000' },
    threads: { type: 'string' },
  },
});
const { mode, images, model } = values;
if ((mode !== 'throughput' && mode !== 'rss') || !images || !model) {
  throw new TypeError('usage: extract-child.ts --mode throughput|rss --images DIR --model FILE.onnx [--batch N] [--components N] [--threads N]');
}
const batchSize = Number(values.batch);
const nComponents = Number(values.components);
const intraOpNumThreads = values.threads === undefined ? undefined : Number(values.threads);
const stimuli = stimulusSetFromDirectory(images);
const total = stimuli.rows.length;

if (mode === 'throughput') {
  const adapter = await OnnxModelAdapter.load(model, { intraOpNumThreads });
  const output = adapter.model.outputNames[0];
  const started = performance.now();
  let seen = 0;
  for await (const batch of adapter.activations(stimuli, [output], { batchSize })) seen += batch.stimulusIds.length;
  const seconds = (performance.now() - started) / 1000;
  await adapter.dispose();
  report({ images: seen, batchSize, seconds, imagesPerSecond: seen / seconds, peakRssBytes: peakRss() });
} else {
  const adapter = await OnnxModelAdapter.load(model, { projection: { nComponents }, intraOpNumThreads });
  const layers = adapter.model.leafLayers().filter((layer) => CONV_BN_RELU.test(layer));
  const features = new Map<string, Float32Array>();
  const started = performance.now();
  let batches = 0;
  for await (const batch of adapter.activations(stimuli, layers, { batchSize })) {
    const width = batch.data.length / batch.stimulusIds.length;
    let stored = features.get(batch.layer);
    if (!stored) {
      stored = new Float32Array(total * width);
      features.set(batch.layer, stored);
    }
    stored.set(batch.data, batches * batchSize * width);
    if (batch.layer === layers[layers.length - 1]) {
      batches++;
      const done = batches * batchSize;
      if (done >= ESTIMATE_AFTER_IMAGES && done - batchSize < ESTIMATE_AFTER_IMAGES && total > done) {
        const perImage = (performance.now() - started) / 1000 / done;
        process.stderr.write(`  rss run: ${perImage.toFixed(3)} s/image so far, estimated ${((perImage * total) / 60).toFixed(1)} min for ${total} images\n`);
      }
    }
  }
  const seconds = (performance.now() - started) / 1000;
  await adapter.dispose();
  const featureBytes = [...features.values()].reduce((sum, f) => sum + f.byteLength, 0);
  report({ images: total, batchSize, layers: layers.length, layerNames: layers, featureBytes, seconds, peakRssBytes: peakRss() });
}

/** Writes the run's figures as the last line on stdout, where the driver reads them. */
function report(figures: Record<string, unknown>): void {
  process.stdout.write(`${JSON.stringify(figures)}\n`);
}
