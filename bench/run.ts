/**
 * `pnpm bench`: vvs against scikit-learn on a MajajHong2015-sized IT problem (3200 stimuli of 64
 * objects, 50 repetitions, 168 neuroids), full 10-split PLS-25 score and ceiling.
 *
 * 1. 4,096 feature columns: vvs (CLI, kernel fast path) and, when /usr/bin/python3 has
 *    scikit-learn, the plain sklearn + scipy script `bench/sklearn_reference.py` on the same files
 *    (OPENBLAS_NUM_THREADS=1), printing both times, the ratio, both scores and vvs's peak RSS.
 * 2. 25,088 feature columns (a ResNet's last block): vvs alone.
 *
 * Both sides read the same .npy/.nc files written here, and both times include reading them.
 * Flags: --columns 4096,25088 (which sizes), --no-python (skip the reference).
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { syntheticPopulation, averageRepetitions, perStimulus, type Assembly } from '@vvs/core';
import { writeNetcdfAssembly, writeNpy } from '@vvs/io';

const ROOT = resolve(import.meta.dirname, '..');
const PYTHON = '/usr/bin/python3';
const MAJAJHONG_IT = { objects: 64, imagesPerObject: 50, repetitions: 50, neuroids: 168 } as const;

const args = process.argv.slice(2);
const columnsArg = args.includes('--columns') ? args[args.indexOf('--columns') + 1] : '4096,25088';
const columns = columnsArg.split(',').map(Number);
const withPython = !args.includes('--no-python') && pythonHasSklearn();

for (const featureColumns of columns) {
  const dir = mkdtempSync(join(tmpdir(), 'vvs-bench-'));
  try {
    console.log(`\n== IT problem: 3200 stimuli × ${featureColumns} feature columns, 50 repetitions × 168 neuroids ==`);
    const t0 = performance.now();
    const featureBytes = await writeProblem(dir, featureColumns, withPython && featureColumns <= 4096);
    console.log(`data written in ${((performance.now() - t0) / 1000).toFixed(1)} s (features ${(featureBytes / 2 ** 20).toFixed(0)} MiB as float32)`);

    const vvs = runVvs(dir);
    console.log(
      `vvs      ${vvs.seconds.toFixed(1)} s   raw ${vvs.raw.toFixed(6)}  ceiling ${vvs.ceiling.toFixed(6)}  score ${vvs.score.toFixed(6)}  ` +
        `peak RSS ${(vvs.peakRssBytes / 2 ** 20).toFixed(0)} MiB = ${(vvs.peakRssBytes / featureBytes).toFixed(2)}× the float32 features`,
    );
    const stimuli = MAJAJHONG_IT.objects * MAJAJHONG_IT.imagesPerObject;
    const recordingMiB = (stimuli * MAJAJHONG_IT.repetitions * MAJAJHONG_IT.neuroids * 4) / 2 ** 20;
    const gramMiB = (stimuli * stimuli * 8) / 2 ** 20;
    console.log(
      `         (what any run must hold besides the features: the recording, ${recordingMiB.toFixed(0)} MiB as float32, ` +
        `and the ${stimuli}×${stimuli} float64 Gram matrix, ${gramMiB.toFixed(0)} MiB, on top of Node + onnxruntime + h5wasm)`,
    );
    if (withPython && featureColumns <= 4096) {
      const py = runPython(dir);
      console.log(`sklearn  ${py.seconds.toFixed(1)} s   raw ${py.raw.toFixed(6)}  ceiling ${py.ceiling.toFixed(6)}  score ${py.score.toFixed(6)}`);
      console.log(
        `ratio    vvs is ${(py.seconds / vvs.seconds).toFixed(1)}× faster; |Δraw| ${Math.abs(py.raw - vvs.raw).toExponential(2)}, ` +
          `|Δceiling| ${Math.abs(py.ceiling - vvs.ceiling).toExponential(2)}, |Δscore| ${Math.abs(py.score - vvs.score).toExponential(2)}`,
      );
    } else if (featureColumns <= 4096) {
      console.log('sklearn  skipped (no scikit-learn under /usr/bin/python3; apt-get install python3-sklearn)');
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Writes features.npy + ids.txt + recording.nc for vvs, and the same data as .npy for Python. */
async function writeProblem(dir: string, featureColumns: number, forPython: boolean): Promise<number> {
  const { features, recording } = await syntheticPopulation({ ...MAJAJHONG_IT, featureColumns, seed: 0 });
  const average = averageRepetitions(recording);
  // Features rows in sorted stimulus order, so Python needs no alignment step.
  const order = new Map((features.coords.stimulus_id.values as string[]).map((id, i) => [id, i]));
  const sorted = new Float32Array(features.data.length);
  average.stimulusIds.forEach((id, i) => sorted.set(features.data.subarray(order.get(id)! * featureColumns, (order.get(id)! + 1) * featureColumns), i * featureColumns));
  await writeNpy(join(dir, 'features.npy'), [average.stimulusIds.length, featureColumns], sorted);
  writeFileSync(join(dir, 'ids.txt'), `${average.stimulusIds.join('\n')}\n`);
  const stored: Assembly = { ...recording, data: Float32Array.from(recording.data) };
  await writeNetcdfAssembly(join(dir, 'recording.nc'), stored);
  if (forPython) {
    const rows = recording.shape[0];
    await writeNpy(join(dir, 'responses.npy'), [rows, MAJAJHONG_IT.neuroids], stored.data);
    await writeNpy(join(dir, 'stimulus_index.npy'), [rows], average.stimulusIndex);
    await writeNpy(join(dir, 'repetition.npy'), [rows], Int32Array.from(recording.coords.repetition.values as number[]));
    writeFileSync(join(dir, 'labels.json'), JSON.stringify(perStimulus(recording, 'object_name', average)));
  }
  return sorted.byteLength;
}

function runVvs(dir: string) {
  const run = spawnSync(
    process.execPath,
    [join(ROOT, 'bench/measure-cli.mjs'), 'score-features', '--features', join(dir, 'features.npy'),
      '--stimulus-ids', join(dir, 'ids.txt'), '--assembly', join(dir, 'recording.nc'), '--json'],
    { cwd: ROOT, encoding: 'utf8', maxBuffer: 64 * 2 ** 20 },
  );
  if (run.status !== 0) throw new Error(`vvs failed (${run.status}):\n${run.stderr}`);
  const measure = JSON.parse(run.stderr.trim().split('\n').filter((l) => l.startsWith('{"measure"')).pop()!).measure;
  const out = JSON.parse(run.stdout);
  return { seconds: measure.seconds as number, peakRssBytes: measure.peakRssBytes as number, raw: out.raw, ceiling: out.ceiling, score: out.score };
}

function runPython(dir: string) {
  const run = spawnSync(PYTHON, [join(ROOT, 'bench/sklearn_reference.py'), dir], {
    encoding: 'utf8',
    env: { ...process.env, OPENBLAS_NUM_THREADS: '1' },
  });
  if (run.status !== 0) throw new Error(`sklearn reference failed (${run.status}):\n${run.stderr}`);
  return JSON.parse(run.stdout) as { seconds: number; raw: number; ceiling: number; score: number };
}

function pythonHasSklearn(): boolean {
  return spawnSync(PYTHON, ['-c', 'import sklearn, scipy'], { encoding: 'utf8' }).status === 0;
}
