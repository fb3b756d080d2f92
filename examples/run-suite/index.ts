/**
 * A suite run from TypeScript: three seeds of the built-in CNN and the pixel baseline on the
 * synthetic IT and V4 benchmarks, written to a DuckDB database, then queried with SQL.
 *
 *   pnpm --filter @vvs/example-run-suite start [results.duckdb]
 *
 * Run it twice: the second run finds every pair in the database and scores nothing.
 */
import { availableParallelism } from 'node:os';
import { DuckDBInstance } from '@duckdb/node-api';
import { PluginRegistry, createContainer } from '@vvs/core';
import { plugin as synthetic } from '@vvs/benchmarks-synthetic';
import { ResultsStore } from '@vvs/results';
import { onnxSuiteModel, runSuite } from '@vvs/suite';

const path = process.argv[2] ?? 'example-results.duckdb';
const registry = createContainer().resolve(PluginRegistry);
registry.install(synthetic);

const models = ['builtin:pixels', 'builtin:cnn@0', 'builtin:cnn@1', 'builtin:cnn@2'].map((spec) => onnxSuiteModel(spec));
const store = await ResultsStore.open(path);
try {
  const summary = await runSuite({
    registry,
    models,
    benchmarks: ['synthetic.V4', 'synthetic.IT'],
    store,
    // Forward passes and scoring on a pool of worker threads, one per core; scores do not depend on it.
    workers: availableParallelism(),
    onProgress: (e) => console.error(`[${e.done}/${e.total}] ${e.model} × ${e.benchmark}: ${e.stage} (${(e.elapsedMs / 1000).toFixed(1)} s)`),
  });
  console.error(`${summary.scored} scored, ${summary.skipped} already there, ${summary.failed} failed`);
  for (const f of summary.failures) console.error(`failed: ${f.model} × ${f.benchmark}: ${f.message}`);
} finally {
  store.close();
}

// Any SQL over the results: here, each model's mean score over the two regions, best first.
const db = await DuckDBInstance.create(path, { access_mode: 'READ_ONLY' });
const connection = await db.connect();
const reader = await connection.runAndReadAll(
  `SELECT model, round(avg(score), 4) AS mean_score, string_agg(layer, ', ' ORDER BY benchmark) AS layers
   FROM scores WHERE status = 'ok' GROUP BY model ORDER BY mean_score DESC`,
);
console.table(reader.getRowObjects());
connection.closeSync();
