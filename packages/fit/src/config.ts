/**
 * Reading the seed's scaling-law fit configs (`fit-configs/**.yaml` of
 * epflneuroailab/scaling-primate-vvs) as its curve-fitting code does: PyYAML `safe_load` (YAML 1.1),
 * `base_config` chains deep-merged, defaults filled in (FIT-SEMANTICS §1–§3, §5).
 */
import { readFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { parseDocument, visit, Scalar, type ScalarTag, type Tags } from 'yaml';
import { InputError } from '@vvs/core';

/** How many variables the law has: `x` alone, or `N` and `D` (FIT-SEMANTICS §3). */
export type CurveType = 'one_variable' | 'two_variables';

/** The functional forms the seed fits in log space (FIT-SEMANTICS §4). */
export type LossFunctionName = 'power_law_LSE' | 'power_law_shift_LSE' | 'chinchilla_LSE';

/**
 * Number of parameters of each form (FIT-SEMANTICS §4 table), which the start grid must supply:
 * the seed passes grid tuples positionally, so a grid with another length cannot be fitted.
 */
export const LOSS_FUNCTION_PARAMETER_COUNT: Readonly<Record<LossFunctionName, number>> = {
  power_law_LSE: 3,
  power_law_shift_LSE: 4,
  chinchilla_LSE: 5,
};

/** The curve type each form needs: chinchilla is the only two-variable law (FIT-SEMANTICS §3–§4). */
const LOSS_FUNCTION_CURVE_TYPE: Readonly<Record<LossFunctionName, CurveType>> = {
  power_law_LSE: 'one_variable',
  power_law_shift_LSE: 'one_variable',
  chinchilla_LSE: 'two_variables',
};

/** Optimisers named in the configs (`method: 'BFGS' # 'BFGS' or 'L-BFGS-B'`). */
export type OptimizerMethod = 'BFGS' | 'L-BFGS-B';

/**
 * The family renaming `combine_arch_families: True` applies (FIT-SEMANTICS §2, step 1): the
 * "Flex" variants (width/depth-scaled re-trainings) join their base family.
 */
export const DEFAULT_ARCH_FAMILY_MERGES: Readonly<Record<string, string>> = {
  ResNetFlex: 'ResNet',
  ViTFlex: 'ViT',
  ConvNeXtFlex: 'ConvNeXt',
};

/** Seed of the bootstrap generator when `fitting_parameters.random_state` is absent (FIT-SEMANTICS §5). */
export const DEFAULT_RANDOM_STATE = 42;

/** Number of bootstrap resamples when the config gives none (FIT-SEMANTICS §5). */
export const DEFAULT_NUM_BOOTSTRAPS = 1000;

/** A value a set filter compares cells with (a YAML scalar). */
export type FilterValue = string | number | boolean | null;

/** One reduction of a `group_by` entry: a column and the pandas aggregation applied to it. */
export interface GroupReduction {
  column: string;
  /** The only aggregation the configs use (pandas `mean`, NaN skipped). */
  aggregation: 'mean';
}

/** One `group_by` entry: `groupby(keys).agg(reduce).reset_index()` (FIT-SEMANTICS §2, step 6). */
export interface GroupBySpec {
  /** The entry's name in the config (`avg_score`). */
  name: string;
  keys: string[];
  reduce: GroupReduction[];
}

/** `data_filters`, typed, in the fields of the fixed order the seed applies them (FIT-SEMANTICS §2). */
export interface DataFilters {
  /** Step 1: family renames to apply, or `null` when `combine_arch_families` is absent or falsy. */
  combineArchFamilies: Readonly<Record<string, string>> | null;
  /** Step 2: columns that must be True / must be False. */
  booleanFilters: { equalsTrue: string[]; equalsFalse: string[] };
  /** Step 3: per column (config order), the accepted values; a scalar in the config is a one-element list. */
  setFilters: { column: string; values: FilterValue[] }[];
  /** Step 4: per column, an inclusive `[lo, hi]` range. */
  rangeFilters: { column: string; lo: number; hi: number }[];
  /**
   * Step 5: the named groups as written. No config uses them and FIT-SEMANTICS does not say how
   * groups combine, so data selection refuses a non-empty one rather than guess.
   */
  compositeFilters: Record<string, unknown>;
  /** Step 6: group-and-reduce entries, applied in config order. */
  groupBy: GroupBySpec[];
  /** Step 7: listed families keep only the listed `samples_per_class`; `null` when absent. */
  archFamiliesSamples: { archFamily: FilterValue[]; samplesPerClass: FilterValue[] } | null;
  /** Step 8: factor applied to `total_flops` (default 1). */
  flopsMultiplier: number;
}

/** `fitting_parameters`, typed, with the seed's defaults filled in (FIT-SEMANTICS §3–§5). */
export interface FittingParameters {
  curveType: CurveType;
  /** Column of x (one-variable laws), else `null`. */
  X: string | null;
  /** Column of N (two-variable laws), else `null`. */
  X1: string | null;
  /** Column of D (two-variable laws), else `null`. */
  X2: string | null;
  /** Column of the score. */
  Y: string;
  /** x = row[X] / xScaler (default 1). */
  xScaler: number;
  /** N = row[X1] / x1Scaler (default 1). */
  x1Scaler: number;
  /** D = row[X2] / x2Scaler (default 1). */
  x2Scaler: number;
  /** y = 1 − score when true (default), the "loss" the law describes. */
  invertY: boolean;
  /** Compare predictions with log(y) (default true). */
  useLog: boolean;
  /** Huber threshold δ of the loss (FIT-SEMANTICS §4). */
  delta: number;
  method: OptimizerMethod;
  lossFunction: LossFunctionName;
  numBootstraps: number;
  dataFraction: number;
  /** Bootstrap seed, from `random_state` only: the configs' `random_seed` is ignored (FIT-SEMANTICS §5 quirk). */
  randomState: number;
  /** The start grid: `[name, values]` in merged key order (FIT-SEMANTICS §1, §5). */
  initialParameters: [string, number[]][];
}

/** A config file read, merged along its `base_config` chain, and validated. */
export interface FitConfig {
  /** Absolute path of the config file asked for. */
  path: string;
  /** Files merged, root base first, `path` last. */
  sources: string[];
  experimentName: string;
  dataFilters: DataFilters;
  fitting: FittingParameters;
  /** `visualization.loss_function`: the linear-space form used for plots, or `null`. */
  visualizationFunction: string | null;
  /** The merged mapping, as the seed holds it (YAML 1.1 values: `1e-3` is a string). */
  raw: Record<string, unknown>;
}

/**
 * PyYAML's implicit float pattern (`yaml/resolver.py`): a float needs a dot (or is `.5`), and an
 * exponent needs a sign, so `1e-3`, `1e13` and `1.0e3` stay strings. The `yaml` package's YAML 1.1
 * schema reads them as numbers; the seed's configs are written for PyYAML.
 */
const PYYAML_FLOAT = /^(?:[-+]?[0-9][0-9_]*\.[0-9_]*(?:[eE][-+][0-9]+)?|\.[0-9][0-9_]*(?:[eE][-+][0-9]+)?)$/;

/** PyYAML's implicit booleans: unlike the `yaml` package's YAML 1.1 schema, `y`/`n` are strings. */
const PYYAML_TRUE = /^(?:yes|Yes|YES|true|True|TRUE|on|On|ON)$/;
const PYYAML_FALSE = /^(?:no|No|NO|false|False|FALSE|off|Off|OFF)$/;

/** YAML's standard tags, whose implicit resolution PyYAML does differently. */
const FLOAT_TAG = 'tag:yaml.org,2002:float';
const BOOL_TAG = 'tag:yaml.org,2002:bool';

/** Plain scalars matching {@link PYYAML_FLOAT} become numbers. */
const pyyamlFloat: ScalarTag = {
  identify: (value) => typeof value === 'number',
  default: true,
  tag: FLOAT_TAG,
  test: PYYAML_FLOAT,
  resolve: (source) => Number.parseFloat(source.replace(/_/g, '')),
};

/** Plain scalars matching {@link PYYAML_TRUE} / {@link PYYAML_FALSE} become booleans. */
const pyyamlTrue: ScalarTag = {
  identify: (value) => value === true,
  default: true,
  tag: BOOL_TAG,
  test: PYYAML_TRUE,
  resolve: () => new Scalar(true),
};

const pyyamlFalse: ScalarTag = {
  identify: (value) => value === false,
  default: true,
  tag: BOOL_TAG,
  test: PYYAML_FALSE,
  resolve: () => new Scalar(false),
};

/** The `yaml` package's YAML 1.1 tags with PyYAML's float and bool resolution swapped in. */
function pyyamlTags(tags: Tags): Tags {
  const kept = tags.filter((t) => {
    if (typeof t === 'string') return true;
    const isNan = t.tag === FLOAT_TAG && (t as ScalarTag).test?.test('.nan');
    return (t.tag !== FLOAT_TAG || isNan) && t.tag !== BOOL_TAG;
  });
  return [pyyamlTrue, pyyamlFalse, ...kept, pyyamlFloat];
}

/**
 * Parses YAML text as PyYAML's `safe_load` does (YAML 1.1 implicit types): `1e-3` and `1e13` are
 * strings, `0.5` a float, `True`/`yes`/`on` booleans, `<<` merge keys honoured (FIT-SEMANTICS §1). A block scalar that ends
 * the file without a final line break has none, as in PyYAML (the configs end with
 * `experiment_description: >` then `""` and no newline, which PyYAML reads as `'""'`).
 *
 * @throws the `yaml` package's `YAMLParseError` on a syntax error.
 * @example
 * parsePyYaml('delta: 1e-3\nshare: 0.5\nuse_log: True\n'); // { delta: '1e-3', share: 0.5, use_log: true }
 */
export function parsePyYaml(text: string): unknown {
  const doc = parseDocument(text, { version: '1.1', customTags: pyyamlTags });
  if (doc.errors.length > 0) throw doc.errors[0];
  if (!text.endsWith('\n') && !text.endsWith('\r')) {
    visit(doc, {
      Scalar(_, node) {
        const block = node.type === 'BLOCK_FOLDED' || node.type === 'BLOCK_LITERAL';
        if (block && node.range?.[2] === text.length && typeof node.value === 'string' && node.value.endsWith('\n')) {
          node.value = node.value.slice(0, -1);
        }
      },
    });
  }
  return doc.toJS();
}

function isMapping(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && !(value instanceof Date);
}

/**
 * Deep-merges `child` into `parent` as the seed's config loader does (FIT-SEMANTICS §1): mappings
 * merge key by key, recursively; any other child value (scalar or list, `null` included) replaces the
 * parent's. Keys of the parent keep their position and new keys are appended, which fixes the order
 * of `initial_parameters`. Neither argument is modified.
 *
 * @example
 * mergeConfigs({ p: { e: [0], a: [1] }, d: 1 }, { p: { lambda_: [2], e: [5] } });
 * // { p: { e: [5], a: [1], lambda_: [2] }, d: 1 }
 */
export function mergeConfigs(parent: Record<string, unknown>, child: Record<string, unknown>): Record<string, unknown> {
  const merged: Record<string, unknown> = { ...parent };
  for (const [key, value] of Object.entries(child)) {
    const base = merged[key];
    merged[key] = isMapping(base) && isMapping(value) ? mergeConfigs(base, value) : value;
  }
  return merged;
}

/** Reads one file of a chain and its ancestors; `stack` holds the files being read, for cycles. */
async function loadMerged(path: string, stack: string[]): Promise<{ raw: Record<string, unknown>; sources: string[] }> {
  const requested = stack.length > 0 ? stack[0] : path;
  const fail = (problem: string, cause?: unknown) => new InputError(`${requested}: ${problem}`, { file: requested, cause });
  if (stack.includes(path)) {
    throw fail(`base_config cycle: ${[...stack, path].join(' → ')}`);
  }
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (e) {
    const what = stack.length > 0 ? `base config ${path} (named by ${stack[stack.length - 1]})` : 'the config file';
    throw fail(`cannot read ${what}: ${(e as Error).message}`, e);
  }
  let doc: unknown;
  try {
    doc = parsePyYaml(text);
  } catch (e) {
    throw fail(`invalid YAML in ${path}: ${(e as Error).message}`, e);
  }
  if (!isMapping(doc)) throw fail(`${path} does not hold a YAML mapping at the top level`);
  const base = doc.base_config;
  if (base === undefined || base === null) return { raw: doc, sources: [path] };
  if (typeof base !== 'string') throw fail(`base_config in ${path} must be a relative path, got ${JSON.stringify(base)}`);
  const parent = await loadMerged(resolve(dirname(path), base), [...stack, path]);
  return { raw: mergeConfigs(parent.raw, doc), sources: [...parent.sources, path] };
}

/** Validates pieces of a merged config, every message naming the config file. */
class ConfigReader {
  constructor(private readonly path: string) {}

  /** An `InputError` whose message starts with the config's path; `field` is the offending key. */
  error(problem: string, field?: string): InputError {
    return new InputError(`${this.path}: ${problem}`, { file: this.path, field });
  }

  mapping(value: unknown, field: string): Record<string, unknown> {
    if (value === undefined || value === null) return {};
    if (!isMapping(value)) throw this.error(`${field} must be a mapping, got ${JSON.stringify(value)}`, field);
    return value;
  }

  string(value: unknown, field: string): string {
    if (typeof value !== 'string' || value === '') throw this.error(`${field} must be a non-empty string, got ${JSON.stringify(value)}`, field);
    return value;
  }

  /** A number, converting strings with `float()`'s rules as the seed does for `1e-3`-style values. */
  number(value: unknown, field: string): number {
    const n = typeof value === 'number' ? value : typeof value === 'string' && value.trim() !== '' ? Number(value.replace(/_/g, '')) : Number.NaN;
    if (!Number.isFinite(n)) throw this.error(`${field} must be a number, got ${JSON.stringify(value)}`, field);
    return n;
  }

  positiveNumber(value: unknown, field: string): number {
    const n = this.number(value, field);
    if (!(n > 0)) throw this.error(`${field} must be positive, got ${JSON.stringify(value)}`, field);
    return n;
  }

  boolean(value: unknown, field: string): boolean {
    if (typeof value !== 'boolean') throw this.error(`${field} must be True or False, got ${JSON.stringify(value)}`, field);
    return value;
  }

  strings(value: unknown, field: string): string[] {
    if (value === undefined || value === null) return [];
    const list = Array.isArray(value) ? value : [value];
    return list.map((v, i) => this.string(v, `${field}[${i}]`));
  }

  filterValues(value: unknown, field: string): FilterValue[] {
    const list = Array.isArray(value) ? value : [value];
    for (const [i, v] of list.entries()) {
      if (v !== null && !['string', 'number', 'boolean'].includes(typeof v)) {
        throw this.error(`${field}[${i}] must be a scalar, got ${JSON.stringify(v)}`, field);
      }
    }
    return list as FilterValue[];
  }
}

function readDataFilters(r: ConfigReader, section: Record<string, unknown>): DataFilters {
  const combine = section.combine_arch_families;
  const booleans = r.mapping(section.boolean_filters, 'data_filters.boolean_filters');
  const sets = r.mapping(section.set_filters, 'data_filters.set_filters');
  const ranges = r.mapping(section.range_filters, 'data_filters.range_filters');
  const composites = r.mapping(section.composite_filters, 'data_filters.composite_filters');
  const groups = r.mapping(section.group_by, 'data_filters.group_by');
  const modifiers = r.mapping(section.modifiers, 'data_filters.modifiers');

  const rangeFilters = Object.entries(ranges).map(([column, bounds]) => {
    const field = `data_filters.range_filters.${column}`;
    if (!Array.isArray(bounds) || bounds.length !== 2) throw r.error(`${field} must be a [lo, hi] list`, field);
    return { column, lo: r.number(bounds[0], `${field}[0]`), hi: r.number(bounds[1], `${field}[1]`) };
  });

  const groupBy = Object.entries(groups).map(([name, entry]) => {
    const field = `data_filters.group_by.${name}`;
    const spec = r.mapping(entry, field);
    const keys = r.strings(spec.keys, `${field}.keys`);
    if (keys.length === 0) throw r.error(`${field}.keys must list at least one column`, field);
    const reduce = Object.entries(r.mapping(spec.reduce, `${field}.reduce`)).map(([column, aggregation]) => {
      if (aggregation !== 'mean') {
        throw r.error(`${field}.reduce.${column}: unsupported aggregation ${JSON.stringify(aggregation)} (supported: mean)`, field);
      }
      return { column, aggregation } as GroupReduction;
    });
    return { name, keys, reduce };
  });

  let archFamiliesSamples: DataFilters['archFamiliesSamples'] = null;
  if (section.arch_families_samples !== undefined && section.arch_families_samples !== null) {
    const field = 'data_filters.arch_families_samples';
    const spec = r.mapping(section.arch_families_samples, field);
    archFamiliesSamples = {
      archFamily: r.filterValues(spec.arch_family ?? [], `${field}.arch_family`),
      samplesPerClass: r.filterValues(spec.samples_per_class ?? [], `${field}.samples_per_class`),
    };
  }

  return {
    combineArchFamilies: isMapping(combine)
      ? Object.fromEntries(Object.entries(combine).map(([from, to]) => [from, r.string(to, `data_filters.combine_arch_families.${from}`)]))
      : combine
        ? DEFAULT_ARCH_FAMILY_MERGES
        : null,
    booleanFilters: {
      equalsTrue: r.strings(booleans.equals_true, 'data_filters.boolean_filters.equals_true'),
      equalsFalse: r.strings(booleans.equals_false, 'data_filters.boolean_filters.equals_false'),
    },
    setFilters: Object.entries(sets).map(([column, values]) => ({
      column,
      values: r.filterValues(values, `data_filters.set_filters.${column}`),
    })),
    rangeFilters,
    compositeFilters: composites,
    groupBy,
    archFamiliesSamples,
    flopsMultiplier: modifiers.flops_multiplier === undefined ? 1 : r.number(modifiers.flops_multiplier, 'data_filters.modifiers.flops_multiplier'),
  };
}

function readFitting(r: ConfigReader, section: Record<string, unknown>): FittingParameters {
  const f = 'fitting_parameters';
  const optional = <T>(key: string, fallback: T, read: (v: unknown, field: string) => T): T =>
    section[key] === undefined || section[key] === null ? fallback : read(section[key], `${f}.${key}`);

  const lossFunction = section.loss_function;
  if (lossFunction === undefined || lossFunction === null) throw r.error(`${f}.loss_function is missing`, `${f}.loss_function`);
  if (typeof lossFunction !== 'string' || !(lossFunction in LOSS_FUNCTION_PARAMETER_COUNT)) {
    throw r.error(
      `unknown ${f}.loss_function ${JSON.stringify(lossFunction)} (known: ${Object.keys(LOSS_FUNCTION_PARAMETER_COUNT).join(', ')})`,
      `${f}.loss_function`,
    );
  }
  const loss = lossFunction as LossFunctionName;

  const curveType = optional<CurveType>('curve_type', 'one_variable', (v, field) => {
    if (v !== 'one_variable' && v !== 'two_variables') throw r.error(`${field} must be one_variable or two_variables, got ${JSON.stringify(v)}`, field);
    return v;
  });
  if (LOSS_FUNCTION_CURVE_TYPE[loss] !== curveType) {
    throw r.error(`${f}.loss_function ${loss} needs curve_type ${LOSS_FUNCTION_CURVE_TYPE[loss]}, got ${curveType}`, `${f}.curve_type`);
  }
  const column = (key: string) => {
    if (section[key] === undefined || section[key] === null) throw r.error(`${f}.${key} is missing (needed by curve_type ${curveType})`, `${f}.${key}`);
    return r.string(section[key], `${f}.${key}`);
  };
  const one = curveType === 'one_variable';

  const method = optional<OptimizerMethod>('method', 'BFGS', (v, field) => {
    if (v !== 'BFGS' && v !== 'L-BFGS-B') throw r.error(`${field} must be BFGS or L-BFGS-B, got ${JSON.stringify(v)}`, field);
    return v;
  });

  const grid = r.mapping(section.initial_parameters, `${f}.initial_parameters`);
  const initialParameters = Object.entries(grid).map(([name, values]): [string, number[]] => {
    const field = `${f}.initial_parameters.${name}`;
    const list = Array.isArray(values) ? values : [values];
    if (list.length === 0) throw r.error(`${field} must list at least one start value`, field);
    return [name, list.map((v, i) => r.number(v, `${field}[${i}]`))];
  });
  if (initialParameters.length !== LOSS_FUNCTION_PARAMETER_COUNT[loss]) {
    throw r.error(
      `${f}.initial_parameters has ${initialParameters.length} parameters (${initialParameters.map(([n]) => n).join(', ')}) but ${loss} takes ${LOSS_FUNCTION_PARAMETER_COUNT[loss]}`,
      `${f}.initial_parameters`,
    );
  }

  return {
    curveType,
    X: one ? column('X') : null,
    X1: one ? null : column('X1'),
    X2: one ? null : column('X2'),
    Y: column('Y'),
    xScaler: optional('X_scaler', 1, (v, field) => r.positiveNumber(v, field)),
    x1Scaler: optional('X1_scaler', 1, (v, field) => r.positiveNumber(v, field)),
    x2Scaler: optional('X2_scaler', 1, (v, field) => r.positiveNumber(v, field)),
    invertY: optional('invert_Y', true, (v, field) => r.boolean(v, field)),
    useLog: optional('use_log', true, (v, field) => r.boolean(v, field)),
    delta: r.positiveNumber(section.delta, `${f}.delta`),
    method,
    lossFunction: loss,
    numBootstraps: optional('num_bootstraps', DEFAULT_NUM_BOOTSTRAPS, (v, field) => {
      const n = r.number(v, field);
      if (!Number.isInteger(n) || n < 0) throw r.error(`${field} must be a non-negative integer, got ${JSON.stringify(v)}`, field);
      return n;
    }),
    dataFraction: optional('data_fraction', 1, (v, field) => r.positiveNumber(v, field)),
    randomState: optional('random_state', DEFAULT_RANDOM_STATE, (v, field) => {
      const n = r.number(v, field);
      if (!Number.isInteger(n) || n < 0) throw r.error(`${field} must be a non-negative integer, got ${JSON.stringify(v)}`, field);
      return n;
    }),
    initialParameters,
  };
}

/**
 * Loads a seed fit config: reads the YAML as PyYAML (YAML 1.1) does, follows `base_config`
 * recursively (relative to each child's folder) deep-merging child into parent
 * (FIT-SEMANTICS §1), and returns the typed `data_filters` (§2) and `fitting_parameters` (§3–§5)
 * with the seed's defaults: `curve_type` one_variable, scalers 1, `invert_Y` and `use_log` true,
 * 1000 bootstraps, data fraction 1, `random_state` 42. `delta`, `X_scaler`, `X1_scaler`,
 * `X2_scaler` written as `1e-3`/`1e13` (strings in YAML 1.1) are converted as Python's `float()`.
 * Like the seed, the bootstrap seed comes from `random_state` only; `random_seed` is ignored (§5).
 *
 * @param path - the config file (`fit-configs/compute/compute_neuro.yaml`).
 * @throws InputError (of `@vvs/core`, message starting with the config's path, `file` set) when a file
 *   of the chain is missing or not valid YAML, the chain has a cycle, or a value is missing or wrong
 *   (unknown `loss_function`, missing `X`/`Y`, a non-numeric scaler, …).
 * @example
 * const config = await loadFitConfig('fit-configs/compute/compute_neuro.yaml');
 * config.fitting.lossFunction; // 'power_law_LSE'
 * config.fitting.xScaler;      // 1e13
 * config.fitting.initialParameters.map(([name]) => name); // ['e', 'a', 'alpha']
 */
export async function loadFitConfig(path: string): Promise<FitConfig> {
  const absolute = resolve(path);
  const { raw, sources } = await loadMerged(absolute, []);
  const r = new ConfigReader(absolute);
  return {
    path: absolute,
    sources,
    experimentName: r.string(raw.experiment_name, 'experiment_name'),
    dataFilters: readDataFilters(r, r.mapping(raw.data_filters, 'data_filters')),
    fitting: readFitting(r, r.mapping(raw.fitting_parameters, 'fitting_parameters')),
    visualizationFunction: (() => {
      const v = r.mapping(raw.visualization, 'visualization').loss_function;
      return v === undefined || v === null ? null : r.string(v, 'visualization.loss_function');
    })(),
    raw,
  };
}
