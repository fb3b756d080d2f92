/**
 * `vvs fit`: one of the seed's scaling-law experiments fitted from its YAML config — the point fit,
 * the bootstrap's percentiles, and the figure.
 */
import { extname } from 'node:path';
import type { Command } from 'commander';
import { formatBytes, InputError, writeFileAtomic } from '@vvs/core';
import { experimentJson, fitExperiment, scalingLawFigure, seedScoresTable, type AllocationConvention, type ExperimentFit } from '@vvs/fit';
import { renderSvg, scalingLawSpec, svgToPng } from '@vvs/report';
import { parseCount, parseSeed } from '../flags.ts';
import { formatDuration, progressReporter } from '../progress.ts';

interface FitFlags {
  config: string;
  scores?: string;
  bootstrap?: string;
  seed?: string;
  workers?: string;
  convention: string;
  json?: boolean;
  plot?: string;
  cacheDir?: string;
}

/** Pixels per SVG unit of a PNG figure (sharp in print and on high-density screens). */
const FIGURE_PNG_SCALE = 2;

const CONVENTIONS: readonly AllocationConvention[] = ['seed', 'chinchilla'];

/** The fit as text: parameters with their bootstrap intervals, one per line. */
function fitText(fit: ExperimentFit): string {
  const lines = [`${fit.experiment}: ${fit.function} on ${fit.n} points, Huber loss ${fit.loss.toPrecision(6)}`];
  const summary = fit.bootstrap?.summary;
  const interval = (group: 'raw' | 'converted', name: string) => {
    const p = summary?.[group][name];
    return p === undefined ? '' : `   95 % [${p['p2.5'].toPrecision(4)}, ${p['p97.5'].toPrecision(4)}], median ${p.p50.toPrecision(4)}`;
  };
  for (const group of ['raw', 'converted'] as const) {
    lines.push(group === 'raw' ? 'log-space parameters:' : 'parameters:');
    for (const [name, value] of Object.entries(fit.params[group])) lines.push(`  ${name.padEnd(6)} ${value.toPrecision(6).padStart(12)}${interval(group, name)}`);
  }
  if (fit.allocation) {
    const { a, b, G, m, n, convention } = fit.allocation;
    lines.push(`compute-optimal allocation (${convention} convention): a = ${a.toPrecision(4)}, b = ${b.toPrecision(4)}, G = ${G.toPrecision(4)}, C ≈ ${m.toPrecision(4)}·(N·D)^${n.toPrecision(4)}`);
  }
  if (fit.bootstrap) lines.push(`bootstrap: ${fit.bootstrap.samples} resamples, seed ${fit.bootstrap.seed}`);
  return `${lines.join('\n')}\n`;
}

/** Writes the figure as SVG or PNG, by the file's extension. */
async function writeFigure(fit: ExperimentFit, file: string): Promise<void> {
  const svg = await renderSvg(scalingLawSpec(scalingLawFigure(fit)));
  await writeFileAtomic(file, extname(file).toLowerCase() === '.png' ? svgToPng(svg, { scale: FIGURE_PNG_SCALE }) : svg);
}

/**
 * Adds `fit` to a commander program.
 *
 * @example
 * registerFit(program);
 * await program.parseAsync(['node', 'vvs', 'fit', '--config', 'compute_neuro.yaml', '--bootstrap', '1000', '--plot', 'neuro.png']);
 */
export function registerFit(program: Command): void {
  program
    .command('fit')
    .description("fit one of the seed's scaling-law experiments (its YAML config): the law, bootstrap percentiles, a figure")
    .requiredOption('--config <yaml>', "the seed's fit config (base_config chains are followed)")
    .option('--scores <csv>', "the scores table (default: the seed's benchmark_scores.csv, fetched into the cache on first use)")
    .option('--bootstrap <n>', "bootstrap resamples to refit (default: the config's num_bootstraps, 1000); 0 skips the bootstrap")
    .option('--seed <s>', "seed of the resamples (default: the config's random_state, 42)")
    .option('--workers <n>', 'worker threads for the bootstrap refits (default: the number of cores; 0 refits in this thread)')
    .option('--convention <name>', `the joint law's allocation convention: ${CONVENTIONS.join(' or ')}`, 'seed')
    .option('--json', 'print one JSON object (experiment, function, n, loss, params, allocation, bootstrap)')
    .option('--plot <file>', 'write the figure: points, fitted law and 95 % band (.svg or .png)')
    .option('--cache-dir <dir>', 'the cache folder the seed scores table is kept in')
    .action(async (flags: FitFlags) => {
      if (!CONVENTIONS.includes(flags.convention as AllocationConvention)) {
        throw new InputError(`--convention: expected ${CONVENTIONS.join(' or ')}, got '${flags.convention}'`, { field: 'convention' });
      }
      if (flags.plot !== undefined && !['.svg', '.png'].includes(extname(flags.plot).toLowerCase())) {
        throw new InputError(`--plot: expected a .svg or .png file, got '${flags.plot}'`, { field: 'plot' });
      }
      const progress = progressReporter(!flags.json);
      const started = performance.now();
      const scores = flags.scores ?? (await seedScoresTable({
        ...(flags.cacheDir !== undefined ? { cacheDir: flags.cacheDir } : {}),
        onProgress: ({ received, total }) => progress(`fetching the seed's scores table: ${formatBytes(received)}${total ? ` of ${formatBytes(total)}` : ''}`),
      }));
      const controller = new AbortController();
      const stop = () => controller.abort(new InputError('interrupted: the bootstrap was stopped'));
      process.once('SIGINT', stop);
      try {
        const fit = await fitExperiment(flags.config, scores, {
          ...(flags.bootstrap !== undefined ? { bootstrap: parseCount(flags.bootstrap, '--bootstrap', { allowZero: true }) } : {}),
          ...(flags.seed !== undefined ? { seed: parseSeed(flags.seed, '--seed') } : {}),
          ...(flags.workers !== undefined ? { workers: parseCount(flags.workers, '--workers', { allowZero: true }) } : {}),
          convention: flags.convention as AllocationConvention,
          signal: controller.signal,
          onProgress: (done, total) => {
            const elapsed = performance.now() - started;
            progress(`bootstrap ${done}/${total} (${Math.floor((100 * done) / total)} %), ${formatDuration(elapsed)} elapsed, about ${formatDuration((elapsed / done) * (total - done))} left`);
          },
        });
        progress.done();
        process.stdout.write(flags.json ? `${JSON.stringify(experimentJson(fit))}\n` : fitText(fit));
        if (flags.plot !== undefined) {
          await writeFigure(fit, flags.plot);
          process.stderr.write(`vvs: wrote ${flags.plot}\n`);
        }
      } finally {
        process.off('SIGINT', stop);
        progress.done();
      }
    });
}
