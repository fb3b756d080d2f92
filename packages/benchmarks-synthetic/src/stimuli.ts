/**
 * The synthetic suite's procedurally drawn stimulus sets: gratings and noise textures for V1/V2
 * (laid out like FreemanZiemba2013: grayscale, 4°, a `texture_type` to stratify by) and parametric
 * objects on varied backgrounds for V4/IT and behaviour (like MajajHong2015: grayscale, 8°,
 * `object_name`).
 *
 * Every image is drawn from seeded draws of numpy's MT19937 (see {@link SeededRandom}) into an RGB
 * buffer and encoded to PNG in memory, so a seed gives byte-identical sets and nothing is stored on
 * disk. Identifiers start with `synthetic.` and every row carries `synthetic: true`.
 */
import type { StimulusRow, StimulusSet } from '@vvs/core';
import { SeededRandom } from './random.ts';
import {
  applyAperture,
  blankImage,
  drawShape,
  encodeRgbPng,
  inMemoryStimulusSet,
  insidePolygon,
  paintLuminance,
  paintMix,
  standardize,
  sumOfWaves,
  type PlaneWave,
  type RgbImage,
} from './raster.ts';

/**
 * Side of every synthetic image in pixels. Models resize stimuli to their 224-pixel input anyway;
 * 128 keeps drawing, encoding and decoding fast while resolving the finest grating (16 cycles per
 * image, 8 pixels per cycle).
 */
export const SYNTHETIC_IMAGE_SIZE = 128;

/** Visual angle of the gratings and textures: FreemanZiemba2013's 4°, half a model's 8° field. */
export const TEXTURE_VISUAL_DEGREES = 4;

/** Visual angle of the object images: MajajHong2015's 8°, a model's whole field. */
export const OBJECT_VISUAL_DEGREES = 8;

/** Mean luminance of gratings and textures: mid-gray, matching the gray screen a 4° set is placed on. */
export const TEXTURE_MEAN_LUMINANCE = 0.5;

/** Grating orientations in degrees (0 = vertical bars, counter-clockwise): six, 30° apart. */
export const GRATING_ORIENTATIONS_DEG = [0, 30, 60, 90, 120, 150] as const;

/** Grating spatial frequencies in cycles per degree: four octaves, 2 to 16 cycles across the 4° image. */
export const GRATING_CYCLES_PER_DEGREE = [0.5, 1, 2, 4] as const;

/** Grating phases in degrees at the image centre. */
export const GRATING_PHASES_DEG = [0, 90, 180, 270] as const;

/** Range of grating Michelson contrasts, drawn uniformly per image so responses also vary in strength. */
export const GRATING_CONTRAST_RANGE = [0.2, 1] as const;

/**
 * Range of the radius of the soft circular aperture each grating or texture is shown through, as a
 * fraction of the image side (0.5–1.2° of the 4° image). Patches at varied places and sizes make
 * stimuli differ in *where* they drive a layer as well as *what* they drive: position is what a
 * layer's finer grid resolves and its coarser successors blur, so it is what lets PLS tell a layer
 * from the next. (Full-field stationary textures differ only in local phase detail, which no layer's
 * readout can learn from a few hundred images, and which the coarser layers average away.)
 */
export const APERTURE_RADIUS_RANGE = [0.12, 0.3] as const;

/** Range of aperture centres along each axis, as a fraction of the image side. */
export const APERTURE_CENTRE_RANGE = [0.3, 0.7] as const;

/**
 * Families of noise textures, each a random-phase spectral synthesis (a sum of
 * {@link NOISE_COMPONENTS} plane waves) except `checks`:
 * - `white`, `pink`, `brown`: isotropic, amplitude spectra ∝ f⁰, f⁻¹, f⁻² (natural images are near `pink`);
 * - `oriented`: pink, within ±{@link ORIENTED_NOISE_HALF_WIDTH_DEG}° of an orientation drawn per image;
 * - `bandpass`: isotropic, one octave around a centre frequency drawn per image;
 * - `checks`: random binary checkerboards with a check size drawn per image from {@link CHECK_SIZES_PX}.
 */
