import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sharedPath } from '@vvs/test-utils';
import { getBenchmarkScores, openSeedDatabase, type SeedDatabase } from '../src/index.ts';

const tablesDir = sharedPath('seed/artifacts');

describe('openSeedDatabase', () => {
  let db: SeedDatabase;
  beforeAll(async () => {
    db = await openSeedDatabase({ tablesDir });
  });
  afterAll(() => db.close());

  it("counts what the typed readers count: 811 models with checkpoints, 4,965 public score rows (DuckDB counts are BigInts)", async () => {
    expect(await db.query('SELECT count(DISTINCT model_id) AS n FROM checkpoints')).toEqual([{ n: 811n }]);
    expect(await db.query('SELECT count(*) AS n FROM scores_public')).toEqual([{ n: 4965n }]);
  });

  it("gives resnet18_imagenet_full's five public scores, equal to the typed rows'", async () => {
    const rows = await db.query("SELECT region, score FROM scores_public WHERE model_id = 'resnet18_imagenet_full' ORDER BY region");
    const typed = (await getBenchmarkScores('public', { tablesDir }))
      .filter((r) => r.model_id === 'resnet18_imagenet_full')
      .map((r) => ({ region: r.region, score: r.score }))
      .sort((a, b) => String(a.region).localeCompare(String(b.region)));
    expect(rows).toHaveLength(5);
    expect(rows).toEqual(typed);
  });

  it('joins tables: the latest checkpoint epoch of a scored model', async () => {
    const [row] = await db.query(
      "SELECT max(c.epoch) AS epoch FROM checkpoints c JOIN scores_public s USING (model_id) WHERE s.model_id = 'resnet18_imagenet_full'",
    );
    expect(Number(row!.epoch)).toBe(100);
  });
});
