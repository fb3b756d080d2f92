import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { Benchmark } from '../src/contracts/benchmark.ts';
import type { BrainModel } from '../src/contracts/brain-model.ts';
import type { Metric } from '../src/contracts/metric.ts';
import type { Score } from '../src/contracts/score.ts';
import { RegistrationError, UnknownPluginError, isUserError, EXIT_USAGE, InputError, VvsError } from '../src/errors.ts';
import { closestMatches, editDistance } from '../src/registry/closest.ts';
import { TOKENS, createContainer } from '../src/registry/container.ts';
import { loadPlugins } from '../src/registry/load-plugins.ts';
import { PluginRegistry } from '../src/registry/plugin-registry.ts';

const UNCEILED: Score = { value: 0.5, unclipped: 0.5, raw: 0.5, ceiling: 1, error: 0, normalization: 'none' };

function benchmark(id: string, overrides: Partial<Record<keyof Benchmark, unknown>> = {}): Benchmark {
  return {
    id,
    target: 'IT',
    version: 1,
    metric: 'pls',
    ceiling: async () => UNCEILED,
    score: async () => UNCEILED,
    ...overrides,
  } as Benchmark;
}

function model(id: string, overrides: Partial<Record<keyof BrainModel, unknown>> = {}): BrainModel {
  return {
    id,
    visualDegrees: 8,
    regionLayer: { V1: 'layer1.0.relu', V2: 'layer3.3.relu', V4: 'layer2.3.relu', IT: 'layer3.0.relu' },
    behavioralReadoutLayer: 'avgpool',
    record: async () => {
      throw new Error('not used');
    },
    probabilities: async () => {
      throw new Error('not used');
    },
    ...overrides,
  } as BrainModel;
}

const pls: Metric<number[], number[]> = { id: 'pls', compute: async () => UNCEILED };

function freshRegistry(): PluginRegistry {
  return createContainer().resolve(PluginRegistry);
}

/** The error `fn` throws (failing the test when it throws nothing). */
function thrown(fn: () => unknown): Error {
  try {
    fn();
  } catch (e) {
    return e as Error;
  }
  throw new Error('expected an error, none was thrown');
}

/** The error `promise` rejects with (failing the test when it resolves). */
async function rejection(promise: Promise<unknown>): Promise<RegistrationError> {
  try {
    await promise;
  } catch (e) {
    return e as RegistrationError;
  }
  throw new Error('expected a rejection, the promise resolved');
}

describe('createContainer', () => {
  it('gives each container its own registry, reachable by class and by token', () => {
    const a = createContainer();
    const b = createContainer();
    const ra = a.resolve(PluginRegistry);
    expect(a.resolve(TOKENS.PluginRegistry)).toBe(ra);
    expect(ra.container).toBe(a);
    expect(b.resolve(PluginRegistry)).not.toBe(ra);

    ra.registerBenchmark(benchmark('MajajHong2015public.IT-pls'));
    expect(ra.has('benchmark', 'MajajHong2015public.IT-pls')).toBe(true);
    expect(b.resolve(PluginRegistry).has('benchmark', 'MajajHong2015public.IT-pls')).toBe(false);
    // The same id in another container is not a duplicate.
    expect(() => b.resolve(PluginRegistry).registerBenchmark(benchmark('MajajHong2015public.IT-pls'))).not.toThrow();
  });

  it('lets factories resolve services registered in a parent container', () => {
    const DATA_ROOT = Symbol('data root');
    const parent = createContainer();
    parent.register(DATA_ROOT, { useValue: '/data/brainscore' });
    const registry = createContainer(parent).resolve(PluginRegistry);
    registry.registerBenchmark((c) => benchmark('b', { bibtex: c.resolve<string>(DATA_ROOT) }), {
      id: 'b',
      target: 'IT',
      version: 1,
      metric: 'pls',
    });
    expect(registry.benchmark('b').bibtex).toBe('/data/brainscore');
  });
});

