/**
 * The seed's bootstrap (FIT-SEMANTICS §5): numpy's default_rng stream reproduced bit for bit, and
 * the first resamples of compute_neuro refitted to losses found in the seed's stored bootstrap list.
 */
import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { expectAllClose, sharedPath } from '@vvs/test-utils';
import { defaultRng, PCG64, SeedSequence } from '../src/pcg64.ts';
import { bootstrapFits, bootstrapResamples, percentiles, type BootstrapFit } from '../src/bootstrap.ts';
import { loadFitConfig } from '../src/config.ts';
import { readScoresTable } from '../src/scores-table.ts';
import { selectData, type OneVariableData } from '../src/select.ts';

// Literals below were computed with Python 3 / numpy 1.24.2, e.g.
//   import numpy as np; r = np.random.default_rng(42).integers(0, 620, size=(1000, 620))
//   r[0, :10].tolist(); r.ravel()[-5:].tolist(); int(r.sum())

describe('numpy default_rng (SeedSequence → PCG64)', () => {
  it('mixes the seed into the same SeedSequence pool and PCG64 state', () => {
    // np.random.SeedSequence(42).pool; np.random.default_rng(42).bit_generator.state
    expect(Array.from(new SeedSequence(42).pool)).toEqual([1662858758, 128880814, 1875164712, 753753205]);
    const { state, inc } = new PCG64(42).stateValue;
    expect(state).toBe(274674114334540486603088602300644985544n);
    expect(inc).toBe(332724090758049132448979897138935081983n);
  });

  it('gives the same raw 64-bit outputs', () => {
    // g = np.random.default_rng(42); [hex(g.bit_generator.random_raw()) for _ in range(3)]
    const bg = new PCG64(42);
    expect([bg.nextUint64(), bg.nextUint64(), bg.nextUint64()]).toEqual([
      0xc621fbcd16d92688n, 0x705a5661a791ffc1n, 0xdbcd12c26eda1624n,
    ]);
  });

  it('draws integers(0, 620, size=(1000, 620)) as numpy', () => {
    const r = defaultRng(42).integers(0, 620, [1000, 620]);
    expect(r.length).toBe(620_000);
    expect(Array.from(r.subarray(0, 10))).toEqual([55, 479, 405, 272, 268, 532, 53, 432, 124, 58]);
    expect(Array.from(r.subarray(r.length - 5))).toEqual([487, 77, 526, 342, 579]);
    // int(r.sum()); int((r.ravel() * np.arange(r.size) % 1000003).sum()): every draw, in place.
    let sum = 0;
    let weighted = 0;
    for (let i = 0; i < r.length; i++) {
      sum += r[i];
      weighted += (r[i] * i) % 1000003;
    }
    expect(sum).toBe(191825290);
    expect(weighted).toBe(308573020183);
  });

  it('draws for another seed and range', () => {
    // r = np.random.default_rng(7).integers(0, 191, size=(50, 191))
    const r = defaultRng(7).integers(0, 191, [50, 191]);
    expect(Array.from(r.subarray(0, 10))).toEqual([180, 119, 130, 171, 110, 148, 159, 43, 10, 57]);
    expect(Array.from(r.subarray(r.length - 5))).toEqual([113, 177, 44, 187, 143]);
    expect(r.reduce((a, b) => a + b, 0)).toBe(904664);
  });

  it('follows numpy for multi-word seeds, rejection-heavy ranges, 2^32 and one-value ranges', () => {
    // np.random.default_rng(2**70 + 12345).integers(0, 3_000_000_001, size=8).tolist()
    expect(Array.from(defaultRng(2n ** 70n + 12345n).integers(0, 3_000_000_001, 8))).toEqual([
      206427759, 690211046, 2522300746, 1774745529, 2514009502, 2009313417, 724826473, 934998798,
    ]);
    // np.random.default_rng(0).integers(-5, 2**32 - 5, size=5).tolist()
    expect(Array.from(defaultRng(0).integers(-5, 2 ** 32 - 5, 5))).toEqual([
      3653403226, 2735729610, 2195314460, 1158725107, 1322117299,
    ]);
    expect(Array.from(defaultRng(123).integers(10, 11, 3))).toEqual([10, 10, 10]);
  });

  it('rejects what it does not port', () => {
    expect(() => defaultRng(-1)).toThrow(RangeError);
    expect(() => defaultRng(1).integers(5, 5, 1)).toThrow(RangeError);
    expect(() => defaultRng(1).integers(0, 2 ** 33, 1)).toThrow(RangeError);
  });
});

