/** `@vvs/benchmarks-v1`: Brain-Score's V1 benchmarks as a vvs plugin (install `plugin`). */
export { plugin, plugin as default } from './plugin.ts';