describe('PluginRegistry registration', () => {
  it('returns registered instances as they are, for each kind', () => {
    const registry = freshRegistry();
    const b = benchmark('FreemanZiemba2013public.V1-pls', { target: 'V1', version: 2 });
    const m = model('vit_base_patch16_clip_224:openai_nc-5000');
    registry.registerBenchmark(b).registerModel(m).registerMetric(pls);
    expect(registry.benchmark('FreemanZiemba2013public.V1-pls')).toBe(b);
    expect(registry.model('vit_base_patch16_clip_224:openai_nc-5000')).toBe(m);
    expect(registry.metric<number[], number[]>('pls')).toBe(pls);
  });

  it('accepts class instances, whose methods and getters live on the prototype', () => {
    class ItBenchmark implements Benchmark {
      readonly version = 3;
      readonly metric = 'pls';
      get id() {
        return 'MajajHong2015public.IT-pls';
      }
      get target() {
        return 'IT' as const;
      }
      async ceiling() {
        return UNCEILED;
      }
      async score() {
        return UNCEILED;
      }
    }
    const lazy = freshRegistry();
    lazy.registerBenchmark(() => new ItBenchmark(), { id: 'MajajHong2015public.IT-pls', target: 'IT', version: 3, metric: 'pls' });
    expect(lazy.benchmark('MajajHong2015public.IT-pls')).toBeInstanceOf(ItBenchmark);

    const eager = freshRegistry();
    eager.registerBenchmark(new ItBenchmark(), { id: 'MajajHong2015public.IT-pls', description: 'MajajHong2015 IT' });
    expect(eager.list('benchmark')).toEqual([
      {
        kind: 'benchmark',
        id: 'MajajHong2015public.IT-pls',
        description: 'MajajHong2015 IT',
        target: 'IT',
        version: 3,
        constructed: true,
      },
    ]);
  });

  it('refuses a duplicate id, naming the id and both plugins', () => {
    const registry = freshRegistry();
    registry.install({ name: 'first-plugin', register: (r) => r.registerBenchmark(benchmark('dup.IT-pls')) });
    const e = thrown(() =>
      registry.install({ name: 'second-plugin', register: (r) => r.registerBenchmark(benchmark('dup.IT-pls')) }),
    );
    expect(e).toBeInstanceOf(RegistrationError);
    expect(e.message).toBe(
      'benchmark "dup.IT-pls" is already registered by plugin "first-plugin"; plugin "second-plugin" tried to register it again',
    );
    expect((e as RegistrationError).plugin).toBe('second-plugin');
    expect(isUserError(e)).toBe(true);
  });

  it('refuses a duplicate between an instance and a factory, and between direct registrations', () => {
    const registry = freshRegistry();
    registry.registerMetric(pls);
    expect(() => registry.registerMetric(() => pls, { id: 'pls' })).toThrow(
      'metric "pls" is already registered directly; a direct registration tried to register it again',
    );
  });

  it.each([
    ['an empty id', benchmark(''), 'benchmark "": id must not be empty (got "")'],
    ['a whitespace id', benchmark('   '), 'id must not be empty'],
    ['an id with a space', benchmark('IT pls'), 'id "IT pls" has characters outside [A-Za-z0-9._-]'],
    ['an id with a slash', benchmark('a/b'), 'id "a/b" has characters outside [A-Za-z0-9._-]'],
    ['a non-string id', benchmark(42 as unknown as string), 'id must be a string (got 42)'],
    ['a missing score()', benchmark('b', { score: undefined }), 'benchmark "b": missing method score()'],
    ['a missing ceiling()', benchmark('b', { ceiling: 'high' }), 'missing method ceiling()'],
    ['no metric', benchmark('b', { metric: undefined }), 'benchmark "b": metric is missing: name the metric the benchmark uses'],
    ['a malformed metric', benchmark('b', { metric: 'p l s' }), 'metric id "p l s" has characters outside'],
    ['malformed data sets', benchmark('b', { dataSets: 'hvm' }), 'dataSets must be a list of data set ids (got "hvm")'],
    ['a wrong target', benchmark('b', { target: 'V3' }), 'target must be one of V1, V2, V4, IT, behavior (got "V3")'],
    ['a lower-case region', benchmark('b', { target: 'it' }), 'target must be one of'],
    ['a fractional version', benchmark('b', { version: 1.5 }), 'version must be a non-negative integer (got 1.5)'],
    ['a string version', benchmark('b', { version: '2' }), 'version must be a non-negative integer (got "2")'],
    ['a negative version', benchmark('b', { version: -1 }), 'version must be a non-negative integer (got -1)'],
    ['zero visual degrees', benchmark('b', { visualDegrees: 0 }), 'visualDegrees must be a positive number (got 0)'],
    ['fractional trials', benchmark('b', { numberOfTrials: 2.5 }), 'numberOfTrials must be a positive integer'],
    ['not an object', 7 as unknown as Benchmark, 'benchmark: expected an object, got 7'],
  ])('refuses a benchmark with %s', (_, plugin, message) => {
    const registry = freshRegistry();
    const e = thrown(() => registry.registerBenchmark(plugin));
    expect(e).toBeInstanceOf(RegistrationError);
    expect(e.message).toContain(message);
    expect(registry.list('benchmark')).toEqual([]);
  });

  it('reports every problem of a registration at once, naming the plugin', () => {
    const registry = freshRegistry();
    const e = thrown(() =>
      registry.install({
        name: 'sloppy',
        register: (r) => r.registerBenchmark(benchmark('b', { target: 'V3', version: 0.5, score: undefined })),
      }),
    );
    expect(e.message).toBe(
      'benchmark "b" (plugin "sloppy"): target must be one of V1, V2, V4, IT, behavior (got "V3"); ' +
        'version must be a non-negative integer (got 0.5); missing method score()',
    );
  });

  it.each([
    ['no layer for a region', model('m', { regionLayer: { V1: 'a', V2: 'b', V4: 'c' } }), 'regionLayer has no layer for IT'],
    ['an unknown region', model('m', { regionLayer: { V1: 'a', V2: 'b', V4: 'c', IT: 'd', V3: 'e' } }), 'unknown region "V3"'],
    ['no readout layer', model('m', { behavioralReadoutLayer: '' }), 'behavioralReadoutLayer must be a layer name (got "")'],
    ['negative visual degrees', model('m', { visualDegrees: -8 }), 'visualDegrees must be a positive number (got -8)'],
    ['a missing record()', model('m', { record: undefined }), 'missing method record()'],
    ['an id with a slash', model('org/m'), 'id "org/m" has characters outside [A-Za-z0-9._:-]'],
  ])('refuses a model with %s', (_, plugin, message) => {
    expect(() => freshRegistry().registerModel(plugin)).toThrow(message);
  });

  it('refuses a metric without compute() and a metric id with a colon', () => {
    const registry = freshRegistry();
    expect(() => registry.registerMetric({ id: 'pls' } as Metric)).toThrow('metric "pls": missing method compute()');
    expect(() => registry.registerMetric({ ...pls, id: 'x:y' })).toThrow('id "x:y" has characters outside [A-Za-z0-9._-]');
  });

  it('refuses a factory without meta, with malformed meta, or meta that contradicts the instance', () => {
    const registry = freshRegistry();
    const factory = () => benchmark('b');
    expect(() => registry.registerBenchmark(factory as unknown as Benchmark)).toThrow(
      'benchmark: a factory needs meta with id, target, version and metric, since it is not built until first use',
    );
    expect(() => registry.registerBenchmark(factory, { id: 'b', target: 'V5' as 'V4', version: 1, metric: 'pls' })).toThrow(
      'benchmark "b": target must be one of V1, V2, V4, IT, behavior (got "V5")',
    );
    expect(() => registry.registerModel(() => model('m'), { id: ' m' })).toThrow('id " m" has characters outside');
    expect(() => registry.registerBenchmark(benchmark('b'), { id: 'c' })).toThrow(
      'its id is "b" but it was registered with "c"',
    );
    expect(registry.list('benchmark')).toEqual([]);
  });
});

