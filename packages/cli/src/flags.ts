/**
 * Parsers for flag values shared by the commands. Each turns a bad value into an `InputError`
 * naming the flag, so the CLI exits 2 with one line.
 */
import { InputError, REGIONS, isRegion, type Region } from '@vvs/core';

/**
 * A positive integer (`--threads 4`, `--batch-size 32`, `--components 25`), or with `allowZero` a
 * non-negative one (`--workers 0`).
 *
 * @example
 * parseCount('4', '--threads'); // 4
 * parseCount('0', '--workers', { allowZero: true }); // 0
 */
export function parseCount(text: string, flag: string, { allowZero = false }: { allowZero?: boolean } = {}): number {
  const n = Number(text);
  const least = allowZero ? 0 : 1;
  if (text.trim() === '' || !Number.isSafeInteger(n) || n < least) {
    throw new InputError(`${flag}: expected a ${allowZero ? 'non-negative' : 'positive'} integer, got '${text}'`);
  }
  return n;
}

/**
 * Comma-separated layer names (`--layers layer3.0.conv2,avgpool`).
 *
 * @example
 * parseLayers('features.4, avgpool'); // ['features.4', 'avgpool']
 */
export function parseLayers(text: string, flag = '--layers'): string[] {
  return parseList(text, flag, 'layer names');
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

/**
 * A comma-separated list of names (`--models a,b`, `--layers x,y`), none empty.
 *
 * @example
 * parseList('builtin:cnn, model.onnx', '--models'); // ['builtin:cnn', 'model.onnx']
 */
export function parseList(text: string, flag: string, what = 'names'): string[] {
  const items = text.split(',').map((item) => item.trim());
  if (items.some((item) => item === '')) throw new InputError(`${flag}: expected comma-separated ${what}, got '${text}'`, { field: flag.replace(/^--/, '') });
  return items;
}

/**
 * A region name (`--region IT`).
 *
 * @example
 * parseRegion('V4'); // 'V4'
 */
export function parseRegion(text: string): Region {
  if (!isRegion(text)) throw new InputError(`--region: expected one of ${REGIONS.join(', ')}, got '${text}'`, { field: 'region' });
  return text;
}
