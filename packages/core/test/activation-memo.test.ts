import { describe, expect, it } from 'vitest';
import { ActivationMemo, collectActivations, type ActivationBatch, type ModelAdapter, type StimulusSet } from '@vvs/core';

/** Values per stimulus of each fake layer, and the layer's own shape. */
const LAYER_SHAPES: Record<string, readonly number[]> = { a: [2], b: [3], c: [2, 2] };

/** Bytes one fake layer 'a' takes on a set of `n` stimuli (float32). */
const bytesOfA = (n: number) => n * 2 * Float32Array.BYTES_PER_ELEMENT;

/**
 * A model with layers a, b, c whose activations are a function of the stimulus index n (id `s<n>`)
 * and the layer; it yields batches of two stimuli in the set's order, counts its forward passes and
 * records the layers each pass asked for. `failNext` makes the next pass throw after its first batch.
 */
class FakeAdapter implements ModelAdapter {
  readonly id = 'fake';
  passes = 0;
  requested: string[][] = [];
  disposed = 0;
  failNext = false;

  layers(): readonly string[] {
    return ['a', 'b', 'c'];
  }

  async *activations(stimuli: StimulusSet, layers: readonly string[]): AsyncIterable<ActivationBatch> {
    const known = this.layers();
    const unknown = layers.find((l) => !known.includes(l));
    if (unknown !== undefined) throw new RangeError(`fake: no layer '${unknown}'`);
    this.passes++;
    this.requested.push([...layers]);
    const fail = this.failNext;
    this.failNext = false;
    for (let start = 0; start < stimuli.rows.length; start += 2) {
      if (fail && start > 0) throw new Error('fake: forward pass failed');
      const chunk = stimuli.rows.slice(start, start + 2);
      for (const layer of layers) {
        const shape = LAYER_SHAPES[layer]!;
        const width = shape.reduce((x, y) => x * y, 1);
        const data = new Float32Array(chunk.length * width);
        chunk.forEach((row, i) => {
          const n = Number(row.stimulus_id.slice(1));
          for (let k = 0; k < width; k++) data[i * width + k] = activation(layer, n, k);
        });
        yield { stimulusIds: chunk.map((r) => r.stimulus_id), layer, shape: [chunk.length, ...shape], data };
      }
    }
  }

  async dispose(): Promise<void> {
    this.disposed++;
  }
}

/** A deterministic, layer-specific value for stimulus n and feature k (exact in float32). */
function activation(layer: string, n: number, k: number): number {
  return { a: 1, b: 100, c: 10_000 }[layer]! * (n + 1) + k / 4;
}

function stimulusSet(ids: readonly number[], identifier = 'set', visualDegrees?: number): StimulusSet {
  return {
    identifier,
    ...(visualDegrees !== undefined ? { visualDegrees } : {}),
    rows: ids.map((n) => ({ stimulus_id: `s${n}` })),
    getImage: async () => new Uint8Array(),
  };
}

const five = stimulusSet([3, 0, 4, 1, 2]);

