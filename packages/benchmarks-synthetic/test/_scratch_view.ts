import { writeFileSync } from 'node:fs';
import sharp from 'sharp';
import { gratingsAndTextures, objectImages } from '../src/stimuli.ts';
const t0 = performance.now();
const g = await gratingsAndTextures();
const t1 = performance.now();
const o = await objectImages({ imagesPerObject: 36 });
const t2 = performance.now();
console.log('gratings', (t1 - t0).toFixed(0), 'ms; objects', (t2 - t1).toFixed(0), 'ms');
// mosaics
async function mosaic(set: any, ids: string[], out: string) {
  const tiles = await Promise.all(ids.map((id) => set.getImage(id)));
  const cols = 8; const rows = Math.ceil(ids.length / cols);
  const composite = tiles.map((t: Uint8Array, i: number) => ({ input: Buffer.from(t), left: (i % cols) * 130, top: Math.floor(i / cols) * 130 }));
  await sharp({ create: { width: cols * 130, height: rows * 130, channels: 3, background: { r: 255, g: 0, b: 0 } } }).composite(composite).png().toFile(out);
}
await mosaic(g, g.rows.filter((_, i) => i % 4 === 0).map((r) => r.stimulus_id), '/tmp/synth/g.png');
await mosaic(o, o.rows.slice(0, 48).map((r) => r.stimulus_id), '/tmp/synth/o.png');
let bytes = 0; for (const r of [...g.rows, ...o.rows]) bytes += (await (r.stimulus_id.startsWith('objects') ? o : g).getImage(r.stimulus_id)).length;
console.log('bytes', bytes);
