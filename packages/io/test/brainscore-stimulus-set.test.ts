import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { InputError } from '@vvs/core';
import { sharedPath } from '@vvs/test-utils';
import { InputFileError, openBrainScoreStimulusSet } from '../src/index.ts';
import { buildZip } from '@vvs/test-utils';
import type { ZipInput } from '@vvs/test-utils';

const IMAGES = sharedPath('reference/brainscore-files/images');
const FIXTURE_CSV = join(IMAGES, 'image_test_ten_images.csv');
const IDS = Array.from({ length: 10 }, (_, i) => `n${i}`);
const png = (id: string) => readFileSync(join(IMAGES, `${id}.png`));

const scratch = mkdtempSync(join(tmpdir(), 'vvs-bs-stimuli-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

let k = 0;
/** Writes `csv` text and a zip of `inputs` to the scratch folder; returns their paths. */
function files(csv: string, inputs: ZipInput[]): { csv: string; zip: string } {
  const dir = mkdtempSync(join(scratch, `s${k++}-`));
  writeFileSync(join(dir, 'stimulus_test.csv'), csv);
  writeFileSync(join(dir, 'stimulus_test.zip'), buildZip(inputs));
  return { csv: join(dir, 'stimulus_test.csv'), zip: join(dir, 'stimulus_test.zip') };
}

/** The ten fixture PNGs in the zip under `folder`, alternately deflated and stored. */
const tenImages = (folder: string): ZipInput[] => IDS.map((id, i) => ({ name: `${folder}${id}.png`, data: png(id), method: i % 2 === 0 ? 8 : 0 }));

describe('openBrainScoreStimulusSet', () => {
  it("the fixture CSV with its images zipped: rows as Brain-Score's loader reads them, images byte for byte", async () => {
    const paths = files(readFileSync(FIXTURE_CSV, 'utf8'), tenImages(''));
    const set = await openBrainScoreStimulusSet({ ...paths, identifier: 'test.ten_images', visualDegrees: 8 });
    expect(set.identifier).toBe('test.ten_images');
    expect(set.visualDegrees).toBe(8);
    expect(set.rows).toEqual(IDS.map((id, i) => ({ stimulus_id: id, filename: `${id}.png`, thing: `foo${i}` })));
    expect(set.imagePath).toBeUndefined();
    for (const id of IDS) expect(Buffer.from(await set.getImage(id)).equals(png(id))).toBe(true);
  });

  it('images in a subfolder of the zip are matched by base name', async () => {
    const paths = files(readFileSync(FIXTURE_CSV, 'utf8'), [{ name: 'image_test_ten_images/' }, ...tenImages('image_test_ten_images/')]);
    const set = await openBrainScoreStimulusSet({ ...paths, identifier: 'test.ten_images' });
    expect(set.visualDegrees).toBeUndefined();
    expect(Buffer.from(await set.getImage('n3')).equals(png('n3'))).toBe(true);
    expect(Buffer.from(await set.getImage('n8')).equals(png('n8'))).toBe(true);
  });

  it('legacy columns: image_id is copied to stimulus_id, image_file_name names the file; numeric columns become numbers', async () => {
    const csv = 'image_id,image_file_name,size,label,rotation\n7,a/n0.png,1.5,cat,\n8,n1.png,-2,dog,90\n';
    const paths = files(csv, [{ name: 'a/n0.png', data: png('n0') }, { name: 'b/n1.png', data: png('n1'), method: 8 }]);
    const set = await openBrainScoreStimulusSet({ ...paths, identifier: 'legacy' });
    expect(set.rows).toEqual([
      { image_id: '7', image_file_name: 'a/n0.png', size: 1.5, label: 'cat', rotation: null, stimulus_id: '7' },
      { image_id: '8', image_file_name: 'n1.png', size: -2, label: 'dog', rotation: 90, stimulus_id: '8' },
    ]);
    expect(Buffer.from(await set.getImage('8')).equals(png('n1'))).toBe(true);
  });

  it('an image missing from the zip, or matching several entries, fails up front naming the CSV and the row', async () => {
    const csv = 'stimulus_id,filename\nn0,n0.png\nn1,n1.png\n';
    const missing = files(csv, [{ name: 'n0.png', data: png('n0') }]);
    const error = await openBrainScoreStimulusSet({ ...missing, identifier: 'x' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InputFileError);
    expect((error as InputFileError).file).toBe(missing.csv);
    expect((error as Error).message).toBe(`${missing.csv}: row 2 (stimulus 'n1'): image 'n1.png' is not in ${missing.zip}`);

    const twice = files(csv, [{ name: 'a/n0.png', data: png('n0') }, { name: 'b/n0.png', data: png('n1') }, { name: 'n1.png', data: png('n1') }]);
    await expect(openBrainScoreStimulusSet({ ...twice, identifier: 'x' })).rejects.toThrow(
      `${twice.csv}: row 1 (stimulus 'n0'): 'n0.png' matches several entries of ${twice.zip} (a/n0.png, b/n0.png); name one by its path`,
    );
  });

  it('CSV problems name the CSV; a non-zip names the zip; an unknown id is an InputError', async () => {
    const noId = files('name,filename\nn0,n0.png\n', [{ name: 'n0.png', data: png('n0') }]);
    await expect(openBrainScoreStimulusSet({ ...noId, identifier: 'x' })).rejects.toThrow(
      `${noId.csv}: no 'stimulus_id' (or 'image_id') column (columns: name, filename)`,
    );
    const repeated = files('stimulus_id,filename\nn0,n0.png\nn0,n0.png\n', [{ name: 'n0.png', data: png('n0') }]);
    await expect(openBrainScoreStimulusSet({ ...repeated, identifier: 'x' })).rejects.toThrow(`${repeated.csv}: stimulus_id 'n0' is listed twice`);

    const notZip = files('stimulus_id,filename\nn0,n0.png\n', []);
    writeFileSync(notZip.zip, png('n0'));
    const error = await openBrainScoreStimulusSet({ ...notZip, identifier: 'x' }).catch((e: unknown) => e);
    expect((error as InputFileError).file).toBe(notZip.zip);

    const ok = files('stimulus_id,filename\nn0,n0.png\n', [{ name: 'n0.png', data: png('n0') }]);
    const set = await openBrainScoreStimulusSet({ ...ok, identifier: 'x' });
    const unknown = await set.getImage('n9').catch((e: unknown) => e);
    expect(unknown).toBeInstanceOf(InputError);
    expect((unknown as Error).message).toBe("stimulus set x: no stimulus with id 'n9'");
    await expect(openBrainScoreStimulusSet({ ...ok, identifier: 'x', visualDegrees: 0 })).rejects.toThrow(RangeError);
  });
});
