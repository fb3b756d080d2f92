/**
 * One stimulus's metadata: its `stimulus_id` plus any other columns the data set carries
 * (`object_name`, `texture_type`, `image_label`, `truth`, …). Missing values are `null`.
 *
 * Column names keep Brain-Score's snake_case so they read the same as the published data.
 *
 * @example
 * const row: StimulusRow = { stimulus_id: 'f9d3b9d1', object_name: 'bear', category_name: 'Animals' };
 */
export interface StimulusRow {
  readonly stimulus_id: string;
  readonly [column: string]: string | number | boolean | null;
}

/**
 * A set of images with per-image metadata: Brain-Score's `StimulusSet` (a table with a `stimulus_id`
 * column, an `identifier`, and `get_stimulus(stimulus_id)` giving each image's file).
 *
 * Rows are cheap and always in memory; pixels are read lazily, one image at a time, so a set of
 * 3200 images costs nothing until a model looks at it.
 *
 * Conventions the benchmarks rely on:
 * - `stimulus_id` is unique within the set.
 * - Neural benchmarks stratify on a column (`object_name` for MajajHong2015, `texture_type` for
 *   FreemanZiemba2013); behavioural fitting sets carry the label to learn in `image_label`.
 *
 * @example
 * const stimuli: StimulusSet = {
 *   identifier: 'dicarlo.hvm-public',
 *   visualDegrees: 8,
 *   rows: [{ stimulus_id: 'im0', object_name: 'bear' }, { stimulus_id: 'im1', object_name: 'car' }],
 *   imagePath: (id) => `/data/hvm/${id}.png`,
 *   getImage: (id) => readFile(`/data/hvm/${id}.png`),
 * };
 */
export interface StimulusSet {
  /** Stable name of the set, used in cache keys (Brain-Score's `StimulusSet.identifier`). */
  readonly identifier: string;
  /** One row per stimulus, in the set's canonical order. */
  readonly rows: readonly StimulusRow[];
  /**
   * Size the images span in the subject's visual field, in degrees; a model whose field of view
   * differs places them on a gray canvas first (Brain-Score's `place_on_screen`).
   */
  readonly visualDegrees?: number;
  /**
   * Encoded bytes (PNG, JPEG, …) of one image, read on demand. Rejects with an `InputError` for an
   * id that is not in `rows`.
   */
  getImage(stimulusId: string): Promise<Uint8Array>;
  /**
   * Path of the image on the local disk, when the set is file-backed (Brain-Score's
   * `get_stimulus`); lets image decoders read the file directly. Absent for in-memory sets.
   */
  imagePath?(stimulusId: string): string;
}
