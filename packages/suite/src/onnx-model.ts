import { OnnxModelAdapter, loadModel } from '@vvs/models-onnx';
import type { SuiteModel } from './run-suite.ts';

/**
 * A suite model from an `.onnx` file or a built-in (`builtin:cnn@3`), opened with onnxruntime when
 * the suite reaches it.
 *
 * @example
 * const models = [onnxSuiteModel('builtin:pixels'), onnxSuiteModel('resnet18.onnx', { commitment: { IT: 'layer3.0.relu' } })];
 */
export function onnxSuiteModel(spec: string, extra: Omit<SuiteModel, 'id' | 'open'> = {}): SuiteModel {
  return {
    id: spec,
    open: async () => new OnnxModelAdapter(await loadModel(spec)),
    contentHash: (adapter) => (adapter instanceof OnnxModelAdapter ? adapter.model.sha256 : ''),
    ...extra,
  };
}
