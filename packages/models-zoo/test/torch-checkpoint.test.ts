import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import onnxProto from 'onnx-proto';
import { afterAll, describe, expect, it } from 'vitest';
import { sharedPath } from '@vvs/test-utils';
import { readCheckpoint, writeCheckpoint, type TensorView } from '../src/torch/checkpoint.ts';
import { PickleWriter } from '../src/torch/pickle.ts';
import { tensor, type Tensor } from '../src/torch/tensor.ts';
import { writeAlignedZip } from '../src/torch/zip-writer.ts';

const RESNET18 = sharedPath('models/resnet18-seed0.pt');
const ALEXNET_TRUNK = sharedPath('models/alexnet-seed0-trunk.pt');

const dir = mkdtempSync(join(tmpdir(), 'vvs-torch-checkpoint-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** The float32 initializers of an ONNX file exported from the same model: an independent copy of its weights. */
function onnxInitializers(relative: string): Map<string, { dims: number[]; bytes: Buffer }> {
  const model = onnxProto.onnx.ModelProto.decode(readFileSync(sharedPath(relative)));
  const out = new Map<string, { dims: number[]; bytes: Buffer }>();
  for (const t of model.graph?.initializer ?? []) {
    const raw = t.rawData ?? new Uint8Array(0);
    out.set(String(t.name), { dims: (t.dims ?? []).map(Number), bytes: Buffer.from(raw.buffer, raw.byteOffset, raw.byteLength) });
  }
  return out;
}

function bytesOf(t: Tensor): Buffer {
  return Buffer.from(t.data.buffer, t.data.byteOffset, t.data.byteLength);
}

/** Checks that every state-dict tensor the ONNX file also holds (by name) has bit-identical float32 values. */
function expectSameWeightsAsOnnx(stateDict: Map<string, Tensor>, initializers: Map<string, { dims: number[]; bytes: Buffer }>, required: string[]) {
  let compared = 0;
  for (const [name, init] of initializers) {
    const t = stateDict.get(name);
    if (t === undefined) continue;
    expect(t.dtype, name).toBe('float32');
    expect(t.shape, name).toEqual(init.dims);
    expect(bytesOf(t).equals(init.bytes), `${name}: bytes equal to the ONNX initializer`).toBe(true);
    compared++;
  }
  for (const name of required) expect(initializers.has(name), `ONNX initializer ${name}`).toBe(true);
  return compared;
}

describe('readCheckpoint on torchvision checkpoints', () => {
  it('reads resnet18-seed0.pt ({"model": state_dict}) with the names, shapes and dtypes of torchvision resnet18', async () => {
    const rssBefore = process.memoryUsage().rss;
    const t0 = performance.now();
    const { stateDict, keyPath, path } = await readCheckpoint(RESNET18);
    const ms = performance.now() - t0;
    const rssAfter = process.memoryUsage().rss;
    console.log(`resnet18-seed0.pt (46.8 MB): read in ${ms.toFixed(0)} ms; RSS ${(rssBefore / 2 ** 20).toFixed(0)} → ${(rssAfter / 2 ** 20).toFixed(0)} MiB`);

    expect(path).toBe(RESNET18);
    expect(keyPath).toEqual(['model']);
    // conv1 + 16 block convs + 3 downsample convs = 20 convs; 20 BatchNorms × 5 entries; fc weight and bias.
    expect(stateDict.size).toBe(20 + 20 * 5 + 2);
    const names = [...stateDict.keys()];
    expect(names.slice(0, 7)).toEqual([
      'conv1.weight',
      'bn1.weight',
      'bn1.bias',
      'bn1.running_mean',
      'bn1.running_var',
      'bn1.num_batches_tracked',
      'layer1.0.conv1.weight',
    ]);
    expect(names.at(-1)).toBe('fc.bias');

    const shapes: Record<string, number[]> = {
      'conv1.weight': [64, 3, 7, 7],
      'bn1.running_var': [64],
      'layer2.0.downsample.0.weight': [128, 64, 1, 1],
      'layer3.1.conv2.weight': [256, 256, 3, 3],
      'layer4.1.bn2.bias': [512],
      'fc.weight': [1000, 512],
      'fc.bias': [1000],
      'bn1.num_batches_tracked': [],
    };
    for (const [name, shape] of Object.entries(shapes)) expect(stateDict.get(name)?.shape, name).toEqual(shape);

    const counters = names.filter((n) => n.endsWith('num_batches_tracked'));
    expect(counters).toHaveLength(20);
    for (const name of counters) {
      const t = stateDict.get(name)!;
      expect(t.dtype, name).toBe('int64');
      expect(t.data, name).toEqual(new BigInt64Array([0n]));
    }
    for (const name of names.filter((n) => !n.endsWith('num_batches_tracked'))) expect(stateDict.get(name)!.dtype, name).toBe('float32');
    // Fresh BatchNorm: weight 1, bias 0, running mean 0, running var 1.
    expect([...(stateDict.get('layer1.0.bn1.weight')!.data as Float32Array)].every((v) => v === 1)).toBe(true);
    expect([...(stateDict.get('layer1.0.bn1.running_var')!.data as Float32Array)].every((v) => v === 1)).toBe(true);
    expect([...(stateDict.get('layer1.0.bn1.running_mean')!.data as Float32Array)].every((v) => v === 0)).toBe(true);

    const compared = expectSameWeightsAsOnnx(stateDict, onnxInitializers('models/resnet18-seed0.onnx'), [
      'conv1.weight',
      'layer1.0.conv1.weight',
      'layer2.0.downsample.0.weight',
      'layer4.1.conv2.weight',
      'fc.weight',
      'fc.bias',
    ]);
    // Every conv weight and the classifier at least (equal BatchNorm tensors were de-duplicated by the exporter).
    expect(compared).toBeGreaterThanOrEqual(22);
  });

  it('reads alexnet-seed0-trunk.pt (features only, no classifier) equal to its ONNX export', async () => {
    const { stateDict, keyPath } = await readCheckpoint(ALEXNET_TRUNK);
    expect(keyPath).toEqual(['model']);
    expect([...stateDict.keys()]).toEqual([0, 3, 6, 8, 10].flatMap((i) => [`features.${i}.weight`, `features.${i}.bias`]));
    expect(stateDict.get('features.0.weight')!.shape).toEqual([64, 3, 11, 11]);
    expect(stateDict.get('features.3.weight')!.shape).toEqual([192, 64, 5, 5]);
    expect(stateDict.get('features.6.weight')!.shape).toEqual([384, 192, 3, 3]);
    expect(stateDict.get('features.8.weight')!.shape).toEqual([256, 384, 3, 3]);
    expect(stateDict.get('features.10.weight')!.shape).toEqual([256, 256, 3, 3]);
    expect(stateDict.get('features.10.bias')!.shape).toEqual([256]);
    const compared = expectSameWeightsAsOnnx(stateDict, onnxInitializers('models/alexnet-seed0-trunk.onnx'), ['features.0.weight', 'features.10.bias']);
    expect(compared).toBe(10);
  });
});

/** A small state dict of every dtype, with a classifier of 7 classes. */
function sampleStateDict(scale = 1): Map<string, Tensor> {
  const conv = new Float32Array(4 * 3 * 3 * 3).map((_, i) => scale * (i - 50) / 16);
  return new Map<string, Tensor>([
    ['conv1.weight', tensor('float32', [4, 3, 3, 3], conv)],
    // Values exactly representable in each precision, so they survive the round trip unchanged.
    ['bn1.weight', tensor('float16', [5], new Float32Array([0.5, -2, 65504, 2 ** -24, 0]))],
    ['bn1.bias', tensor('bfloat16', [3], new Float32Array([1.5, -3.25, 2 ** 100]))],
    ['bn1.running_mean', tensor('float64', [2], new Float32Array([0.1, -7]))],
    ['bn1.num_batches_tracked', tensor('int64', [], new BigInt64Array([12345678901234n]))],
    ['index', tensor('int32', [2, 2], new Int32Array([-1, 2, -3, 2 ** 31 - 1]))],
    ['mask', tensor('bool', [3], new Uint8Array([1, 0, 1]))],
    ['pixels', tensor('uint8', [2], new Uint8Array([0, 255]))],
    ['fc.weight', tensor('float32', [7, 4], new Float32Array(28).map((_, i) => scale * i))],
    ['fc.bias', tensor('float32', [7], new Float32Array(7).fill(scale * 0.25))],
  ]);
}

function expectSameStateDict(actual: Map<string, Tensor>, expected: Map<string, Tensor>) {
  expect([...actual.keys()]).toEqual([...expected.keys()]);
  for (const [name, t] of expected) {
    const a = actual.get(name)!;
    expect(a.dtype, name).toBe(t.dtype);
    expect(a.shape, name).toEqual(t.shape);
    expect(a.data, name).toEqual(t.data);
  }
}

describe('writeCheckpoint ↔ readCheckpoint', () => {
  it('round-trips a bare state dict of every dtype', async () => {
    const file = join(dir, 'flat.pt');
    const sd = sampleStateDict();
    await writeCheckpoint(file, sd);
    const read = await readCheckpoint(file);
    expect(read.keyPath).toEqual([]);
    expectSameStateDict(read.stateDict, sd);
    expect(read.stateDict.get('fc.weight')!.shape).toEqual([7, 4]);
  });

  it('writes 64-byte aligned stored entries with the records torch.save writes', async () => {
    const file = join(dir, 'layout.pt');
    await writeCheckpoint(file, { model: sampleStateDict() });
    const bytes = readFileSync(file);
    // Walk the local headers: stored (method 0), data offset a multiple of 64.
    const names: string[] = [];
    for (let at = 0; bytes.readUInt32LE(at) === 0x04034b50; ) {
      const size = bytes.readUInt32LE(at + 18);
      const nameLength = bytes.readUInt16LE(at + 26);
      const dataAt = at + 30 + nameLength + bytes.readUInt16LE(at + 28);
      names.push(bytes.subarray(at + 30, at + 30 + nameLength).toString());
      expect(bytes.readUInt16LE(at + 8), 'method').toBe(0);
      expect(dataAt % 64, `${names.at(-1)} data offset`).toBe(0);
      at = dataAt + size;
    }
    expect(names.slice(0, 2)).toEqual(['archive/data.pkl', 'archive/byteorder']);
    expect(names.at(-1)).toBe('archive/version');
    expect(names.filter((n) => n.startsWith('archive/data/'))).toHaveLength(10);
  });

  it('rounds float16 and bfloat16 to nearest like torch, and float64 to float32', async () => {
    const file = join(dir, 'rounding.pt');
    await writeCheckpoint(file, {
      model: new Map([
        ['h', tensor('float16', [3], new Float32Array([0.1, 65520, 3 * 2 ** -25]))],
        ['b', tensor('bfloat16', [1], new Float32Array([0.1]))],
      ]),
    });
    const { stateDict } = await readCheckpoint(file);
    // torch.tensor([0.1, 65520, 3 * 2**-25]).half().float() and torch.tensor([0.1]).bfloat16().float().
    expect([...stateDict.get('h')!.data]).toEqual([0.0999755859375, Infinity, 2 ** -23]);
    expect([...stateDict.get('b')!.data]).toEqual([0.10009765625]);
  });

  it('makes strided views contiguous and honours storage offsets and shared storages', async () => {
    const file = join(dir, 'views.pt');
    const base = tensor('float32', [2, 3], new Float32Array([0, 1, 2, 3, 4, 5]));
    const transposed: TensorView = { base, shape: [3, 2], stride: [1, 3] };
    const secondRow: TensorView = { base, shape: [3], stride: [1], storageOffset: 3 };
    const everyOther: TensorView = { base, shape: [2, 2], stride: [3, 2] };
    const halfBase = tensor('float16', [4], new Float32Array([1, 2, 3, 4]));
    const halfReversedPairs: TensorView = { base: halfBase, shape: [2, 2], stride: [1, 2] };
    await writeCheckpoint(file, { state_dict: new Map<string, Tensor | TensorView>([['base', base], ['t', transposed], ['row', secondRow], ['odd', everyOther], ['h', halfReversedPairs]]) });
    const { stateDict, keyPath } = await readCheckpoint(file);
    expect(keyPath).toEqual(['state_dict']);
    expect([...stateDict.get('t')!.data]).toEqual([0, 3, 1, 4, 2, 5]);
    expect(stateDict.get('t')!.shape).toEqual([3, 2]);
    expect([...stateDict.get('row')!.data]).toEqual([3, 4, 5]);
    expect([...stateDict.get('odd')!.data]).toEqual([0, 2, 3, 5]);
    expect([...stateDict.get('h')!.data]).toEqual([1, 3, 2, 4]);
    expect(stateDict.get('h')!.dtype).toBe('float16');
    // One storage for the base and its three views, as torch.save shares it.
    const entries = readFileSync(file).toString('latin1').match(/archive\/data\/\d+/g) ?? [];
    expect(new Set(entries)).toEqual(new Set(['archive/data/0', 'archive/data/1']));
  });

  it('finds the state dict under state.model (the seed), model, and the EMA keys, by preference', async () => {
    const model = sampleStateDict(1);
    const ema = sampleStateDict(2);
    const composer = join(dir, 'composer.pt');
    await writeCheckpoint(composer, {
      state: { model, model_ema_state_dict: ema, optimizers: { SGD: { lr: 0.1, momentum: 0.9 } }, run_name: 'resnet18_imagenet_full', timestamp: 4 },
      rng: [{ python: [3, 1234567890123n], numpy: null }],
    });
    const fromModel = await readCheckpoint(composer);
    expect(fromModel.keyPath).toEqual(['state', 'model']);
    expectSameStateDict(fromModel.stateDict, model);
    const fromEma = await readCheckpoint(composer, { prefer: 'ema' });
    expect(fromEma.keyPath).toEqual(['state', 'model_ema_state_dict']);
    expectSameStateDict(fromEma.stateDict, ema);

    const timm = join(dir, 'timm.pt');
    await writeCheckpoint(timm, { epoch: 299, state_dict: model, state_dict_ema: ema });
    expect((await readCheckpoint(timm)).keyPath).toEqual(['state_dict']);
    expect((await readCheckpoint(timm, { prefer: 'ema' })).keyPath).toEqual(['state_dict_ema']);

    // Only an EMA: 'model' falls back to it (and says so in keyPath).
    const emaOnly = join(dir, 'ema-only.pt');
    await writeCheckpoint(emaOnly, { model_ema: ema });
    const fallback = await readCheckpoint(emaOnly);
    expect(fallback.keyPath).toEqual(['model_ema']);
    expectSameStateDict(fallback.stateDict, ema);
  });

  it('strips the module. (DataParallel) and _orig_mod. (torch.compile) prefixes', async () => {
    const file = join(dir, 'wrapped.pt');
    const sd = sampleStateDict();
    await writeCheckpoint(file, { model: new Map([...sd].map(([k, v]) => [`module._orig_mod.${k}`, v])) });
    expectSameStateDict((await readCheckpoint(file)).stateDict, sd);

    // A prefix that only some names have is part of those names.
    const partial = join(dir, 'partial.pt');
    await writeCheckpoint(partial, new Map([['module.w', sd.get('fc.bias')!], ['b', sd.get('fc.bias')!]]));
    expect([...(await readCheckpoint(partial)).stateDict.keys()]).toEqual(['module.w', 'b']);
  });
});

/** A torch.save-shaped archive around hand-written pickle bytes. */
async function archiveWithPickle(file: string, pickle: Uint8Array): Promise<void> {
  await writeAlignedZip(file, [
    { name: 'archive/data.pkl', data: pickle },
    { name: 'archive/version', data: Buffer.from('3\n') },
  ]);
}

describe('readCheckpoint errors', () => {
  it('names the file of a truncated zip', async () => {
    const file = join(dir, 'truncated.pt');
    const bytes = readFileSync(RESNET18);
    writeFileSync(file, bytes.subarray(0, bytes.length >> 1));
    await expect(readCheckpoint(file)).rejects.toThrow(`${file}: truncated or corrupt torch.save archive`);
  });

  it('rejects a legacy (PyTorch < 1.6) file by its pickle magic', async () => {
    const file = join(dir, 'legacy.pt');
    // torch.save(..., _use_new_zipfile_serialization=False) starts with PROTO 2 then the LONG1 magic number.
    writeFileSync(file, Buffer.from([0x80, 0x02, 0x8a, 0x0a, 0x6c, 0xfc, 0x9c, 0x46, 0xf9, 0x20, 0x6a, 0xa8, 0x50, 0x19, 0x2e]));
    await expect(readCheckpoint(file)).rejects.toThrow(`${file}: unsupported: legacy torch.save format (PyTorch < 1.6); re-save it with a newer PyTorch`);
  });

  it('rejects a file that is neither', async () => {
    const file = join(dir, 'text.pt');
    writeFileSync(file, 'hello');
    await expect(readCheckpoint(file)).rejects.toThrow(`${file}: not a torch.save checkpoint`);
    await expect(readCheckpoint(join(dir, 'missing.pt'))).rejects.toThrow('missing.pt: file not found');
  });

  it('names an unsupported opcode by its byte, position and file', async () => {
    const file = join(dir, 'opcode.pt');
    // PROTO 2, then INT (protocol 0, text) "1\n", STOP.
    await archiveWithPickle(file, Buffer.from([0x80, 0x02, 0x49, 0x31, 0x0a, 0x2e]));
    await expect(readCheckpoint(file)).rejects.toThrow(`${file}: unsupported pickle opcode 0x49 ('I') at byte 2 of archive/data.pkl`);

    // The same in a checkpoint written by writeCheckpoint: its pickle's final STOP replaced by an unknown byte.
    const patched = join(dir, 'patched.pt');
    await writeCheckpoint(patched, { model: sampleStateDict() });
    const zipBytes = readFileSync(patched);
    const pickleAt = 64; // The first entry's data (data.pkl), aligned to 64 bytes.
    const pickle = Buffer.from(zipBytes.subarray(pickleAt, pickleAt + zipBytes.readUInt32LE(18)));
    expect(pickle.at(-1)).toBe(0x2e); // STOP
    pickle[pickle.length - 1] = 0xfe;
    // Rewritten as a whole so the entry's CRC matches its new bytes.
    await archiveWithPickle(patched, pickle);
    await expect(readCheckpoint(patched)).rejects.toThrow(`${patched}: unsupported pickle opcode 0xfe at byte ${pickle.length - 1} of archive/data.pkl`);
  });

  it('names a non-allowed global found in the state dict, and ignores one elsewhere', async () => {
    const w = new PickleWriter();
    w.proto();
    w.emptyDict();
    w.setItems(2, () => {
      w.str('args');
      w.global('argparse', 'Namespace');
      w.tuple(0, () => {});
      w.reduce();
      w.str('model');
      w.global('collections', 'OrderedDict');
      w.tuple(0, () => {});
      w.reduce();
      w.setItems(1, () => {
        w.str('fc.weight');
        w.global('os', 'system');
        w.tuple(1, () => w.str('echo pwned'));
        w.reduce();
      });
    });
    w.stop();
    const file = join(dir, 'global.pt');
    await archiveWithPickle(file, w.finish());
    await expect(readCheckpoint(file)).rejects.toThrow(`${file}: checkpoint['model']['fc.weight'] is an object of the non-allowed global 'os.system', not a tensor`);

    const inert = new PickleWriter();
    inert.proto();
    inert.emptyDict();
    inert.setItems(2, () => {
      inert.str('args');
      inert.global('argparse', 'Namespace');
      inert.tuple(0, () => {});
      inert.reduce();
      inert.str('model');
      inert.emptyDict();
    });
    inert.stop();
    const ok = join(dir, 'inert.pt');
    await archiveWithPickle(ok, inert.finish());
    const read = await readCheckpoint(ok);
    expect(read.keyPath).toEqual(['model']);
    expect(read.stateDict.size).toBe(0);
  });

  it('says where it looked when there is no state dict', async () => {
    const file = join(dir, 'nothing.pt');
    await writeCheckpoint(file, { epoch: 3, weights: 'elsewhere' });
    await expect(readCheckpoint(file)).rejects.toThrow(`${file}: no state dict found: the checkpoint holds a dict with keys [epoch, weights]`);
  });
});
