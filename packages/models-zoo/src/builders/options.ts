/** Options every architecture builder takes. */
import { DEFAULT_INPUT_SIZE } from '@vvs/models-onnx';

/** Channels of the image input (RGB). */
export const IMAGE_CHANNELS = 3;

/** Options of an architecture builder. */
export interface BuilderOptions {
  /**
   * Side of the square image input in pixels, fixed in the graph (the batch axis stays dynamic);
   * default `DEFAULT_INPUT_SIZE` (224), the size the seed's models are run at.
   */
  inputSize?: number;
}

/**
 * The validated input side of {@link BuilderOptions}: a positive integer, 224 by default.
 *
 * @example
 * inputSizeOf({}); // 224
 */
export function inputSizeOf(options: BuilderOptions): number {
  const { inputSize = DEFAULT_INPUT_SIZE } = options;
  if (!Number.isSafeInteger(inputSize) || inputSize < 1) {
    throw new RangeError(`inputSize: expected a positive integer (pixels), got ${inputSize}`);
  }
  return inputSize;
}
