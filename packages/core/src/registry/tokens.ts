/**
 * Injection tokens of the services vvs itself provides. They are `Symbol.for` keys, so a plugin
 * built against another copy of `@vvs/core` still finds them.
 *
 * @example
 * const registry = container.resolve<PluginRegistry>(TOKENS.PluginRegistry);
 * container.register(TOKENS.DataCache, { useValue: new DataCache({ catalog: registry.dataSets, root: '/data/vvs' }) });
 */
export const TOKENS = Object.freeze({
  /** The container's `PluginRegistry` (also registered under the class itself). */
  PluginRegistry: Symbol.for('@vvs/core:PluginRegistry'),
  /** The `DataCache` benchmarks fetch published data through (optional; see `PluginRegistry.dataCache`). */
  DataCache: Symbol.for('@vvs/core:DataCache'),
});