export const NOISE_FAMILIES = ['white', 'pink', 'brown', 'oriented', 'bandpass', 'checks'] as const;

/** A noise family's name. */
export type NoiseFamily = (typeof NOISE_FAMILIES)[number];

/** Images per noise family: 6 × 16 = 96, as many as the gratings, so `texture_type` is balanced. */
export const NOISE_SAMPLES_PER_FAMILY = 16;

/** Plane waves summed per spectral-synthesis texture: enough for a noise-like, non-periodic look. */
export const NOISE_COMPONENTS = 64;

/** Frequency band of the spectral textures in cycles per degree: 1 to 48 cycles across the 4° image. */
export const NOISE_FREQUENCY_RANGE_CPD = [0.25, 12] as const;

/** Half-width in degrees of the orientation band of `oriented` noise. */
export const ORIENTED_NOISE_HALF_WIDTH_DEG = 15;

/** Range in cycles per degree of the centre frequency of `bandpass` noise (drawn log-uniformly). */
export const BANDPASS_CENTRE_RANGE_CPD = [0.5, 4] as const;

/** Check sizes of `checks` noise, in pixels of the {@link SYNTHETIC_IMAGE_SIZE} image. */
export const CHECK_SIZES_PX = [2, 4, 8, 16] as const;

/** Range of RMS contrasts of the noise textures (standard deviation over mean luminance). */
export const NOISE_RMS_CONTRAST_RANGE = [0.1, 0.35] as const;

/**
 * The eight parametric object classes, in code-point order (the order Brain-Score sorts labels in).
 * Each is a closed shape of radius about 1 in its own frame (see {@link OBJECT_SHAPES}).
 */
export const OBJECT_NAMES = ['crescent', 'cross', 'disc', 'hexagon', 'ring', 'square', 'star', 'triangle'] as const;

/** An object class's name. */
export type ObjectName = (typeof OBJECT_NAMES)[number];

/** Range of object radii, as a fraction of the image side (the shape spans about twice that). */
export const OBJECT_RADIUS_RANGE = [0.14, 0.26] as const;

/** Range of object centres along each axis, as a fraction of the image side: objects stay inside the image. */
export const OBJECT_CENTRE_RANGE = [0.3, 0.7] as const;

/** Range of the two luminances each background is drawn with (a gradient or noise mixes them). */
export const BACKGROUND_LUMINANCE_RANGE = [0.2, 0.8] as const;

/**
 * Range of an object's luminance contrast with its background's mean luminance, applied with a
 * random sign (lighter or darker objects, as over natural backgrounds); the luminance is clipped to
 * [0, 1]. Objects are achromatic, as MajajHong2015's are grayscale renderings.
 */
export const OBJECT_CONTRAST_RANGE = [0.25, 0.5] as const;

/**
 * Background kinds of the object images, one drawn per image: a `uniform` gray, a linear
 * `gradient` between two grays, or two grays mixed by pink `noise` (clutter).
 */
export const OBJECT_BACKGROUNDS = ['uniform', 'gradient', 'noise'] as const;

/** Plane waves of a `noise` background: fewer than a texture's, as clutter need only look irregular. */
const BACKGROUND_NOISE_COMPONENTS = 32;

/** Cycles per image of a `noise` background's waves (log-uniform, pink amplitude). */
const BACKGROUND_NOISE_FREQUENCY_RANGE = [1, 24] as const;

/** Spread of the gray mix of a `noise` background around its middle (mix = ½ + spread · unit-RMS noise). */
const BACKGROUND_NOISE_SPREAD = 0.25;

