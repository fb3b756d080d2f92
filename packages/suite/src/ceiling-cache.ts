import { createHash } from 'node:crypto';
import { mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { writeFileAtomic, type Benchmark, type CeilingCache } from '@vvs/core';
import type { CeilingResult, CeilingSplit } from '@vvs/metrics';

/** Bumped whenever the stored form changes or the ceiling is computed differently. */
const CEILING_FORMAT = 1;

/** Options of {@link DiskCeilingCache}. */
export interface DiskCeilingCacheOptions {
  /** The folder the ceilings are kept in (one JSON file each). */
  readonly dir: string;
  /**
   * The checksum of a benchmark's data (e.g. of its catalog files' SHA-1s), or `null` for built-in
   * data, which its benchmark version identifies.
   */
  readonly dataChecksum: (benchmark: Benchmark) => string | null;
  /** Versions of the code that computes ceilings; a new version computes them afresh. */
  readonly codeVersion: string;
}

/** A ceiling as stored: typed arrays as plain arrays. */
interface StoredCeiling {
  readonly format: number;
  readonly benchmark: string;
  readonly result: Omit<CeilingResult, 'splits'> & {
    readonly splits: (Omit<CeilingSplit, 'perNeuroidR' | 'perNeuroidSpearmanBrown'> & { perNeuroidR: number[]; perNeuroidSpearmanBrown: number[] })[];
  };
}

/**
 * Neural ceilings kept on disk between runs, one JSON file per (benchmark id, benchmark version,
 * data checksum, code version): the ceiling of a benchmark is computed once, and again only when its
 * data, its version or vvs's ceiling code changes. A file that cannot be read is recomputed and
 * rewritten; files are written whole (written beside, then renamed). NaN correlations (zero-variance
 * neuroids) survive the round trip.
 *
 * @example
 * const ceilingCache = new DiskCeilingCache({ dir: join(defaultCacheDir(), 'ceilings'), dataChecksum: () => null, codeVersion: '0.1.0' });
 * await benchmark.score(model, { ceilingCache });
 */
export class DiskCeilingCache implements CeilingCache {
  constructor(private readonly options: DiskCeilingCacheOptions) {}

  /** The file `benchmark`'s ceiling is kept in. */
  fileOf(benchmark: Benchmark): string {
    const { dataChecksum, codeVersion, dir } = this.options;
    const key = createHash('sha256')
      .update(JSON.stringify([CEILING_FORMAT, benchmark.id, String(benchmark.version), dataChecksum(benchmark) ?? 'built-in', codeVersion]))
      .digest('hex');
    return join(dir, `${benchmark.id.replace(/[^\w.-]+/g, '_')}-${key.slice(0, 16)}.json`);
  }

  async get(benchmark: Benchmark, compute: () => Promise<CeilingResult>): Promise<CeilingResult> {
    const file = this.fileOf(benchmark);
    const stored = await readStored(file, benchmark.id);
    if (stored !== undefined) return stored;
    const result = await compute();
    await mkdir(this.options.dir, { recursive: true });
    await writeFileAtomic(file, JSON.stringify(toStored(benchmark.id, result)));
    return result;
  }
}

function toStored(benchmark: string, result: CeilingResult): StoredCeiling {
  // JSON has no NaN: a NaN correlation is written as null and read back as NaN.
  return {
    format: CEILING_FORMAT,
    benchmark,
    result: {
      ...result,
      splits: result.splits.map((s) => ({ ...s, perNeuroidR: Array.from(s.perNeuroidR), perNeuroidSpearmanBrown: Array.from(s.perNeuroidSpearmanBrown) })),
    },
  };
}

async function readStored(file: string, benchmark: string): Promise<CeilingResult | undefined> {
  let stored: StoredCeiling;
  try {
    stored = JSON.parse(await readFile(file, 'utf8')) as StoredCeiling;
  } catch {
    return undefined; // missing or unreadable: computed afresh and rewritten
  }
  if (stored.format !== CEILING_FORMAT || stored.benchmark !== benchmark || !Array.isArray(stored.result?.splits)) return undefined;
  const numbers = (values: readonly (number | null)[]) => Float64Array.from(values, (v) => (v === null ? Number.NaN : v));
  const nan = (v: number | null) => (v === null ? Number.NaN : v);
  return {
    ...stored.result,
    ceiling: nan(stored.result.ceiling),
    error: nan(stored.result.error),
    splits: stored.result.splits.map((s) => ({
      ...s,
      median: nan(s.median),
      perNeuroidR: numbers(s.perNeuroidR),
      perNeuroidSpearmanBrown: numbers(s.perNeuroidSpearmanBrown),
    })),
  };
}
