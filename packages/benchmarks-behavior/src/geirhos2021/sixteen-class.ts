/**
 * From an ImageNet-1k classifier's 1000 class probabilities to a decision among model-vs-human's 16
 * entry-level categories (Geirhos et al. 2018, "Generalisation in humans and deep neural networks";
 * Geirhos et al. 2021, model-vs-human): each category's probability is the MEAN of the softmax
 * probabilities of its ImageNet classes, and the decision is the category with the highest mean.
 *
 * Sources (github.com/bethgelab/model-vs-human):
 * - `modelvshuman/helper/human_categories.py`: the categories (`get_human_object_recognition_categories`,
 *   sorted) and each category's ImageNet class indices (`HumanCategories.<category>_indices`);
 * - `modelvshuman/datasets/decision_mappings.py`: `ImageNetProbabilitiesTo16ClassesMapping`, whose
 *   `aggregation_function` defaults to `np.mean`, and which sorts the categories by that mean,
 *   highest first (`np.flip(np.argsort(...))`), the first being the model's answer.
 */
import { mean } from '@vvs/metrics';

/** The 16 entry-level categories, sorted (as `get_human_object_recognition_categories` returns them). */
export const SIXTEEN_CLASS_CATEGORIES = [
  'airplane',
  'bear',
  'bicycle',
  'bird',
  'boat',
  'bottle',
  'car',
  'cat',
  'chair',
  'clock',
  'dog',
  'elephant',
  'keyboard',
  'knife',
  'oven',
  'truck',
] as const;

/** One of model-vs-human's 16 entry-level categories. */
export type SixteenClassCategory = (typeof SIXTEEN_CLASS_CATEGORIES)[number];

/** The number of ImageNet-1k classes the probabilities cover (`assert len(probabilities) == 1000`). */
export const IMAGENET_CLASSES = 1000;

/**
 * The 0-based ImageNet-1k class indices of each category (`HumanCategories.<category>_indices` in
 * model-vs-human's `modelvshuman/helper/human_categories.py`): 207 of the 1000 classes, each in at
 * most one category; the other 793 classes are ignored.
 */
export const IMAGENET_INDICES_BY_CATEGORY: Readonly<Record<SixteenClassCategory, readonly number[]>> = {
  airplane: [404],
  bear: [294, 295, 296, 297],
  bicycle: [444, 671],
  bird: [
    8, 10, 11, 12, 13, 14, 15, 16, 18, 19, 20, 22, 23, 24, 80, 81, 82, 83, 87, 88, 89, 90, 91, 92, 93, 94, 95, 96, 98, 99, 100,
    127, 128, 129, 130, 131, 132, 133, 135, 136, 137, 138, 139, 140, 141, 142, 143, 144, 145,
  ],
  boat: [472, 554, 625, 814, 914],
  bottle: [440, 720, 737, 898, 899, 901, 907],
  car: [436, 511, 817],
  cat: [281, 282, 283, 284, 285, 286],
  chair: [423, 559, 765, 857],
  clock: [409, 530, 892],
  dog: [
    152, 153, 154, 155, 156, 157, 158, 159, 160, 161, 162, 163, 164, 165, 166, 167, 168, 169, 170, 171, 172, 173, 174, 175, 176,
    177, 178, 179, 180, 181, 182, 183, 184, 185, 186, 187, 188, 189, 190, 191, 193, 194, 195, 196, 197, 198, 199, 200, 201, 202,
    203, 205, 206, 207, 208, 209, 210, 211, 212, 213, 214, 215, 216, 217, 218, 219, 220, 221, 222, 223, 224, 225, 226, 228, 229,
    230, 231, 232, 233, 234, 235, 236, 237, 238, 239, 240, 241, 243, 244, 245, 246, 247, 248, 249, 250, 252, 253, 254, 255, 256,
    257, 259, 261, 262, 263, 265, 266, 267, 268,
  ],
  elephant: [385, 386],
  keyboard: [508, 878],
  knife: [499],
  oven: [766],
  truck: [555, 569, 656, 675, 717, 734, 864, 867],
};

/**
 * Each category's probability as model-vs-human aggregates it: the mean of the softmax probabilities
 * of the category's ImageNet classes (`ImageNetProbabilitiesTo16ClassesMapping` with its default
 * `np.mean`; a mean, not a sum, so a category with many classes, such as dog with 109, gains nothing
 * from their number).
 *
 * @param probabilities - the 1000 softmax probabilities of one image, in ImageNet class-index order.
 * @returns 16 values in {@link SIXTEEN_CLASS_CATEGORIES} order.
 * @throws RangeError when there are not 1000 values or one lies outside [0, 1] (model-vs-human's `check_input`).
 * @example
 * const p = new Float64Array(1000);
 * p[294] = 0.4; // a bear class
 * sixteenClassProbabilities(p)[1]; // 0.1: bear's mean over its 4 classes
 */
export function sixteenClassProbabilities(probabilities: ArrayLike<number>): Float64Array {
  if (probabilities.length !== IMAGENET_CLASSES) {
    throw new RangeError(`sixteenClassProbabilities: expected ${IMAGENET_CLASSES} ImageNet class probabilities, got ${probabilities.length}`);
  }
  for (let i = 0; i < IMAGENET_CLASSES; i++) {
    const p = probabilities[i];
    if (!(p >= 0 && p <= 1)) {
      throw new RangeError(`sixteenClassProbabilities: probabilities must lie in [0, 1] (softmax outputs), got ${p} at class ${i}`);
    }
  }
  // numpy's mean (pairwise summation order), so the values agree with np.mean to the last bit.
  return Float64Array.from(SIXTEEN_CLASS_CATEGORIES, (category) =>
    mean(Float64Array.from(IMAGENET_INDICES_BY_CATEGORY[category], (index) => probabilities[index])),
  );
}

/**
 * The model's answer among the 16 categories: the category with the highest mean probability
 * ({@link sixteenClassProbabilities}), the first of model-vs-human's ranking. On an exact tie (which
 * softmax outputs practically never produce) the later category in sorted order wins, as
 * `np.flip(np.argsort(...))` ranks tied values (numpy's argsort keeps them in index order; checked
 * with numpy 2.4).
 *
 * @throws RangeError as {@link sixteenClassProbabilities}.
 * @example
 * const p = new Float64Array(1000).fill(0.0005);
 * p[499] = 0.3; // knife's only class
 * sixteenClassDecision(p); // 'knife'
 */
export function sixteenClassDecision(probabilities: ArrayLike<number>): SixteenClassCategory {
  const means = sixteenClassProbabilities(probabilities);
  let best = 0;
  for (let k = 1; k < means.length; k++) if (means[k] >= means[best]) best = k;
  return SIXTEEN_CLASS_CATEGORIES[best];
}
