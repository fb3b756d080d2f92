/**
 * The dependency-injection side of the registry (tsyringe). tsx and esbuild emit no decorator
 * metadata, so nothing here relies on `emitDecoratorMetadata`: everything is registered under
 * explicit tokens with `useValue`/`useFactory`, and classes that want injection use `@inject(token)`.
 */
// tsyringe refuses to load without a Reflect metadata polyfill; this must precede its import.
import 'reflect-metadata';
import { container as rootContainer, type DependencyContainer } from 'tsyringe';
import { PluginRegistry } from './plugin-registry.ts';

import { TOKENS } from './tokens.ts';

export { TOKENS };

/**
 * A new child container with its own, empty {@link PluginRegistry}, resolvable by the class
 * (`c.resolve(PluginRegistry)`, typed) and by {@link TOKENS.PluginRegistry}. Services registered in
 * `parent` stay visible; what is registered in the child (plugins included) does not leak back, so
 * two containers, or two tests, never see each other's registrations.
 *
 * @param parent - the container to inherit services from; tsyringe's global container by default.
 * @example
 * const c = createContainer();
 * const registry = c.resolve(PluginRegistry);
 * await loadPlugins(registry, ['@vvs/benchmarks-neural']);
 */
export function createContainer(parent: DependencyContainer = rootContainer): DependencyContainer {
  const child = parent.createChildContainer();
  const registry = new PluginRegistry(child);
  child.register(PluginRegistry, { useValue: registry });
  child.register(TOKENS.PluginRegistry, { useValue: registry });
  return child;
}