function polygon(corners: number, radius: (k: number) => number, startDeg: number): (u: number, v: number) => boolean {
  const vertices = Array.from({ length: corners }, (_, k) => {
    const angle = ((startDeg + (360 * k) / corners) * Math.PI) / 180;
    return [radius(k) * Math.cos(angle), radius(k) * Math.sin(angle)] as const;
  });
  return (u, v) => insidePolygon(u, v, vertices);
}

/**
 * Each object class's membership test in its own frame (u right, v up, unit = the drawn radius).
 * All fit within the unit circle and cover comparable areas (1.2–2.1 squared radii).
 */
export const OBJECT_SHAPES: Readonly<Record<ObjectName, (u: number, v: number) => boolean>> = {
  crescent: (u, v) => u * u + v * v <= 0.9 * 0.9 && (u - 0.45) ** 2 + v * v > 0.7 * 0.7,
  cross: (u, v) => (Math.abs(u) <= 0.3 && Math.abs(v) <= 0.95) || (Math.abs(v) <= 0.3 && Math.abs(u) <= 0.95),
  disc: (u, v) => u * u + v * v <= 0.8 * 0.8,
  hexagon: polygon(6, () => 0.9, 0),
  ring: (u, v) => u * u + v * v <= 1 && u * u + v * v >= 0.6 * 0.6,
  square: (u, v) => Math.abs(u) <= 0.7 && Math.abs(v) <= 0.7,
  star: polygon(10, (k) => (k % 2 === 0 ? 1 : 0.42), 90),
  triangle: polygon(3, () => 1, 90),
};

/** Options of {@link gratingsAndTextures}. */
export interface GratingsAndTexturesOptions {
  /** Seed of the random draws (contrasts, noise). Default 0. */
  seed?: number;
}

/**
 * The V1/V2 stimulus set: 96 sinusoidal gratings ({@link GRATING_ORIENTATIONS_DEG} ×
 * {@link GRATING_CYCLES_PER_DEGREE} × {@link GRATING_PHASES_DEG}, contrast drawn per image) and 96
 * noise textures ({@link NOISE_SAMPLES_PER_FAMILY} of each of {@link NOISE_FAMILIES}), grayscale,
 * each seen through a soft circular aperture of random position and size
 * ({@link APERTURE_CENTRE_RANGE}, {@link APERTURE_RADIUS_RANGE}) on mid-gray,
 * {@link SYNTHETIC_IMAGE_SIZE} pixels spanning {@link TEXTURE_VISUAL_DEGREES}° — the layout of
 * Brain-Score's FreemanZiemba2013 (`texture_type` to stratify by; `texture_family` the generator).
 *
 * Columns: `stimulus_id`, `synthetic` (true), `texture_type` (`'grating'` | `'noise'`),
 * `texture_family` (`'grating'` or a {@link NoiseFamily}), `orientation_deg` (NaN for isotropic
 * noise), `cycles_per_degree` (grating or bandpass centre frequency; NaN for broadband noise),
 * `phase_deg` (gratings; NaN otherwise), `contrast` (Michelson for gratings, RMS for noise),
 * `position_x` and `position_y` (aperture centre in degrees from the image centre, y up),
 * `aperture_radius_deg`. Not-applicable numbers are NaN rather than null, so every column is numeric.
 *
 * @example
 * const stimuli = await gratingsAndTextures({ seed: 0 });
 * stimuli.identifier; // 'synthetic.gratings-textures.seed0'
 * stimuli.rows.length; // 192
 */
