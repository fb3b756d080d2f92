import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { defineConfig } from 'vitest/config';

/**
 * Tests keep what vvs caches (data, ceilings, activations) in a folder of their own, never in the
 * user's cache folder: VVS_CACHE_DIR (core's CACHE_DIR_ENV) points there unless the caller set it.
 */
process.env.VVS_CACHE_DIR ??= mkdtempSync(join(tmpdir(), 'vvs-test-cache-'));

export default defineConfig({
  test: {
    include: ['packages/*/test/**/*.test.ts'],
    testTimeout: 60_000,
    pool: 'forks',
  },
});