describe('PluginRegistry lazy factories', () => {
  it('calls a factory only on first lookup, once, with the container', () => {
    const registry = freshRegistry();
    const built = benchmark('MajajHong2015public.V4-pls', { target: 'V4' });
    const factory = vi.fn(() => built);
    registry.registerBenchmark(factory, { id: 'MajajHong2015public.V4-pls', target: 'V4', version: 1, metric: 'pls' });
    for (let i = 0; i < 100; i++) {
      registry.registerBenchmark(() => benchmark(`unused-${i}`), { id: `unused-${i}`, target: 'IT', version: 1, metric: 'pls' });
    }
    expect(factory).not.toHaveBeenCalled();
    expect(registry.list('benchmark')[0]).toEqual({
      kind: 'benchmark',
      id: 'MajajHong2015public.V4-pls',
      target: 'V4',
      version: 1,
      constructed: false,
    });

    expect(registry.benchmark('MajajHong2015public.V4-pls')).toBe(built);
    expect(registry.benchmark('MajajHong2015public.V4-pls')).toBe(built);
    expect(factory).toHaveBeenCalledTimes(1);
    expect(factory).toHaveBeenCalledWith(registry.container);
    expect(registry.list('benchmark')[0].constructed).toBe(true);
    expect(registry.list('benchmark').filter((b) => b.constructed)).toHaveLength(1);
  });

  it('validates what a factory builds against its registration', () => {
    const registry = freshRegistry();
    registry.registerBenchmark(() => benchmark('b', { target: 'V1' }), { id: 'b', target: 'IT', version: 1, metric: 'pls' });
    registry.registerModel(() => model('m', { probabilities: undefined }), { id: 'm' });
    expect(() => registry.benchmark('b')).toThrow(
      'benchmark "b": factory built an invalid benchmark: its target is "V1" but it was registered with "IT"',
    );
    expect(() => registry.model('m')).toThrow('model "m": factory built an invalid model: missing method probabilities()');
  });

  it('wraps a throwing factory, keeps the cause, and retries on the next lookup', () => {
    const registry = freshRegistry();
    let calls = 0;
    const cause = new Error('data file missing');
    registry.install({
      name: 'flaky',
      register: (r) =>
        r.registerMetric(
          () => {
            calls += 1;
            if (calls === 1) throw cause;
            return pls;
          },
          { id: 'pls' },
        ),
    });
    const e = thrown(() => registry.metric('pls'));
    expect(e).toBeInstanceOf(RegistrationError);
    expect(e.message).toBe('metric "pls" (plugin "flaky"): factory threw: data file missing');
    expect(e.cause).toBe(cause);
    expect(registry.metric('pls')).toBe(pls);
  });
});

