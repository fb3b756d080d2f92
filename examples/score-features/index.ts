/**
 * Scores model features against a neural recording from TypeScript.
 *
 *   pnpm --filter @vvs/example-score-features start                      # built-in synthetic data
 *   pnpm --filter @vvs/example-score-features start features.npy ids.txt recording.nc
 *
 * The same numbers as `vvs score-features`, but as values a program can loop over: here, one score
 * per normalisation rule Brain-Score has used, and the exact (scikit-learn parity) path beside the
 * default fast path.
 */
import { EXAMPLE_POPULATION, scoreFeatures, syntheticPopulation, type Assembly, type LazyFeatures } from '@vvs/core';
import { openFeatures, readNetcdfAssembly } from '@vvs/io';

const [featuresPath, idsPath, recordingPath] = process.argv.slice(2);
let features: Assembly | LazyFeatures;
let recording: Assembly;
if (featuresPath && recordingPath) {
  features = await openFeatures(featuresPath, { stimulusIdsPath: idsPath });
  recording = await readNetcdfAssembly(recordingPath);
} else {
  ({ features, recording } = await syntheticPopulation(EXAMPLE_POPULATION));
}

for (const normalization of ['r_over_c', 'squared_ratio', 'r2_over_c'] as const) {
  const score = await scoreFeatures(features, recording, { normalization });
  console.log(`${normalization.padEnd(13)} score ${score.value.toFixed(4)}  raw ${score.raw.toFixed(4)}  ceiling ${score.ceiling.toFixed(4)}`);
}
const exact = await scoreFeatures(features, recording, { exact: true });
console.log(`exact NIPALS  raw ${exact.raw.toFixed(6)} (scikit-learn parity path)`);
