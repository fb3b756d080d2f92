import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { InputError, type BenchmarkTarget } from '@vvs/core';
import type { ScoreRow } from '@vvs/results';
import {
  modelRankingSpec,
  regionTable,
  regionTableCsv,
  regionTableMarkdown,
  renderSvg,
  scoresPerRegionSpec,
  svgToPng,
  writeReport,
  type RegionTableRow,
} from '../src/index.ts';

const scratch = mkdtempSync(join(tmpdir(), 'vvs-report-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

const T0 = Date.UTC(2024, 5, 1);

/** A stored row; `minute` orders rows of one pair by finishing time. */
function row(model: string, benchmark: string, target: BenchmarkTarget, score: number | null, extra: Partial<ScoreRow> & { minute?: number } = {}): ScoreRow {
  const { minute = 0, ...fields } = extra;
  return {
    model, benchmark, benchmarkVersion: '1', layer: 'layer', target, score, unclipped: score, raw: score, ceiling: 1, error: 0,
    ceilingError: null, normalization: null, metric: null, metricParams: null, timings: null, packageVersions: null,
    modelHash: null, dataHash: null, synthetic: true, status: score === null ? 'failed' : 'ok',
    errorMessage: score === null ? 'boom' : null, startedAt: new Date(T0), finishedAt: new Date(T0 + minute * 60_000), ...fields,
  };
}

const ROWS: ScoreRow[] = [
  // alexnet: two V1 benchmarks, one IT, one behaviour; its V1a is also stored on an older layer (ignored),
  // its V2 benchmark scored NaN (left out), its V4 benchmark failed.
  row('alexnet', 'V1a', 'V1', 0.2, { minute: 5 }),
  row('alexnet', 'V1a', 'V1', 0.9, { minute: 1, layer: 'older' }),
  row('alexnet', 'V1b', 'V1', 0.4),
  row('alexnet', 'V2a', 'V2', NaN),
  row('alexnet', 'V4a', 'V4', null),
  row('alexnet', 'ITa', 'IT', 0.5),
  row('alexnet', 'beh', 'behavior', 0.6),
  // resnet: every target; its V4 benchmark failed once on another layer, then scored (not a failure).
  row('resnet', 'V1a', 'V1', 0.7),
  row('resnet', 'V2a', 'V2', 0.65),
  row('resnet', 'V4a', 'V4', null, { layer: 'other' }),
  row('resnet', 'V4a', 'V4', 0.55),
  row('resnet', 'ITa', 'IT', 0.45),
  row('resnet', 'ITb', 'IT', 0.35),
  row('resnet', 'beh', 'behavior', 0.3),
  // broken: nothing but failures.
  row('broken', 'V1a', 'V1', null),
  row('broken', 'ITa', 'IT', null),
];

const alexnetV1 = (0.2 + 0.4) / 2;
const alexnetAverage = (alexnetV1 + 0.5 + 0.6) / 3;
const resnetIT = (0.45 + 0.35) / 2;
const resnetAverage = (0.7 + 0.65 + 0.55 + resnetIT + 0.3) / 5;

describe('regionTable', () => {
  const table = regionTable(ROWS);

  it('averages each target over its benchmarks and the targets present, newest ok row per benchmark, NaN and failures left out', () => {
    expect(table.map((r) => r.model)).toEqual(['resnet', 'alexnet', 'broken']);
    const [resnet, alexnet, broken] = table;
    expect(alexnet.V1).toBeCloseTo(alexnetV1, 14);
    expect([alexnet.V2, alexnet.V4, alexnet.IT, alexnet.behavior]).toEqual([null, null, 0.5, 0.6]);
    expect(alexnet.average).toBeCloseTo(alexnetAverage, 14);
    expect([alexnet.regions, alexnet.benchmarks, alexnet.failed]).toEqual([3, 4, 1]);
    expect([resnet.V1, resnet.V2, resnet.V4, resnet.behavior]).toEqual([0.7, 0.65, 0.55, 0.3]);
    expect(resnet.IT).toBeCloseTo(resnetIT, 14);
    expect(resnet.average).toBeCloseTo(resnetAverage, 14);
    expect([resnet.regions, resnet.benchmarks, resnet.failed]).toEqual([5, 6, 0]);
    expect(broken).toEqual({ model: 'broken', V1: null, V2: null, V4: null, IT: null, behavior: null, average: null, regions: 0, benchmarks: 0, failed: 2 });
  });

  it('sorts by average, highest first, whatever the row order', () => {
    const reversed = regionTable([...ROWS].reverse());
    expect(reversed).toEqual(table);
    const tie = regionTable([row('b', 'x', 'IT', 0.5), row('a', 'x', 'IT', 0.5), row('c', 'x', 'IT', 0.75)]);
    expect(tie.map((r) => r.model)).toEqual(['c', 'a', 'b']);
  });
});

describe('regionTableCsv and regionTableMarkdown', () => {
  const table = regionTable(ROWS);

  it('writes CSV at full precision that reads back exactly, empty where a target has no score', () => {
    const [header, ...lines] = regionTableCsv(table).trimEnd().split('\n');
    expect(header).toBe('model,V1,V2,V4,IT,behavior,average,regions,benchmarks,failed');
    const cells = lines.map((line) => line.split(','));
    expect(cells[1]).toEqual(['alexnet', String(table[1].V1), '', '', '0.5', '0.6', String(table[1].average), '3', '4', '1']);
    expect(Number(cells[0][6])).toBe(table[0].average);
    expect(cells[2]).toEqual(['broken', '', '', '', '', '', '', '0', '0', '2']);
    expect(regionTableCsv(regionTable([row('a,"b"', 'x', 'IT', 0.5)])).split('\n')[1]).toBe('"a,""b""",,,,0.5,,0.5,1,1,0');
  });

  it('writes a ranked Markdown table to 4 decimals with the regions count and escaped pipes', () => {
    const lines = regionTableMarkdown(table).trimEnd().split('\n');
    expect(lines[0]).toBe('| rank | model | V1 | V2 | V4 | IT | behavior | average | regions | failed |');
    expect(lines[1]).toBe('| ---: | :--- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |');
    expect(lines[2]).toBe(`| 1 | resnet | 0.7000 | 0.6500 | 0.5500 | ${resnetIT.toFixed(4)} | 0.3000 | ${resnetAverage.toFixed(4)} | 5/5 | 0 |`);
    expect(lines[3]).toBe(`| 2 | alexnet | 0.3000 | — | — | 0.5000 | 0.6000 | ${alexnetAverage.toFixed(4)} | 3/5 | 1 |`);
    expect(lines[4]).toBe('| 3 | broken | — | — | — | — | — | — | 0/5 | 2 |');
    expect(regionTableMarkdown(regionTable([row('a|b', 'x', 'IT', 0.5)]))).toContain('| 1 | a\\|b |');
  });
});

/** The inline data of a spec built here. */
const valuesOf = (spec: object): unknown[] => (spec as { data: { values: unknown[] } }).data.values;

describe('chart specs', () => {
  const table = regionTable(ROWS);

  it('scoresPerRegionSpec has one datum per (model, target) score, regions in processing order on a 0–1 axis', () => {
    const spec = scoresPerRegionSpec(table, { subtitle: 'June run' });
    const expected = table.flatMap((r: RegionTableRow) =>
      (['V1', 'V2', 'V4', 'IT', 'behavior'] as const).filter((t) => r[t] !== null).map((t) => ({ model: r.model, region: t, score: r[t] })),
    );
    expect(valuesOf(spec)).toEqual(expected);
    expect(valuesOf(spec)).toHaveLength(8);
    expect(spec).toMatchObject({
      title: { text: 'Scores per region', subtitle: 'June run' },
      mark: 'bar',
      encoding: {
        x: { field: 'region', sort: ['V1', 'V2', 'V4', 'IT', 'behavior'], title: 'Region' },
        y: { field: 'score', scale: { domain: [0, 1] } },
        color: { field: 'model', sort: ['resnet', 'alexnet', 'broken'] },
      },
    });
  });

  it('modelRankingSpec has one datum per model with an average, best first', () => {
    const spec = modelRankingSpec(table);
    expect(valuesOf(spec)).toEqual([
      { model: 'resnet', average: table[0].average, regions: 5 },
      { model: 'alexnet', average: table[1].average, regions: 3 },
    ]);
    expect(spec).toMatchObject({ title: { text: 'Model ranking' }, encoding: { y: { field: 'model', sort: ['resnet', 'alexnet'] }, x: { field: 'average' } } });
  });
});

/** Width and height of an SVG document's root element. */
function svgSize(svg: string): [number, number] {
  const match = /^<svg[^>]*\swidth="([\d.]+)"[^>]*\sheight="([\d.]+)"/.exec(svg);
  if (match === null) throw new Error('no width/height on the svg element');
  return [Number(match[1]), Number(match[2])];
}

/** The 8 bytes every PNG file starts with (PNG specification, section 5.2). */
const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

/** Width and height from a PNG's IHDR chunk: big-endian uint32s at bytes 16 and 20. */
function pngSize(png: Uint8Array): [number, number] {
  const view = new DataView(png.buffer, png.byteOffset, png.byteLength);
  expect(String.fromCharCode(...png.subarray(12, 16))).toBe('IHDR');
  return [view.getUint32(16), view.getUint32(20)];
}

/** Vega marks each bar `aria-roledescription="bar"`; axes, legends and the title are other roles. */
const countBars = (svg: string) => svg.split('aria-roledescription="bar"').length - 1;

describe('renderSvg and svgToPng', () => {
  const table = regionTable(ROWS);

  it('renders one bar per datum, with the titles', async () => {
    const perRegion = await renderSvg(scoresPerRegionSpec(table));
    expect(perRegion.startsWith('<svg')).toBe(true);
    expect(countBars(perRegion)).toBe(8);
    expect(perRegion).toContain('>Scores per region</text>');
    const ranking = await renderSvg(modelRankingSpec(table));
    expect(countBars(ranking)).toBe(2);
    expect(ranking).toContain('>Model ranking</text>');
  });

  it('rasterises to a PNG whose size is the SVG size times the scale', async () => {
    const svg = await renderSvg(modelRankingSpec(table));
    const [width, height] = svgSize(svg);
    for (const scale of [1, 2]) {
      const png = svgToPng(svg, { scale });
      expect([...png.subarray(0, 8)]).toEqual(PNG_SIGNATURE);
      expect(pngSize(png)).toEqual([Math.round(width * scale), Math.round(height * scale)]);
    }
    expect(() => svgToPng(svg, { scale: 0 })).toThrow(RangeError);
  });

  it('draws text with an installed font (the PNG of a label differs from a blank one)', () => {
    const frame = (body: string) => `<svg xmlns="http://www.w3.org/2000/svg" width="80" height="20">${body}</svg>`;
    const blank = svgToPng(frame(''));
    const label = svgToPng(frame('<text x="2" y="15" font-family="sans-serif" font-size="12px">Model</text>'));
    expect(Buffer.from(label).equals(Buffer.from(blank))).toBe(false);
  });
});

describe('writeReport', () => {
  it('writes every file, whole, into a new directory', async () => {
    const out = join(scratch, 'nested', 'report');
    const files = await writeReport(ROWS, out, { title: 'June run' });
    const names = ['scores.csv', 'scores.md', 'scores-per-region.svg', 'scores-per-region.png', 'model-ranking.svg', 'model-ranking.png', 'report.json'];
    expect(files).toEqual(names.map((name) => join(out, name)));
    expect(readdirSync(out).sort()).toEqual([...names].sort());
    const table = regionTable(ROWS);
    expect(readFileSync(join(out, 'scores.csv'), 'utf8')).toBe(regionTableCsv(table));
    expect(readFileSync(join(out, 'scores.md'), 'utf8')).toBe(`# June run\n\n${regionTableMarkdown(table)}`);
    expect(JSON.parse(readFileSync(join(out, 'report.json'), 'utf8'))).toEqual({ title: 'June run', rows: table });
    expect(countBars(readFileSync(join(out, 'scores-per-region.svg'), 'utf8'))).toBe(8);
    expect([...readFileSync(join(out, 'model-ranking.png')).subarray(0, 8)]).toEqual(PNG_SIGNATURE);
  });

  it('refuses rows without a finished score, naming where they came from, and writes nothing', async () => {
    const out = join(scratch, 'empty');
    for (const rows of [[], ROWS.filter((r) => r.status === 'failed')]) {
      const attempt = writeReport(rows, out, { source: 'runs/june.duckdb' });
      await expect(attempt).rejects.toThrow(InputError);
      await expect(attempt).rejects.toThrow(`no finished ('ok') scores in "runs/june.duckdb": nothing to report`);
    }
    expect(existsSync(out)).toBe(false);
  });
});
