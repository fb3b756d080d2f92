/** `@vvs/benchmarks-v2`: Brain-Score's V2 benchmarks as a vvs plugin (install `plugin`). */
export { plugin, plugin as default } from './plugin.ts';
