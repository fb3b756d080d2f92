/**
 * `@vvs/results`: the results database of a vvs suite run — one DuckDB file, one row per
 * (model, benchmark, benchmark version, layer), one transaction per row. A finished score survives a
 * crash (SIGKILL included), a resumed run adds no duplicates, and a second process cannot open the
 * file while a run holds it.
 *
 * @example
 * import { ResultsStore, scoreFields } from '@vvs/results';
 *
 * const store = await ResultsStore.open('results.duckdb');
 * try {
 *   if (!(await store.done('builtin:cnn', 'synthetic.IT', '1'))) {
 *     const startedAt = new Date();
 *     const score = await benchmark.score(model);
 *     await store.record({
 *       model: 'builtin:cnn', benchmark: 'synthetic.IT', benchmarkVersion: '1', layer: 'stage4',
 *       target: 'IT', ...scoreFields(score), synthetic: true, status: 'ok', startedAt, finishedAt: new Date(),
 *     });
 *   }
 *   console.table(await store.rows());
 * } finally {
 *   store.close();
 * }
 *
 * @packageDocumentation
 */
export { ResultsStore, scoreFields, SCHEMA_VERSION, SCORE_STATUSES } from './store.ts';
export type {
  ScoreKey,
  ScoreRow,
  ScoreRecord,
  ScoreStatus,
  RecordOutcome,
  RecordOptions,
  OpenOptions,
  RowFilter,
} from './store.ts';