export async function gratingsAndTextures({ seed = 0 }: GratingsAndTexturesOptions = {}): Promise<StimulusSet> {
  const rng = new SeededRandom(seed);
  const size = SYNTHETIC_IMAGE_SIZE;
  const degrees = TEXTURE_VISUAL_DEGREES;
  const rows: StimulusRow[] = [];
  const drawn: RgbImage[] = [];
  for (const orientation of GRATING_ORIENTATIONS_DEG) {
    for (const frequency of GRATING_CYCLES_PER_DEGREE) {
      for (const phase of GRATING_PHASES_DEG) {
        const contrast = rng.uniform(...GRATING_CONTRAST_RANGE);
        const field = sumOfWaves(size, [planeWave(frequency * degrees, orientation, (phase * Math.PI) / 180, 1)]);
        const patch = drawAperture(field, rng);
        const image = blankImage(size);
        paintLuminance(image, field, TEXTURE_MEAN_LUMINANCE, contrast);
        drawn.push(image);
        rows.push({
          stimulus_id: `grating-ori${pad(orientation, 3)}-cpd${frequency.toFixed(1)}-ph${pad(phase, 3)}`,
          synthetic: true,
          texture_type: 'grating',
          texture_family: 'grating',
          orientation_deg: orientation,
          cycles_per_degree: frequency,
          phase_deg: phase,
          contrast,
          ...patch,
        });
      }
    }
  }
  for (const family of NOISE_FAMILIES) {
    for (let i = 0; i < NOISE_SAMPLES_PER_FAMILY; i++) {
      const { field, orientation, frequency } = noiseTexture(family, rng);
      const contrast = rng.uniform(...NOISE_RMS_CONTRAST_RANGE);
      const patch = drawAperture(field, rng);
      const image = blankImage(size);
      paintLuminance(image, field, TEXTURE_MEAN_LUMINANCE, contrast);
      drawn.push(image);
      rows.push({
        stimulus_id: `noise-${family}-${pad(i, 2)}`,
        synthetic: true,
        texture_type: 'noise',
        texture_family: family,
        orientation_deg: orientation,
        cycles_per_degree: frequency,
        phase_deg: Number.NaN,
        contrast,
        ...patch,
      });
    }
  }
  return encodeSet(`synthetic.gratings-textures.seed${seed}`, degrees, rows, drawn);
}

/** Options of {@link objectImages}. */
export interface ObjectImagesOptions {
  /** Seed of the random draws (placement, luminances, backgrounds). Default 0. */
  seed?: number;
  /** Images of each of the {@link OBJECT_NAMES}. */
  imagesPerObject: number;
  /**
   * Name of the set within the suite: the identifier is `synthetic.<part>.seed<seed>` and ids are
   * `<part>-<object>-<index>`, so sets of different parts never share an id. Default `'objects'`.
   */
  part?: string;
}

/**
 * Parametric objects on varied backgrounds: `imagesPerObject` images of each of the eight
 * {@link OBJECT_NAMES}, each drawn at a random position ({@link OBJECT_CENTRE_RANGE}), size
 * ({@link OBJECT_RADIUS_RANGE}), rotation and luminance (lighter or darker than the background by
 * {@link OBJECT_CONTRAST_RANGE}) over one of {@link OBJECT_BACKGROUNDS} (grays from
 * {@link BACKGROUND_LUMINANCE_RANGE}), grayscale, anti-aliased,
 * {@link SYNTHETIC_IMAGE_SIZE} pixels spanning {@link OBJECT_VISUAL_DEGREES}° — the layout of
 * MajajHong2015 (objects varying in position, scale and pose over cluttered backgrounds).
 * Objects are interleaved (one of each class, then the next of each), so any prefix is balanced.
 *
 * Columns: `stimulus_id`, `synthetic` (true), `object_name`, `image_label` (the object, what a
 * behavioural readout learns), `background`, `object_contrast` (object minus background-mean
 * luminance), `position_x` and `position_y` (centre, in degrees from the image centre, y up),
 * `size_deg` (radius), `rotation_deg`.
 *
 * @throws RangeError when `imagesPerObject` is not a positive integer.
 * @example
 * const stimuli = await objectImages({ seed: 0, imagesPerObject: 36 });
 * stimuli.rows[0]; // { stimulus_id: 'objects-crescent-000', object_name: 'crescent', synthetic: true, … }
 */
