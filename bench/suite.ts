/**
 * `pnpm bench:suite` (part of `pnpm bench`): the built-in suite (`vvs run`'s defaults: builtin:pixels,
 * builtin:gabor and builtin:cnn × the five synthetic benchmarks, 15 pairs).
 *
 * 1. A first run on an empty cache folder (2 workers), which also generates the synthetic data and
 *    keeps it there, as a first run on a new machine does.
 * 2. Rounds of runs with 1 and then 2 worker threads on the same, now filled, cache folder (the
 *    synthetic data and the ceilings are read, as on every later run), each into an empty results
 *    store: each round's wall times, speed-up and peak RSS (the whole process, workers included);
 *    then the median times and the median of the rounds' speed-ups, and whether every run's scores
 *    are bit-identical.
 *
 * Before that it calibrates the machine: the throughput of two threads against one on a loop that
 * stays in cache, on one that streams through memory (as the suite's large feature matrices and
 * L-BFGS histories do), and on the readout's matrix products. The suite's speed-up cannot exceed
 * what the machine gives the mix.
 *
 * Flags: --workers 1,2 (the counts to run), --rounds 3, --models a,b (instead of the built-in three).
 */
import { spawnSync } from 'node:child_process';
import { Worker } from 'node:worker_threads';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const ROOT = resolve(import.meta.dirname, '..');

/** The Node flags `pnpm vvs` runs the CLI with (the root package's `vvs` script), so that the runs measured are the runs users get. */
const VVS_NODE_FLAGS = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> }).scripts.vvs!
  .split(/\s+/)
  .filter((arg) => arg.startsWith('--'));
const args = process.argv.slice(2);
const flag = (name: string) => (args.includes(name) ? args[args.indexOf(name) + 1] : undefined);
const workerCounts = (flag('--workers') ?? '1,2').split(',').map(Number);
const models = flag('--models');
/**
 * Rounds of runs: each round runs every worker count once, one after another, so that a slow spell
 * of this shared machine slows both counts of a round alike; the median over rounds is reported.
 */
const rounds = Number(flag('--rounds') ?? 3);
if (!Number.isSafeInteger(rounds) || rounds < 1) throw new RangeError(`--rounds: expected a positive integer, got ${flag('--rounds')}`);

interface Row {
  model: string;
  benchmark: string;
  layer: string;
  score: number;
  raw: number;
  ceiling: number;
}

function runSuite(workers: number, store: string, cacheDir: string): { seconds: number; peakRssBytes: number; rows: Row[] } {
  const run = spawnSync(
    process.execPath,
    [...VVS_NODE_FLAGS, join(ROOT, 'bench/measure-cli.mjs'), 'run', '--workers', String(workers), '--store', store, '--json', ...(models ? ['--models', models] : [])],
    { cwd: ROOT, encoding: 'utf8', maxBuffer: 64 * 2 ** 20, env: { ...process.env, VVS_CACHE_DIR: cacheDir } },
  );
  if (run.status !== 0) throw new Error(`vvs run --workers ${workers} failed (${run.status}):\n${run.stderr}`);
  const measure = JSON.parse(run.stderr.trim().split('\n').filter((l) => l.startsWith('{"measure"')).pop()!).measure;
  return { seconds: measure.seconds, peakRssBytes: measure.peakRssBytes, rows: JSON.parse(run.stdout) as Row[] };
}

/** Length of the calibration vectors: 32 KiB stays in a core's cache, 64 MiB (two of them) does not. */
const CALIBRATION = { cache: { length: 4_096, passes: 60_000 }, memory: { length: 4_194_304, passes: 60 } } as const;

/** Seconds for `threads` threads each running the same dot-product loop at once. */
async function loopSeconds(threads: number, { length, passes }: { length: number; passes: number }): Promise<number> {
  const code = `
    const { parentPort, workerData: { length, passes } } = require('node:worker_threads');
    const a = new Float64Array(length).fill(1.0001), b = new Float64Array(length).fill(0.9999);
    let s = 0;
    for (let p = 0; p < passes; p++) for (let i = 0; i < length; i++) s += a[i] * b[i];
    parentPort.postMessage(s);`;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: threads }, () => new Promise((done, fail) => {
      const worker = new Worker(code, { eval: true, workerData: { length, passes } });
      worker.once('message', () => void worker.terminate().then(done)).once('error', fail);
    })),
  );
  return (performance.now() - started) / 1000;
}

/** The readout's products (bench/calibrate-gemm.mjs): its shapes, and passes enough for about 2 s on one thread. */
const GEMM_CALIBRATION = { rows: 320, cols: 25_088, classes: 8, passes: 100 } as const;

