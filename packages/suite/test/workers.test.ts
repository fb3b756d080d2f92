import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { PluginRegistry, createContainer, type Benchmark, type BenchmarkRunOptions, type BrainModel, type Score } from '@vvs/core';
import { plugin as synthetic } from '@vvs/benchmarks-synthetic';
import { ResultsStore, type ScoreRow } from '@vvs/results';
import { WorkerComputePool, onnxSuiteModel, runSuite } from '../src/index.ts';

const scratch = mkdtempSync(join(tmpdir(), 'vvs-suite-workers-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

const MODELS = ['builtin:pixels', 'builtin:cnn'];
const BENCHMARKS = ['synthetic.V2', 'synthetic.behavior'];

function registry(): PluginRegistry {
  const r = createContainer().resolve(PluginRegistry);
  r.install(synthetic);
  return r;
}

/** Scores MODELS × BENCHMARKS into a fresh store and returns its rows. */
async function scoreWith(workers: number): Promise<ScoreRow[]> {
  const store = await ResultsStore.open(join(scratch, `w${workers}.duckdb`));
  try {
    const summary = await runSuite({ registry: registry(), models: MODELS.map((m) => onnxSuiteModel(m)), benchmarks: BENCHMARKS, store, workers });
    expect(summary).toMatchObject({ scored: 4, failed: 0, aborted: false });
    return await store.rows();
  } finally {
    store.close();
  }
}

const numbers = (rows: ScoreRow[]) => rows.map((r) => [r.model, r.benchmark, r.layer, r.score, r.unclipped, r.raw, r.ceiling, r.error, r.ceilingError]);

describe('runSuite on a worker pool', () => {
  it('gives bit-identical scores with 1 and 2 workers, and the in-thread scores to rounding', async () => {
    const one = await scoreWith(1);
    const two = await scoreWith(2);
    expect(one).toHaveLength(4);
    // Every field of every score, compared with Object.is through toEqual: the same bits, not nearly.
    expect(numbers(two)).toEqual(numbers(one));
    const inThread = await scoreWith(0);
    expect(inThread.map((r) => r.layer)).toEqual(one.map((r) => r.layer));
    inThread.forEach((r, i) => {
      expect(Math.abs(r.raw! - one[i]!.raw!)).toBeLessThan(1e-12);
      expect(Math.abs(r.ceiling! - one[i]!.ceiling!)).toBeLessThan(1e-12);
    });
  }, 240_000);

  it('a worker that dies mid-task and a plugin that throws fail only their own pairs; the others are stored', async () => {
    const r = registry();
    // Plugins that score as synthetic.V2 does, except on one model.
    const delegating = (id: string, except: string, instead: (options?: BenchmarkRunOptions) => Promise<Score>): Benchmark => ({
      id,
      target: 'V2',
      version: 1,
      metric: 'pls',
      ceiling: (options?: BenchmarkRunOptions) => r.benchmark('synthetic.V2').ceiling(options),
      score: (model: BrainModel, options?: BenchmarkRunOptions) => (model.id === except ? instead(options) : r.benchmark('synthetic.V2').score(model, options)),
    });
    const picky = delegating('Picky2026.V2-pls', 'builtin:pixels', async () => {
      throw new Error('Picky2026 does not score raw pixels');
    });
    const crashing = delegating('Crash2026.V2-pls', 'builtin:cnn', async (options) => {
      // A task the test worker (fixtures/exiting-worker.mjs) dies on, as a worker hit by a native crash would.
      await options!.compute!.run('ceiling', { responses: { rows: 0, cols: 0, data: new Float64Array() }, stimulus: [], repetition: [], nStimuli: 0, exitWorker: true } as never);
      throw new Error('unreachable: the worker should have died');
    });
    r.registerBenchmark(picky).registerBenchmark(crashing);
    const pool = new WorkerComputePool({ workers: 2, filename: new URL('./fixtures/exiting-worker.mjs', import.meta.url).href });
    const store = await ResultsStore.open(join(scratch, 'failures.duckdb'));
    try {
      const summary = await runSuite({
        registry: r,
        // Committed to the layers selection picks on synthetic.V2 (the plugins have no selection benchmark of their own).
        models: [onnxSuiteModel('builtin:pixels', { commitment: { V2: 'pixels' } }), onnxSuiteModel('builtin:cnn', { commitment: { V2: 'stage2' } })],
        benchmarks: ['synthetic.V2', 'Picky2026.V2-pls', 'Crash2026.V2-pls'],
        store,
        compute: pool,
      });
      expect(summary).toMatchObject({ scored: 4, failed: 2, aborted: false });
      const failures = Object.fromEntries(summary.failures.map((f) => [`${f.model} ${f.benchmark}`, f.message]));
      expect(failures['builtin:pixels Picky2026.V2-pls']).toBe('Picky2026 does not score raw pixels');
      expect(failures['builtin:cnn Crash2026.V2-pls']).toMatch(/^the compute worker running 'ceiling' stopped: .*exit/i);
      const rows = await store.rows();
      expect(rows.map((row) => [row.model, row.benchmark, row.status])).toEqual([
        ['builtin:cnn', 'Crash2026.V2-pls', 'failed'],
        ['builtin:cnn', 'Picky2026.V2-pls', 'ok'],
        ['builtin:cnn', 'synthetic.V2', 'ok'],
        ['builtin:pixels', 'Crash2026.V2-pls', 'ok'],
        ['builtin:pixels', 'Picky2026.V2-pls', 'failed'],
        ['builtin:pixels', 'synthetic.V2', 'ok'],
      ]);
      // The plugins delegate to synthetic.V2, so the pairs that finished agree with it exactly.
      const score = (model: string, benchmark: string) => rows.find((row) => row.model === model && row.benchmark === benchmark)!.score;
      expect(score('builtin:cnn', 'Picky2026.V2-pls')).toBe(score('builtin:cnn', 'synthetic.V2'));
      expect(score('builtin:pixels', 'Crash2026.V2-pls')).toBe(score('builtin:pixels', 'synthetic.V2'));
    } finally {
      store.close();
      await pool.close();
    }
  }, 240_000);
});
