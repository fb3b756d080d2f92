/**
 * A `.npy` feature matrix read from disk on demand, so scoring a wide layer never holds it whole.
 */
import { closeSync, openSync, readSync } from 'node:fs';
import { nonFiniteFeatureError } from '@vvs/core';
import { checkRead, type FeatureSource } from '@vvs/linalg';
import { InputFileError } from './errors.ts';
import type { NpyLayout } from './npy.ts';

/**
 * A {@link FeatureSource} over a C-order float32 or float64 `.npy` array of rank ≥ 2 (all axes but
 * the first flattened, as `arr.reshape(len(arr), -1)`). Every read opens the file, reads the
 * requested row segments with positioned reads, and checks that each value is finite.
 *
 * @param stimulusIds the stimulus of each row, for error messages.
 * @example
 * const source = npyFeatureSource('layer4.npy', readNpyLayout('layer4.npy'), ids);
 */
export function npyFeatureSource(path: string, layout: NpyLayout, stimulusIds: readonly string[]): FeatureSource {
  const { shape, dataOffset, ArrayType, fortranOrder } = layout;
  if (fortranOrder || (ArrayType !== Float32Array && ArrayType !== Float64Array) || shape.length < 2) {
    throw new InputFileError(path, `cannot be read in pieces (needs a C-order float32/float64 array of rank ≥ 2, got ${layout.descr} ${shape.join('×')})`);
  }
  const rows = shape[0];
  const cols = shape.slice(1).reduce((n, d) => n * d, 1);
  const bytesPerValue = ArrayType.BYTES_PER_ELEMENT;
  const Values = ArrayType as Float32ArrayConstructor | Float64ArrayConstructor;
  return {
    rows,
    cols,
    read(rowIndices: ArrayLike<number>, start: number, width: number, out: Float64Array) {
      checkRead(this, rowIndices, start, width, out);
      const values = new Values(width);
      const bytes = new Uint8Array(values.buffer);
      let fd: number;
      try {
        fd = openSync(path, 'r');
      } catch (error) {
        throw new InputFileError(path, `cannot be reopened to read features: ${(error as Error).message}`, { cause: error });
      }
      try {
        for (let i = 0; i < rowIndices.length; i++) {
          const row = rowIndices[i];
          readFully(fd, bytes, dataOffset + (row * cols + start) * bytesPerValue, path);
          const dst = i * width;
          for (let j = 0; j < width; j++) {
            const v = values[j];
            if (!Number.isFinite(v)) throw nonFiniteFeatureError(path, stimulusIds[row], v, start + j);
            out[dst + j] = v;
          }
        }
      } finally {
        closeSync(fd);
      }
    },
  };
}

/** Fills `bytes` from `fd` at `position`: one read(2) may return less than asked. */
function readFully(fd: number, bytes: Uint8Array, position: number, path: string): void {
  for (let done = 0; done < bytes.length; ) {
    const n = readSync(fd, bytes, done, bytes.length - done, position + done);
    if (n === 0) throw new InputFileError(path, `ended early (at byte ${position + done}); was it truncated while being read?`);
    done += n;
  }
}
