/**
 * The tiny-input check of the builders' tests: run a built ONNX graph on a small deterministic
 * batch and compare its output and named layers with the float64 reference forward pass of the
 * same weights (reference-forward.ts and its per-architecture companions).
 */
import { OnnxModel } from '@vvs/models-onnx';
import { expectAllClose } from '@vvs/test-utils';
import { expect } from 'vitest';
import type { Activation } from './reference-forward.ts';

/** Images in a tiny batch: two, so that a mix-up of the batch axis changes the values. */
const TINY_BATCH = 2;

/**
 * A deterministic TINY_BATCH×`channels`×`size`×`size` input, `sin(0.37 i) + cos(0.011 i)` at flat
 * index i, as the float32 the graph runs on and as the reference's float64 activation of the same values.
 *
 * @example
 * const { input, x } = tinyInput(32); // input: Float32Array(6144), x.shape: [2, 3, 32, 32]
 */
export function tinyInput(size: number, channels = 3): { input: Float32Array; x: Activation } {
  const shape = [TINY_BATCH, channels, size, size];
  const input = Float32Array.from({ length: TINY_BATCH * channels * size * size }, (_, i) => Math.sin(i * 0.37) + Math.cos(i * 0.011));
  return { input, x: { shape, data: Float64Array.from(input) } };
}

/**
 * `max |a − e| / max |e|`: the largest deviation relative to the expected tensor's largest
 * magnitude, the deviation measure of the model fixtures' README.
 *
 * @example
 * relativeMaxDeviation([1, 2.001], [1, 2]); // ≈ 5e-4
 */
export function relativeMaxDeviation(actual: ArrayLike<number>, expected: ArrayLike<number>): number {
  let diff = 0;
  let scale = 0;
  for (let i = 0; i < expected.length; i++) {
    diff = Math.max(diff, Math.abs(actual[i] - expected[i]));
    scale = Math.max(scale, Math.abs(expected[i]));
  }
  return diff / scale;
}

/**
 * The output tensor of a graph built for a torchvision classifier and the reference module it
 * stands for: `logits`, the output of the final Linear `classifier`, or for a trunk (no
 * classifier) `flatten`, the flattened `avgpool`.
 *
 * @example
 * graphOutput(spec.numClasses !== undefined, 'fc'); // ['logits', 'fc'], or ['flatten', 'avgpool'] for a trunk
 */
export function graphOutput(hasClassifier: boolean, classifier: string): readonly [tensor: string, module: string] {
  return hasClassifier ? ['logits', classifier] : ['flatten', 'avgpool'];
}

/**
 * The reference activations a graph's tensors are checked against: the graph output `tensor`
 * against the reference's module `module` (the classifier, or `avgpool` for a trunk whose output is
 * `flatten`), and each of `layers` against the module of that name. The graph's `avgpool` tensor is
 * torch's `AdaptiveAvgPool2d(1)` output, [N, C, 1, 1], where the reference records it flattened,
 * [N, C]; its reference is given the graph's shape.
 *
 * @example
 * referenceTensors(resnetForward(spec, weights, x), ['logits', 'fc'], ['layer1.0.relu', 'avgpool']);
 */
export function referenceTensors(
  reference: ReadonlyMap<string, Activation>,
  [tensor, module]: readonly [tensor: string, module: string],
  layers: readonly string[],
): [string, Activation][] {
  return [[tensor, module] as const, ...layers.map((layer) => [layer, layer] as const)].map(([name, path]): [string, Activation] => {
    const ref = reference.get(path);
    expect(ref, `${path}: in the reference`).toBeDefined();
    return [name, name === 'avgpool' ? { shape: [...ref!.shape, 1, 1], data: ref!.data } : ref!];
  });
}

/**
 * Runs the ONNX graph `bytes` on `input` (of dims `shape`) and checks each named tensor of
 * `expected` against its float64 reference activation: the same shape, not all zero (a vacuous
 * comparison), and within `rtol` × the reference's largest magnitude element-wise. Returns each
 * tensor's {@link relativeMaxDeviation}, for the tests to report.
 *
 * @example
 * const worst = await expectGraphMatchesReference(bytes, 'tiny.onnx', input, x.shape, referenceTensors(reference, ['logits', 'fc'], []), 1e-4);
 */
export async function expectGraphMatchesReference(
  bytes: Uint8Array,
  name: string,
  input: Float32Array,
  shape: readonly number[],
  expected: readonly (readonly [tensor: string, reference: Activation])[],
  rtol: number,
): Promise<Record<string, number>> {
  const model = await OnnxModel.fromBytes(bytes, name, { intraOpNumThreads: 1 });
  const worst: Record<string, number> = {};
  try {
    const out = await model.run(input, shape, expected.map(([tensor]) => tensor));
    for (const [tensor, ref] of expected) {
      const got = out.get(tensor)!;
      expect(got.dims, `${tensor}: shape`).toEqual(ref.shape);
      const scale = ref.data.reduce((m, v) => Math.max(m, Math.abs(v)), 0);
      expect(scale, `${tensor}: not all zero`).toBeGreaterThan(0);
      expectAllClose(got.data, ref.data, { atol: rtol * scale }, tensor);
      worst[tensor] = relativeMaxDeviation(got.data, ref.data);
    }
  } finally {
    await model.dispose();
  }
  return worst;
}
