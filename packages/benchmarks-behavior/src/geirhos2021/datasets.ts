/**
 * The 17 out-of-distribution datasets of Geirhos et al. 2021 ("Partial success in closing the gap
 * between human and machine vision", NeurIPS; code and data: github.com/bethgelab/model-vs-human)
 * and the conditions its benchmark table leaves out.
 */

import { GEIRHOS2021_DATASETS, type Geirhos2021Dataset } from '@vvs/data-brainscore';

// The 17 datasets (in code-point order: model-vs-human's `raw-data/` folders and Brain-Score's
// `DATASETS`) are defined once, with their files, in @vvs/data-brainscore.
export { GEIRHOS2021_DATASETS, type Geirhos2021Dataset };

/**
 * The five datasets without distortion levels (model-vs-human's datasets with no `experiments`): all
 * their trials form one condition, whatever their `condition` column holds (`0` for humans, `NaN`
 * for models in most of them).
 */
export const NON_PARAMETRIC_DATASETS: ReadonlySet<Geirhos2021Dataset> = new Set([
  'cue-conflict',
  'edge',
  'silhouette',
  'sketch',
  'stylized',
]);

/**
 * The condition label every trial of a non-parametric dataset gets (see {@link NON_PARAMETRIC_DATASETS}).
 * model-vs-human never looks at those datasets' conditions, so any single label reproduces it.
 */
export const SINGLE_CONDITION = 'all';

/**
 * The conditions model-vs-human's benchmark table leaves out (`EXCLUDE_CONDITIONS` in
 * `modelvshuman/plotting/plot.py`): each parametric dataset's undistorted control condition, and the
 * conditions on which mean human accuracy is below 0.2 (error consistency is not meaningful near
 * chance). Labels are in the form model-vs-human compares them: pandas' parse of the `condition`
 * column turned to text with `astype(str)` (`'inf'`, `'0.55'`, `'0.0'`, `'True'`; see
 * `pandasConditionLabels`). Non-parametric datasets exclude nothing.
 *
 * Brain-Score's Geirhos2021 benchmarks apply the same exclusions to its own packaging of the data,
 * under its own labels: numbers rather than text for high-pass, low-pass, phase-scrambling, rotation
 * and uniform-noise, and `'False-Colour'` for false-colour's excluded condition, the same images as
 * `'True'` here.
 */
export const EXCLUDE_CONDITIONS: Readonly<Record<Geirhos2021Dataset, readonly string[]>> = {
  colour: ['cr'],
  contrast: ['c100', 'c03', 'c01'],
  'cue-conflict': [],
  edge: [],
  eidolonI: ['1-10-10', '64-10-10', '128-10-10'],
  eidolonII: ['1-3-10', '32-3-10', '64-3-10', '128-3-10'],
  eidolonIII: ['1-0-10', '16-0-10', '32-0-10', '64-0-10', '128-0-10'],
  'false-colour': ['True'],
  'high-pass': ['inf', '0.55', '0.45', '0.4'],
  'low-pass': ['0', '15', '40'],
  'phase-scrambling': ['0', '150', '180'],
  'power-equalisation': ['0'],
  rotation: ['0'],
  silhouette: [],
  sketch: [],
  stylized: [],
  'uniform-noise': ['0.0', '0.6', '0.9'],
};

/**
 * Whether `name` is one of the 17 model-vs-human datasets (case-sensitive, as its folder names).
 *
 * @example
 * isGeirhos2021Dataset('eidolonII'); // true
 * isGeirhos2021Dataset('EidolonII'); // false
 */
export function isGeirhos2021Dataset(name: string): name is Geirhos2021Dataset {
  return (GEIRHOS2021_DATASETS as readonly string[]).includes(name);
}