describe('percentiles', () => {
  it('matches numpy.percentile (linear) to the bit', () => {
    // np.percentile([3., 1., 2., 10.], [2.5, 50, 97.5, 33.3]).tolist()
    expect(percentiles([3, 1, 2, 10], [2.5, 50, 97.5, 33.3])).toEqual([1.075, 2.5, 9.474999999999998, 1.9989999999999999]);
    // a = np.random.default_rng(1).normal(size=37); np.percentile(a, [0, 2.5, 50, 97.5, 100]).tolist()
    const a = [
      0.345584192064786, 0.8216181435011584, 0.33043707618338714, -1.303157231604361, 0.9053558666731177,
      0.4463745723640113, -0.5369532353602852, 0.5811181041963531, 0.36457239618607573, 0.294132496655526,
      0.02842224131579679, 0.5467129866124469, -0.7364540870016669, -0.16290994799305278, -0.48211931267997826,
      0.5988462126346276, 0.03972210748165899, -0.2924567509650886, -0.7819084623568421, -0.2571922406188707,
      0.008142180518343508, -0.2756029052993704, 1.2940638143982073, 1.0067243153057943, -2.7111624789659685,
      -1.8890132459676727, -0.17477209205516195, -0.42219041157635356, 0.2136429974986111, 0.21732193102256359,
      2.1178387550510482, -1.1120207626922813, -0.37760500712699807, 2.0427716074923303, 0.6467029962018469,
      0.6630633723762617, -0.5140063716874629,
    ];
    expect(percentiles(a, [0, 2.5, 50, 97.5, 100])).toEqual([
      -2.7111624789659685, -1.9712281692675022, 0.03972210748165899, 2.0502783222482024, 2.1178387550510482,
    ]);
    expect(percentiles([1, NaN, 2], [50])).toEqual([NaN]);
  });
});

describe('bootstrapResamples', () => {
  it('is one integers call of shape (numBootstraps, int(n · dataFraction))', () => {
    const full = bootstrapResamples(620);
    expect(full.length).toBe(1000);
    expect(Array.from(full[0].subarray(0, 10))).toEqual([55, 479, 405, 272, 268, 532, 53, 432, 124, 58]);
    expect(Array.from(full[999].subarray(615))).toEqual([487, 77, 526, 342, 579]);
    const half = bootstrapResamples(191, { numBootstraps: 50, dataFraction: 0.5, seed: 7 });
    expect(half.length).toBe(50);
    expect(half[0].length).toBe(95);
    // The same stream, cut into rows of 95: numpy's r = default_rng(7).integers(0, 191, size=(50, 95)).
    expect(Array.from(half[0].subarray(0, 10))).toEqual([180, 119, 130, 171, 110, 148, 159, 43, 10, 57]);
  });
});

/** Agreement with a stored bootstrap loss (the seed's BFGS used finite-difference gradients). */
const LOSS_RTOL = 1e-6;
/** Agreement with the stored raw parameters: relative, or absolute below 1e-3. */
const PARAM_TOL = 1e-3;
/** Resamples refitted here (each is a 150-start grid on 620 points). */
const FIRST = 10;

describe('bootstrapFits on compute_neuro', () => {
  let fits: BootstrapFit[];
  let stored: Array<Record<string, number>>;

  beforeAll(async () => {
    const table = await readScoresTable(sharedPath('seed/artifacts/benchmark_scores.csv'));
    const config = await loadFitConfig(sharedPath('seed/fit-configs/compute/compute_neuro.yaml'));
    const data = selectData(table, config) as OneVariableData;
    const { delta, initialParameters, numBootstraps, dataFraction, randomState } = config.fitting;
    fits = bootstrapFits(data, config.fitting.lossFunction, initialParameters, delta, {
      numBootstraps,
      dataFraction,
      seed: randomState,
      first: FIRST,
    });
    const [header, ...lines] = readFileSync(sharedPath('seed/fit-results/compute_neuro.bootstrap.csv'), 'utf8').trim().split('\n');
    const names = header.split(',');
    stored = lines.map((line) => Object.fromEntries(line.split(',').map((v, j) => [names[j], Number(v)])));
  }, 60_000);

  it('fits the requested resamples, in order', () => {
    expect(fits.length).toBe(FIRST);
    expect(stored.length).toBe(1000);
  });

  it("finds each resample's loss and parameters among the seed's bootstrap fits", () => {
    for (const [i, fit] of fits.entries()) {
      const match = stored.reduce((best, row) => (Math.abs(row.loss - fit.loss) < Math.abs(best.loss - fit.loss) ? row : best));
      expectAllClose([fit.loss], [match.loss], { rtol: LOSS_RTOL }, `resample ${i} loss`);
      for (const key of ['e', 'a', 'alpha']) {
        const tol = Math.abs(match[key]) < PARAM_TOL ? { atol: PARAM_TOL } : { rtol: PARAM_TOL };
        expectAllClose([fit.params[key]], [match[key]], tol, `resample ${i} ${key}`);
      }
    }
  });
});
