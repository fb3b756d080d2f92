/** `@vvs/benchmarks-v4`: Brain-Score's V4 benchmarks as a vvs plugin (install `plugin`). */
export { plugin, plugin as default } from './plugin.ts';
