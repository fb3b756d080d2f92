import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { Benchmark } from '@vvs/core';
import type { CeilingResult } from '@vvs/metrics';
import { DiskCeilingCache } from '../src/index.ts';

const scratch = mkdtempSync(join(tmpdir(), 'vvs-ceiling-cache-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

const benchmark = (version: number): Benchmark => ({ id: 'Lab2026.IT-pls', target: 'IT', version, metric: 'pls' }) as unknown as Benchmark;

/** A ceiling with a NaN correlation (a zero-variance neuroid), as internalConsistency reports it. */
const RESULT: CeilingResult = {
  ceiling: 0.8125,
  error: 0.0125,
  repetitionValues: [0, 1, 2, 3],
  splits: [
    { median: 0.8, trainRepetitions: [0, 2], testRepetitions: [1, 3], perNeuroidR: Float64Array.of(0.7, Number.NaN, 0.6), perNeuroidSpearmanBrown: Float64Array.of(0.82, Number.NaN, 0.75) },
    { median: 0.825, trainRepetitions: [1, 3], testRepetitions: [0, 2], perNeuroidR: Float64Array.of(0.71, Number.NaN, 0.65), perNeuroidSpearmanBrown: Float64Array.of(0.83, Number.NaN, 0.79) },
  ],
};

describe('DiskCeilingCache', () => {
  it('computes a ceiling once and reads it back exactly, NaNs and typed arrays included, from a new instance', async () => {
    const dir = join(scratch, 'once');
    let computed = 0;
    const compute = async () => (computed++, RESULT);
    const options = { dir, dataChecksum: () => 'sha-of-the-data', codeVersion: '0.1.0' };
    expect(await new DiskCeilingCache(options).get(benchmark(1), compute)).toBe(RESULT);
    const again = await new DiskCeilingCache(options).get(benchmark(1), compute);
    expect(computed).toBe(1);
    expect(again).toEqual(RESULT);
    expect(again.splits[0]!.perNeuroidR).toBeInstanceOf(Float64Array);
    expect(Number.isNaN(again.splits[1]!.perNeuroidSpearmanBrown[1])).toBe(true);
    expect(readdirSync(dir)).toHaveLength(1);
  });

  it('computes afresh when the data, the benchmark version or the code changes, or the file is corrupt', async () => {
    const dir = join(scratch, 'keys');
    let computed = 0;
    const compute = async () => (computed++, RESULT);
    const cache = (dataChecksum: string, codeVersion = '0.1.0') => new DiskCeilingCache({ dir, dataChecksum: () => dataChecksum, codeVersion });
    await cache('a').get(benchmark(1), compute);
    await cache('b').get(benchmark(1), compute);
    await cache('a').get(benchmark(2), compute);
    await cache('a', '0.2.0').get(benchmark(1), compute);
    expect(computed).toBe(4);
    await cache('a').get(benchmark(1), compute);
    expect(computed).toBe(4);
    writeFileSync(cache('a').fileOf(benchmark(1)), '{"format": 1, "benchm');
    expect(await cache('a').get(benchmark(1), compute)).toBe(RESULT);
    expect(computed).toBe(5);
    expect(await cache('a').get(benchmark(1), compute)).toEqual(RESULT);
    expect(computed).toBe(5);
  });
});

describe('a neural benchmark with a ceiling cache', () => {
  it('takes its ceiling from the cache rather than computing it, and stores what it computes', async () => {
    const { PluginRegistry, createContainer } = await import('@vvs/core');
    const { plugin: synthetic } = await import('@vvs/benchmarks-synthetic');
    const registry = () => {
      const r = createContainer().resolve(PluginRegistry);
      r.install(synthetic);
      return r;
    };
    const asked: string[] = [];
    const cached = await registry().benchmark('synthetic.V2').ceiling({ ceilingCache: { get: async (b) => (asked.push(b.id), RESULT) } });
    expect(asked).toEqual(['synthetic.V2']);
    expect([cached.value, cached.error]).toEqual([RESULT.ceiling, RESULT.error]);

    const dir = join(scratch, 'benchmark');
    const cache = new DiskCeilingCache({ dir, dataChecksum: () => null, codeVersion: '0.1.0' });
    const computed = await registry().benchmark('synthetic.V2').ceiling({ ceilingCache: cache });
    expect(readdirSync(dir)).toHaveLength(1);
    const reread = await registry().benchmark('synthetic.V2').ceiling({ ceilingCache: { get: (b, compute) => cache.get(b, async () => { throw new Error(`recomputed ${b.id}`); }) } });
    expect([reread.value, reread.error]).toEqual([computed.value, computed.error]);
  });
});
