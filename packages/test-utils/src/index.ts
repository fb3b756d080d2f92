/**
 * Test-only helpers shared by every package's tests.
 *
 * The reference fixtures live outside the repository (they are data from public repositories and
 * outputs of scikit-learn/scipy), in `../shared` beside the checkout or wherever `VVS_SHARED` points.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect } from 'vitest';

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');

/** Absolute path of the shared folder: `$VVS_SHARED`, else `../shared` beside the repository. */
export function sharedRoot(): string {
  return process.env.VVS_SHARED ? resolve(process.env.VVS_SHARED) : resolve(repoRoot, '../shared');
}

/** Absolute path of a file under the shared folder; throws a clear error when it is missing. */
export function sharedPath(relative: string): string {
  const p = resolve(sharedRoot(), relative);
  if (!existsSync(p)) {
    throw new Error(`shared fixture not found: ${p} (set VVS_SHARED to the folder holding reference/)`);
  }
  return p;
}

/** Parses a JSON fixture under the shared folder (`reference/metrics/pls_small.json`, …). */
export function loadFixture<T = any>(relative: string): T {
  return JSON.parse(readFileSync(sharedPath(relative), 'utf8')) as T;
}

/** Nested number arrays as they appear in the fixtures (`null` stands for NaN). */
export type Nested = number | null | Nested[];

function flatten(x: Nested | ArrayLike<number>, out: number[] = []): number[] {
  if (x === null) out.push(Number.NaN);
  else if (typeof x === 'number') out.push(x);
  else for (let i = 0; i < (x as ArrayLike<unknown>).length; i++) flatten((x as any)[i], out);
  return out;
}

/**
 * Asserts element-wise closeness: |a − e| ≤ atol + rtol·|e|, NaN matching NaN (fixtures write NaN as
 * null). Reports the worst element so a failure says how far off it is.
 */
export function expectAllClose(
  actual: Nested | ArrayLike<number>,
  expected: Nested | ArrayLike<number>,
  { rtol = 0, atol = 0 }: { rtol?: number; atol?: number },
  label = 'values',
): void {
  const a = flatten(actual);
  const e = flatten(expected);
  expect(a.length, `${label}: length`).toBe(e.length);
  let worst = -1;
  let worstExcess = 0;
  for (let i = 0; i < e.length; i++) {
    if (Number.isNaN(e[i]) || Number.isNaN(a[i])) {
      if (Number.isNaN(e[i]) !== Number.isNaN(a[i])) {
        throw new Error(`${label}[${i}]: expected ${e[i]}, got ${a[i]}`);
      }
      continue;
    }
    const excess = Math.abs(a[i] - e[i]) - (atol + rtol * Math.abs(e[i]));
    if (excess > worstExcess) {
      worstExcess = excess;
      worst = i;
    }
  }
  if (worst >= 0) {
    throw new Error(
      `${label}[${worst}]: expected ${e[worst]}, got ${a[worst]} (|diff| ${Math.abs(a[worst] - e[worst])}, rtol ${rtol}, atol ${atol})`,
    );
  }
}

/** Structural twin of `@vvs/core`'s `Assembly` (kept local so test-utils depends on no workspace package). */
export interface FixtureAssembly {
  dims: string[];
  shape: number[];
  data: Float64Array;
  coords: Record<string, { dim: string; values: string[] | number[] }>;
  attrs?: Record<string, unknown>;
}

/**
 * A neural-predictivity fixture (`reference/metrics/neural_*.json`) as Brain-Score assemblies: the
 * recording (one row per presentation, with stimulus_id, object_name, repetition and neuroid_id,
 * plus a single 70–170 ms time bin when `withTimeBin`) and the features in their own row order.
 */
export function neuralFixtureAssemblies(
  name: string,
  { withTimeBin = false }: { withTimeBin?: boolean } = {},
): { recording: FixtureAssembly; features: FixtureAssembly; expected: any; inputs: any } {
  const c = loadFixture(`reference/metrics/${name}.json`).cases[0];
  const { assembly, features } = c.inputs;
  const recording: FixtureAssembly = {
    dims: withTimeBin ? ['presentation', 'neuroid', 'time_bin'] : ['presentation', 'neuroid'],
    shape: withTimeBin ? [assembly.stimulus_id.length, assembly.neuroid_id.length, 1] : [assembly.stimulus_id.length, assembly.neuroid_id.length],
    data: Float64Array.from((assembly.data as number[][]).flat()),
    coords: {
      stimulus_id: { dim: 'presentation', values: assembly.stimulus_id },
      object_name: { dim: 'presentation', values: assembly.object_name },
      repetition: { dim: 'presentation', values: assembly.repetition },
      neuroid_id: { dim: 'neuroid', values: assembly.neuroid_id },
      ...(withTimeBin ? { time_bin_start: { dim: 'time_bin', values: [70] }, time_bin_end: { dim: 'time_bin', values: [170] } } : {}),
    },
    attrs: { source_file: `${name}.nc` },
  };
  const featureAssembly: FixtureAssembly = {
    dims: ['presentation', 'neuroid'],
    shape: [features.stimulus_id.length, features.data[0].length],
    data: Float64Array.from((features.data as number[][]).flat()),
    coords: { stimulus_id: { dim: 'presentation', values: features.stimulus_id } },
    attrs: { source_file: `${name}-features.npy` },
  };
  return { recording, features: featureAssembly, expected: c.expected, inputs: c.inputs };
}

/**
 * `count` deterministic pseudo-random values in [−offset, 1 − offset) from a small LCG (Numerical
 * Recipes' constants), so generated test data is the same on every run and a failure reproduces.
 */
export function seededValues(count: number, seed: number, offset = 0.5): Float64Array {
  let state = seed >>> 0;
  const out = new Float64Array(count);
  for (let i = 0; i < count; i++) {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    out[i] = state / 2 ** 32 - offset;
  }
  return out;
}

export { encodePng } from './png.ts';

// A local HTTP server for download tests, and a zip writer for building Brain-Score-shaped files.
export { startServer, sendFile, sendTruncated, testBytes } from './http-server.ts';
export type { LoggedRequest, Handler, TestServer } from './http-server.ts';
export { buildZip } from './zip-writer.ts';
export type { ZipInput, ZipOptions } from './zip-writer.ts';
export { writeStimulusSet } from './brainscore-files.ts';
export { mvhExpected } from './mvh-expected.ts';
export type { MvhExpected, MvhTableRow } from './mvh-expected.ts';
export { i2nFixtureCase, i2nHumanInputs } from './i2n-fixture.ts';
export type { I2nFixtureInputs, I2nFixtureSummary } from './i2n-fixture.ts';
