/**
 * The scaling laws of brain alignment with compute, fitted from TypeScript: the seed's compute_neuro
 * and compute_behavior experiments (1 − S = E + A·C^−alpha, fitted in log space with the Huber loss
 * from every start of the config's grid), a bootstrap of each fit, and the paper's figures.
 *
 *   pnpm --filter @vvs/example-fit-scaling-laws start                       # figures in ./fit-figures
 *   pnpm --filter @vvs/example-fit-scaling-laws start out --bootstrap 1000 --scores benchmark_scores.csv
 *
 * Flags: `--configs <dir>`, the seed's fit-configs folder (default: `$VVS_SHARED/seed/fit-configs`,
 * else `../shared/seed/fit-configs` beside the repository); `--scores <csv>`, the scores table
 * (default: the seed's, downloaded into vvs's cache on first use and checked by SHA-1);
 * `--bootstrap <n>`, resamples refitted per experiment (default 100; the seed's figures use 1000).
 * The one positional argument is the output folder.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { fitExperiment, scalingLawFigure, seedScoresTable, type ExperimentFit } from '@vvs/fit';
import { renderSvg, scalingLawSpec, svgToPng } from '@vvs/report';

/** Fewer resamples than the seed's 1000, so that the example runs in seconds; the intervals are rougher. */
const DEFAULT_BOOTSTRAP = 100;
/** Pixels per SVG unit of the PNGs (sharp on high-density screens and in print). */
const PNG_SCALE = 2;
/** The experiments, by their config under the seed's fit-configs folder. */
const EXPERIMENTS = ['compute/compute_neuro.yaml', 'compute/compute_behavior.yaml'];

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: { configs: { type: 'string' }, scores: { type: 'string' }, bootstrap: { type: 'string' } },
});
const configs = values.configs ?? join(process.env.VVS_SHARED ? resolve(process.env.VVS_SHARED) : resolve(repoRoot, '../shared'), 'seed/fit-configs');
const bootstrap = Number(values.bootstrap ?? DEFAULT_BOOTSTRAP);
if (!(Number.isSafeInteger(bootstrap) && bootstrap >= 0)) throw new RangeError(`--bootstrap: expected a non-negative integer, got '${values.bootstrap}'`);
const outDir = resolve(positionals[0] ?? 'fit-figures');

/** Rewrites one status line on a terminal (and stays quiet in logs); `null` ends the line. */
function status(line: string | null): void {
  if (process.stderr.isTTY) process.stderr.write(line === null ? '\n' : `\r${line}\x1b[K`);
}

// The seed's table is fetched once (1.9 MB) and read from the cache afterwards; VVS_OFFLINE=1 forbids the download.
const scores = values.scores ?? (await seedScoresTable({ onProgress: ({ received, total }) => status(`fetching the seed's scores table: ${received} of ${total ?? '?'} bytes`) }));
if (values.scores === undefined) status(null);
await mkdir(outDir, { recursive: true });

/** `0.157 (95 % 0.110–0.213)`: a parameter of the fit with its bootstrap interval, when there is one. */
function withInterval(fit: ExperimentFit, name: string): string {
  const value = fit.params.converted[name]!.toFixed(3);
  const p = fit.bootstrap?.summary.converted[name];
  return p === undefined ? value : `${value} (95 % ${p['p2.5'].toFixed(3)}–${p['p97.5'].toFixed(3)})`;
}

for (const config of EXPERIMENTS) {
  const started = performance.now();
  // The bootstrap refits run on worker threads, one per core; the fits do not depend on their number.
  const fit = await fitExperiment(join(configs, config), scores, {
    bootstrap,
    onProgress: (done, total) => status(`${config}: bootstrap ${done}/${total}`),
  });
  if (bootstrap > 0) status(null);
  console.log(`${fit.experiment}: ${fit.n} models, Huber loss ${fit.loss.toPrecision(4)}, ${((performance.now() - started) / 1000).toFixed(1)} s`);
  // alpha: how fast alignment approaches its ceiling with compute; S_inf = 1 − E: the ceiling itself.
  console.log(`  alpha  ${withInterval(fit, 'alpha')}`);
  console.log(`  S_inf  ${withInterval(fit, 'S_inf')}`);

  // Points, the fitted law and the bootstrap's 95 % band, as a vega-lite figure rendered without a browser.
  const svg = await renderSvg(scalingLawSpec(scalingLawFigure(fit)));
  const base = join(outDir, fit.experiment.replaceAll('_', '-'));
  await writeFile(`${base}.svg`, svg);
  await writeFile(`${base}.png`, svgToPng(svg, { scale: PNG_SCALE }));
  console.log(`  wrote ${base}.svg and .png`);
}
