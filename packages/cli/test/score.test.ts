import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { vvs } from './run-cli.ts';

const scratch = mkdtempSync(join(tmpdir(), 'vvs-cli-score-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

describe('vvs score: errors', () => {
  it('offline without the data: exit 2 and the command that downloads what is missing', async () => {
    const { code, stderr } = await vvs('score', '--model', 'builtin:pixels', '--benchmark', 'MajajHong2015public.IT-pls', '--layer', 'pixels', '--offline', '--cache-dir', join(scratch, 'empty'));
    expect(code).toBe(2);
    expect(stderr.trim().split('\n')).toHaveLength(1);
    expect(stderr).toContain("data set 'MajajHong2015.public' is not in the cache");
    expect(stderr).toContain('run `vvs data pull MajajHong2015.public');
    expect(stderr).toContain('https://brainscore-storage.s3.amazonaws.com/brainio-brainscore/assy_dicarlo_MajajHong2015_public.nc');
  });

  it('an unknown benchmark: exit 2 with the closest ids', async () => {
    const { code, stderr } = await vvs('score', '--model', 'builtin:pixels', '--benchmark', 'MajajHong2015public.IT-pl');
    expect(code).toBe(2);
    expect(stderr).toContain('no benchmark is registered with id "MajajHong2015public.IT-pl"; did you mean "MajajHong2015public.IT-pls"');
  });

  it('--layer and --region together, and an unknown region: exit 2 naming the flag', async () => {
    const both = await vvs('score', '--model', 'builtin:pixels', '--benchmark', 'MajajHong2015public.IT-pls', '--layer', 'x', '--region', 'IT');
    expect(both.code).toBe(2);
    expect(both.stderr).toContain('--layer and --region: give one');
    const region = await vvs('score', '--model', 'builtin:pixels', '--benchmark', 'MajajHong2015public.IT-pls', '--region', 'V3');
    expect(region.code).toBe(2);
    expect(region.stderr).toContain("--region: expected one of V1, V2, V4, IT, got 'V3'");
  });
});

describe('vvs benchmarks', () => {
  it("lists Brain-Score's benchmarks with their versions, metric and the command that fetches their data", async () => {
    const { code, stdout } = await vvs('benchmarks', '--json', '--cache-dir', join(scratch, 'empty'));
    expect(code).toBe(0);
    const rows = JSON.parse(stdout) as { id: string; target: string; version: number; metric: string; selectsLayers: boolean; dataSets: string[]; cached: boolean }[];
    const byId = new Map(rows.map((r) => [r.id, r]));
    expect(byId.get('MajajHong2015public.IT-pls')).toMatchObject({ target: 'IT', version: 4, metric: 'pls', selectsLayers: true, cached: false, dataSets: ['MajajHong2015.public', 'hvm-public'] });
    expect(byId.get('FreemanZiemba2013public.V1-pls')).toMatchObject({ target: 'V1', version: 1, selectsLayers: true });
    expect(byId.get('FreemanZiemba2013.V2-pls')).toMatchObject({ target: 'V2', version: 3, selectsLayers: false });
    expect(byId.get('MajajHong2015.V4-pls')).toMatchObject({ target: 'V4', version: 4, dataSets: ['MajajHong2015.private', 'hvm-private'] });
  });
});

describe('vvs score on the built-in synthetic suite', () => {
  it('selects the generating layer, scores it near the ceiling, and labels the result synthetic', async () => {
    // Candidates by default: the model's top-level modules.
    const { code, stdout } = await vvs('score', '--model', 'builtin:cnn', '--benchmark', 'synthetic.IT', '--json');
    expect(code).toBe(0);
    const out = JSON.parse(stdout);
    expect(out).toMatchObject({ benchmark: 'synthetic.IT', synthetic: true, layer: 'stage4', layerSelectedOn: 'synthetic.IT', metric: 'pls' });
    expect(out.score).toBeGreaterThanOrEqual(0.9);
    expect(out.layerCandidates.map((c: { layer: string }) => c.layer)).toEqual(['stage1', 'stage2', 'stage3', 'stage4', 'avgpool']);
    const best = Math.max(...out.layerCandidates.map((c: { raw: number }) => c.raw));
    expect(out.raw).toBe(best);
  });

  it('runs a benchmark plugin written in TypeScript (examples/custom-benchmark)', async () => {
    const pluginPath = join(dirname(fileURLToPath(import.meta.url)), '../../../examples/custom-benchmark/plugin.ts');
    const { code, stdout, stderr } = await vvs('score', '--plugin', pluginPath, '--model', 'builtin:cnn', '--benchmark', 'Example2026.IT-ridge', '--layer', 'stage4');
    expect(stderr).toBe('');
    expect(code).toBe(0);
    expect(stdout).toContain('Example2026.IT-ridge (v1, IT, metric ridge)  [SYNTHETIC DATA: not a brain score]');
    expect(stdout).toContain('layer    stage4 (given)');
  });
});
