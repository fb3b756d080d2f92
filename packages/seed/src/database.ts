/**
 * The seed's tables as a DuckDB database, for questions a typed array of rows answers slowly: joins
 * of scores with checkpoints, group-bys over architectures, exports to Parquet.
 */
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import { seedArtifact, type SeedArtifactName } from './artifacts.ts';
import type { SeedTableOptions } from './tables.ts';

/** The views of {@link openSeedDatabase}, and the file each reads. */
export const SEED_VIEWS: Readonly<Record<string, SeedArtifactName>> = {
  checkpoints: 'model_checkpoints.csv',
  scores_public: 'benchmark_scores.csv',
  scores_private: 'benchmark_scores_brainscore.csv',
  scores_checkpoints: 'benchmark_scores_ckpts.csv',
};

/** An in-memory DuckDB database with the seed's tables as views; close it when done. */
export interface SeedDatabase {
  readonly connection: DuckDBConnection;
  /** Runs a query and returns its rows as plain objects (numbers, strings, booleans, null). */
  query(sql: string): Promise<Record<string, unknown>[]>;
  close(): void;
}

/**
 * Opens the seed's tables (fetched or found as {@link seedArtifact} does) as views of an in-memory
 * DuckDB database: `checkpoints`, `scores_public`, `scores_private`, `scores_checkpoints` (see
 * {@link SEED_VIEWS}). DuckDB reads the CSV files where they lie; nothing is copied.
 *
 * @example
 * const db = await openSeedDatabase();
 * try {
 *   await db.query(`SELECT arch, count(DISTINCT model_id) AS models FROM checkpoints GROUP BY arch ORDER BY models DESC LIMIT 3`);
 * } finally {
 *   db.close();
 * }
 */
export async function openSeedDatabase(options: SeedTableOptions = {}): Promise<SeedDatabase> {
  const files = await Promise.all(Object.values(SEED_VIEWS).map((file) => seedArtifact(file, options)));
  const instance = await DuckDBInstance.create(':memory:');
  const connection = await instance.connect();
  try {
    for (const [index, view] of Object.keys(SEED_VIEWS).entries()) {
      // read_csv_auto sniffs types as pandas' read_csv would mostly; paths are quoted SQL literals.
      await connection.run(`CREATE VIEW ${view} AS SELECT * FROM read_csv_auto('${files[index]!.replaceAll("'", "''")}', header = true)`);
    }
  } catch (error) {
    connection.closeSync();
    instance.closeSync();
    throw error;
  }
  return {
    connection,
    async query(sql) {
      return (await connection.runAndReadAll(sql)).getRowObjectsJS() as Record<string, unknown>[];
    },
    close() {
      connection.closeSync();
      instance.closeSync();
    },
  };
}
