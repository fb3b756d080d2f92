import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { InputError } from '@vvs/core';
import { loadFixture, sharedPath } from '@vvs/test-utils';
import { loadFitConfig, parsePyYaml, type FitConfig } from '../src/config.ts';
import { readScoresTable, type ScoreTable } from '../src/scores-table.ts';
import { selectData } from '../src/select.ts';

const STORED_FITS = ['compute_neuro', 'compute_behavior', 'parameter_scaling'] as const;
const configPath = (rel: string) => sharedPath(`seed/fit-configs/${rel}`);

let table: ScoreTable;
let scratch: string;

beforeAll(async () => {
  table = await readScoresTable(sharedPath('seed/artifacts/benchmark_scores.csv'));
  scratch = await mkdtemp(join(tmpdir(), 'vvs-fit-select-'));
});

afterAll(async () => {
  await rm(scratch, { recursive: true, force: true });
});

/** Writes a config into the scratch folder; `base` (a fit-configs path) becomes its relative base_config. */
async function scratchConfig(name: string, body: string, base?: string): Promise<string> {
  const path = join(scratch, name);
  const header = base === undefined ? '' : `base_config: ${relative(scratch, configPath(base))}\n`;
  await writeFile(path, header + body);
  return path;
}

/** Asserts that `action` fails with an InputError whose message names `path` and matches `pattern`. */
async function expectInputError(action: () => unknown, path: string, pattern: RegExp): Promise<void> {
  const error = await Promise.resolve().then(action).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(InputError);
  expect((error as Error).message).toContain(path);
  expect((error as Error).message).toMatch(pattern);
}

describe('readScoresTable', () => {
  it('types columns as pandas read_csv does and keeps CSV order', () => {
    expect(table.columns.slice(0, 3)).toEqual(['model_id', 'benchmark_id', 'arch']);
    expect(table.rows).toHaveLength(4965);
    const first = table.rows[0];
    expect(first.model_id).toBe('alexnet_ecoset_100_seed-0');
    expect(first.region).toBe('V1');
    expect(first.is_pretrained).toBe(false);
    expect(first.n_params).toBe(61100840);
    expect(first.ssl_method).toBeNull(); // empty cell = NaN
    // pandas' float parser keeps 17 digits and drops the 18th: one ulp below Number()'s value.
    expect(first.score).toBe(0.2176758310062088);
    expect(first.score).not.toBe(Number('0.21767583100620883'));
    expect(table.rows.some((r) => r.is_ssl === true)).toBe(true);
  });
});

describe('parsePyYaml', () => {
  it('resolves scalars as PyYAML safe_load (YAML 1.1) does', () => {
    expect(parsePyYaml('a: 1e-3\nb: 1e13\nc: 0.5\nd: True\ne: 1.0e+3\nf: 1.0e3\ng: y\nh: off\ni: 42\n')).toEqual({
      a: '1e-3',
      b: '1e13',
      c: 0.5,
      d: true,
      e: 1000,
      f: '1.0e3',
      g: 'y',
      h: false,
      i: 42,
    });
  });
});

describe.each(STORED_FITS)('stored fit %s', (name) => {
  const json = loadFixture(`seed/fit-results/${name}.json`);
  let config: FitConfig;

  beforeAll(async () => {
    config = await loadFitConfig(configPath(json.config_path));
  });

  it('merges its config into the stored effective config, key order included', () => {
    expect(JSON.stringify(config.raw)).toBe(JSON.stringify(json.effective_config));
  });

  it('reads the fitting parameters the seed used', () => {
    const f = config.fitting;
    expect(config.experimentName).toBe(json.experiment);
    expect(f.lossFunction).toBe(json.fitting_function);
    expect(config.visualizationFunction).toBe(json.visualization_function);
    expect(f.curveType).toBe(json.curve_type);
    expect(f.X).toBe(json.X);
    expect(f.Y).toBe(json.Y);
    expect(f.xScaler).toBe(json.X_scaler);
    expect(f.delta).toBe(json.delta);
    expect(f.invertY).toBe(json.invert_Y);
    expect(f.useLog).toBe(json.use_log);
    expect(f.method).toBe(json.method);
    expect(f.numBootstraps).toBe(json.bootstrap.config_num_bootstraps);
    expect(f.dataFraction).toBe(json.bootstrap.data_fraction);
    expect(f.randomState).toBe(42);
    expect(f.initialParameters.map(([key]) => key)).toEqual(json.start_grid_order);
    expect(Object.fromEntries(f.initialParameters)).toEqual(json.start_grid);
    expect(f.initialParameters.reduce((n, [, values]) => n * values.length, 1)).toBe(json.n_starts);
  });

  it('selects exactly the stored number of data points', () => {
    const data = selectData(table, config);
    expect(data.rows).toHaveLength(json.n_data_points);
    expect(data.curveType).toBe('one_variable');
    if (data.curveType !== 'one_variable') return;
    expect(data.x).toHaveLength(json.n_data_points);
    for (let i = 0; i < data.rows.length; i++) {
      expect(data.x[i]).toBe((data.rows[i][json.X] as number) / json.X_scaler);
      expect(data.y[i]).toBe(1 - (data.rows[i].score as number));
      expect(data.logY![i]).toBe(Math.log(data.y[i]));
    }
    // group_by keeps only its keys and the score, sorted by model_id first, one row per model.
    const ids = data.rows.map((r) => r.model_id as string);
    expect(new Set(ids).size).toBe(ids.length);
    expect([...ids].sort()).toEqual(ids);
    expect(data.columns).toEqual([...json.effective_config.data_filters.group_by.avg_score.keys, 'score']);
  });
});

