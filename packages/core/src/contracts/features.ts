/**
 * Model features too large to hold in memory comfortably (a wide layer's activations in a .npy
 * file), keyed by stimulus and read on demand.
 */
import type { FeatureSource } from '@vvs/linalg';

/**
 * Features whose values stay on disk until read: row i of `source` holds the features of
 * `stimulusIds[i]`. Scoring reads them one block of columns (or one set of rows) at a time, so its
 * memory does not grow with the feature count. Produced by `openFeatures` in `@vvs/io`.
 *
 * @example
 * const features: LazyFeatures = await openFeatures('layer4.npy', { stimulusIdsPath: 'ids.txt' });
 * await scoreFeatures(features, recording);
 */
export interface LazyFeatures {
  readonly stimulusIds: readonly string[];
  readonly source: FeatureSource;
  /** Where the features come from (a file path), for messages. */
  readonly origin: string;
}

/** Whether features are {@link LazyFeatures} rather than an in-memory assembly. */
export function isLazyFeatures(x: object): x is LazyFeatures {
  return 'source' in x && 'stimulusIds' in x;
}
