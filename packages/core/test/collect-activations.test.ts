import { describe, expect, it } from 'vitest';
import { collectActivations, type ActivationBatch, type ModelAdapter, type StimulusSet } from '@vvs/core';

/** Values per stimulus of the test layer. */
const WIDTH = 3;

/** Stimulus n's features: [n, n + 0.25, n + 0.5] (exact in float32). */
const featuresOf = (id: string) => Array.from({ length: WIDTH }, (_, k) => Number(id.slice(1)) + k / 4);

const stimuli: StimulusSet = {
  identifier: 'six',
  rows: [5, 2, 0, 4, 1, 3].map((n) => ({ stimulus_id: `s${n}` })),
  getImage: async () => new Uint8Array(),
};

/** The expected activations: one row per stimulus, in the set's order. */
const expected = stimuli.rows.flatMap((r) => featuresOf(r.stimulus_id));

function batchOf(ids: readonly string[], layer = 'l', shared = false): ActivationBatch {
  const length = ids.length * WIDTH;
  const data = shared ? new Float32Array(new SharedArrayBuffer(length * Float32Array.BYTES_PER_ELEMENT)) : new Float32Array(length);
  data.set(ids.flatMap(featuresOf));
  return { stimulusIds: ids, layer, shape: [ids.length, WIDTH], data };
}

/** An adapter that yields exactly `batches`, whatever it is asked. */
function scripted(batches: readonly ActivationBatch[]): ModelAdapter {
  return {
    id: 'scripted',
    layers: () => ['l', 'm'],
    async *activations() {
      yield* batches;
    },
  };
}

const ids = stimuli.rows.map((r) => r.stimulus_id);

describe('collectActivations', () => {
  it("keeps a single whole-set batch in the set's order without copying it", async () => {
    const batch = batchOf(ids);
    const seen: ActivationBatch[] = [];
    const out = await collectActivations(scripted([batch]), stimuli, ['l'], { onBatch: (b) => seen.push(b) });
    expect(out.get('l')!.data).toBe(batch.data);
    expect(out.get('l')!.cols).toBe(WIDTH);
    expect(seen).toEqual([batch]);
  });

  it('places a whole-set batch in another order at its rows (a copy)', async () => {
    const reversed = batchOf([...ids].reverse());
    const out = await collectActivations(scripted([reversed]), stimuli, ['l']);
    expect(out.get('l')!.data).not.toBe(reversed.data);
    expect(Array.from(out.get('l')!.data)).toEqual(expected);
  });

  it('places several batches, in any order, at their stimuli’s rows', async () => {
    const batches = [batchOf(['s3', 's0']), batchOf(['s1']), batchOf(['s4', 's5', 's2'])];
    const seen: string[][] = [];
    const out = await collectActivations(scripted(batches), stimuli, ['l'], { onBatch: (b) => seen.push([...b.stimulusIds]) });
    expect(Array.from(out.get('l')!.data)).toEqual(expected);
    expect(out.get('l')!.cols).toBe(WIDTH);
    expect(seen).toEqual([['s3', 's0'], ['s1'], ['s4', 's5', 's2']]);
  });

  it('gathers several layers from interleaved batches', async () => {
    const first = ids.slice(0, 3);
    const rest = ids.slice(3);
    const batches = [batchOf(rest, 'm'), batchOf(first, 'l'), batchOf(first, 'm'), batchOf(rest, 'l')];
    const out = await collectActivations(scripted(batches), stimuli, ['l', 'm']);
    expect(Array.from(out.get('l')!.data)).toEqual(expected);
    expect(Array.from(out.get('m')!.data)).toEqual(expected);
  });

  describe('shared: true', () => {
    it('keeps a whole-set batch that already lives in shared memory', async () => {
      const batch = batchOf(ids, 'l', true);
      const out = await collectActivations(scripted([batch]), stimuli, ['l'], { shared: true });
      expect(out.get('l')!.data).toBe(batch.data);
      expect(out.get('l')!.data.buffer).toBeInstanceOf(SharedArrayBuffer);
    });

    it('copies a whole-set batch in ordinary memory into shared memory', async () => {
      const batch = batchOf(ids);
      const out = await collectActivations(scripted([batch]), stimuli, ['l'], { shared: true });
      expect(out.get('l')!.data).not.toBe(batch.data);
      expect(out.get('l')!.data.buffer).toBeInstanceOf(SharedArrayBuffer);
      expect(Array.from(out.get('l')!.data)).toEqual(expected);
    });

    it('gathers several batches into shared memory', async () => {
      const batches = [batchOf(['s4', 's1', 's3']), batchOf(['s2', 's0', 's5'])];
      const out = await collectActivations(scripted(batches), stimuli, ['l'], { shared: true });
      expect(out.get('l')!.data.buffer).toBeInstanceOf(SharedArrayBuffer);
      expect(Array.from(out.get('l')!.data)).toEqual(expected);
    });

    it('gathers into ordinary memory without it', async () => {
      const out = await collectActivations(scripted([batchOf(['s4', 's1', 's3']), batchOf(['s2', 's0', 's5'])]), stimuli, ['l']);
      expect(out.get('l')!.data.buffer).not.toBeInstanceOf(SharedArrayBuffer);
    });
  });

  it('refuses a stimulus outside the set and a stimulus left out', async () => {
    await expect(collectActivations(scripted([batchOf([...ids, 's9'])]), stimuli, ['l'])).rejects.toThrow(
      "scripted: activations for stimulus 's9', which is not in six",
    );
    await expect(collectActivations(scripted([batchOf(ids.slice(1))]), stimuli, ['l'])).rejects.toThrow(
      "scripted: layer 'l' produced activations for 5 of 6 stimuli of six",
    );
    await expect(collectActivations(scripted([batchOf(ids, 'l')]), stimuli, ['l', 'm'])).rejects.toThrow(
      "scripted: layer 'm' produced activations for 0 of 6 stimuli of six",
    );
  });
});
