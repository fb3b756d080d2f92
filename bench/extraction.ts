/**
 * `pnpm bench:extraction` (and the second half of `pnpm bench`): vvs's activation extraction on
 * resnet18 (models/resnet18-seed0.onnx of the shared data), on seeded random 224 × 224 RGB PNGs.
 *
 * 1. Throughput: images/second for the model's output at batch 32 on the CPU, vvs (onnxruntime,
 *    `OnnxModelAdapter`) and, when /usr/bin/python3 has torch and torchvision, torch
 *    (`bench/torch_reference.py`, eval mode, `no_grad`, default threads) on the same images in the same
 *    run, with the ratio vvs / torch. Both sides decode, resize and normalise every image and exclude
 *    model load; torch's pixel pipeline (PIL + torchvision transforms) is not vvs's (sharp) to the
 *    last level, which does not matter for speed.
 * 2. Peak RSS: every conv/bn/relu layer of resnet18 projected to 1000 values, on `--rss-images`
 *    images (MajajHong2015's 3200 by default), streamed batch by batch and kept per layer, in a child
 *    process whose VmHWM is printed.
 *
 * Flags: --images N (throughput, default 320), --rss-images M (default 3200; 0 skips), --batch B
 * (default 32), --rss-batch B (the memory run's batch; default 8, see RSS_BATCH), --threads T (both
 * libraries' intra-op threads; default: each library's own, which may differ), --no-python.
 */
