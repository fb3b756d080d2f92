/**
 * `vvs run`: every model on every benchmark, each score written to the results database as it
 * finishes; a rerun completes only what is missing.
 */
import type { Command } from 'commander';
import { InputError, VvsError } from '@vvs/core';
import { ResultsStore } from '@vvs/results';
import { onnxSuiteModel, runSuite, WorkerComputePool, type SuiteProgress } from '@vvs/suite';
import { availableParallelism } from 'node:os';
import { DEVICES, parseDevice } from '@vvs/models-onnx';
import { collect, parseCount, parseList } from '../flags.ts';
import { createRegistry } from '../plugins.ts';
import { SuiteEta, formatDuration, progressReporter, suiteProgressLine } from '../progress.ts';
import { resultsTable } from './results.ts';

/** The models a bare `vvs run` scores: the built-in ones, which need no download. */
export const DEFAULT_MODELS = ['builtin:pixels', 'builtin:gabor', 'builtin:cnn'] as const;

/** How often the live progress line is redrawn on a terminal. */
const PROGRESS_TICK_MS = 1000;

/** The results database a bare `vvs run` writes. */
export const DEFAULT_STORE = 'vvs-results.duckdb';

interface RunFlags {
  models?: string;
  workers?: string;
  device?: string;
  benchmarks?: string;
  store: string;
  force?: boolean;
  plugin: string[];
  cacheDir?: string;
  offline?: boolean;
  json?: boolean;
}

/**
 * Adds `run` to a commander program. Defaults: the built-in models on the synthetic suite. Layers
 * are chosen by automatic selection among a model's top-level modules (its leaf layers when it has
 * a single module).
 *
 * @example
 * const program = new Command('vvs');
 * registerRun(program);
 * await program.parseAsync(['node', 'vvs', 'run', '--models', 'builtin:cnn', '--benchmarks', 'synthetic.IT']);
 */
export function registerRun(program: Command): void {
  program
    .command('run')
    .description('score every model on every benchmark into a results database (default: built-in models × synthetic suite); reruns resume')
    .option('--models <specs>', `comma-separated models: .onnx files or builtin:<name>[@seed] (default: ${DEFAULT_MODELS.join(',')})`)
    .option('--benchmarks <ids>', 'comma-separated benchmark ids (default: the synthetic suite)')
    .option('--store <file>', 'the results database (DuckDB)', DEFAULT_STORE)
    .option('--force', 'score pairs the database already has')
    .option('--workers <n>', `worker threads for the scoring, 0 = in the main thread (default: ${availableParallelism()}, the cores)`)
    .option('--device <device>', `where the models run: ${DEVICES.join(', ')} (default: cpu)`)
    .option('--plugin <module>', 'load a benchmark plugin (package name or path); repeatable', collect, [])
    .option('--cache-dir <dir>', 'where published data sets are cached')
    .option('--offline', 'never download')
    .option('--json', 'print the results as a JSON array instead of a table')
    .action(async (flags: RunFlags) => {
      const workers = flags.workers === undefined ? availableParallelism() : parseCount(flags.workers, '--workers', { allowZero: true });
      const controller = new AbortController();
      // Started first: the workers load their modules (a second or so each) while this thread reads
      // the plugins, the benchmarks' data and the store.
      const pool = workers > 0 ? new WorkerComputePool({ workers, signal: controller.signal }) : undefined;
      try {
        await runOnPool(flags, pool, controller);
      } finally {
        await pool?.close();
      }
    });
}

/** `vvs run`'s work once its pool is starting (see {@link registerRun}). */
async function runOnPool(flags: RunFlags, pool: WorkerComputePool | undefined, controller: AbortController): Promise<void> {
  const registry = await createRegistry({
    plugins: flags.plugin,
    ...(flags.cacheDir !== undefined ? { cacheDir: flags.cacheDir } : {}),
    ...(flags.offline ? { offline: true } : {}),
  });
  const benchmarks = flags.benchmarks === undefined
    ? registry.list('benchmark').filter((b) => registry.benchmark(b.id).synthetic).map((b) => b.id)
    : parseList(flags.benchmarks, '--benchmarks', 'benchmark ids');
  for (const id of benchmarks) registry.benchmark(id); // unknown ids fail before any work
  const device = flags.device === undefined ? undefined : parseDevice(flags.device);
  const models = (flags.models === undefined ? [...DEFAULT_MODELS] : parseList(flags.models, '--models', 'models')).map((spec) =>
    onnxSuiteModel(spec, {}, device === undefined ? {} : { device }),
  );
  const store = await ResultsStore.open(flags.store);
  const progress = progressReporter(!flags.json);
  const eta = new SuiteEta();
  const started = performance.now();
  let last: SuiteProgress | undefined;
  const log = (e: SuiteProgress) => {
    last = e;
    const line = suiteProgressLine(e, eta.update(e));
    if (process.stderr.isTTY) progress(line);
    else if (!flags.json && e.stage !== 'selecting' && e.stage !== 'scoring') process.stderr.write(`${line}\n`);
  };
  // On a terminal the line ticks between events, so that elapsed and remaining time stay live.
  const ticker = process.stderr.isTTY && !flags.json
    ? setInterval(() => last && progress(suiteProgressLine(last, eta.at(performance.now() - started))), PROGRESS_TICK_MS)
    : undefined;
  const stop = () => {
    progress.done();
    process.stderr.write('vvs: stopping once the tasks in flight finish (Ctrl-C again quits at once; finished pairs are saved either way)\n');
    controller.abort(new InputError('interrupted: finished pairs are saved; run the same command to resume'));
  };
  process.once('SIGINT', stop);
  try {
    const summary = await runSuite({
      registry,
      models,
      benchmarks,
      store,
      ...(flags.force ? { force: true } : {}),
      ...(pool ? { compute: pool } : { workers: 0 }),
      ...(flags.cacheDir !== undefined ? { cacheDir: flags.cacheDir } : {}),
      signal: controller.signal,
      onProgress: log,
    });
    progress.done();
    const rows = (await store.rows()).filter((r) => benchmarks.includes(r.benchmark) && models.some((m) => m.id === r.model));
    process.stdout.write(flags.json ? `${JSON.stringify(rows)}\n` : resultsTable(rows));
    for (const f of summary.failures) process.stderr.write(`vvs: FAILED ${f.model} × ${f.benchmark}: ${f.message}\n`);
    process.stderr.write(
      `vvs: ${summary.scored} scored, ${summary.skipped} already in ${flags.store}, ${summary.failed} failed${summary.aborted ? ' (interrupted)' : ''} in ${formatDuration(eta.elapsedMs)}\n`,
    );
    if (summary.failed > 0 || summary.aborted) {
      const what = summary.aborted ? 'the run was interrupted' : `${summary.failed} pair${summary.failed === 1 ? '' : 's'} failed (listed above)`;
      throw new VvsError(`${what}; run the same command to retry what is missing`, { code: summary.aborted ? 'E_INTERRUPTED' : 'E_PAIRS_FAILED' });
    }
  } finally {
    clearInterval(ticker);
    process.off('SIGINT', stop);
    progress.done();
    store.close();
  }
}
