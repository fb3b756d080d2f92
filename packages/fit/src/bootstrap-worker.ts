/**
 * What a bootstrap pool worker does: refits a batch of resamples (see bootstrap-pool.ts).
 */
import { fitResample, type BootstrapData, type BootstrapFit } from './bootstrap.ts';
import type { StartGrid } from './fit-grid.ts';
import type { LawFormName } from './forms.ts';

/** One batch of refits: the data, the law, and the resamples' rows (`size` rows each, back to back). */
export interface ResampleBatch {
  readonly data: BootstrapData;
  readonly form: LawFormName;
  readonly grid: StartGrid;
  readonly delta: number;
  readonly rows: Int32Array;
  readonly size: number;
}

/**
 * Refits every resample of a batch, in order.
 *
 * @example
 * fitBatch({ data, form: 'power_law_LSE', grid, delta: 1e-3, rows: resamples.flat, size: 620 });
 */
export function fitBatch({ data, form, grid, delta, rows, size }: ResampleBatch): BootstrapFit[] {
  const fits: BootstrapFit[] = [];
  for (let start = 0; start < rows.length; start += size) fits.push(fitResample(data, rows.subarray(start, start + size), form, grid, delta));
  return fits;
}

export default fitBatch;
