/**
 * `vvs score-features`: Brain-Score's neural predictivity of precomputed features against a recording.
 */
import type { Command } from 'commander';
import {
  EXAMPLE_POPULATION,
  InputError,
  parseTimeBin,
  scoreFeatures,
  syntheticPopulation,
  type Assembly,
  type LazyFeatures,
  type FeatureScore,
} from '@vvs/core';
import { openFeatures, readNetcdfAssembly } from '@vvs/io';
import { parseNormalization, type RegressionKind } from '@vvs/metrics';
import { parseCount } from '../flags.ts';
import { progressReporter } from '../progress.ts';

interface ScoreFeaturesFlags {
  features?: string;
  stimulusIds?: string;
  assembly?: string;
  example?: boolean;
  stratifyBy: string;
  regression: string;
  normalization: string;
  components: string;
  timeBin?: string;
  exact?: boolean;
  json?: boolean;
}

/**
 * Adds `score-features` to a commander program.
 *
 * @example
 * const program = new Command('vvs');
 * registerScoreFeatures(program);
 * await program.parseAsync(['node', 'vvs', 'score-features', '--example']);
 */
export function registerScoreFeatures(program: Command): void {
  program
    .command('score-features')
    .description('score precomputed model features against a neural recording, as Brain-Score does')
    .option('--features <file>', 'features: a Brain-Score activations .nc, or a .npy (stimuli × features) with --stimulus-ids')
    .option('--stimulus-ids <file>', 'stimulus ids of the .npy rows: a text file (one per line), .json array or .csv with stimulus_id')
    .option('--assembly <file>', 'the neural recording: a Brain-Score NetCDF4 assembly (presentation × neuroid [× time_bin])')
    .option('--example', 'score the built-in synthetic example (no files needed)')
    .option('--stratify-by <coord>', "presentation coordinate for stratified splits, or 'none'", 'object_name')
    .option('--regression <kind>', 'pls or ridge', 'pls')
    .option('--normalization <name>', 'squared_ratio (Brain-Score 2019–2026), r_over_c (2018) or r2_over_c (2026–)', 'squared_ratio')
    .option('--components <n>', 'PLS components', '25')
    .option('--time-bin <bin>', 'pick one time bin by index (0) or window in ms (70-170); default: average the bins')
    .option('--exact', "scikit-learn-parity NIPALS on the feature matrix (slow on wide features) instead of the kernel fast path")
    .option('--json', 'print one JSON object instead of a summary')
    .action(async (flags: ScoreFeaturesFlags) => {
      const { features, recording } = await loadInputs(flags);
      const regression = parseRegression(flags.regression);
      const progress = progressReporter(!flags.json);
      const score = await scoreFeatures(features, recording, {
        stratifyBy: flags.stratifyBy === 'none' ? null : flags.stratifyBy,
        regression,
        exact: Boolean(flags.exact),
        normalization: parseNormalization(flags.normalization),
        nComponents: parseCount(flags.components, '--components'),
        timeBin: flags.timeBin === undefined ? undefined : parseTimeBin(flags.timeBin),
        onWarning: (m) => process.stderr.write(`warning: ${m}\n`),
        onProgress: (stage, done, total) => progress(`${stage} ${done}/${total}`),
      });
      progress.done();
      process.stdout.write(flags.json ? `${JSON.stringify(toJson(score))}\n` : summary(score));
    });
}

async function loadInputs(flags: ScoreFeaturesFlags): Promise<{ features: Assembly | LazyFeatures; recording: Assembly }> {
  if (flags.example) {
    if (flags.features || flags.assembly) throw new InputError('--example cannot be combined with --features or --assembly');
    return syntheticPopulation(EXAMPLE_POPULATION);
  }
  if (!flags.features || !flags.assembly) {
    throw new InputError('score-features needs --features <file> and --assembly <file> (or --example)');
  }
  const [features, recording] = await Promise.all([
    openFeatures(flags.features, { stimulusIdsPath: flags.stimulusIds }),
    readNetcdfAssembly(flags.assembly),
  ]);
  return { features, recording };
}

function parseRegression(kind: string): RegressionKind {
  if (kind === 'pls' || kind === 'ridge') return kind;
  throw new InputError(`--regression: expected pls or ridge, got '${kind}'`);
}


/** The `--json` object: the score, its split details, and the shape of the data. */
function toJson(score: FeatureScore) {
  return {
    raw: score.raw,
    ceiling: score.ceiling,
    score: score.value,
    unclippedScore: score.unclipped,
    error: score.error,
    ceilingError: score.ceilingError,
    normalization: score.normalization,
    ...score.attrs,
    stimuli: score.stimuli,
    neuroids: score.neuroids,
    featureColumns: score.featureColumns,
    splits: score.splits,
    ceilingSplits: score.ceilingSplits,
    warnings: score.warnings,
  };
}

function summary(score: FeatureScore): string {
  const f = (x: number | undefined) => (x === undefined ? '—' : x.toFixed(4));
  return [
    `score       ${f(score.value)}  (${score.normalization}; unclipped ${f(score.unclipped)})`,
    `raw         ${f(score.raw)} ± ${f(score.error)}  (mean over ${score.splits.length} splits of the median Pearson r)`,
    `ceiling     ${f(score.ceiling)} ± ${f(score.ceilingError)}  (split-half internal consistency, Spearman–Brown)`,
    `data        ${score.stimuli} stimuli, ${score.neuroids} neuroids, ${score.featureColumns} feature columns`,
    '',
  ].join('\n');
}