import { spawnSync } from 'node:child_process';
import { createCipheriv, createHash } from 'node:crypto';
import { existsSync, linkSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { encodePng } from '@vvs/test-utils';

const ROOT = resolve(import.meta.dirname, '..');
const PYTHON = '/usr/bin/python3';
/** The reference models (test and bench data only, read where `VVS_SHARED` says, default ../shared). */
const MODEL_DIR = join(process.env.VVS_SHARED ?? resolve(ROOT, '../shared'), 'models');
const ONNX_MODEL = join(MODEL_DIR, 'resnet18-seed0.onnx');
const TORCH_MODEL = join(MODEL_DIR, 'resnet18-seed0.pt');
/** Side of the square synthetic images: the model's input size, so both pipelines' resize is a no-op. */
const IMAGE_SIZE = 224;
/** Seed of the synthetic images (each image's noise is keyed by it and the image's index). */
const IMAGE_SEED = 0;
/** Components each conv/bn/relu layer is projected to in the memory run (Brain-Score's 1000). */
const PROJECTION_COMPONENTS = 1000;
/** The ceiling on the memory run's peak RSS. */
const RSS_LIMIT_BYTES = 3 * 2 ** 30;
/** The target: vvs at least this many times torch's throughput. */
const THROUGHPUT_TARGET = 1.3;

const { values } = parseArgs({
  options: {
    images: { type: 'string', default: '320' },
    'rss-images': { type: 'string', default: '3200' },
    batch: { type: 'string', default: '32' },
    'rss-batch': { type: 'string' },
    threads: { type: 'string' },
    'no-python': { type: 'boolean', default: false },
  },
});
const throughputImages = positiveInteger(values.images, '--images');
const rssImages = values['rss-images'] === '0' ? 0 : positiveInteger(values['rss-images'], '--rss-images');
const batchSize = positiveInteger(values.batch, '--batch');
/**
 * Batch of the memory run. Requesting all 49 conv/bn/relu outputs costs about 26 MB per image, and
 * onnxruntime holds roughly three copies of a run's outputs, so peak memory grows with the batch
 * (measured: batch 32 ≈ 3.1 GiB, batch 8 ≈ 1.7 GiB at 3200 images); 8 keeps the 3 GiB bound.
 */
const RSS_BATCH = 8;
const rssBatchSize = values['rss-batch'] === undefined ? RSS_BATCH : positiveInteger(values['rss-batch'], '--rss-batch');
const threads = values.threads === undefined ? [] : ['--threads', String(positiveInteger(values.threads, '--threads'))];
const threadsNote = values.threads === undefined ? 'default threads' : `${values.threads} threads`;
const torchProblem = values['no-python'] ? 'skipped (--no-python)' : torchUnavailable();

const dir = mkdtempSync(join(tmpdir(), 'vvs-bench-extraction-'));
try {
  const t0 = performance.now();
  const all = join(dir, 'all');
  writeImages(all, Math.max(throughputImages, rssImages));
  console.log(`\n== resnet18 extraction on the CPU, batch ${batchSize}, ${IMAGE_SIZE}×${IMAGE_SIZE} seeded random RGB PNGs ==`);
  console.log(`images written in ${((performance.now() - t0) / 1000).toFixed(1)} s`);

  const throughputDir = subset(all, join(dir, 'throughput'), throughputImages);
  const vvs = runChild(['--mode', 'throughput', '--images', throughputDir, '--model', ONNX_MODEL, '--batch', String(batchSize), ...threads]);
  const vvsRate = vvs.imagesPerSecond as number;
  console.log(`vvs      ${vvsRate.toFixed(1)} images/s   (${vvs.images} images in ${(vvs.seconds as number).toFixed(1)} s, onnxruntime ${threadsNote}, ${availableParallelism()} CPUs)`);
  if (torchProblem === undefined) {
    const torch = runTorch(throughputDir);
    const torchRate = torch.imagesPerSecond as number;
    console.log(
      `torch    ${torchRate.toFixed(1)} images/s   (${torch.images} images in ${(torch.seconds as number).toFixed(1)} s, ` +
        `torch ${torch.torchVersion}, ${torch.threads} threads)`,
    );
    const ratio = vvsRate / torchRate;
    console.log(`ratio    vvs/torch = ${ratio.toFixed(2)}× (target ≥ ${THROUGHPUT_TARGET}×: ${ratio >= THROUGHPUT_TARGET ? 'met' : 'NOT met'})`);
  } else {
    console.log(`torch    ${torchProblem}`);
  }

  if (rssImages > 0) {
    const rssDir = subset(all, join(dir, 'rss'), rssImages);
    console.log(`peak RSS: every conv/bn/relu layer projected to ${PROJECTION_COMPONENTS} values on ${rssImages} images, batch ${rssBatchSize} (child process)…`);
    const rss = runChild([
      '--mode', 'rss', '--images', rssDir, '--model', ONNX_MODEL, '--batch', String(rssBatchSize), '--components', String(PROJECTION_COMPONENTS), ...threads,
    ]);
    const peak = rss.peakRssBytes as number;
    console.log(
      `vvs      ${rss.layers} layers × ${rss.images} images in ${(rss.seconds as number).toFixed(1)} s: peak RSS ${(peak / 2 ** 20).toFixed(0)} MiB ` +
        `(limit ${(RSS_LIMIT_BYTES / 2 ** 30).toFixed(0)} GiB: ${peak < RSS_LIMIT_BYTES ? 'met' : 'NOT met'}), ` +
        `of which the kept features are ${((rss.featureBytes as number) / 2 ** 20).toFixed(0)} MiB`,
    );
    if (rssImages !== 3200) console.log(`         (run on ${rssImages} images, not the issue's 3200: pass --rss-images 3200 for the full measurement)`);
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}

/** `text` as a positive integer, or a RangeError naming the flag. */
function positiveInteger(text: string | undefined, flag: string): number {
  const n = Number(text);
  if (!Number.isSafeInteger(n) || n < 1) throw new RangeError(`${flag}: expected a positive integer, got '${text}'`);
  return n;
}

/** Why the torch side cannot run, or `undefined` when /usr/bin/python3 imports torch and torchvision. */
function torchUnavailable(): string | undefined {
  if (!existsSync(PYTHON)) return `skipped (no ${PYTHON})`;
  const probe = spawnSync(PYTHON, ['-c', 'import torch, torchvision'], { encoding: 'utf8' });
  return probe.status === 0 ? undefined : `skipped (${PYTHON} lacks torch/torchvision; apt-get install python3-torch python3-torchvision)`;
}

/**
 * Writes `count` seeded random RGB PNGs `img00000.png`… to `out`. The noise is the AES-128-CTR
 * keystream under a key derived from {@link IMAGE_SEED} and the image's index: reproducible, and fast
 * enough for thousands of images.
 */
function writeImages(out: string, count: number): void {
  mkdirSync(out);
  const pixels = Buffer.alloc(IMAGE_SIZE * IMAGE_SIZE * 3);
  for (let i = 0; i < count; i++) {
    const key = createHash('sha256').update(`vvs-bench-extraction:${IMAGE_SEED}:${i}`).digest();
    const cipher = createCipheriv('aes-128-ctr', key.subarray(0, 16), key.subarray(16, 32));
    writeFileSync(join(out, `img${String(i).padStart(5, '0')}.png`), encodePng(IMAGE_SIZE, cipher.update(pixels)));
  }
}

/** A folder of hard links to the first `count` images of `from` (a stimulus set of exactly those). */
function subset(from: string, to: string, count: number): string {
  mkdirSync(to);
  for (let i = 0; i < count; i++) {
    const name = `img${String(i).padStart(5, '0')}.png`;
    linkSync(join(from, name), join(to, name));
  }
  return to;
}

/** Runs bench/extract-child.ts with `args` (its progress on our stderr) and parses its JSON report. */
function runChild(args: string[]): Record<string, unknown> {
  const child = spawnSync(process.execPath, ['--import', 'tsx', join(ROOT, 'bench/extract-child.ts'), ...args], {
    cwd: ROOT,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
    maxBuffer: 2 ** 26,
  });
  if (child.status !== 0) throw new Error(`extract-child.ts ${args.join(' ')} failed with status ${child.status}:\n${child.stdout}`);
  return lastJsonLine(child.stdout);
}

/** Runs bench/torch_reference.py on `images` and parses its JSON report. */
function runTorch(images: string): Record<string, unknown> {
  const py = spawnSync(PYTHON, [join(ROOT, 'bench/torch_reference.py'), '--images', images, '--model', TORCH_MODEL, '--batch', String(batchSize), ...threads], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  if (py.status !== 0) throw new Error(`torch_reference.py failed with status ${py.status}:\n${py.stdout}`);
  return lastJsonLine(py.stdout);
}

/** The last non-empty line of `stdout`, parsed as the JSON object a measured run reports. */
function lastJsonLine(stdout: string): Record<string, unknown> {
  const lines = stdout.trim().split('\n');
  return JSON.parse(lines[lines.length - 1]) as Record<string, unknown>;
}
