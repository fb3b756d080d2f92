/**
 * Parsers for flag values shared by the commands. Each turns a bad value into an `InputError`
 * naming the flag, so the CLI exits 2 with one line.
 */
import { InputError } from '@vvs/core';

/**
 * A positive integer (`--threads 4`, `--batch-size 32`, `--components 25`).
 *
 * @example
 * parseCount('4', '--threads'); // 4
 */
export function parseCount(text: string, flag: string): number {
  const n = Number(text);
  if (!Number.isSafeInteger(n) || n < 1) throw new InputError(`${flag}: expected a positive integer, got '${text}'`);
  return n;
}

/**
 * Comma-separated layer names (`--layers layer3.0.conv2,avgpool`).
 *
 * @example
 * parseLayers('features.4, avgpool'); // ['features.4', 'avgpool']
 */
export function parseLayers(text: string): string[] {
  const layers = text.split(',').map((layer) => layer.trim());
  if (layers.some((layer) => layer === '')) throw new InputError(`--layers: expected comma-separated layer names, got '${text}'`, { field: 'layers' });
  return layers;
}

/**
 * A 32-bit unsigned seed (`--projection-seed 0`), the range numpy's `RandomState` accepts.
 *
 * @example
 * parseSeed('7', '--projection-seed'); // 7
 */
export function parseSeed(text: string, flag: string): number {
  const n = Number(text);
  if (!Number.isInteger(n) || n < 0 || n > 0xffffffff) throw new InputError(`${flag}: expected an integer in [0, 4294967295], got '${text}'`);
  return n;
}

/**
 * Commander's accumulator for a repeatable flag (`--plugin a --plugin b` → `['a', 'b']`).
 *
 * @example
 * command.option('--plugin <module>', 'load a plugin; repeatable', collect, []);
 */
export function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}