describe('ActivationMemo', () => {
  it('serves a second request for the same set and layer from memory, with the values the adapter produces', async () => {
    const fake = new FakeAdapter();
    const memo = new ActivationMemo(fake);
    expect(memo.id).toBe('fake');
    expect(memo.layers()).toEqual(['a', 'b', 'c']);
    expect(memo.inner).toBe(fake);
    const first = await collectActivations(memo, five, ['b']);
    const second = await collectActivations(memo, five, ['b']);
    expect(memo.passes).toBe(1);
    expect(fake.passes).toBe(1);
    // The memo yields one whole-set batch in order, which collectActivations keeps without copying.
    expect(second.get('b')!.data).toBe(first.get('b')!.data);
    const direct = await collectActivations(new FakeAdapter(), five, ['b']);
    expect(second.get('b')!.cols).toBe(3);
    expect(Array.from(second.get('b')!.data)).toEqual(Array.from(direct.get('b')!.data));
    expect(memo.bytes).toBe(5 * 3 * Float32Array.BYTES_PER_ELEMENT);
  });

  it("yields batches with the layer's full shape and the set's stimulus ids", async () => {
    const memo = new ActivationMemo(new FakeAdapter());
    const batches: ActivationBatch[] = [];
    for await (const batch of memo.activations(five, ['c', 'a'])) batches.push(batch);
    expect(batches.map((b) => b.layer)).toEqual(['c', 'a']);
    expect(batches[0]!.shape).toEqual([5, 2, 2]);
    expect(batches[1]!.shape).toEqual([5, 2]);
    expect(batches[0]!.stimulusIds).toEqual(['s3', 's0', 's4', 's1', 's2']);
    const direct = await collectActivations(new FakeAdapter(), five, ['c', 'a']);
    expect(Array.from(batches[0]!.data)).toEqual(Array.from(direct.get('c')!.data));
    expect(Array.from(batches[1]!.data)).toEqual(Array.from(direct.get('a')!.data));
  });

  it('extracts again for another identifier, other visual degrees or other stimulus ids', async () => {
    const fake = new FakeAdapter();
    const memo = new ActivationMemo(fake);
    await collectActivations(memo, stimulusSet([0, 1, 2], 'set', 8), ['a']);
    await collectActivations(memo, stimulusSet([0, 1, 2], 'set', 8), ['a']);
    expect(memo.passes).toBe(1);
    await collectActivations(memo, stimulusSet([0, 1, 2], 'other', 8), ['a']);
    expect(memo.passes).toBe(2);
    await collectActivations(memo, stimulusSet([0, 1, 2], 'set', 10), ['a']);
    expect(memo.passes).toBe(3);
    await collectActivations(memo, stimulusSet([0, 1, 2], 'set'), ['a']);
    expect(memo.passes).toBe(4);
    const changed = await collectActivations(memo, stimulusSet([0, 1, 5], 'set', 8), ['a']);
    expect(memo.passes).toBe(5);
    expect(fake.passes).toBe(5);
    expect(changed.get('a')!.data[2 * 2]).toBe(activation('a', 5, 0));
    // Same ids in another order are other rows: another pass.
    await collectActivations(memo, stimulusSet([2, 1, 0], 'set', 8), ['a']);
    expect(memo.passes).toBe(6);
  });

  it('extracts only the layers it lacks', async () => {
    const fake = new FakeAdapter();
    const memo = new ActivationMemo(fake);
    await collectActivations(memo, five, ['a']);
    await collectActivations(memo, five, ['a', 'c']);
    expect(fake.requested).toEqual([['a'], ['c']]);
  });

  it('a prefetching view extracts all its layers in the pass that asks for one of them', async () => {
    const fake = new FakeAdapter();
    const memo = new ActivationMemo(fake);
    const view = memo.prefetching(['a', 'b', 'c']);
    expect(view.id).toBe('fake');
    expect(view.layers()).toEqual(['a', 'b', 'c']);
    const a = await collectActivations(view, five, ['a']);
    expect(memo.passes).toBe(1);
    expect(fake.requested).toHaveLength(1);
    expect([...fake.requested[0]!].sort()).toEqual(['a', 'b', 'c']);
    const b = await collectActivations(view, five, ['b']);
    const c = await collectActivations(memo, five, ['c']);
    expect(memo.passes).toBe(1);
    expect(fake.passes).toBe(1);
    const direct = await collectActivations(new FakeAdapter(), five, ['a', 'b', 'c']);
    for (const [layer, got] of [['a', a], ['b', b], ['c', c]] as const) {
      expect(Array.from(got.get(layer)!.data)).toEqual(Array.from(direct.get(layer)!.data));
      expect(got.get(layer)!.cols).toBe(direct.get(layer)!.cols);
    }
  });

  it('concurrent requests share one forward pass', async () => {
    const fake = new FakeAdapter();
    const memo = new ActivationMemo(fake);
    const [x, y] = await Promise.all([collectActivations(memo, five, ['b']), collectActivations(memo, five, ['b'])]);
    expect(memo.passes).toBe(1);
    expect(fake.passes).toBe(1);
    expect(y.get('b')!.data).toBe(x.get('b')!.data);
  });

  it('refuses an unknown layer with a RangeError', async () => {
    const fake = new FakeAdapter();
    const memo = new ActivationMemo(fake);
    await expect(collectActivations(memo, five, ['a', 'zz'])).rejects.toThrow(RangeError);
    await expect(collectActivations(memo.prefetching(['a', 'b']), five, ['zz'])).rejects.toThrow(/no layer 'zz'/);
    expect(fake.passes).toBe(0);
  });

  it('rejects when the pass fails, and tries again on the next request', async () => {
    const fake = new FakeAdapter();
    const memo = new ActivationMemo(fake);
    fake.failNext = true;
    await expect(collectActivations(memo.prefetching(['a', 'b']), five, ['a'])).rejects.toThrow(/forward pass failed/);
    const retry = await collectActivations(memo, five, ['a', 'b']);
    expect(memo.passes).toBe(2);
    expect(fake.passes).toBe(2);
    const direct = await collectActivations(new FakeAdapter(), five, ['a', 'b']);
    expect(Array.from(retry.get('a')!.data)).toEqual(Array.from(direct.get('a')!.data));
    expect(Array.from(retry.get('b')!.data)).toEqual(Array.from(direct.get('b')!.data));
    await collectActivations(memo, five, ['b']);
    expect(memo.passes).toBe(2);
  });

  it('forgets the least recently used stimulus set beyond maxBytes', async () => {
    const fake = new FakeAdapter();
    const n = 4;
    const oneSet = bytesOfA(n);
    const maxBytes = oneSet + oneSet / 2; // room for one set, not two
    const memo = new ActivationMemo(fake, { maxBytes });
    const setA = stimulusSet([0, 1, 2, 3], 'A');
    const setB = stimulusSet([0, 1, 2, 3], 'B');
    await collectActivations(memo, setA, ['a']);
    expect(memo.bytes).toBe(oneSet);
    await collectActivations(memo, setA, ['a']);
    expect(memo.passes).toBe(1);
    await collectActivations(memo, setB, ['a']);
    expect(memo.passes).toBe(2);
    expect(memo.bytes).toBeLessThanOrEqual(maxBytes + oneSet);
    const again = await collectActivations(memo, setA, ['a']);
    expect(memo.passes).toBe(3);
    expect(fake.passes).toBe(3);
    expect(memo.bytes).toBeLessThanOrEqual(maxBytes + oneSet);
    expect(memo.bytes).toBe(oneSet);
    expect(again.get('a')!.data[0]).toBe(activation('a', 0, 0));
    // A is now the one kept: asking for it again is free.
    await collectActivations(memo, setA, ['a']);
    expect(memo.passes).toBe(3);
  });

  it('keeps both sets when they fit', async () => {
    const memo = new ActivationMemo(new FakeAdapter(), { maxBytes: 10 * bytesOfA(4) });
    await collectActivations(memo, stimulusSet([0, 1, 2, 3], 'A'), ['a']);
    await collectActivations(memo, stimulusSet([0, 1, 2, 3], 'B'), ['a']);
    await collectActivations(memo, stimulusSet([0, 1, 2, 3], 'A'), ['a']);
    expect(memo.passes).toBe(2);
    expect(memo.bytes).toBe(2 * bytesOfA(4));
  });

  it('refuses a maxBytes that is not positive', () => {
    expect(() => new ActivationMemo(new FakeAdapter(), { maxBytes: 0 })).toThrow(RangeError);
    expect(() => new ActivationMemo(new FakeAdapter(), { maxBytes: Number.NaN })).toThrow(RangeError);
  });

  it("dispose() disposes the inner adapter and forgets what was kept", async () => {
    const fake = new FakeAdapter();
    const memo = new ActivationMemo(fake);
    await collectActivations(memo, five, ['a']);
    await memo.dispose();
    expect(fake.disposed).toBe(1);
    expect(memo.bytes).toBe(0);
  });
});
