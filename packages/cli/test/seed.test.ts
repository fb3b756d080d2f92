/**
 * `vvs seed models|checkpoints|scores` as users run it, in a child process, on the shared copy of
 * the seed's artifacts (`--tables`, offline, so nothing is ever fetched): the seed's counts,
 * resnet18_imagenet_full's scores and checkpoints, and the usage errors.
 */
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { spawnVvs, type Exit } from './spawn-cli.ts';
import { sharedPath } from '@vvs/test-utils';

const TABLES = dirname(sharedPath('seed/artifacts/model_checkpoints.csv'));


/** Runs `vvs seed …args` offline in a child process. */
function vvsSeed(args: string[]): Promise<Exit> {
  return spawnVvs(['seed', ...args], { VVS_OFFLINE: '1', VVS_CACHE_DIR: join(tmpdir(), 'vvs-cli-seed-no-cache') });
}

/** resnet18_imagenet_full's five public scores, as benchmark_scores.csv writes them. */
const RESNET18_SCORES: [string, number][] = [
  ['V1', 0.2600689557602795],
  ['V2', 0.31593659260494245],
  ['V4', 0.5938647509165255],
  ['IT', 0.5497394832242077],
  ['Behavioral', 0.4046851792551879],
];

describe('vvs seed', () => {
  it('models: the 647 supported ids, one per line', async () => {
    // Run alone first: it also (re)builds the CLI bundle when the sources changed.
    const { code, stdout, stderr } = await vvsSeed(['models', '--tables', TABLES]);
    expect(stderr).toBe('');
    expect(code).toBe(0);
    const ids = stdout.trimEnd().split('\n');
    expect(ids.length).toBe(647);
    expect(ids).toContain('resnet18_imagenet_full');
  });

  // Each of the following spawns its own CLI: they run side by side to keep the file short.
  describe.concurrent('once built', () => {
    it('models --all --json: the 811 ids with a checkpoint, as a JSON array', async () => {
      const { code, stdout } = await vvsSeed(['models', '--all', '--json', '--tables', TABLES]);
      expect(code).toBe(0);
      const ids = JSON.parse(stdout) as string[];
      expect(ids.length).toBe(811);
      expect(new Set(ids).size).toBe(811);
    });

    it("scores --json: the 4,965 public rows, resnet18_imagenet_full's five scores among them", async () => {
      const { code, stdout } = await vvsSeed(['scores', '--split', 'public', '--json', '--tables', TABLES]);
      expect(code).toBe(0);
      const rows = JSON.parse(stdout) as { model_id: string; region: string; score: number | null; arch: string }[];
      expect(rows.length).toBe(4965);
      const resnet18 = rows.filter((r) => r.model_id === 'resnet18_imagenet_full');
      expect(resnet18.map((r) => [r.region, r.score])).toEqual(RESNET18_SCORES);
      expect(resnet18.every((r) => r.arch === 'resnet18')).toBe(true);
    });

    it('scores --model resnet18_imagenet_full: a table of its five scores', async () => {
      const { code, stdout } = await vvsSeed(['scores', '--model', 'resnet18_imagenet_full', '--tables', TABLES]);
      expect(code).toBe(0);
      const [header, ...lines] = stdout.trimEnd().split('\n');
      expect(header.split(/\s+/)).toEqual(['model_id', 'benchmark_name', 'region', 'score']);
      expect(lines.map((line) => line.split(/\s+/)).map(([, , region, score]) => [region, Number(score)])).toEqual(RESNET18_SCORES);
    });

    it('checkpoints --model resnet18_imagenet_full --json: its saved epochs, the latest at epoch 100', async () => {
      const { code, stdout } = await vvsSeed(['checkpoints', '--model', 'resnet18_imagenet_full', '--json', '--tables', TABLES]);
      expect(code).toBe(0);
      const rows = JSON.parse(stdout) as { model_id: string; epoch: number; is_latest: boolean; checkpoint_url: string }[];
      expect(rows.length).toBeGreaterThan(1);
      expect(rows.filter((r) => r.is_latest).map((r) => [r.epoch, r.checkpoint_url])).toEqual([
        [100, 'https://epfl-neuroailab-scalinglaws.s3.eu-north-1.amazonaws.com/checkpoints/resnet18_imagenet_full/ep100.pt'],
      ]);
    });

    it('usage errors exit 2 with one line: an unknown split, an unknown model, a missing tables folder, offline without a cache', async () => {
      const missing = join(tmpdir(), 'vvs-cli-seed-no-such-tables');
      const [split, model, tables, offline] = await Promise.all([
        vvsSeed(['scores', '--split', 'secret', '--tables', TABLES]),
        vvsSeed(['scores', '--model', 'resnet18_imagenet', '--tables', TABLES]),
        vvsSeed(['models', '--tables', missing]),
        vvsSeed(['checkpoints']),
      ]);
      expect([split.code, split.stderr]).toEqual([2, "vvs: --split: expected public or private, got 'secret'\n"]);
      expect([model.code, model.stderr]).toEqual([2, "vvs: --model: no model 'resnet18_imagenet' in the seed's public scores; did you mean resnet18_imagenet_full?\n"]);
      expect(tables.code).toBe(2);
      expect(tables.stderr).toContain(`the seed's tables folder ${missing} does not exist`);
      expect(offline.code).toBe(2);
      expect(offline.stderr).toMatch(/model_checkpoints\.csv is not in the cache .* vvs is offline: point --tables <dir>/);
      expect(offline.stdout).toBe('');
    });
  });
});
