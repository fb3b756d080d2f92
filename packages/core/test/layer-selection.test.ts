import { describe, expect, it } from 'vitest';
import { selectLayer, type LayerScore } from '@vvs/core';

/** A scorer that looks scores up in a table and records the order it was called in. */
function tableScorer(table: Record<string, number>) {
  const calls: string[] = [];
  const score = async (layer: string) => {
    calls.push(layer);
    return table[layer];
  };
  return { calls, score };
}

describe('selectLayer', () => {
  it('scores every layer once, in the order given, and keeps the highest', async () => {
    const { calls, score } = tableScorer({ c: 0.2, a: 0.7, b: 0.4 });
    const result = await selectLayer({ layers: ['c', 'a', 'b'], score });
    expect(calls).toEqual(['c', 'a', 'b']);
    expect(result).toEqual({ best: 'a', scores: [{ layer: 'c', score: 0.2 }, { layer: 'a', score: 0.7 }, { layer: 'b', score: 0.4 }] });
  });

  it('breaks ties to the earliest layer, whatever the order', async () => {
    const { score } = tableScorer({ a: 0.1, b: 0.5, c: 0.5, d: 0.5 });
    expect((await selectLayer({ layers: ['a', 'b', 'c', 'd'], score })).best).toBe('b');
    expect((await selectLayer({ layers: ['d', 'c', 'b', 'a'], score })).best).toBe('d');
  });

  it('records NaN scores but never selects them, even first or among negatives', async () => {
    const { score } = tableScorer({ a: Number.NaN, b: -0.3, c: Number.NaN, d: -0.1 });
    const result = await selectLayer({ layers: ['a', 'b', 'c', 'd'], score });
    expect(result.best).toBe('d');
    expect(result.scores.map((s) => s.score)).toEqual([Number.NaN, -0.3, Number.NaN, -0.1]);
  });

  it('reports each layer to onLayer as soon as it is scored, with its position', async () => {
    const events: string[] = [];
    const seen: [LayerScore, number, number][] = [];
    const score = async (layer: string) => {
      events.push(`score ${layer}`);
      return layer.length;
    };
    await selectLayer({
      layers: ['x', 'yy'],
      score,
      onLayer: (result, index, total) => {
        events.push(`report ${result.layer}`);
        seen.push([result, index, total]);
      },
    });
    expect(events).toEqual(['score x', 'report x', 'score yy', 'report yy']);
    expect(seen).toEqual([
      [{ layer: 'x', score: 1 }, 0, 2],
      [{ layer: 'yy', score: 2 }, 1, 2],
    ]);
  });

  it('scores layers one at a time (never two in flight)', async () => {
    let inFlight = 0;
    let most = 0;
    const score = async (layer: string) => {
      most = Math.max(most, ++inFlight);
      await new Promise((resolve) => setTimeout(resolve, 1));
      inFlight--;
      return layer === 'b' ? 1 : 0;
    };
    expect((await selectLayer({ layers: ['a', 'b', 'c'], score })).best).toBe('b');
    expect(most).toBe(1);
  });

  it('rejects no candidates, a repeated candidate and all-NaN scores with RangeErrors', async () => {
    const { score } = tableScorer({ a: Number.NaN, b: Number.NaN });
    await expect(selectLayer({ layers: [], score })).rejects.toThrow(new RangeError('layers: expected at least one candidate layer'));
    await expect(selectLayer({ layers: ['a', 'b', 'a'], score })).rejects.toThrow(new RangeError("layers: 'a' is listed twice"));
    await expect(selectLayer({ layers: ['a', 'b'], score })).rejects.toThrow(
      new RangeError('layers: every candidate scored NaN (a, b); no layer can be selected'),
    );
  });

  it('propagates a scorer failure without scoring later layers', async () => {
    const calls: string[] = [];
    const score = async (layer: string) => {
      calls.push(layer);
      if (layer === 'b') throw new Error('out of memory');
      return 0;
    };
    await expect(selectLayer({ layers: ['a', 'b', 'c'], score })).rejects.toThrow('out of memory');
    expect(calls).toEqual(['a', 'b']);
  });
});