describe('PluginRegistry lookups', () => {
  it('suggests the closest ids for an unknown one', () => {
    const registry = freshRegistry();
    for (const id of ['MajajHong2015public.IT-pls', 'MajajHong2015public.V4-pls', 'FreemanZiemba2013public.V1-pls']) {
      registry.registerBenchmark(benchmark(id));
    }
    const e = thrown(() => registry.benchmark('MajajHong2015.IT-pls'));
    expect(e).toBeInstanceOf(UnknownPluginError);
    expect(e.message).toBe('no benchmark is registered with id "MajajHong2015.IT-pls"; did you mean "MajajHong2015public.IT-pls"?');
    expect((e as UnknownPluginError).suggestions).toEqual(['MajajHong2015public.IT-pls']);
    expect(isUserError(e)).toBe(true);

    expect(thrown(() => registry.benchmark('majajhong2015public.v4-PLS')).message).toContain(
      'did you mean "MajajHong2015public.V4-pls", "MajajHong2015public.IT-pls"?',
    );
    expect(thrown(() => registry.benchmark('Rajalingham2018public-i2n')).message).toBe(
      'no benchmark is registered with id "Rajalingham2018public-i2n"; none of the 3 registered benchmarks is close ' +
        "(list them with list('benchmark'))",
    );
    expect(thrown(() => registry.model('alexnet')).message).toBe(
      'no model is registered with id "alexnet"; no models are registered at all (was the plugin that provides it loaded?)',
    );
  });

  it('lists registrations in order with their registrant and description, without building them', () => {
    const registry = freshRegistry();
    registry.install({
      name: '@vvs/metrics-test',
      register: (r) => r.registerMetric(() => pls, { id: 'pls', description: 'PLS regression' }),
    });
    registry.registerMetric({ id: 'i2n', compute: pls.compute });
    expect(registry.list('metric')).toEqual([
      { kind: 'metric', id: 'pls', description: 'PLS regression', registrant: '@vvs/metrics-test', constructed: false },
      { kind: 'metric', id: 'i2n', constructed: true },
    ]);
    expect(registry.plugins()).toEqual(['@vvs/metrics-test']);
  });
});

