import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { PluginRegistry, createContainer, type Score } from '@vvs/core';
import { plugin as synthetic } from '@vvs/benchmarks-synthetic';
import { ResultsStore } from '@vvs/results';
import { onnxSuiteModel, runSuite, type SuiteProgress } from '../src/index.ts';

const scratch = mkdtempSync(join(tmpdir(), 'vvs-suite-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

function registry(): PluginRegistry {
  const r = createContainer().resolve(PluginRegistry);
  r.install(synthetic);
  r.registerBenchmark({
    id: 'Broken2026.IT-pls',
    target: 'IT',
    version: 1,
    metric: 'pls',
    ceiling: async (): Promise<Score> => {
      throw new Error('ceiling data unavailable');
    },
    score: async (): Promise<Score> => {
      throw new Error('recording file is corrupt');
    },
  });
  return r;
}

describe('runSuite', () => {
  it('scores every pair into the store, records failures and carries on, and resumes without duplicates', async () => {
    const path = join(scratch, 'results.duckdb');
    const models = [onnxSuiteModel('builtin:pixels'), onnxSuiteModel('builtin:cnn', { commitment: { IT: 'stage4' } })];
    const benchmarks = ['synthetic.IT', 'Broken2026.IT-pls'];
    const events: SuiteProgress[] = [];
    let store = await ResultsStore.open(path);
    const first = await runSuite({ registry: registry(), models, benchmarks, store, onProgress: (e) => events.push(e) });
    expect(first).toMatchObject({ scored: 2, skipped: 0, failed: 2, aborted: false });
    expect(first.failures.map((f) => [f.model, f.benchmark])).toEqual([['builtin:pixels', 'Broken2026.IT-pls'], ['builtin:cnn', 'Broken2026.IT-pls']]);
    // pixels has no committed IT layer, and nothing selects IT layers for a non-synthetic benchmark here;
    // cnn's committed layer reaches the benchmark, which throws.
    const failures = events.filter((e) => e.stage === 'failed').map((e) => [e.model, e.message]);
    expect(failures).toEqual([
      ['builtin:pixels', 'no selection benchmark is registered with id "IT"; no selection benchmarks are registered at all (was the plugin that provides it loaded?)'],
      ['builtin:cnn', 'recording file is corrupt'],
    ]);
    expect(events.at(-1)).toMatchObject({ done: 4, total: 4 });

    const rows = await store.rows();
    const cnn = rows.find((r) => r.model === 'builtin:cnn' && r.benchmark === 'synthetic.IT')!;
    const pixels = rows.find((r) => r.model === 'builtin:pixels' && r.benchmark === 'synthetic.IT')!;
    expect(cnn).toMatchObject({ layer: 'stage4', status: 'ok', synthetic: true, target: 'IT', metric: 'pls', dataHash: null, packageVersions: { '@vvs/suite': '0.1.0' } });
    // The model's content hash: the SHA-256 of the built-in CNN's ONNX bytes.
    const { builtinModel } = await import('@vvs/models-onnx');
    expect(cnn.metricParams).toMatchObject({ metric: 'pls', stratifyBy: 'object_name' });
    expect((cnn.metricParams!.splitValues as number[]).length).toBe(10);
    expect(cnn.modelHash).toBe(createHash('sha256').update(builtinModel('cnn')).digest('hex'));
    expect(cnn.score).toBeGreaterThanOrEqual(0.9);
    expect(pixels.layer).toBe('pixels');
    expect(pixels.score!).toBeLessThan(cnn.score!);
    expect(rows.filter((r) => r.status === 'failed').map((r) => [r.model, r.layer])).toEqual([['builtin:cnn', 'stage4'], ['builtin:pixels', '']]);
    store.close();

    // A rerun skips what is done and retries only what failed.
    store = await ResultsStore.open(path);
    const second = await runSuite({ registry: registry(), models, benchmarks, store });
    expect(second).toMatchObject({ scored: 0, skipped: 2, failed: 2, aborted: false });
    const again = await store.rows();
    expect(again).toHaveLength(4);
    expect(again.find((r) => r.model === 'builtin:cnn' && r.benchmark === 'synthetic.IT')!.score).toBe(cnn.score);

    // Forced, the same pair gives the same score, bit for bit.
    const forced = await runSuite({ registry: registry(), models: [models[1]], benchmarks: ['synthetic.IT'], store, force: true });
    expect(forced.scored).toBe(1);
    expect((await store.rows({ model: 'builtin:cnn', benchmark: 'synthetic.IT' }))[0].score).toBe(cnn.score);
    store.close();
  });
});
