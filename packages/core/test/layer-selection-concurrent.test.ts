import { describe, expect, it } from 'vitest';
import { selectLayer, type LayerScore } from '@vvs/core';

/**
 * A scorer that looks scores up in a table, finishing the later layers first (each layer waits
 * less than the one before it), and records how many layers were being scored at once.
 */
function slowScorer(table: Record<string, number>) {
  const layers = Object.keys(table);
  const started: string[] = [];
  const finished: string[] = [];
  let inFlight = 0;
  let maxInFlight = 0;
  const score = async (layer: string) => {
    started.push(layer);
    maxInFlight = Math.max(maxInFlight, ++inFlight);
    await new Promise((resolve) => setTimeout(resolve, 5 * (layers.length - layers.indexOf(layer))));
    inFlight--;
    finished.push(layer);
    return table[layer]!;
  };
  return { score, started, finished, maxInFlight: () => maxInFlight };
}

async function bothWays(table: Record<string, number>) {
  const layers = Object.keys(table);
  const sequential = slowScorer(table);
  const concurrent = slowScorer(table);
  const reported: { result: LayerScore; index: number; total: number }[] = [];
  const seq = await selectLayer({ layers, score: sequential.score });
  const con = await selectLayer({ layers, score: concurrent.score, concurrent: true, onLayer: (result, index, total) => reported.push({ result, index, total }) });
  return { seq, con, sequential, concurrent, reported, layers };
}

describe('selectLayer({ concurrent: true })', () => {
  it('scores every layer at once and chooses as the sequential selection does', async () => {
    const { seq, con, sequential, concurrent, layers } = await bothWays({ a: 0.1, b: 0.4, c: 0.3, d: 0.2 });
    expect(con).toEqual(seq);
    expect(con.best).toBe('b');
    expect(sequential.maxInFlight()).toBe(1);
    expect(concurrent.maxInFlight()).toBe(layers.length);
    expect(concurrent.started).toEqual(layers);
    // The deepest layer finished first, yet scores are reported in the candidates' order.
    expect(concurrent.finished).toEqual([...layers].reverse());
    expect(con.scores.map((s) => s.layer)).toEqual(layers);
  });

  it('breaks a tie to the earliest layer, as the sequential selection does', async () => {
    const { seq, con } = await bothWays({ a: 0.2, b: 0.5, c: 0.5, d: 0.5 });
    expect(con).toEqual(seq);
    expect(con.best).toBe('b');
  });

  it('records NaN scores and never selects them', async () => {
    const { seq, con } = await bothWays({ a: Number.NaN, b: -0.3, c: Number.NaN, d: -0.1 });
    expect(con).toEqual(seq);
    expect(con.best).toBe('d');
    expect(con.scores.map((s) => s.score)).toEqual([Number.NaN, -0.3, Number.NaN, -0.1]);
  });

  it('calls onLayer once per layer, in the candidates’ order, with its position and the count', async () => {
    const { reported, con } = await bothWays({ x: 0.3, y: Number.NaN, z: 0.3 });
    expect(reported.map((r) => r.index)).toEqual([0, 1, 2]);
    expect(reported.map((r) => r.total)).toEqual([3, 3, 3]);
    expect(reported.map((r) => r.result)).toEqual(con.scores);
    expect(con.best).toBe('x');
  });

  it('refuses a selection where every layer scored NaN', async () => {
    await expect(selectLayer({ layers: ['a', 'b'], score: async () => Number.NaN, concurrent: true })).rejects.toThrow(RangeError);
  });

  it('rejects when scoring a layer fails', async () => {
    const score = async (layer: string) => {
      if (layer === 'b') throw new Error('b failed');
      return 1;
    };
    await expect(selectLayer({ layers: ['a', 'b', 'c'], score, concurrent: true })).rejects.toThrow('b failed');
  });
});