describe('PluginRegistry.install', () => {
  it('refuses a plugin installed twice', () => {
    const registry = freshRegistry();
    const plugin = { name: 'neural', register: vi.fn() };
    registry.install(plugin);
    expect(() => registry.install(plugin)).toThrow('plugin "neural" is already installed; install each plugin once');
    expect(plugin.register).toHaveBeenCalledTimes(1);
  });

  it('removes everything a failing plugin registered, so it can be fixed and installed again', () => {
    const registry = freshRegistry();
    const e = thrown(() =>
      registry.install({
        name: 'half-done',
        register: (r) => {
          r.registerMetric(pls);
          r.registerBenchmark(benchmark('ok'));
          throw new TypeError('oops');
        },
      }),
    );
    expect(e).toBeInstanceOf(RegistrationError);
    expect(e.message).toBe('plugin "half-done": register() threw: oops');
    expect(registry.list('metric')).toEqual([]);
    expect(registry.list('benchmark')).toEqual([]);
    expect(registry.plugins()).toEqual([]);
    expect(() => registry.install({ name: 'half-done', register: (r) => r.registerMetric(pls) })).not.toThrow();
  });

  it('refuses malformed plugins, asynchronous register() and nested installs', async () => {
    const registry = freshRegistry();
    expect(() => registry.install({ name: '', register: () => undefined })).toThrow(
      'plugin name must be a non-empty string (got "")',
    );
    expect(() => registry.install({ name: 'p' } as never)).toThrow('plugin "p": missing method register(registry)');
    expect(() =>
      registry.install({
        name: 'async',
        register: (async (r: PluginRegistry) => {
          r.registerMetric(pls);
        }) as never,
      }),
    ).toThrow('plugin "async": register() returned a promise; it must register synchronously');
    expect(registry.has('metric', 'pls')).toBe(false);
    expect(() =>
      registry.install({ name: 'outer', register: (r) => r.install({ name: 'inner', register: () => undefined }) }),
    ).toThrow('plugin "inner" cannot be installed while plugin "outer" is registering');
    expect(registry.plugins()).toEqual([]);
  });
});

