/**
 * Test helper: Brain-Score-shaped stimulus sets (a CSV of metadata plus a flat zip of images, as
 * brainio's `create_image_zip` packages them), written into a temporary folder.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildZip, encodePng } from '@vvs/test-utils';

/** One 1×1 grey PNG stands in for every image: the fake models never decode them. */
const GREY_PNG = encodePng(1, Uint8Array.of(128, 128, 128));

/**
 * Writes `<name>.csv` (the header `columns`, then `rows`; no quoting, so no cell may hold a comma)
 * and `<name>.zip` (one stored PNG per row, named by the row's `filename` cell) into `dir`.
 */
export function writeStimulusSet(dir: string, name: string, columns: readonly string[], rows: readonly (readonly (string | number)[])[]): { csv: string; zip: string } {
  const filename = columns.indexOf('filename');
  if (filename < 0) throw new Error('writeStimulusSet: the columns need a filename');
  const csv = join(dir, `${name}.csv`);
  const zip = join(dir, `${name}.zip`);
  writeFileSync(csv, [columns, ...rows].map((cells) => cells.join(',')).join('\n') + '\n');
  writeFileSync(zip, buildZip(rows.map((row) => ({ name: String(row[filename]), data: GREY_PNG }))));
  return { csv, zip };
}
