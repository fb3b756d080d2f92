import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { commitToLayer } from '@vvs/core';
import { writeNetcdfAssembly } from '@vvs/io';
import { OnnxModelAdapter, loadModel } from '@vvs/models-onnx';
import { encodePng, seededValues, writeStimulusSet } from '@vvs/test-utils';
import { createRegistry } from '../src/plugins.ts';
import { vvs } from './run-cli.ts';

/** Side of the test images, in pixels. */
const IMAGE_SIZE = 16;

describe("vvs score on Brain-Score's file formats, from a filled cache, offline", () => {
  const cacheDir = mkdtempSync(join(tmpdir(), 'vvs-cli-score-bs-'));
  const ids = Array.from({ length: 40 }, (_, i) => `im${String(i).padStart(2, '0')}`);
  const objects = ['bear', 'car', 'dog', 'elephant'];

  beforeAll(async () => {
    // What `vvs data pull MajajHong2015.public hvm-public` would have left in the cache.
    const assemblyDir = join(cacheDir, 'MajajHong2015.public');
    const stimuliDir = join(cacheDir, 'hvm-public');
    mkdirSync(assemblyDir);
    mkdirSync(stimuliDir);
    const images = ids.map((_, i) => encodePng(IMAGE_SIZE, Uint8Array.from(seededValues(IMAGE_SIZE * IMAGE_SIZE * 3, 100 + i), (v) => Math.floor(v * 255))));
    writeStimulusSet(stimuliDir, 'stimulus_hvm-public', ['image_id', 'filename', 'object_name'], ids.map((id, i) => [id, `${id}.png`, objects[i % 4]]), images);
    const reps = 3;
    const regions = ['V4', 'IT', 'IT', 'IT', 'V4', 'IT'];
    const rows = ids.flatMap((id) => Array.from({ length: reps }, (_, r) => ({ id, r })));
    await writeNetcdfAssembly(join(assemblyDir, 'assy_dicarlo_MajajHong2015_public.nc'), {
      dims: ['presentation', 'neuroid', 'time_bin'],
      shape: [rows.length, regions.length, 1],
      data: Float32Array.from(seededValues(rows.length * regions.length, 3)),
      coords: {
        stimulus_id: { dim: 'presentation', values: rows.map((p) => p.id) },
        repetition: { dim: 'presentation', values: rows.map((p) => p.r) },
        neuroid_id: { dim: 'neuroid', values: regions.map((_, j) => `n${j}`) },
        region: { dim: 'neuroid', values: regions },
        time_bin_start: { dim: 'time_bin', values: [70] },
        time_bin_end: { dim: 'time_bin', values: [170] },
      },
    });
  });
  afterAll(() => rmSync(cacheDir, { recursive: true, force: true }));

  it('prints the score of the committed layer, equal to scoring it through the API', async () => {
    const { code, stdout, stderr } = await vvs(
      'score', '--model', 'builtin:pixels', '--benchmark', 'MajajHong2015public.IT-pls', '--layer', 'pixels', '--offline', '--cache-dir', cacheDir, '--json',
    );
    expect(stderr).toBe('');
    expect(code).toBe(0);
    const out = JSON.parse(stdout);
    expect(out).toMatchObject({ model: 'builtin:pixels', benchmark: 'MajajHong2015public.IT-pls', version: 4, target: 'IT', metric: 'pls', synthetic: false, layer: 'pixels', layerSelectedOn: 'given' });
    for (const field of ['score', 'unclippedScore', 'raw', 'ceiling', 'error', 'ceilingError']) expect(typeof out[field]).toBe('number');
    expect(out.timings.activationsMs).toBeGreaterThan(0);

    const registry = await createRegistry({ cacheDir, offline: true });
    const adapter = new OnnxModelAdapter(await loadModel('builtin:pixels'));
    try {
      const direct = await registry.benchmark('MajajHong2015public.IT-pls').score(commitToLayer('builtin:pixels', adapter, 'pixels'), { fetchData: registry.fetchData });
      expect(out.raw).toBe(direct.raw);
      expect(out.ceiling).toBe(direct.ceiling);
      expect(out.score).toBe(direct.value);
      expect(direct.attrs).toMatchObject({ neuroids: 4, stimuli: 40, featureColumns: 3 * 28 * 28 });
    } finally {
      await adapter.dispose();
    }
  });

  it('selects the layer on the region benchmark when none is given, and prints a summary', async () => {
    const { code, stdout } = await vvs('score', '--model', 'builtin:pixels', '--benchmark', 'MajajHong2015public.IT-pls', '--offline', '--cache-dir', cacheDir);
    expect(code).toBe(0);
    expect(stdout).toMatch(/^MajajHong2015public\.IT-pls \(v4, IT, metric pls\)\n/);
    expect(stdout).toContain('layer    pixels (selected on MajajHong2015public.IT-pls)');
    expect(stdout).toMatch(/\nceiling  -?\d\.\d{4} ± \d\.\d{4}\n/);
  });
});