export async function objectImages({ seed = 0, imagesPerObject, part = 'objects' }: ObjectImagesOptions): Promise<StimulusSet> {
  if (!Number.isInteger(imagesPerObject) || imagesPerObject < 1) {
    throw new RangeError(`imagesPerObject: expected a positive integer, got ${imagesPerObject}`);
  }
  const rng = new SeededRandom(seed);
  const size = SYNTHETIC_IMAGE_SIZE;
  const degrees = OBJECT_VISUAL_DEGREES;
  const rows: StimulusRow[] = [];
  const drawn: RgbImage[] = [];
  for (let i = 0; i < imagesPerObject; i++) {
    for (const name of OBJECT_NAMES) {
      const image = blankImage(size);
      const background = OBJECT_BACKGROUNDS[rng.integer(OBJECT_BACKGROUNDS.length)];
      const backgroundMean = paintBackground(image, background, rng);
      const placement = {
        centreX: rng.uniform(...OBJECT_CENTRE_RANGE),
        centreY: rng.uniform(...OBJECT_CENTRE_RANGE),
        radius: rng.uniform(...OBJECT_RADIUS_RANGE),
        rotation: rng.uniform(0, 2 * Math.PI),
      };
      const contrast = (rng.integer(2) === 0 ? -1 : 1) * rng.uniform(...OBJECT_CONTRAST_RANGE);
      const luminance = Math.min(1, Math.max(0, backgroundMean + contrast));
      drawShape(image, OBJECT_SHAPES[name], placement, gray(luminance));
      drawn.push(image);
      rows.push({
        stimulus_id: `${part}-${name}-${pad(i, 3)}`,
        synthetic: true,
        object_name: name,
        image_label: name,
        background,
        object_contrast: luminance - backgroundMean,
        position_x: (placement.centreX - 0.5) * degrees,
        position_y: (0.5 - placement.centreY) * degrees,
        size_deg: placement.radius * degrees,
        rotation_deg: (placement.rotation * 180) / Math.PI,
      });
    }
  }
  return encodeSet(`synthetic.${part}.seed${seed}`, degrees, rows, drawn);
}

/** A plane wave of `cycles` per image at `orientationDeg` (0 = vertical bars, varying along x). */
function planeWave(cycles: number, orientationDeg: number, phase: number, amplitude: number): PlaneWave {
  const theta = (orientationDeg * Math.PI) / 180;
  return { fx: cycles * Math.cos(theta), fy: -cycles * Math.sin(theta), phase, amplitude };
}

/** A unit-RMS noise field of `family`, and its orientation and centre frequency where it has them (else NaN). */
function noiseTexture(family: NoiseFamily, rng: SeededRandom): { field: Float64Array; orientation: number; frequency: number } {
  const size = SYNTHETIC_IMAGE_SIZE;
  if (family === 'checks') {
    const check = CHECK_SIZES_PX[rng.integer(CHECK_SIZES_PX.length)];
    const perSide = size / check;
    const signs = Array.from({ length: perSide * perSide }, () => (rng.integer(2) === 0 ? -1 : 1));
    const field = new Float64Array(size * size);
    for (let y = 0; y < size; y++) {
      for (let x = 0; x < size; x++) field[y * size + x] = signs[Math.floor(y / check) * perSide + Math.floor(x / check)];
    }
    return { field: standardize(field), orientation: Number.NaN, frequency: SYNTHETIC_IMAGE_SIZE / (2 * check * TEXTURE_VISUAL_DEGREES) };
  }
  const [lowCpd, highCpd] = NOISE_FREQUENCY_RANGE_CPD;
  const orientation = family === 'oriented' ? rng.uniform(0, 180) : Number.NaN;
  const centre = family === 'bandpass' ? logUniform(rng, ...BANDPASS_CENTRE_RANGE_CPD) : Number.NaN;
  // Log-uniform frequencies put equal numbers of waves in every octave, so the amplitude law alone sets
  // the spectrum: amplitude ∝ f (white, flat power), 1 (pink, 1/f amplitude), 1/f (brown).
  const exponent = family === 'white' ? 1 : family === 'brown' ? -1 : 0;
  const waves = Array.from({ length: NOISE_COMPONENTS }, (): PlaneWave => {
    const cpd = family === 'bandpass' ? centre * 2 ** rng.uniform(-0.5, 0.5) : logUniform(rng, lowCpd, highCpd);
    const angle = family === 'oriented' ? orientation + rng.uniform(-ORIENTED_NOISE_HALF_WIDTH_DEG, ORIENTED_NOISE_HALF_WIDTH_DEG) : rng.uniform(0, 180);
    return planeWave(cpd * TEXTURE_VISUAL_DEGREES, angle, rng.uniform(0, 2 * Math.PI), cpd ** exponent);
  });
  return { field: standardize(sumOfWaves(size, waves)), orientation, frequency: centre };
}

