/**
 * `pixels`: the image itself, block-averaged — the pixel baseline of model–brain comparisons
 * (Brain-Score's `pixels` model), generated as an ONNX graph so it runs like any other model.
 */
import { GraphBuilder } from './graph-builder.ts';
import { BUILTIN_INPUT_SHAPE } from './input.ts';

/** Side of the square pixel blocks averaged together: 224 / 8 = 28 pixels per side remain. */
export const PIXELS_BLOCK = 8;

/** Shape of the `pixels` layer after the batch axis: `[3, 28, 28]` (not flattened). */
export const PIXELS_SHAPE = [
  BUILTIN_INPUT_SHAPE[0],
  BUILTIN_INPUT_SHAPE[1] / PIXELS_BLOCK,
  BUILTIN_INPUT_SHAPE[2] / PIXELS_BLOCK,
] as const;

/**
 * Serializes the `pixels` model: one `AveragePool` (kernel = stride = {@link PIXELS_BLOCK}, no
 * padding) mapping `[N, 3, 224, 224]` to the layer `pixels`, `[N, 3, 28, 28]` — each value the mean
 * of one 8×8 block of one channel.
 *
 * @example
 * const model = await OnnxModel.fromBytes(pixelsModel(), 'builtin:pixels');
 * (await model.run(batch, [2, 3, 224, 224], ['pixels'])).get('pixels')!.dims; // [2, 3, 28, 28]
 */
export function pixelsModel(): Uint8Array {
  const graph = new GraphBuilder('vvs_pixels', `RGB pixels averaged over ${PIXELS_BLOCK}x${PIXELS_BLOCK} blocks`, BUILTIN_INPUT_SHAPE);
  const block = [PIXELS_BLOCK, PIXELS_BLOCK];
  const [pixels] = graph.node('pixels', 'AveragePool', [graph.input], { ints: { kernel_shape: block, strides: block } });
  return graph.encode(pixels, PIXELS_SHAPE);
}
