import { crc32, deflateSync } from 'node:zlib';

/**
 * An 8-bit RGB PNG of `size`² pixels from row-major RGB bytes (no filtering, one IDAT chunk;
 * PNG spec §11–12), so tests and benchmarks can write images without an image library.
 */
export function encodePng(size: number, rgb: Uint8Array): Buffer {
  const chunk = (type: string, body: Buffer) => {
    const head = Buffer.alloc(8);
    head.writeUInt32BE(body.length, 0);
    head.write(type, 4, 'latin1');
    const crc = Buffer.alloc(4);
    crc.writeUInt32BE(crc32(Buffer.concat([head.subarray(4), body])), 0);
    return Buffer.concat([head, body, crc]);
  };
  const header = Buffer.alloc(13);
  header.writeUInt32BE(size, 0);
  header.writeUInt32BE(size, 4);
  header.set([8, 2, 0, 0, 0], 8); // bit depth 8, truecolour, deflate, no filter, no interlace
  const scanlines = Buffer.alloc(size * (1 + 3 * size));
  for (let y = 0; y < size; y++) scanlines.set(rgb.subarray(y * 3 * size, (y + 1) * 3 * size), y * (1 + 3 * size) + 1);
  const signature = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  return Buffer.concat([signature, chunk('IHDR', header), chunk('IDAT', deflateSync(scanlines)), chunk('IEND', Buffer.alloc(0))]);
}
