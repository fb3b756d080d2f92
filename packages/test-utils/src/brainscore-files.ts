/**
 * Brain-Score-shaped stimulus sets for tests: a CSV of metadata plus a flat zip of images, as
 * brainio's `create_image_zip` packages them, written into a folder.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { encodePng } from './png.ts';
import { buildZip } from './zip-writer.ts';

/** A 1×1 grey PNG: the image of every row that is given none (for models that never decode them). */
const GREY_PNG = encodePng(1, Uint8Array.of(128, 128, 128));

/**
 * Writes `<name>.csv` (the header `columns`, then `rows`; no quoting, so no cell may hold a comma)
 * and `<name>.zip` (one stored image per row, named by the row's `filename` cell: `images[i]`, or a
 * grey PNG) into `dir`.
 *
 * @example
 * writeStimulusSet(dir, 'stimulus_hvm-public', ['image_id', 'filename', 'object_name'], [['im0', 'im0.png', 'bear']]);
 */
export function writeStimulusSet(
  dir: string,
  name: string,
  columns: readonly string[],
  rows: readonly (readonly (string | number)[])[],
  images?: readonly Uint8Array[],
): { csv: string; zip: string } {
  const filename = columns.indexOf('filename');
  if (filename < 0) throw new Error('writeStimulusSet: the columns need a filename');
  const csv = join(dir, `${name}.csv`);
  const zip = join(dir, `${name}.zip`);
  writeFileSync(csv, [columns, ...rows].map((cells) => cells.join(',')).join('\n') + '\n');
  writeFileSync(zip, buildZip(rows.map((row, i) => ({ name: String(row[filename]), data: images?.[i] ?? GREY_PNG }))));
  return { csv, zip };
}
