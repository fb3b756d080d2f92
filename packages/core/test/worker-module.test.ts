import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { workerModule } from '../src/index.ts';

const dir = mkdtempSync(join(tmpdir(), 'vvs-worker-module-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('workerModule', () => {
  // A bundle layout: dist/app.mjs with its worker beside it, and a package that exports the same worker.
  mkdirSync(join(dir, 'dist'));
  mkdirSync(join(dir, 'node_modules/pkg/src'), { recursive: true });
  writeFileSync(join(dir, 'dist/worker.mjs'), 'export default () => 1;');
  writeFileSync(join(dir, 'node_modules/pkg/package.json'), JSON.stringify({ name: 'pkg', exports: { './worker': './src/worker.mjs' } }));
  writeFileSync(join(dir, 'node_modules/pkg/src/worker.mjs'), 'export default () => 2;');

  it('takes the worker beside the calling module when it is there', () => {
    expect(workerModule(pathToFileURL(join(dir, 'dist/app.mjs')).href, 'worker.mjs', 'pkg/worker')).toBe(pathToFileURL(join(dir, 'dist/worker.mjs')).href);
  });

  it("falls back to the package's export when nothing is beside the caller", () => {
    expect(workerModule(pathToFileURL(join(dir, 'app.mjs')).href, 'worker.mjs', 'pkg/worker')).toBe(pathToFileURL(join(dir, 'node_modules/pkg/src/worker.mjs')).href);
  });

  it("fails with Node's own resolution error when neither exists", () => {
    expect(() => workerModule(pathToFileURL(join(dir, 'app.mjs')).href, 'none.mjs', 'pkg/none')).toThrow(/'\.\/none' is not defined by "exports"/);
  });
});