describe('loadPlugins', () => {
  let dir: string;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'vvs-plugins-'));
    await writeFile(
      join(dir, 'object-plugin.mjs'),
      `let registrations = 0;
export default {
  name: 'tmp-object-plugin',
  register(registry) {
    registrations += 1;
    registry.registerBenchmark(() => ({
      id: 'Tmp2024.V2-pls', target: 'V2', version: 1, metric: 'pls',
      ceiling: async () => ({ value: 0.9, unclipped: 0.9, raw: 0.9, ceiling: 1, error: 0 }),
      score: async () => ({ value: 0.3, unclipped: 0.3, raw: 0.27, ceiling: 0.9, error: 0.01 }),
    }), { id: 'Tmp2024.V2-pls', target: 'V2', version: 1, metric: 'pls' });
  },
};
export const count = () => registrations;
`,
    );
    await writeFile(
      join(dir, 'named-register.mjs'),
      `export function register(registry) {
  registry.registerMetric({ id: 'tmp-metric', compute: async () => ({ value: 1, unclipped: 1, raw: 1, ceiling: 1, error: 0 }) });
}
`,
    );
    await writeFile(join(dir, 'no-register.mjs'), `export const version = 1;\n`);
    await writeFile(join(dir, 'broken.mjs'), `export default { name: 'broken', register(r) { r.registerBenchmark({ id: 'x y' }); } };\n`);
    const pkg = join(dir, 'node_modules', 'vvs-tmp-plugin-pkg');
    await mkdir(pkg, { recursive: true });
    await writeFile(join(pkg, 'package.json'), JSON.stringify({ name: 'vvs-tmp-plugin-pkg', type: 'module', main: 'index.js' }));
    await writeFile(
      join(pkg, 'index.js'),
      `export const plugin = { name: 'vvs-tmp-plugin-pkg', register(registry) {
  registry.registerModel(() => { throw new Error('never built in this test'); }, { id: 'tmp_model_seed-0' });
} };
`,
    );
  });

  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('imports a default-export plugin by absolute path and installs it', async () => {
    const registry = freshRegistry();
    const path = join(dir, 'object-plugin.mjs');
    const plugins = await loadPlugins(registry, [path]);
    expect(plugins.map((p) => p.name)).toEqual(['tmp-object-plugin']);
    expect(registry.plugins()).toEqual(['tmp-object-plugin']);
    expect(registry.list('benchmark')).toEqual([
      { kind: 'benchmark', id: 'Tmp2024.V2-pls', target: 'V2', version: 1, registrant: 'tmp-object-plugin', constructed: false },
    ]);
    const score = await registry.benchmark('Tmp2024.V2-pls').score(model('m'));
    expect(score.raw).toBe(0.27);
  });

  it('resolves relative paths, file URLs and package names from the given directory', async () => {
    const registry = freshRegistry();
    await loadPlugins(
      registry,
      ['./named-register.mjs', pathToFileURL(join(dir, 'object-plugin.mjs')).href, 'vvs-tmp-plugin-pkg'],
      { from: dir },
    );
    // A bare `register` export is named after its specifier.
    expect(registry.plugins()).toEqual(['./named-register.mjs', 'tmp-object-plugin', 'vvs-tmp-plugin-pkg']);
    expect(registry.list('metric').map((m) => m.registrant)).toEqual(['./named-register.mjs']);
    expect(registry.has('model', 'tmp_model_seed-0')).toBe(true);
  });

  it('refuses the same plugin loaded twice, naming the specifier', async () => {
    const registry = freshRegistry();
    const path = join(dir, 'object-plugin.mjs');
    await loadPlugins(registry, [path]);
    const e = await rejection(loadPlugins(registry, [path]));
    expect(e).toBeInstanceOf(RegistrationError);
    expect(e.message).toBe(`${path}: plugin "tmp-object-plugin" is already installed; install each plugin once`);
  });

  it('names the specifier of a missing module, keeping the import error as cause', async () => {
    const registry = freshRegistry();
    const missing = join(dir, 'does-not-exist.mjs');
    const e = await rejection(loadPlugins(registry, [missing]));
    expect(e).toBeInstanceOf(RegistrationError);
    expect(e.message.startsWith(`cannot load plugin "${missing}": `)).toBe(true);
    expect(e.plugin).toBe(missing);
    expect(e.cause).toBeInstanceOf(Error);
    expect(isUserError(e)).toBe(true);

    const bare = await rejection(loadPlugins(registry, ['@vvs/no-such-plugin'], { from: dir }));
    expect(bare.message.startsWith('cannot load plugin "@vvs/no-such-plugin": ')).toBe(true);
    // Both places looked in are named: the user's folder and @vvs/core's own resolution.
    expect(bare.message).toContain(`; from ${dir}: Cannot find module '@vvs/no-such-plugin'`);
  });

  it('explains a module without register, and an invalid registration inside a plugin', async () => {
    const registry = freshRegistry();
    const noRegister = await rejection(loadPlugins(registry, ['./no-register.mjs'], { from: dir }));
    expect(noRegister.message).toBe(
      'plugin "./no-register.mjs" exports no register function: export default a { name, register(registry) } object ' +
        'or a register function, or export `plugin` or `register` by name (found exports: version)',
    );
    const broken = await rejection(loadPlugins(registry, ['./broken.mjs'], { from: dir }));
    expect(broken.message).toBe(
      './broken.mjs: benchmark "x y" (plugin "broken"): id "x y" has characters outside [A-Za-z0-9._-]; ' +
        'target must be one of V1, V2, V4, IT, behavior (got undefined); version must be a non-negative integer ' +
        '(got undefined); metric is missing: name the metric the benchmark uses (e.g. "pls", "i2n"); ' +
        'missing method ceiling(); missing method score()',
    );
    expect(registry.plugins()).toEqual([]);
  });

  it('stops at the first failure, keeping the plugins installed before it', async () => {
    const registry = freshRegistry();
    await expect(loadPlugins(registry, ['./named-register.mjs', './missing.mjs', './object-plugin.mjs'], { from: dir })).rejects.toThrow(
      'cannot load plugin "./missing.mjs"',
    );
    expect(registry.plugins()).toEqual(['./named-register.mjs']);
  });
});

