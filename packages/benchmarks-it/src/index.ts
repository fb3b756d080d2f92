/** `@vvs/benchmarks-it`: Brain-Score's IT benchmarks as a vvs plugin (install `plugin`). */
export { plugin, plugin as default } from './plugin.ts';
