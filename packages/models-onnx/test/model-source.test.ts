import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { InputError } from '@vvs/core';
import { sharedPath } from '@vvs/test-utils';
import { OnnxModelAdapter } from '../src/adapter.ts';
import { builtinModel } from '../src/builtin/index.ts';
import { loadModel, parseModelSource } from '../src/model-source.ts';

const ALEXNET = sharedPath('models/alexnet-seed0-trunk.onnx');

describe('parseModelSource', () => {
  it('reads builtin:<name>[@seed] and treats anything else as a path', () => {
    expect(parseModelSource('builtin:gabor')).toEqual({ kind: 'builtin', name: 'gabor' });
    expect(parseModelSource('builtin:cnn@3')).toEqual({ kind: 'builtin', name: 'cnn', seed: 3 });
    expect(parseModelSource('builtin:cnn@0')).toEqual({ kind: 'builtin', name: 'cnn', seed: 0 });
    expect(parseModelSource('models/alexnet.onnx')).toEqual({ kind: 'file', path: 'models/alexnet.onnx' });
  });

  it('an unknown built-in name is an InputError suggesting the close one, prefixed', () => {
    expect(() => parseModelSource('builtin:cnm')).toThrow(InputError);
    expect(() => parseModelSource('builtin:cnm')).toThrow(
      "--model: unknown built-in model 'builtin:cnm' (expected builtin:pixels, builtin:gabor, builtin:cnn); did you mean 'builtin:cnn'?",
    );
  });

  it('rejects a seed that is not a 32-bit unsigned integer, and a seed on a fixed model', () => {
    for (const bad of ['builtin:cnn@', 'builtin:cnn@-1', 'builtin:cnn@1.5', 'builtin:cnn@x', 'builtin:cnn@4294967296']) {
      expect(() => parseModelSource(bad)).toThrow(/must be an integer in \[0, 4294967295\]/);
    }
    expect(() => parseModelSource('builtin:gabor@2')).toThrow("--model: 'builtin:gabor' has fixed weights and takes no @seed");
  });
});

describe('loadModel', () => {
  it('loads built-in models named by their spec; the seed selects the weights', async () => {
    const cnn = await loadModel('builtin:cnn');
    const cnn3 = await loadModel('builtin:cnn@3');
    expect(cnn.path).toBe('builtin:cnn');
    expect(cnn.layers()[0]).toBe('stage1');
    expect(cnn.layers().at(-1)).toBe('avgpool');
    // The same bytes as builtinModel generates, so the seeds give different models (and cache keys).
    expect(cnn3.sha256).toBe(createHash('sha256').update(builtinModel('cnn', { seed: 3 })).digest('hex'));
    expect(cnn3.sha256).not.toBe(cnn.sha256);
    await cnn.dispose();
    await cnn3.dispose();
  });

  it('loads a file path, and OnnxModelAdapter.load accepts both kinds', async () => {
    const alexnet = await loadModel(ALEXNET, { intraOpNumThreads: 1 });
    expect(alexnet.layers()).toContain('features.4');
    await alexnet.dispose();
    const adapter = await OnnxModelAdapter.load('builtin:gabor');
    expect(adapter.id).toBe('builtin:gabor');
    expect(adapter.layers()).toEqual(['grayscale', 'filters', 'simple', 'complex']);
    await adapter.dispose();
  });
});