describe('closest-id helpers', () => {
  it('computes Levenshtein distances', () => {
    expect(editDistance('kitten', 'sitting')).toBe(3);
    expect(editDistance('', 'abc')).toBe(3);
    expect(editDistance('abc', '')).toBe(3);
    expect(editDistance('flaw', 'lawn')).toBe(2);
    expect(editDistance('same', 'same')).toBe(0);
  });

  it('ranks by distance, breaks ties alphabetically, and drops far candidates', () => {
    expect(closestMatches('pls', ['pls2', 'pl', 'cka', 'rsa', 'pls-x'])).toEqual(['pl', 'pls2', 'pls-x']);
    expect(closestMatches('V4', ['V1', 'V2', 'IT', 'behavior'])).toEqual(['V1', 'V2', 'IT']);
    expect(closestMatches('MajajHong2015.IT-pls', ['MajajHong2015public.IT-pls', 'MajajHong2015public.V4-pls'])).toEqual([
      'MajajHong2015public.IT-pls',
    ]);
  });
});

describe('errors', () => {
  it('gives user errors exit code 2 and other vvs errors exit code 1', () => {
    const input = new InputError('expected a number, got "n/a"', { file: 'scores.csv', field: 'score' });
    expect([input.code, input.exitCode, input.file, input.field, input.name]).toEqual([
      'E_INPUT',
      EXIT_USAGE,
      'scores.csv',
      'score',
      'InputError',
    ]);
    expect(isUserError(input)).toBe(true);
    expect(isUserError(new VvsError('worker crashed', { code: 'E_WORKER' }))).toBe(false);
    expect(isUserError(new Error('plain'))).toBe(false);
    expect(new RegistrationError('bad').code).toBe('E_REGISTRATION');
  });
});
