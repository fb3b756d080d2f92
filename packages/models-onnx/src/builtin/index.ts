/**
 * Built-in models that need no download: vvs generates them as deterministic ONNX graphs, to be
 * loaded with `OnnxModel.fromBytes` like any exported network.
 */
import { InputError, closestMatches } from '@vvs/core';
import { cnnModel, DEFAULT_CNN_SEED } from './cnn.ts';
import { gaborModel } from './gabor.ts';
import { pixelsModel } from './pixels.ts';

export { BUILTIN_INPUT_SHAPE } from './input.ts';
export { PIXELS_BLOCK, PIXELS_SHAPE, pixelsModel } from './pixels.ts';
export {
  GABOR_CHANNELS,
  GABOR_KERNEL_SIZE,
  GABOR_ORIENTATIONS_DEG,
  GABOR_PHASES_DEG,
  GABOR_SHAPES,
  GABOR_SIGMA_PER_WAVELENGTH,
  GABOR_STRIDE,
  GABOR_WAVELENGTHS_PX,
  gaborModel,
} from './gabor.ts';
export type { GaborChannel } from './gabor.ts';
export { CNN_SHAPES, DEFAULT_CNN_SEED, cnnModel } from './cnn.ts';

/** Names of the built-in models, in the order they are listed to users. */
export const BUILTIN_MODELS = ['pixels', 'gabor', 'cnn'] as const;

/** The name of a built-in model. */
export type BuiltinModelName = (typeof BUILTIN_MODELS)[number];

/** Options of {@link builtinModel}. */
export interface BuiltinModelOptions {
  /** Seed of the random weights (`cnn` only; the other models are fixed). Default 0. */
  seed?: number;
}

/**
 * The serialized ONNX (opset 13) bytes of a built-in model: `pixels` ({@link pixelsModel}),
 * `gabor` ({@link gaborModel}) or `cnn` ({@link cnnModel}). Deterministic: the same name and seed
 * give byte-identical output. An unknown name raises an {@link InputError} suggesting close names.
 *
 * @example
 * const model = await OnnxModel.fromBytes(builtinModel('cnn', { seed: 3 }), 'builtin:cnn');
 * const out = await model.run(batch, [2, 3, 224, 224], ['stage2', 'avgpool']);
 * out.get('stage2')!.dims; // [2, 32, 28, 28]
 */
export function builtinModel(name: string, { seed = DEFAULT_CNN_SEED }: BuiltinModelOptions = {}): Uint8Array {
  switch (name) {
    case 'pixels':
      return pixelsModel();
    case 'gabor':
      return gaborModel();
    case 'cnn':
      return cnnModel(seed);
    default: {
      const suggestions = closestMatches(name, [...BUILTIN_MODELS]);
      const hint = suggestions.length > 0 ? `; did you mean ${suggestions.map((s) => `'${s}'`).join(', ')}?` : '';
      throw new InputError(`unknown built-in model '${name}' (expected one of ${BUILTIN_MODELS.join(', ')})${hint}`, { field: 'model' });
    }
  }
}
