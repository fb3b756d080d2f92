import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { StimulusSet } from '@vvs/core';

const scratch = mkdtempSync(join(tmpdir(), 'vvs-synthetic-cache-'));
const previous = process.env.VVS_CACHE_DIR;
beforeAll(() => {
  process.env.VVS_CACHE_DIR = scratch;
});
afterAll(() => {
  process.env.VVS_CACHE_DIR = previous;
  rmSync(scratch, { recursive: true, force: true });
});

/** Every image of a set, by id. */
async function imagesOf(stimuli: StimulusSet): Promise<Record<string, Uint8Array>> {
  return Object.fromEntries(await Promise.all(stimuli.rows.map(async (r) => [r.stimulus_id, await stimuli.getImage(r.stimulus_id)] as const)));
}

describe('the synthetic data kept on disk', () => {
  it('reads back exactly what was generated: recordings, coordinates, rows, images, observers', async () => {
    const { cachedOnDisk } = await import('../src/data-cache.ts');
    const { syntheticNeuralData, syntheticBehaviorData } = await import('../src/index.ts');
    const made = await syntheticNeuralData('V1', { seed: 5 });
    const behavior = await syntheticBehaviorData({ seed: 5 });
    expect(readdirSync(join(scratch, 'synthetic')).sort()).toEqual([
      expect.stringMatching(/^behavior-seed5-v1-/),
      expect.stringMatching(/^neural\.V1-seed5-v1-/),
    ]);
    // Read through the cache (the generator must not run again), in a fresh process's shape.
    const fail = async (): Promise<never> => {
      throw new Error('generated again instead of read from disk');
    };
    const read = await cachedOnDisk<typeof made>('neural.V1', 5, 1, fail);
    expect(read.recording.data).toEqual(made.recording.data);
    expect(read.recording.data).toBeInstanceOf(made.recording.data.constructor as new () => unknown);
    expect(read.recording.coords).toEqual(made.recording.coords);
    expect({ ...read, stimuli: undefined, recording: undefined }).toEqual({ ...made, stimuli: undefined, recording: undefined });
    expect(read.stimuli.rows).toEqual(made.stimuli.rows);
    expect([read.stimuli.identifier, read.stimuli.visualDegrees]).toEqual([made.stimuli.identifier, made.stimuli.visualDegrees]);
    expect(await imagesOf(read.stimuli)).toEqual(await imagesOf(made.stimuli));

    const readBehavior = await cachedOnDisk<typeof behavior>('behavior', 5, 1, fail);
    expect(readBehavior.human.trials).toEqual(behavior.human.trials);
    expect([readBehavior.human.objects, readBehavior.human.stimulusIds, Array.from(readBehavior.human.imageTruth)]).toEqual([
      behavior.human.objects,
      behavior.human.stimulusIds,
      Array.from(behavior.human.imageTruth),
    ]);
    expect(await imagesOf(readBehavior.fitting)).toEqual(await imagesOf(behavior.fitting));
    expect([readBehavior.sharpness, readBehavior.expectedAccuracy]).toEqual([behavior.sharpness, behavior.expectedAccuracy]);
  }, 120_000);
});