describe('every seed config', () => {
  /**
   * Row counts of a few configs covering every filter kind, from pandas 1.5.3 on the same CSV
   * (an independent re-implementation of FIT-SEMANTICS §2; its counts match the stored fits).
   */
  const PANDAS_ROW_COUNTS: Record<string, number> = {
    'compute/chinchilla.yaml': 444, // arch_families_samples, two variables
    'compute/accuracy.yaml': 620, // Y = acc, invert_Y false
    'model/vit/vit_avg.yaml': 128, // 3-level chain, combine_arch_families
    'sample/imagenet_scaling.yaml': 221,
    'parameter/parameter_pretrained_scaling.yaml': 136,
    'ssl/simclr/simclr_v1.yaml': 35, // no group_by: one row per (model, benchmark)
    'adv/adv_.yaml': 44, // equals_true
  };
  /** The one config that cannot be fitted: dino models have no total_flops, and nothing groups them away. */
  const UNFITTABLE = 'ssl/ssl_base.yaml';

  it('loads and selects at least one row (the unfittable ssl base fails on NaN x)', async () => {
    const root = sharedPath('seed/fit-configs');
    const files = (await readdir(root, { recursive: true })).filter((f) => f.endsWith('.yaml')).sort();
    expect(files.length).toBeGreaterThanOrEqual(62);
    for (const rel of files) {
      const config = await loadFitConfig(join(root, rel));
      if (rel === UNFITTABLE) {
        await expectInputError(() => selectData(table, config), config.path, /total_flops" is NaN .*dino_/);
        continue;
      }
      const data = selectData(table, config);
      expect(data.rows.length, rel).toBeGreaterThan(0);
      if (rel in PANDAS_ROW_COUNTS) expect(data.rows.length, rel).toBe(PANDAS_ROW_COUNTS[rel]);
    }
  });

  it('reads the two-variable chinchilla config', async () => {
    const config = await loadFitConfig(configPath('compute/chinchilla.yaml'));
    const data = selectData(table, config);
    expect(config.fitting).toMatchObject({ curveType: 'two_variables', X: null, X1: 'n_params', X2: 'n_samples_seen', x1Scaler: 1e5, x2Scaler: 1e4 });
    expect(config.fitting.initialParameters.map(([k]) => k)).toEqual(['e', 'a', 'alpha', 'b', 'beta']);
    if (data.curveType !== 'two_variables') throw new Error('expected two variables');
    expect(data.n[0]).toBe((data.rows[0].n_params as number) / 1e5);
    expect(data.d[0]).toBe((data.rows[0].n_samples_seen as number) / 1e4);
    // arch_families_samples: ConvNeXt/ViT keep only full (0) or 300-per-class training sets.
    const limited = data.rows.filter((r) => r.arch_family === 'ViT' || r.arch_family === 'ConvNeXt');
    expect(limited.length).toBeGreaterThan(0);
    expect(limited.every((r) => r.samples_per_class === 0 || r.samples_per_class === 300)).toBe(true);
  });
});

describe('base_config chains', () => {
  it('merges model/vit/vit_avg.yaml → vit_base.yaml → ../model_base.yaml', async () => {
    const config = await loadFitConfig(configPath('model/vit/vit_avg.yaml'));
    expect(config.sources).toEqual(['model/model_base.yaml', 'model/vit/vit_base.yaml', 'model/vit/vit_avg.yaml'].map(configPath));
    expect(config.experimentName).toBe('model_vit_avg'); // leaf
    expect(config.fitting.lossFunction).toBe('power_law_shift_LSE'); // middle
    expect(config.visualizationFunction).toBe('power_law_shift');
    // From the root only.
    expect(config.fitting.X).toBe('total_flops');
    expect(config.fitting.xScaler).toBe(1e13);
    expect(config.fitting.delta).toBe(1e-3);
    expect(config.dataFilters.groupBy[0].keys).toContain('samples_per_class');
    expect(config.dataFilters.booleanFilters.equalsFalse).toEqual(['is_pretrained', 'is_random', 'is_ssl', 'is_adv', 'is_ablation']);
    expect(config.dataFilters.combineArchFamilies).toMatchObject({ ViTFlex: 'ViT' });
    // Mappings merge key by key: root keys keep their place, new keys are appended (FIT-SEMANTICS §1, §5 quirk).
    expect(config.fitting.initialParameters.map(([k]) => k)).toEqual(['e', 'a', 'alpha', 'lambda_']);
    expect(config.dataFilters.setFilters.map((f) => f.column)).toEqual(['dataset', 'arch_family', 'region']);
    expect(config.dataFilters.setFilters[2].values).toEqual(['V1', 'V2', 'V4', 'IT', 'Behavioral']);
    // combine_arch_families runs before the arch_family filter, so ViTFlex models are kept as ViT.
    const data = selectData(table, config);
    expect(data.rows.every((r) => r.arch_family === 'ViT')).toBe(true);
    const flex = new Set(table.rows.filter((r) => r.arch_family === 'ViTFlex').map((r) => r.model_id));
    expect(data.rows.some((r) => flex.has(r.model_id as string))).toBe(true);
  });

  it('ignores random_seed: the bootstrap seed comes from random_state only', async () => {
    const seedOnly = await loadFitConfig(await scratchConfig('seed-only.yaml', 'fitting_parameters:\n    random_seed: 7\n', 'compute/compute_neuro.yaml'));
    expect(seedOnly.raw.fitting_parameters).toMatchObject({ random_seed: 7 });
    expect(seedOnly.fitting.randomState).toBe(42);
    const state = await loadFitConfig(await scratchConfig('state.yaml', 'fitting_parameters:\n    random_state: 7\n', 'compute/compute_neuro.yaml'));
    expect(state.fitting.randomState).toBe(7);
  });
});

describe('errors name the config file', () => {
  it('a missing file', async () => {
    const path = join(scratch, 'absent.yaml');
    await expectInputError(() => loadFitConfig(path), path, /cannot read/);
  });

  it('a missing base config', async () => {
    const path = await scratchConfig('orphan.yaml', 'base_config: nowhere.yaml\n');
    await expectInputError(() => loadFitConfig(path), path, /nowhere\.yaml/);
  });

  it('invalid YAML', async () => {
    const path = await scratchConfig('broken.yaml', 'fitting_parameters:\n  X: [total_flops\n');
    await expectInputError(() => loadFitConfig(path), path, /invalid YAML/);
  });

  it('a base_config cycle', async () => {
    await scratchConfig('cycle-b.yaml', 'base_config: cycle-a.yaml\n');
    const path = await scratchConfig('cycle-a.yaml', 'base_config: cycle-b.yaml\n');
    await expectInputError(() => loadFitConfig(path), path, /cycle.*cycle-b\.yaml.*cycle-a\.yaml/);
  });

  it('an unknown loss function, a non-numeric scaler, a missing X', async () => {
    const base = 'compute/compute_neuro.yaml';
    const loss = await scratchConfig('loss.yaml', 'fitting_parameters:\n    loss_function: exponential\n', base);
    await expectInputError(() => loadFitConfig(loss), loss, /unknown fitting_parameters\.loss_function "exponential"/);
    const scaler = await scratchConfig('scaler.yaml', 'fitting_parameters:\n    X_scaler: ten\n', base);
    await expectInputError(() => loadFitConfig(scaler), scaler, /X_scaler must be a number, got "ten"/);
    const noX = await scratchConfig('no-x.yaml', 'fitting_parameters:\n    X: null\n', base);
    await expectInputError(() => loadFitConfig(noX), noX, /fitting_parameters\.X is missing/);
  });

  it('an unknown column, listing the available ones', async () => {
    const path = await scratchConfig('column.yaml', 'data_filters:\n    set_filters:\n        brain_area: [IT]\n', 'compute/compute_neuro.yaml');
    const config = await loadFitConfig(path);
    await expectInputError(() => selectData(table, config), path, /unknown column "brain_area".*available: model_id, benchmark_id/);
    const y = await loadFitConfig(await scratchConfig('y.yaml', 'fitting_parameters:\n    Y: alignment\n', 'compute/compute_neuro.yaml'));
    await expectInputError(() => selectData(table, y), y.path, /unknown column "alignment" in fitting_parameters\.Y/);
  });

  it('an empty selection', async () => {
    const path = await scratchConfig('empty.yaml', 'data_filters:\n    set_filters:\n        region: [Nowhere]\n', 'compute/compute_neuro.yaml');
    const config = await loadFitConfig(path);
    await expectInputError(() => selectData(table, config), path, /no rows left after data_filters\.set_filters\.region/);
  });

  it('a NaN score (an empty cell), naming the row', async () => {
    const config = await loadFitConfig(configPath('parameter/parameter_scaling.yaml'));
    const target = 'resnet18_imagenet_full';
    const missing: ScoreTable = { ...table, rows: table.rows.map((r) => (r.model_id === target ? { ...r, score: null } : r)) };
    await expectInputError(() => selectData(missing, config), config.path, new RegExp(`column "score" is NaN in selected row \\d+ \\(model_id "${target}"\\)`));
  });

  it('a score of 1 (y = 1 − score = 0 cannot be logged)', async () => {
    const config = await loadFitConfig(configPath('compute/compute_neuro.yaml'));
    const target = 'alexnet_ecoset_100_seed-0';
    const perfect: ScoreTable = { ...table, rows: table.rows.map((r) => (r.model_id === target ? { ...r, score: 1 } : r)) };
    await expectInputError(() => selectData(perfect, config), config.path, new RegExp(`use_log needs y > 0.*${target}.*score ≥ 1`));
  });
});
