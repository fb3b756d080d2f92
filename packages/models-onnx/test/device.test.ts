import ort from 'onnxruntime-node';
import onnxProto from 'onnx-proto';
import { describe, expect, it } from 'vitest';
import { InputError } from '@vvs/core';
import { builtinModel } from '../src/builtin/index.ts';
import { AUTO_DEVICE_ORDER, DeviceUnavailableError, describeDevice, parseDevice } from '../src/device.ts';
import { OnnxModel } from '../src/onnx-model.ts';

const { onnx } = onnxProto;

/** A tiny fixed model: enough to start a session on each device. */
const GABOR = builtinModel('gabor');
/** One 224² RGB image of a constant gray, the built-in models' input. */
const INPUT_DIMS = [1, 3, 224, 224];
const INPUT = new Float32Array(3 * 224 * 224).fill(0.25);

/** Whether onnxruntime can start `device` here (it cannot on CI machines without a GPU). */
async function starts(device: 'cuda' | 'webgpu'): Promise<boolean> {
  if (!ort.listSupportedBackends().some((b) => b.name === device)) return false;
  try {
    await (await ort.InferenceSession.create(GABOR, { executionProviders: [device] })).release();
    return true;
  } catch {
    return false;
  }
}

const cudaStarts = await starts('cuda');
const webgpuStarts = await starts('webgpu');

describe('parseDevice', () => {
  it('accepts the four devices and suggests a close one for a typo', () => {
    for (const d of ['cpu', 'cuda', 'webgpu', 'auto']) expect(parseDevice(d)).toBe(d);
    expect(() => parseDevice('cdua')).toThrow(InputError);
    expect(() => parseDevice('cdua')).toThrow(/expected one of cpu, cuda, webgpu, auto, got 'cdua'; did you mean .*'cuda'/);
  });
});

describe('OnnxModel devices', () => {
  it("runs on the cpu by default and when asked, with the same numbers; threads are configurable", async () => {
    const plain = await OnnxModel.fromBytes(GABOR, 'builtin:gabor');
    const cpu = await OnnxModel.fromBytes(GABOR, 'builtin:gabor', { device: 'cpu', intraOpNumThreads: 1 });
    expect(plain.device).toBe('cpu');
    expect(cpu.device).toBe('cpu');
    expect(cpu.deviceFallbacks).toEqual([]);
    const a = (await plain.run(INPUT, INPUT_DIMS, ['complex'])).get('complex')!;
    const b = (await cpu.run(INPUT, INPUT_DIMS, ['complex'])).get('complex')!;
    expect(b.dims).toEqual(a.dims);
    expect(b.data).toEqual(a.data);
    await plain.dispose();
    await cpu.dispose();
  });

  it('rejects a thread count that is not a positive integer', async () => {
    await expect(OnnxModel.fromBytes(GABOR, 'g', { intraOpNumThreads: 0 })).rejects.toThrow(/intraOpNumThreads: expected a positive integer, got 0/);
    await expect(OnnxModel.fromBytes(GABOR, 'g', { intraOpNumThreads: 1.5 })).rejects.toThrow(RangeError);
  });

  it.skipIf(cudaStarts)('an explicit cuda that cannot start fails with what is missing, never silently on the cpu', async () => {
    const error = await OnnxModel.fromBytes(GABOR, 'builtin:gabor', { device: 'cuda' }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(DeviceUnavailableError);
    expect(error).toBeInstanceOf(InputError);
    const { device, message } = error as DeviceUnavailableError;
    expect(device).toBe('cuda');
    const hasCudaProvider = ort.listSupportedBackends().some((b) => b.name === 'cuda');
    // Either the binding lacks the provider entirely, or its library (or a GPU behind it) is missing.
    expect(message).toMatch(hasCudaProvider ? /libonnxruntime_providers_cuda|NVIDIA GPU/ : /has no cuda execution provider/);
    expect(message).toMatch(/^device cuda unavailable: .* \(use --device cpu, or --device auto to fall back\)$/s);
  });

  it.skipIf(webgpuStarts)('an explicit webgpu that cannot start fails with a DeviceUnavailableError', async () => {
    await expect(OnnxModel.fromBytes(GABOR, 'builtin:gabor', { device: 'webgpu' })).rejects.toThrow(/^device webgpu unavailable: /);
  });

  it('auto takes the first device that starts and records why it skipped the others', async () => {
    const model = await OnnxModel.fromBytes(GABOR, 'builtin:gabor', { device: 'auto' });
    const expected = cudaStarts ? 'cuda' : webgpuStarts ? 'webgpu' : 'cpu';
    expect(model.device).toBe(expected);
    const skipped = AUTO_DEVICE_ORDER.slice(0, AUTO_DEVICE_ORDER.indexOf(expected));
    expect(model.deviceFallbacks.map((f) => f.device)).toEqual(skipped);
    for (const f of model.deviceFallbacks) expect(f.reason.length).toBeGreaterThan(0);
    // Sessions for extra outputs are created on the same device and still run.
    const out = await model.run(INPUT, INPUT_DIMS, ['simple', 'complex']);
    expect(out.get('simple')!.dims[0]).toBe(1);
    expect(describeDevice(model.device, model.deviceFallbacks)).toMatch(
      skipped.length > 0 ? new RegExp(`^using ${expected} \\(${skipped[0]} unavailable: .+\\)$`) : /^using cuda$/,
    );
    await model.dispose();
  });

  it('a model onnxruntime refuses fails as a model error under auto, not as a device error', async () => {
    const proto = onnx.ModelProto.decode(GABOR);
    proto.graph!.node![0].opType = 'NoSuchOperator';
    const bad = onnx.ModelProto.encode(proto).finish();
    const error = await OnnxModel.fromBytes(bad, 'bad.onnx', { device: 'auto' }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(InputError);
    expect(error).not.toBeInstanceOf(DeviceUnavailableError);
    expect((error as Error).message).toMatch(/^bad\.onnx: onnxruntime cannot load the model: .*NoSuchOperator/s);
  });
});

describe('describeDevice', () => {
  it('says the device, then each skipped one and why', () => {
    expect(describeDevice('cpu', [])).toBe('using cpu');
    expect(
      describeDevice('cpu', [
        { device: 'cuda', reason: 'no NVIDIA GPU' },
        { device: 'webgpu', reason: 'no adapter' },
      ]),
    ).toBe('using cpu (cuda unavailable: no NVIDIA GPU; webgpu unavailable: no adapter)');
  });
});
