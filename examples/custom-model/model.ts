/**
 * A model written directly in TypeScript: each image, shrunk to a 16 × 16 grid, gives two "layers"
 * — `luminance` (256 values) and `colour` (the 16 × 16 × 3 RGB grid). Anything that implements
 * `ModelAdapter` (a name, its layers, and activations batch by batch) can be committed to regions and
 * scored; ONNX is one way to get there, not the only one.
 */
import sharp from 'sharp';
import type { ActivationBatch, ActivationOptions, ModelAdapter, StimulusSet } from '@vvs/core';

/** Side of the grid each image is averaged down to. */
const GRID = 16;

/** Images per batch when the caller gives none. */
const DEFAULT_BATCH = 32;

export class ColourGridModel implements ModelAdapter {
  readonly id = 'colour-grid';

  layers(): readonly string[] {
    return ['luminance', 'colour'];
  }

  async *activations(stimuli: StimulusSet, layers: readonly string[], opts: ActivationOptions = {}): AsyncIterable<ActivationBatch> {
    const unknown = layers.find((layer) => !this.layers().includes(layer));
    if (unknown !== undefined) throw new RangeError(`${this.id}: no layer '${unknown}' (layers: ${this.layers().join(', ')})`);
    const batchSize = opts.batchSize ?? DEFAULT_BATCH;
    for (let start = 0; start < stimuli.rows.length; start += batchSize) {
      opts.signal?.throwIfAborted();
      const ids = stimuli.rows.slice(start, start + batchSize).map((row) => row.stimulus_id);
      const grids = await Promise.all(
        ids.map(async (id) => sharp(await stimuli.getImage(id)).removeAlpha().toColourspace('srgb').resize(GRID, GRID, { fit: 'fill' }).raw().toBuffer()),
      );
      for (const layer of layers) {
        const width = layer === 'colour' ? GRID * GRID * 3 : GRID * GRID;
        const data = new Float32Array(ids.length * width);
        grids.forEach((rgb, i) => {
          for (let p = 0; p < GRID * GRID; p++) {
            if (layer === 'colour') for (let c = 0; c < 3; c++) data[i * width + p * 3 + c] = rgb[p * 3 + c] / 255;
            else data[i * width + p] = (0.299 * rgb[p * 3] + 0.587 * rgb[p * 3 + 1] + 0.114 * rgb[p * 3 + 2]) / 255;
          }
        });
        yield { stimulusIds: ids, layer, shape: [ids.length, width], data };
      }
    }
  }
}
