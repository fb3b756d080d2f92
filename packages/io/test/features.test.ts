import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { sharedPath } from '@vvs/test-utils';
import { InputFileError, readFeatures, writeNpy } from '../src/index.ts';

const scratch = mkdtempSync(join(tmpdir(), 'vvs-io-features-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));
const at = (name: string) => join(scratch, name);

async function expectInputFileError(promise: Promise<unknown>, file: string, pattern: RegExp): Promise<void> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(InputFileError);
  expect((error as Error).message.startsWith(`${file}: `)).toBe(true);
  expect((error as Error).message).toMatch(pattern);
}

describe('readFeatures', () => {
  it('reads a 2-D float32 .npy with a sidecar as presentation × neuroid, keeping float32', async () => {
    await writeNpy(at('f.npy'), [3, 2], new Float32Array([1, 2, 3, 4, 5, 6]));
    writeFileSync(at('f.ids.txt'), 'im0\nim1\nim2\n');
    const a = await readFeatures(at('f.npy'), { stimulusIdsPath: at('f.ids.txt') });
    expect(a.dims).toEqual(['presentation', 'neuroid']);
    expect(a.shape).toEqual([3, 2]);
    expect(a.data).toBeInstanceOf(Float32Array);
    expect(Array.from(a.data)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(a.coords).toEqual({
      stimulus_id: { dim: 'presentation', values: ['im0', 'im1', 'im2'] },
      neuroid_id: { dim: 'neuroid', values: [0, 1] },
    });
  });

  it('flattens 4-D activations over all axes but the first, in C order (reshape(n, -1))', async () => {
    const values = Float64Array.from({ length: 2 * 3 * 2 * 2 }, (_, i) => i);
    await writeNpy(at('conv.npy'), [2, 3, 2, 2], values);
    writeFileSync(at('conv.json'), '["a", "b"]');
    const a = await readFeatures(at('conv.npy'), { stimulusIdsPath: at('conv.json') });
    expect(a.shape).toEqual([2, 12]);
    expect(Array.from(a.data)).toEqual(Array.from(values));
    expect(a.coords.neuroid_id.values).toHaveLength(12);
    await writeNpy(at('seq.npy'), [2, 2, 3], new Float32Array(12));
    expect((await readFeatures(at('seq.npy'), { stimulusIdsPath: at('conv.json') })).shape).toEqual([2, 6]);
  });

  it('reads a .nc through the netCDF reader', async () => {
    const a = await readFeatures(sharedPath('reference/brainscore-files/alexnet-rgb-1000.nc'));
    expect(a.shape).toEqual([1, 2000]);
    expect(a.data).toBeInstanceOf(Float32Array);
  });

  it('requires stimulus ids for .npy and checks the row count against them', async () => {
    await writeNpy(at('m.npy'), [3, 2], new Float32Array(6));
    await expectInputFileError(readFeatures(at('m.npy')), at('m.npy'), /needs --stimulus-ids/);
    writeFileSync(at('two.txt'), 'a\nb\n');
    await expectInputFileError(
      readFeatures(at('m.npy'), { stimulusIdsPath: at('two.txt') }),
      at('m.npy'),
      new RegExp(`has 3 rows but ${at('two.txt').replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} lists 2 stimulus ids`),
    );
    await writeNpy(at('vector.npy'), [3], new Float32Array(3));
    await expectInputFileError(readFeatures(at('vector.npy'), { stimulusIdsPath: at('two.txt') }), at('vector.npy'), /2 or more axes/);
  });

  it('rejects unknown extensions and stimulus ids given with a netCDF file', async () => {
    await expectInputFileError(readFeatures(at('x.csv')), at('x.csv'), /unsupported feature file extension "\.csv"/);
    const nc = sharedPath('reference/brainscore-files/alexnet-rgb-1000.nc');
    await expectInputFileError(readFeatures(nc, { stimulusIdsPath: at('two.txt') }), nc, /only for \.npy features/);
  });
});