/** Seconds for `threads` threads each running the readout's matrix products at once (the slowest thread's time). */
async function gemmSeconds(threads: number): Promise<number> {
  const seconds = await Promise.all(
    Array.from({ length: threads }, () => new Promise<number>((done, fail) => {
      const worker = new Worker(new URL('./calibrate-gemm.mjs', import.meta.url), { workerData: GEMM_CALIBRATION });
      worker.once('message', (s: number) => void worker.terminate().then(() => done(s))).once('error', fail);
    })),
  );
  return Math.max(...seconds);
}

const throughput = async (kind: keyof typeof CALIBRATION) => (2 * (await loopSeconds(1, CALIBRATION[kind]))) / (await loopSeconds(2, CALIBRATION[kind]));
console.log('\n== This machine: throughput of 2 threads against 1 ==');
console.log(`a loop in cache ${(await throughput('cache')).toFixed(2)}×   a loop streaming through memory ${(await throughput('memory')).toFixed(2)}×`);
console.log(`the readout's matrix products (onnxruntime's GEMM, 320 × 25,088 × 8) ${((2 * (await gemmSeconds(1))) / (await gemmSeconds(2))).toFixed(2)}×`);

// Build the CLI bundle before timing anything.
spawnSync(process.execPath, [join(ROOT, 'packages/cli/bin/vvs.js'), '--help'], { cwd: ROOT, stdio: 'ignore' });

console.log(`\n== The built-in suite (${models ?? 'builtin:pixels,builtin:gabor,builtin:cnn'} × synthetic V1, V2, V4, IT, behaviour) by worker count, node ${VVS_NODE_FLAGS.join(' ')} as pnpm vvs ==`);
const dir = mkdtempSync(join(tmpdir(), 'vvs-bench-suite-'));
const cacheDir = join(dir, 'cache');
const runs: { round: number; workers: number; seconds: number; peakRssBytes: number; rows: Row[] }[] = [];
try {
  const cold = runSuite(2, join(dir, 'first.duckdb'), cacheDir);
  console.log(`first run, empty cache (generates the synthetic data), workers 2   ${cold.seconds.toFixed(1)} s   peak RSS ${(cold.peakRssBytes / 2 ** 20).toFixed(0)} MiB`);
  for (let round = 1; round <= rounds; round++) {
    const times: string[] = [];
    for (const workers of workerCounts) {
      const result = runSuite(workers, join(dir, `round-${round}-workers-${workers}.duckdb`), cacheDir);
      runs.push({ round, workers, ...result });
      times.push(`workers ${workers} ${result.seconds.toFixed(1)} s (peak RSS ${(result.peakRssBytes / 2 ** 20).toFixed(0)} MiB)`);
    }
    const [base, ...others] = runs.filter((r) => r.round === round);
    const ratios = others.map((o) => `${base!.workers} → ${o.workers}: ${(base!.seconds / o.seconds).toFixed(2)}×`).join('   ');
    console.log(`round ${round}   ${times.join('   ')}   speed-up ${ratios}`);
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
};
const key = (r: Row) => `${r.model} ${r.benchmark}`;
const reference = runs[0]!;
const identical = runs.every((run) =>
  reference.rows.length === run.rows.length &&
  reference.rows.every((r) => {
    const o = run.rows.find((x) => key(x) === key(r));
    return o !== undefined && Object.is(o.score, r.score) && Object.is(o.raw, r.raw) && Object.is(o.ceiling, r.ceiling) && o.layer === r.layer;
  }),
);
const [firstCount, ...otherCounts] = workerCounts;
const medianOf = (workers: number) => median(runs.filter((r) => r.workers === workers).map((r) => r.seconds));
for (const workers of otherCounts) {
  const perRound = Array.from({ length: rounds }, (_, i) => {
    const inRound = runs.filter((r) => r.round === i + 1);
    return inRound.find((r) => r.workers === firstCount)!.seconds / inRound.find((r) => r.workers === workers)!.seconds;
  });
  console.log(
    `median over ${rounds} rounds: workers ${firstCount} ${medianOf(firstCount!).toFixed(1)} s, workers ${workers} ${medianOf(workers).toFixed(1)} s   ` +
      `speed-up ${firstCount} → ${workers} workers: ${median(perRound).toFixed(2)}× (median of the rounds' ratios; ${perRound.map((r) => r.toFixed(2)).join(', ')})`,
  );
}
console.log(`scores ${identical ? 'bit-identical' : 'DIFFER'} across all ${runs.length} runs (${reference.rows.length} pairs each)`);
if (!identical) process.exitCode = 1;
