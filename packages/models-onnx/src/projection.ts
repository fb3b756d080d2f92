/**
 * A seeded sparse random projection that compresses a layer's activations on the fly: the
 * scaling_primate_vvs seed's alternative to Brain-Score's ImageNet-PCA of each layer.
 */
import { RandomState } from '@vvs/metrics';

/** Components a layer is projected to by default: Brain-Score's 1000 PCA components, kept for comparability. */
export const DEFAULT_PROJECTION_COMPONENTS = 1000;

/** Seed of the projection matrix when none is given. */
export const DEFAULT_PROJECTION_SEED = 0;

/**
 * Standard deviations of slack given to the first allocation of the nonzero buffer above the
 * expected count, so that growing it is rare (the count is Binomial(nFeatures·nComponents, density)).
 */
const CAPACITY_SLACK_SDS = 6;

/** Options of {@link SparseRandomProjection}. */
export interface SparseRandomProjectionOptions {
  /** Input dimension p: the layer's flattened size. */
  nFeatures: number;
  /** Output dimension k. Default {@link DEFAULT_PROJECTION_COMPONENTS} (1000). */
  nComponents?: number;
  /** Seed (integer in [0, 2^32 − 1]) of the MT19937 stream that draws the matrix. Default {@link DEFAULT_PROJECTION_SEED}. */
  seed?: number;
  /** Probability that an entry is nonzero, in (0, 1]; default `'auto'` = 1/√p (Li, Hastie & Church 2006). */
  density?: number | 'auto';
}

function checkCount(value: number, name: string): void {
  if (!Number.isSafeInteger(value) || value < 1) throw new RangeError(`${name}: expected a positive integer, got ${value}`);
}

/**
 * scikit-learn's `SparseRandomProjection(n_components=k, density='auto')` as a streaming operator:
 * x ↦ xR with R a p × k matrix whose entries are independently
 *
 *   +√(1/d)/√k with probability d/2,   0 with probability 1 − d,   −√(1/d)/√k with probability d/2,
 *
 * d = 1/√p by default (Achlioptas 2003; Li, Hastie & Church 2006, "Very sparse random projections").
 * E‖xR‖² = ‖x‖², and for k = 1000 the ratio ‖xR‖²/‖x‖² stays within a few percent of 1
 * (Johnson–Lindenstrauss), so distances between stimuli survive the compression.
 *
 * The distribution is scikit-learn's, the random draws are not: scikit-learn draws R row by row
 * of its k × p `components_`, and this class draws it input feature by input feature from numpy's
 * legacy MT19937 (`RandomState(seed).random_sample`), skipping over zeros with geometric gaps, so a
 * matrix with nnz nonzeros costs about nnz + p draws instead of p·k. R is fully determined by
 * (seed, nFeatures, nComponents, density). Only the nonzeros are stored, grouped by input feature
 * (CSR of R): about k·√p entries of 4 bytes, e.g. 0.9 M entries (3.6 MB) for a 64 × 112 × 112 layer.
 *
 * @example
 * const projection = new SparseRandomProjection({ nFeatures: 256 * 13 * 13, nComponents: 1000, seed: 0 });
 * const projected = projection.transform(batch.data); // (batch × 43264) → (batch × 1000), float32
 */
export class SparseRandomProjection {
  /** Input dimension p. */
  readonly nFeatures: number;
  /** Output dimension k. */
  readonly nComponents: number;
  /** Seed of the matrix. */
  readonly seed: number;
  /** Probability of a nonzero entry, d. */
  readonly density: number;
  /** Magnitude √(1/d)/√k of every nonzero entry. */
  readonly scale: number;

  /** `featureStart[j] … featureStart[j+1]` index the nonzeros of input feature j in {@link entries}. */
  private readonly featureStart: Int32Array;
  /**
   * The nonzeros' component indices, the sign folded in to halve memory: c for +scale, ~c (= −c − 1,
   * always negative) for −scale.
   */
  private readonly entries: Int32Array;

