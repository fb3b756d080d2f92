/**
 * Bundles the CLI's TypeScript (and that of the workspace packages it uses) into one ES module with
 * esbuild, rebuilding only when a source file is newer than the bundle.
 *
 * Why a bundle rather than running the sources through tsx: tsx's loader re-reads every ES module it
 * imports, and h5wasm's 4 MB module alone then costs about 4 s per start. Third-party packages stay
 * external and load as plain Node modules.
 */
import { existsSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const CLI_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const PACKAGES = resolve(CLI_ROOT, '..');
const DIST = join(CLI_ROOT, 'dist');
export const BUNDLE = join(DIST, 'vvs.mjs');

/**
 * The bundle's entry points, by output name: the CLI, and the worker threads its pools start. A pool
 * loads its worker from beside the bundle (`workerModule` in @vvs/core), so workers start without
 * tsx transpiling the workspace again in each thread.
 */
const ENTRIES = {
  vvs: join(CLI_ROOT, 'src/index.ts'),
  'compute-worker': join(PACKAGES, 'suite/src/compute-worker.ts'),
  'bootstrap-worker': join(PACKAGES, 'fit/src/bootstrap-worker.ts'),
};

/** Newest modification time of the TypeScript sources under every workspace package's src/ and of this script. */
function newestSource() {
  let newest = 0;
  const walk = (dir) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (entry.name.endsWith('.ts')) newest = Math.max(newest, statSync(path).mtimeMs);
    }
  };
  for (const pkg of readdirSync(PACKAGES)) {
    const src = join(PACKAGES, pkg, 'src');
    if (existsSync(src)) walk(src);
  }
  return Math.max(newest, statSync(fileURLToPath(import.meta.url)).mtimeMs);
}

/**
 * Workspace packages (`@vvs/…`) and relative imports are bundled; every other package stays
 * external, imported by the absolute URL of the file esbuild resolved — pnpm gives each workspace
 * package its own node_modules, so a bare name would not resolve from the bundle's folder.
 */
const externalDependencies = {
  name: 'external-dependencies',
  setup(build) {
    build.onResolve({ filter: /^[^./]/ }, async (args) => {
      if (args.path.startsWith('@vvs/') || args.path.startsWith('node:') || args.pluginData === 'resolving') return undefined;
      const resolved = await build.resolve(args.path, { kind: args.kind, resolveDir: args.resolveDir, pluginData: 'resolving' });
      if (resolved.errors.length > 0) return { errors: resolved.errors };
      return { path: resolved.external ? args.path : pathToFileURL(resolved.path).href, external: true };
    });
  },
};

/** Returns the bundle's path, building it (and its workers) first when one is missing or older than the sources. */
export async function ensureBuilt() {
  const outputs = Object.keys(ENTRIES).map((name) => join(DIST, `${name}.mjs`));
  const newest = newestSource();
  if (outputs.every((out) => existsSync(out) && statSync(out).mtimeMs >= newest)) return BUNDLE;
  const { build } = await import('esbuild');
  await build({
    entryPoints: ENTRIES,
    outdir: DIST,
    outExtension: { '.js': '.mjs' },
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    sourcemap: 'linked',
    logLevel: 'warning',
    plugins: [externalDependencies],
  });
  return BUNDLE;
}