/** Paints a background of `kind` and returns its mean luminance (the mid-point of its two grays). */
function paintBackground(image: RgbImage, kind: (typeof OBJECT_BACKGROUNDS)[number], rng: SeededRandom): number {
  const from = rng.uniform(...BACKGROUND_LUMINANCE_RANGE);
  const to = rng.uniform(...BACKGROUND_LUMINANCE_RANGE);
  const size = image.size;
  const mix = new Float64Array(size * size);
  if (kind === 'gradient') {
    const angle = rng.uniform(0, 2 * Math.PI);
    const [dx, dy] = [Math.cos(angle), Math.sin(angle)];
    for (let y = 0; y < size; y++) {
      // Projection on the direction, in [−√½, √½] over the image, mapped to [0, 1].
      for (let x = 0; x < size; x++) mix[y * size + x] = 0.5 + (dx * ((x + 0.5) / size - 0.5) + dy * ((y + 0.5) / size - 0.5)) / Math.SQRT2;
    }
  } else if (kind === 'noise') {
    const [low, high] = BACKGROUND_NOISE_FREQUENCY_RANGE;
    const waves = Array.from({ length: BACKGROUND_NOISE_COMPONENTS }, () => planeWave(logUniform(rng, low, high), rng.uniform(0, 180), rng.uniform(0, 2 * Math.PI), 1));
    const field = standardize(sumOfWaves(size, waves));
    for (let p = 0; p < mix.length; p++) mix[p] = 0.5 + BACKGROUND_NOISE_SPREAD * field[p];
  }
  paintMix(image, mix, gray(from), gray(to));
  // A uniform background is all `from`; the others mix the two grays symmetrically about ½.
  return kind === 'uniform' ? from : (from + to) / 2;
}

/** Draws an aperture's place and size, applies it to `field`, and returns the row columns describing it. */
function drawAperture(field: Float64Array, rng: SeededRandom): { position_x: number; position_y: number; aperture_radius_deg: number } {
  const centreX = rng.uniform(...APERTURE_CENTRE_RANGE);
  const centreY = rng.uniform(...APERTURE_CENTRE_RANGE);
  const radius = rng.uniform(...APERTURE_RADIUS_RANGE);
  applyAperture(field, SYNTHETIC_IMAGE_SIZE, centreX, centreY, radius);
  const degrees = TEXTURE_VISUAL_DEGREES;
  return { position_x: (centreX - 0.5) * degrees, position_y: (0.5 - centreY) * degrees, aperture_radius_deg: radius * degrees };
}

function gray(luminance: number): number[] {
  return [luminance, luminance, luminance];
}

function logUniform(rng: SeededRandom, low: number, high: number): number {
  return low * (high / low) ** rng.uniform();
}

function pad(value: number, width: number): string {
  return String(value).padStart(width, '0');
}

async function encodeSet(identifier: string, degrees: number, rows: StimulusRow[], drawn: RgbImage[]): Promise<StimulusSet> {
  const encoded = await Promise.all(drawn.map(encodeRgbPng));
  return inMemoryStimulusSet(identifier, degrees, rows, new Map(rows.map((row, i) => [row.stimulus_id, encoded[i]])));
}

