/**
 * The plugin of plugin.ts, installed and run from TypeScript: the synthetic IT recording scored by
 * ridge regression for each stage of the built-in CNN (the data were generated from stage4).
 *
 *   pnpm --filter @vvs/example-custom-benchmark start
 */
import { PluginRegistry, commitToLayer, createContainer } from '@vvs/core';
import { OnnxModelAdapter, loadModel } from '@vvs/models-onnx';
import { plugin } from './plugin.ts';

const registry = createContainer().resolve(PluginRegistry);
registry.install(plugin);
const benchmark = registry.benchmark('Example2026.IT-ridge');
const adapter = new OnnxModelAdapter(await loadModel('builtin:cnn'));
try {
  for (const layer of ['stage1', 'stage2', 'stage3', 'stage4']) {
    const score = await benchmark.score(commitToLayer('builtin:cnn', adapter, layer));
    console.log(`${benchmark.id} [synthetic]  ${layer.padEnd(7)} score ${score.value.toFixed(3)}  raw ${score.raw.toFixed(3)}  ceiling ${score.ceiling.toFixed(3)}`);
  }
} finally {
  await adapter.dispose();
}
