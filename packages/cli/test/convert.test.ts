/**
 * `vvs convert` in a child process (the bundled CLI): the seed's checkpoint layout to ONNX, the same
 * bytes as the API builds, and the errors a user meets.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { sharedPath } from '@vvs/test-utils';
import { buildOnnx, readCheckpoint, tensor, writeCheckpoint } from '@vvs/models-zoo';

const BIN = resolve(dirname(fileURLToPath(import.meta.url)), '../bin/vvs.js');
const scratch = mkdtempSync(join(tmpdir(), 'vvs-cli-convert-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

const vvs = (...args: string[]) => spawnSync(process.execPath, [BIN, 'convert', ...args], { encoding: 'utf8' });

describe('vvs convert', () => {
  it('writes the ONNX model the API builds from the same checkpoint', async () => {
    const checkpoint = sharedPath('models/alexnet-seed0-trunk.pt');
    const out = join(scratch, 'alexnet.onnx');
    const run = vvs('--checkpoint', checkpoint, '--out', out);
    expect(run.status, run.stderr).toBe(0);
    expect(run.stderr).toMatch(/state dict at model\): 10 tensors, alexnet → .*alexnet\.onnx/);
    const expected = buildOnnx((await readCheckpoint(checkpoint)).stateDict).bytes;
    expect(Buffer.compare(readFileSync(out), Buffer.from(expected))).toBe(0);
  });

  it('refuses, with exit code 2 and one line, what it cannot convert', async () => {
    const notCheckpoint = join(scratch, 'model.onnx');
    writeFileSync(notCheckpoint, new Uint8Array([8, 7, 18, 7]));
    const unknown = join(scratch, 'unknown.pt');
    await writeCheckpoint(unknown, { model: new Map([['conv_stem.weight', tensor('float32', [8, 3, 3, 3], new Float32Array(216))]]) });
    const cases: [string[], RegExp][] = [
      [['--checkpoint', notCheckpoint, '--out', join(scratch, 'x.onnx')], /model\.onnx: not a torch\.save checkpoint/],
      [['--checkpoint', unknown, '--out', join(scratch, 'x.onnx')], /unknown\.pt: no known architecture: expected conv1\.weight .*got keys conv_stem\.weight/],
      [['--checkpoint', unknown, '--out', join(scratch, 'x.onnx'), '--arch', 'vgg'], /--arch: expected one of resnet, alexnet, convnext, efficientnet, got 'vgg'/],
      [['--checkpoint', join(scratch, 'missing.pt'), '--out', join(scratch, 'x.onnx')], /missing\.pt/],
    ];
    for (const [args, message] of cases) {
      const run = vvs(...args);
      expect(run.status, run.stderr).toBe(2);
      expect(run.stderr.trim().split('\n')).toHaveLength(1);
      expect(run.stderr).toMatch(message);
    }
  });
});
