/**
 * The plugins every `vvs` command starts with, and the registry built from them plus the user's own
 * (`--plugin <package or path>`), with the data cache the user chose.
 */
import { DataCache, PluginRegistry, TOKENS, createContainer, loadPlugins, type VvsPlugin } from '@vvs/core';
import { plugin as synthetic } from '@vvs/benchmarks-synthetic';
import { plugin as v1 } from '@vvs/benchmarks-v1';
import { plugin as v2 } from '@vvs/benchmarks-v2';
import { plugin as v4 } from '@vvs/benchmarks-v4';
import { plugin as it } from '@vvs/benchmarks-it';
import { plugin as behavior } from '@vvs/benchmarks-behavior';

/**
 * The built-in benchmark plugins, in listing order: the synthetic suite (no download), then
 * Brain-Score's benchmarks by region. Imported statically: the CLI ships as one
 * bundle, where importing packages by name at run time would not find them.
 */
export const BUILTIN_PLUGINS: readonly VvsPlugin[] = [synthetic, v1, v2, v4, it, behavior];

/** Options of {@link createRegistry}. */
export interface CreateRegistryOptions {
  /** Extra plugins: package names or paths, resolved from the current directory. */
  readonly plugins?: readonly string[];
  /** The data cache's folder (default: `$VVS_CACHE_DIR`, else the user's cache folder). */
  readonly cacheDir?: string;
  /** Forbid downloads (default: `$VVS_OFFLINE`). */
  readonly offline?: boolean;
  /** Progress of data downloads. */
  readonly onDownload?: ConstructorParameters<typeof DataCache>[0]['onProgress'];
}

/**
 * A registry with the built-in plugins and `plugins` installed, whose benchmarks fetch data through
 * a cache in `cacheDir`.
 *
 * @example
 * const registry = await createRegistry({ plugins: ['./my-benchmark.mjs'], offline: true });
 * registry.list('benchmark').map((b) => b.id);
 */
export async function createRegistry(options: CreateRegistryOptions = {}): Promise<PluginRegistry> {
  const container = createContainer();
  const registry = container.resolve(PluginRegistry);
  for (const plugin of BUILTIN_PLUGINS) registry.install(plugin);
  if (options.plugins !== undefined && options.plugins.length > 0) {
    // Plugins are often TypeScript, and import vvs's packages, whose entry points are TypeScript:
    // let Node load them through tsx (the built-in plugins are already in the bundle).
    const { register } = await import('tsx/esm/api');
    register();
    await loadPlugins(registry, options.plugins);
  }
  const cache = new DataCache({
    catalog: registry.dataSets,
    ...(options.cacheDir !== undefined ? { root: options.cacheDir } : {}),
    ...(options.offline ? { offline: true } : {}),
    ...(options.onDownload ? { onProgress: options.onDownload } : {}),
  });
  container.register(TOKENS.DataCache, { useValue: cache });
  return registry;
}
