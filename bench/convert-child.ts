/**
 * One measured conversion, in its own process so that its memory is its own; started by
 * `bench/convert.ts`, which reads the JSON line this prints on stdout: the process's resident set
 * size once everything is loaded (before the checkpoint is opened), its peak after the conversion,
 * and the seconds from opening the checkpoint to the written ONNX file.
 *
 * Usage: node --import tsx bench/convert-child.ts <checkpoint.pt> <out.onnx>
 */
import { writeFile } from 'node:fs/promises';
import { buildOnnx, readCheckpoint } from '@vvs/models-zoo';
import { peakRss } from './peak-rss.mjs';

const [checkpoint, out] = process.argv.slice(2);
if (checkpoint === undefined || out === undefined) throw new Error('usage: convert-child.ts <checkpoint.pt> <out.onnx>');
const baselineRssBytes = peakRss();
const started = performance.now();
const { stateDict } = await readCheckpoint(checkpoint);
const { architecture, bytes } = buildOnnx(stateDict);
await writeFile(out, bytes);
const seconds = (performance.now() - started) / 1000;
console.log(JSON.stringify({ architecture, tensors: stateDict.size, onnxBytes: bytes.byteLength, seconds, baselineRssBytes, peakRssBytes: peakRss() }));
