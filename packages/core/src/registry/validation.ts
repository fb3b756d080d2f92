/**
 * The rules a registration must follow, as functions returning the list of problems found (empty
 * when valid), so that one error can report every problem at once.
 */
import { BENCHMARK_TARGETS, REGIONS, isBenchmarkTarget } from '../contracts/region.ts';

/** The kinds of plugin the registry holds. */
export const PLUGIN_KINDS = ['benchmark', 'model', 'metric'] as const;

/**
 * A kind of plugin: a `Benchmark`, a `BrainModel` or a `Metric`.
 *
 * @example
 * const kind: PluginKind = 'benchmark';
 */
export type PluginKind = (typeof PLUGIN_KINDS)[number];

/**
 * Characters allowed in benchmark and metric ids: ASCII letters, digits, `.`, `_`, `-`, the set
 * Brain-Score's identifiers use (`MajajHong2015public.IT-pls`), safe in file names and URLs.
 */
export const ID_PATTERN = /^[A-Za-z0-9._-]+$/;

/**
 * Characters allowed in model ids: those of {@link ID_PATTERN} plus `:`, which timm-style ids use to
 * name pretrained weights (`vit_base_patch16_clip_224:openai_nc-5000`; 42 of the seed's 1047 model ids).
 */
export const MODEL_ID_PATTERN = /^[A-Za-z0-9._:-]+$/;

/** A value as it should appear in a message: strings quoted, objects by type. */
export function describeValue(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value);
  if (value === null || typeof value !== 'object') return String(value);
  return Array.isArray(value) ? 'an array' : 'an object';
}

/**
 * The problem with `id` as an id of `kind`, or `undefined` when it is valid.
 *
 * @example
 * idProblem('benchmark', 'MajajHong2015public.IT-pls'); // undefined
 * idProblem('benchmark', ' IT pls');                    // 'id " IT pls" has characters outside [A-Za-z0-9._-]'
 */
