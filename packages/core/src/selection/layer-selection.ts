/**
 * Automatic layer selection: Brain-Score's `LayerSelection` (model-tools
 * `brainscore_vision/model_helpers/brain_transformation/neural.py`), which scores every candidate
 * layer of a model on a region's selection benchmark and commits the region to the best one.
 */

/** One candidate layer and its score on the selection benchmark. */
export interface LayerScore {
  readonly layer: string;
  /** Higher is better; `NaN` when the layer could not be scored meaningfully. */
  readonly score: number;
}

/** The outcome of {@link selectLayer}: the chosen layer and every candidate's score. */
export interface LayerSelection {
  /** The candidate with the highest score (the earliest of equal ones). */
  readonly best: string;
  /** Every candidate's score, in the order the candidates were given. */
  readonly scores: readonly LayerScore[];
}

/** Options of {@link selectLayer}. */
export interface SelectLayerOptions {
  /** Candidate layers, in the order they are scored and ties are broken (usually forward order). */
  readonly layers: readonly string[];
  /** Scores one layer on the selection benchmark; higher is better. */
  readonly score: (layer: string) => Promise<number>;
  /** Called after each layer is scored, with its 0-based position among `layers` and their count. */
  readonly onLayer?: (result: LayerScore, index: number, total: number) => void;
  /**
   * Score every layer at once (for a worker pool) rather than one after another; the choice is the
   * same, and `onLayer` then reports the layers in order once all are scored.
   */
  readonly concurrent?: boolean;
}

/**
 * Scores every candidate layer, one at a time in the order given, and keeps the best — Brain-Score's
 * `LayerSelection._get_layer_scores` followed by `argmax` over the layers.
 *
 * Ties go to the earliest layer, as `numpy.argmax` resolves them, so an earlier (cheaper) layer
 * wins over a deeper one that scores the same. A `NaN` score is recorded but never wins: unlike
 * `numpy.argmax`, which would return the first `NaN`, a layer with no meaningful score cannot be
 * committed to a region. Layers are scored sequentially so that only one layer's features need
 * be in memory at a time.
 *
 * @throws RangeError when `layers` is empty or lists a layer twice, or when every score is `NaN`.
 * @example
 * const { best, scores } = await selectLayer({
 *   layers: ['stage1', 'stage2', 'stage3'],
 *   score: async (layer) => (await scoreFeatures(await featuresOf(layer), recording)).raw,
 *   onLayer: ({ layer, score }, i, n) => console.log(`${i + 1}/${n} ${layer}: ${score}`),
 * });
 */
export async function selectLayer(options: SelectLayerOptions): Promise<LayerSelection> {
  const { layers, score, onLayer, concurrent = false } = options;
  if (layers.length === 0) throw new RangeError('layers: expected at least one candidate layer');
  const repeated = layers.find((layer, i) => layers.indexOf(layer) !== i);
  if (repeated !== undefined) throw new RangeError(`layers: '${repeated}' is listed twice`);
  const scores: LayerScore[] = [];
  let best: LayerScore | undefined;
  const all = concurrent ? await Promise.all(layers.map(score)) : undefined;
  for (const [index, layer] of layers.entries()) {
    const result: LayerScore = { layer, score: all ? all[index]! : await score(layer) };
    scores.push(result);
    // Strict `>` keeps the earliest of equal scores; comparisons with NaN are false, so NaN never wins.
    if (!Number.isNaN(result.score) && (best === undefined || result.score > best.score)) best = result;
    onLayer?.(result, index, layers.length);
  }
  if (best === undefined) throw new RangeError(`layers: every candidate scored NaN (${layers.join(', ')}); no layer can be selected`);
  return { best: best.layer, scores };
}
