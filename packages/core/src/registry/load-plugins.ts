import { isAbsolute, resolve } from 'node:path';
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { RegistrationError } from '../errors.ts';
import type { PluginRegistry, VvsPlugin } from './plugin-registry.ts';
import { describeValue } from './validation.ts';

/**
 * Options of {@link loadPlugins}.
 *
 * @example
 * const opts: LoadPluginsOptions = { from: '/home/me/my-study' };
 */
export interface LoadPluginsOptions {
  /**
   * Directory that relative paths and package names are resolved from (the user's project, not
   * `@vvs/core`'s install location); `process.cwd()` by default.
   */
  from?: string;
}

/**
 * Imports plugin modules and installs them into `registry`, in order (Brain-Score discovers plugins
 * by folder; vvs by package name or path, so that plugins are ordinary npm packages).
 *
 * Each specifier is a package name (`@vvs/benchmarks-neural`, resolved from `from`, then from
 * `@vvs/core` itself), a path (`./my-plugin.mjs`, relative to `from`) or a `file:` URL. The module
 * must export, in order of precedence, a default {@link VvsPlugin} or `register` function, a named
 * `plugin`, or a named `register` function; a bare function's plugin is named after its specifier.
 *
 * Stops at the first failure; plugins installed before it stay installed, and the failing one leaves
 * nothing behind.
 *
 * @returns the installed plugins, in order.
 * @throws RegistrationError naming the specifier when a module cannot be imported, exports no
 * `register`, is already installed, or its registrations are invalid.
 * @example
 * const registry = createContainer().resolve(PluginRegistry);
 * await loadPlugins(registry, ['@vvs/benchmarks-neural', './plugins/my-benchmark.mjs']);
 * registry.list('benchmark');
 */
export async function loadPlugins(
  registry: PluginRegistry,
  specifiers: readonly string[],
  { from = process.cwd() }: LoadPluginsOptions = {},
): Promise<VvsPlugin[]> {
  const installed: VvsPlugin[] = [];
  for (const specifier of specifiers) {
    if (typeof specifier !== 'string' || specifier.trim() === '') {
      throw new RegistrationError(`plugin specifier must be a package name or path (got ${describeValue(specifier)})`);
    }
    let module: Record<string, unknown>;
    try {
      module = await importModule(specifier, from);
    } catch (e) {
      throw new RegistrationError(`cannot load plugin "${specifier}": ${e instanceof Error ? e.message : String(e)}`, {
        plugin: specifier,
        cause: e,
      });
    }
    const plugin = pluginOf(module, specifier);
    try {
      registry.install(plugin);
    } catch (e) {
      if (plugin.name === specifier || !(e instanceof RegistrationError)) throw e;
      throw new RegistrationError(`${specifier}: ${e.message}`, { plugin: plugin.name, cause: e });
    }
    installed.push(plugin);
  }
  return installed;
}

function isPath(specifier: string): boolean {
  return specifier.startsWith('.') || isAbsolute(specifier);
}

async function importModule(specifier: string, from: string): Promise<Record<string, unknown>> {
  if (specifier.startsWith('file:')) return import(specifier);
  if (isPath(specifier)) return import(pathToFileURL(resolve(from, specifier)).href);
  let resolved: string;
  try {
    // The user's project first: with pnpm's strict layout @vvs/core cannot see the user's packages.
    resolved = createRequire(resolve(from, 'package.json')).resolve(specifier);
  } catch (fromProject) {
    // Not installed there (or exported for `import` only): let Node resolve it from @vvs/core.
    try {
      return await import(specifier);
    } catch (fromCore) {
      // Say where both attempts looked; Node's own message names only @vvs/core's folder.
      const firstLine = (e: unknown) => (e instanceof Error ? e.message : String(e)).split('\n')[0];
      throw new Error(`${firstLine(fromCore)}; from ${from}: ${firstLine(fromProject)}`, { cause: fromCore });
    }
  }
  return import(pathToFileURL(resolved).href);
}

/** The plugin a module exports: default (object or function), then `plugin`, then `register`. */
function pluginOf(module: Record<string, unknown>, specifier: string): VvsPlugin {
  for (const exported of [module.default, module.plugin, module.register]) {
    if (typeof exported === 'function') {
      return { name: specifier, register: exported as VvsPlugin['register'] };
    }
    if (typeof exported === 'object' && exported !== null && 'register' in exported) {
      const plugin = exported as VvsPlugin;
      if (typeof (exported as { name?: unknown }).name === 'string') return plugin;
      // Name it after the specifier, so that install() can still refuse it twice.
      return { name: specifier, register: (registry) => plugin.register(registry) };
    }
  }
  throw new RegistrationError(
    `plugin "${specifier}" exports no register function: export default a { name, register(registry) } ` +
      `object or a register function, or export \`plugin\` or \`register\` by name (found exports: ${
        Object.keys(module).join(', ') || 'none'
      })`,
    { plugin: specifier },
  );
}
