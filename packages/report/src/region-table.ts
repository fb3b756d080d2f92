/**
 * The table at the heart of a report: one row per model, its score per region and behaviour, and the
 * average over them — Brain-Score's leaderboard aggregation.
 */
import { BENCHMARK_TARGETS, type BenchmarkTarget } from '@vvs/core';
import type { ScoreRow } from '@vvs/results';

/** A model's score per target: the mean over that target's benchmarks, `null` where none was scored. */
export type TargetScores = Readonly<Record<BenchmarkTarget, number | null>>;

/** One model's line of the {@link regionTable}. */
export interface RegionTableRow extends TargetScores {
  readonly model: string;
  /** Mean of the targets that have a score (`null` when none has); see {@link regionTable}. */
  readonly average: number | null;
  /** How many of the five targets entered `average`: below 5, the average covers fewer targets than the paper's. */
  readonly regions: number;
  /** How many benchmarks have a score for the model (over all targets). */
  readonly benchmarks: number;
  /** How many benchmarks the model has only `'failed'` rows for (they enter no score). */
  readonly failed: number;
}

/**
 * The score of each (model, benchmark) pair: the `'ok'` row finished last, so a store holding
 * several rows of a pair (other layers, other benchmark versions) counts the benchmark once, at its
 * newest score.
 */
function benchmarkScores(rows: readonly ScoreRow[]): Map<string, Map<string, ScoreRow>> {
  const byModel = new Map<string, Map<string, ScoreRow>>();
  for (const row of rows) {
    if (row.status !== 'ok') continue;
    let benchmarks = byModel.get(row.model);
    if (benchmarks === undefined) byModel.set(row.model, (benchmarks = new Map()));
    const previous = benchmarks.get(row.benchmark);
    if (previous === undefined || row.finishedAt.getTime() > previous.finishedAt.getTime()) benchmarks.set(row.benchmark, row);
  }
  return byModel;
}

/** The mean of `values`, or `null` for none. */
function mean(values: readonly number[]): number | null {
  if (values.length === 0) return null;
  let sum = 0;
  for (const value of values) sum += value;
  return sum / values.length;
}

/**
 * Summarises a results database per model the way Brain-Score's leaderboard does: the score of a
 * region (V1, V2, V4, IT) or of behaviour is the mean of the scores of the benchmarks that target it,
 * and the model's `average` is the mean of those five target scores (Schrimpf et al. 2018,
 * "Brain-Score: Which Artificial Neural Network for Object Recognition is most Brain-Like?", where the
 * overall Brain-Score is the mean over the V4, IT and behaviour scores; the vision leaderboard
 * averages V1, V2, V4, IT and behaviour likewise).
 *
 * Rules where a store departs from a complete leaderboard run:
 * - only `'ok'` rows enter a score; a benchmark with only `'failed'` rows for the model is counted
 *   in `failed` and otherwise ignored;
 * - a benchmark counts once per model: when the store holds several `'ok'` rows for it (other layers
 *   or benchmark versions), the one finished last is used;
 * - a non-finite score (NaN, where Brain-Score's correlation is undefined) carries no information
 *   about the target and is left out like a benchmark that was not run (numpy's mean would turn
 *   every average it enters into NaN);
 * - a target without any score is `null`, and `average` is the mean over the targets that have one:
 *   `regions` says how many did, so an average over fewer than 5 targets is visible as such
 *   (Brain-Score would have no average at all for such a model);
 * - a model with only failed rows is listed with `null` scores, so its failures show.
 *
 * Rows are sorted by `average`, highest first (models without one last), then by model name.
 *
 * @example
 * const table = regionTable(await store.rows());
 * for (const r of table) console.log(r.model, r.IT, r.average, `${r.regions}/5 targets`);
 */
export function regionTable(rows: readonly ScoreRow[]): RegionTableRow[] {
  const scored = benchmarkScores(rows);
  const failedBenchmarks = new Map<string, Set<string>>();
  for (const row of rows) {
    if (row.status !== 'failed' || scored.get(row.model)?.has(row.benchmark)) continue;
    let failed = failedBenchmarks.get(row.model);
    if (failed === undefined) failedBenchmarks.set(row.model, (failed = new Set()));
    failed.add(row.benchmark);
  }
  const models = new Set([...scored.keys(), ...failedBenchmarks.keys()]);
  const table = [...models].map((model): RegionTableRow => {
    const perTarget = new Map<BenchmarkTarget, number[]>(BENCHMARK_TARGETS.map((target) => [target, []]));
    let benchmarks = 0;
    for (const row of scored.get(model)?.values() ?? []) {
      if (!Number.isFinite(row.score)) continue;
      perTarget.get(row.target)!.push(row.score!);
      benchmarks++;
    }
    const scores = Object.fromEntries(BENCHMARK_TARGETS.map((target) => [target, mean(perTarget.get(target)!)])) as Record<BenchmarkTarget, number | null>;
    const present = BENCHMARK_TARGETS.map((target) => scores[target]).filter((score): score is number => score !== null);
    return { model, ...scores, average: mean(present), regions: present.length, benchmarks, failed: failedBenchmarks.get(model)?.size ?? 0 };
  });
  return table.sort(
    (a, b) => (b.average ?? -Infinity) - (a.average ?? -Infinity) || (a.model < b.model ? -1 : a.model > b.model ? 1 : 0),
  );
}
