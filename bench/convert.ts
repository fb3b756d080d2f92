/**
 * `pnpm bench:convert` (part of `pnpm bench`): the seed's checkpoint format converted to ONNX by vvs
 * (`readCheckpoint` + `buildOnnx` of `@vvs/models-zoo`) — resnet18 (a 46.8 MB `torch.save` file,
 * as the seed's are laid out) and the AlexNet trunk: the conversion's wall time and its memory.
 *
 * Memory is the process's peak resident set size, and what the conversion added to the resident
 * size the process had with its modules loaded (Node, tsx, onnx-proto), against the bound of
 * 3× the checkpoint's size. Each conversion runs in a fresh process, three times; the best time and
 * the largest peak are printed.
 *
 * Flags: --runs N (default 3).
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const ROOT = resolve(import.meta.dirname, '..');
/** The reference checkpoints (test and bench data only, read where `VVS_SHARED` says, default ../shared). */
const MODELS = join(process.env.VVS_SHARED ?? resolve(ROOT, '../shared'), 'models');
/** The bound on the conversion's memory, in multiples of the checkpoint's size. */
const MEMORY_BOUND = 3;
const args = process.argv.slice(2);
const runs = Number(args.includes('--runs') ? args[args.indexOf('--runs') + 1] : 3);
const MiB = 2 ** 20;

interface Measured {
  architecture: string;
  tensors: number;
  onnxBytes: number;
  seconds: number;
  baselineRssBytes: number;
  peakRssBytes: number;
}

function convert(checkpoint: string, out: string): Measured {
  const child = spawnSync(process.execPath, ['--import', 'tsx', join(ROOT, 'bench/convert-child.ts'), checkpoint, out], { cwd: ROOT, encoding: 'utf8' });
  if (child.status !== 0) throw new Error(`converting ${checkpoint} failed (${child.status}):\n${child.stderr}`);
  return JSON.parse(child.stdout.trim().split('\n').pop()!) as Measured;
}

console.log('\n== PyTorch checkpoint → ONNX (readCheckpoint + buildOnnx), each in a fresh process ==');
const dir = mkdtempSync(join(tmpdir(), 'vvs-bench-convert-'));
try {
  for (const name of ['resnet18-seed0.pt', 'alexnet-seed0-trunk.pt']) {
    const checkpoint = join(MODELS, name);
    const size = statSync(checkpoint).size;
    const measured = Array.from({ length: runs }, () => convert(checkpoint, join(dir, `${name}.onnx`)));
    const best = Math.min(...measured.map((m) => m.seconds));
    const worst = measured.reduce((a, b) => (b.peakRssBytes - b.baselineRssBytes > a.peakRssBytes - a.baselineRssBytes ? b : a));
    const added = worst.peakRssBytes - worst.baselineRssBytes;
    console.log(
      `${name.padEnd(24)} ${(size / MiB).toFixed(1)} MiB, ${worst.tensors} tensors, ${worst.architecture}   ` +
        `${best.toFixed(2)} s (best of ${runs})   peak RSS ${(worst.peakRssBytes / MiB).toFixed(0)} MiB, ` +
        `of which the conversion ${(added / MiB).toFixed(0)} MiB = ${(added / size).toFixed(2)}× the checkpoint (bound ${MEMORY_BOUND}×: ${added <= MEMORY_BOUND * size ? 'met' : 'NOT met'})`,
    );
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