export function idProblem(kind: PluginKind, id: unknown): string | undefined {
  if (typeof id !== 'string') return `id must be a string (got ${describeValue(id)})`;
  if (id.trim() === '') return `id must not be empty (got ${describeValue(id)})`;
  const pattern = kind === 'model' ? MODEL_ID_PATTERN : ID_PATTERN;
  if (!pattern.test(id)) {
    return `id ${describeValue(id)} has characters outside ${pattern.source.slice(1, -2)}`;
  }
  return undefined;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function missingMethods(value: Record<string, unknown>, methods: readonly string[]): string[] {
  return methods.filter((m) => typeof value[m] !== 'function').map((m) => `missing method ${m}()`);
}

function notAnObject(value: unknown): string[] | undefined {
  return isRecord(value) ? undefined : [`expected an object, got ${describeValue(value)}`];
}

/**
 * Problems with the descriptive fields of a benchmark (what a factory's registration must state up
 * front): `id`, `target` (a region or `'behavior'`), `version` (a non-negative integer) and `metric`
 * (the id of the comparison it makes, e.g. `'pls'`).
 *
 * @example
 * benchmarkMetaProblems({ id: 'x', target: 'V3', version: 1.5, metric: 'pls' });
 * // ['target must be one of V1, V2, V4, IT, behavior (got "V3")', 'version must be a non-negative integer (got 1.5)']
 */
export function benchmarkMetaProblems(meta: unknown): string[] {
  const bad = notAnObject(meta);
  if (bad) return bad;
  const m = meta as Record<string, unknown>;
  const problems: string[] = [];
  const idIssue = idProblem('benchmark', m.id);
  if (idIssue) problems.push(idIssue);
  if (!isBenchmarkTarget(m.target)) {
    problems.push(`target must be one of ${BENCHMARK_TARGETS.join(', ')} (got ${describeValue(m.target)})`);
  }
  if (!(Number.isSafeInteger(m.version) && (m.version as number) >= 0)) {
    problems.push(`version must be a non-negative integer (got ${describeValue(m.version)})`);
  }
  const metricIssue = m.metric === undefined ? 'metric is missing: name the metric the benchmark uses (e.g. "pls", "i2n")' : idProblem('metric', m.metric);
  if (metricIssue) problems.push(metricIssue.startsWith('metric') ? metricIssue : `metric ${metricIssue}`);
  return problems;
}

/**
 * Problems with a `Benchmark` object: its meta fields (metric included), its methods `ceiling()` and
 * `score()` (a benchmark without a ceiling is refused), and its optional fields when present.
 *
 * @example
 * benchmarkProblems({ id: 'b', target: 'IT', version: 1, ceiling: async () => s }); // ['missing method score()']
 */
export function benchmarkProblems(value: unknown): string[] {
  const bad = notAnObject(value);
  if (bad) return bad;
  const b = value as Record<string, unknown>;
  const problems = [...benchmarkMetaProblems(b), ...missingMethods(b, ['ceiling', 'score'])];
  if (b.bibtex !== undefined && typeof b.bibtex !== 'string') {
    problems.push(`bibtex must be a string (got ${describeValue(b.bibtex)})`);
  }
  if (b.visualDegrees !== undefined && !isPositiveFinite(b.visualDegrees)) {
    problems.push(`visualDegrees must be a positive number (got ${describeValue(b.visualDegrees)})`);
  }
  if (b.numberOfTrials !== undefined && !(Number.isSafeInteger(b.numberOfTrials) && (b.numberOfTrials as number) > 0)) {
    problems.push(`numberOfTrials must be a positive integer (got ${describeValue(b.numberOfTrials)})`);
  }
  if (b.dataSets !== undefined && !(Array.isArray(b.dataSets) && b.dataSets.every(isNonEmptyString))) {
    problems.push(`dataSets must be a list of data set ids (got ${describeValue(b.dataSets)})`);
  }
  return problems;
}

function isPositiveFinite(value: unknown): boolean {
  return typeof value === 'number' && Number.isFinite(value) && value > 0;
}

function isNonEmptyString(value: unknown): boolean {
  return typeof value === 'string' && value.trim() !== '';
}

/**
 * Problems with a `BrainModel` object: `id`, a positive `visualDegrees`, a layer for each of V1, V2,
 * V4 and IT (and no other key) in `regionLayer`, a `behavioralReadoutLayer`, and the methods
 * `record()` and `probabilities()`.
 *
 * @example
 * modelProblems({ id: 'm', visualDegrees: 8, regionLayer: { V1: 'a' }, behavioralReadoutLayer: 'fc',
 *   record, probabilities });
 * // ['regionLayer has no layer for V2', 'regionLayer has no layer for V4', 'regionLayer has no layer for IT']
 */
export function modelProblems(value: unknown): string[] {
  const bad = notAnObject(value);
  if (bad) return bad;
  const m = value as Record<string, unknown>;
  const problems: string[] = [];
  const idIssue = idProblem('model', m.id);
  if (idIssue) problems.push(idIssue);
  if (!isPositiveFinite(m.visualDegrees)) {
    problems.push(`visualDegrees must be a positive number (got ${describeValue(m.visualDegrees)})`);
  }
  if (!isRecord(m.regionLayer)) {
    problems.push(`regionLayer must map each of ${REGIONS.join(', ')} to a layer (got ${describeValue(m.regionLayer)})`);
  } else {
    const layers = m.regionLayer;
    for (const region of REGIONS) {
      if (!isNonEmptyString(layers[region])) problems.push(`regionLayer has no layer for ${region}`);
    }
    for (const key of Object.keys(layers)) {
      if (!(REGIONS as readonly string[]).includes(key)) {
        problems.push(`regionLayer has unknown region ${describeValue(key)} (regions: ${REGIONS.join(', ')})`);
      }
    }
  }
  if (!isNonEmptyString(m.behavioralReadoutLayer)) {
    problems.push(`behavioralReadoutLayer must be a layer name (got ${describeValue(m.behavioralReadoutLayer)})`);
  }
  problems.push(...missingMethods(m, ['record', 'probabilities']));
  return problems;
}

/**
 * Problems with a `Metric` object: `id` and the method `compute()`.
 *
 * @example
 * metricProblems({ id: 'pls' }); // ['missing method compute()']
 */
export function metricProblems(value: unknown): string[] {
  const bad = notAnObject(value);
  if (bad) return bad;
  const m = value as Record<string, unknown>;
  const idIssue = idProblem('metric', m.id);
  return [...(idIssue ? [idIssue] : []), ...missingMethods(m, ['compute'])];
}
