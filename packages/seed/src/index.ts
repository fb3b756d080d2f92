/**
 * `@vvs/seed`: the scaling-laws seed's (`scaling_primate_vvs`) published tables — its models, their
 * checkpoints and their benchmark scores — fetched from its public repository into the cache on
 * first use (or read from a local folder), verified by SHA-1, and read as typed rows with the
 * semantics of the seed's `list_models`, `get_model_checkpoints_dataframe` and
 * `get_benchmark_scores_dataframe`.
 *
 * @example
 * import { getBenchmarkScores, listModels } from '@vvs/seed';
 *
 * (await listModels()).length; // 647
 * const scores = await getBenchmarkScores('public');
 * scores.filter((r) => r.model_id === 'resnet18_imagenet_full').map((r) => [r.region, r.score]);
 *
 * @packageDocumentation
 */
export { SEED_ARTIFACTS, SEED_REF, SEED_REPOSITORY, SEED_SCORES_TABLE, seedArtifact, seedFileUrl, seedScoresTable } from './artifacts.ts';
export type { SeedArtifactInfo, SeedArtifactName, SeedArtifactOptions, SeedScoresOptions } from './artifacts.ts';
export { SEED_SCORE_SPLITS, SEED_SUPPORTED_ARCHITECTURES, getBenchmarkScores, getModelCheckpoints, listModels } from './tables.ts';
export type { ListModelsOptions, ModelCheckpointRow, PrivateScoreRow, PublicScoreRow, SeedCell, SeedScoreSplit, SeedTableOptions } from './tables.ts';
export { openSeedDatabase, SEED_VIEWS } from './database.ts';
export type { SeedDatabase } from './database.ts';