  /**
   * Draws the matrix.
   *
   * @throws RangeError when `nFeatures` or `nComponents` is not a positive integer, `density` is not
   *   in (0, 1], or `seed` is not an integer in [0, 2^32 − 1].
   */
  constructor(options: SparseRandomProjectionOptions) {
    const { nFeatures, nComponents = DEFAULT_PROJECTION_COMPONENTS, seed = DEFAULT_PROJECTION_SEED, density = 'auto' } = options;
    checkCount(nFeatures, 'nFeatures');
    checkCount(nComponents, 'nComponents');
    const d = density === 'auto' ? 1 / Math.sqrt(nFeatures) : density;
    if (!(d > 0 && d <= 1)) throw new RangeError(`density: expected 'auto' or a number in (0, 1], got ${density}`);
    this.nFeatures = nFeatures;
    this.nComponents = nComponents;
    this.seed = seed;
    this.density = d;
    this.scale = Math.sqrt(1 / d) / Math.sqrt(nComponents);

    const random = new RandomState(seed);
    // Failures before the next success of Bernoulli(d) trials is Geometric(d): ⌊ln U / ln(1 − d)⌋.
    // With d = 1, ln(1 − d) = −∞ and every gap is 0 (a dense ±1/√k matrix, as scikit-learn's).
    const logMiss = Math.log1p(-d);
    const expected = nFeatures * nComponents * d;
    let entries = new Int32Array(Math.ceil(expected + CAPACITY_SLACK_SDS * Math.sqrt(expected) + 1));
    const featureStart = new Int32Array(nFeatures + 1);
    let count = 0;
    for (let j = 0; j < nFeatures; j++) {
      featureStart[j] = count;
      for (let c = Math.floor(Math.log(1 - random.randomSample()) / logMiss); c < nComponents; c += 1 + Math.floor(Math.log(1 - random.randomSample()) / logMiss)) {
        if (count === entries.length) {
          const grown = new Int32Array(entries.length * 2);
          grown.set(entries);
          entries = grown;
        }
        entries[count++] = random.randomSample() < 0.5 ? ~c : c;
      }
    }
    featureStart[nFeatures] = count;
    this.featureStart = featureStart;
    this.entries = entries.slice(0, count);
  }

  /** Number of nonzero entries of the matrix (about nFeatures · nComponents · density). */
  get nonzeros(): number {
    return this.entries.length;
  }

  /**
   * The nonzero entries of row `feature` of R (the weights input feature `feature` sends to each
   * component), in increasing component order.
   *
   * @example
   * projection.featureEntries(0); // { components: Int32Array [17, 640], values: Float64Array [0.53, -0.53] }
   */
  featureEntries(feature: number): { components: Int32Array; values: Float64Array } {
    if (!Number.isInteger(feature) || feature < 0 || feature >= this.nFeatures) {
      throw new RangeError(`feature: expected an integer in [0, ${this.nFeatures - 1}], got ${feature}`);
    }
    const stored = this.entries.subarray(this.featureStart[feature], this.featureStart[feature + 1]);
    return {
      components: Int32Array.from(stored, (e) => (e < 0 ? ~e : e)),
      values: Float64Array.from(stored, (e) => (e < 0 ? -this.scale : this.scale)),
    };
  }

  /**
   * Projects a batch of rows: `rows` holds n row-major vectors of `nFeatures` (e.g. an
   * {@link ActivationBatch}'s data, one stimulus per row); returns the n × `nComponents` row-major
   * product rows · R, accumulated in float64 and stored as float32. Zero inputs (most ReLU outputs)
   * cost nothing.
   *
   * @throws RangeError when `rows.length` is not a multiple of `nFeatures`.
   * @example
   * const out = projection.transform(new Float32Array(2 * projection.nFeatures)); // 2 × 1000 zeros
   */
  transform(rows: Float32Array | Float64Array): Float32Array {
    const p = this.nFeatures;
    const k = this.nComponents;
    if (rows.length % p !== 0) {
      throw new RangeError(`rows: expected a multiple of nFeatures = ${p} values (one row per stimulus), got ${rows.length}`);
    }
    const n = rows.length / p;
    const out = new Float32Array(n * k);
    const sums = new Float64Array(k);
    const { featureStart, entries } = this;
    for (let i = 0; i < n; i++) {
      sums.fill(0);
      const base = i * p;
      for (let j = 0; j < p; j++) {
        const x = rows[base + j];
        if (x === 0) continue;
        for (let q = featureStart[j], end = featureStart[j + 1]; q < end; q++) {
          // Branch-free decoding (signs are coin flips, so a branch would mispredict half the time):
          // m is 0 for c and −1 for ~c; e ^ m recovers c, 2m + 1 the sign.
          const e = entries[q];
          const m = e >> 31;
          sums[e ^ m] += x * (2 * m + 1);
        }
      }
      for (let c = 0; c < k; c++) out[i * k + c] = sums[c] * this.scale;
    }
    return out;
  }
}
