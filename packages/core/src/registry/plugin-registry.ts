import type { DependencyContainer } from 'tsyringe';
import type { Assembly } from '../contracts/assembly.ts';
import type { Benchmark } from '../contracts/benchmark.ts';
import type { BrainModel } from '../contracts/brain-model.ts';
import type { AnyMetric, Metric } from '../contracts/metric.ts';
import { REGIONS, isRegion, type BenchmarkTarget, type Region } from '../contracts/region.ts';
import { RegistrationError, UnknownPluginError } from '../errors.ts';
import { DataCache } from '../data/cache.ts';
import { DataCatalog, sameDataSet, type DataSetEntry } from '../data/catalog.ts';
import type { DataFetcher } from '../benchmark-helpers/run-support.ts';
import { TOKENS } from './tokens.ts';
import { closestMatches } from './closest.ts';
import {
  type PluginKind,
  benchmarkMetaProblems,
  benchmarkProblems,
  describeValue,
  idProblem,
  metricProblems,
  modelProblems,
} from './validation.ts';

/**
 * Builds a plugin on first use. It receives the registry's container, to resolve shared services
 * (caches, data locations, worker pools) by token. Keep it cheap: load data inside the plugin's
 * methods, not here.
 *
 * @example
 * const factory: PluginFactory<Benchmark> = (c) => new MajajHong2015IT(c.resolve(DATA_ROOT));
 */
export type PluginFactory<T> = (container: DependencyContainer) => T;

/**
 * What every registration states: the id and an optional one-line description (for listings).
 *
 * @example
 * const meta: PluginMeta = { id: 'pls', description: 'PLS regression, Pearson r per neuroid' };
 */
export interface PluginMeta {
  readonly id: string;
  readonly description?: string;
}

/**
 * What a benchmark registration states up front, so that listing and filtering benchmarks by target
 * does not construct them.
 *
 * @example
 * const meta: BenchmarkMeta = { id: 'MajajHong2015public.IT-pls', target: 'IT', version: 3 };
 */
export interface BenchmarkMeta extends PluginMeta {
  readonly target: BenchmarkTarget;
  readonly version: number;
  /** Id of the metric the benchmark uses, e.g. `'pls'`. */
  readonly metric: string;
}

/**
 * One row of {@link PluginRegistry.list}.
 *
 * @example
 * registry.list('metric'); // [{ kind: 'metric', id: 'pls', registrant: '@vvs/metrics', constructed: false }]
 */
export interface PluginInfo {
  readonly kind: PluginKind;
  readonly id: string;
  readonly description?: string;
  /** The installed plugin that registered it; absent for direct registrations. */
  readonly registrant?: string;
  /** Whether the plugin has been built (always true for instances registered as such). */
  readonly constructed: boolean;
}

/**
 * One row of `list('benchmark')`: a {@link PluginInfo} with the benchmark's target and version.
 *
 * @example
 * registry.list('benchmark').filter((b) => b.target === 'IT');
 */
export interface BenchmarkInfo extends PluginInfo {
  readonly target: BenchmarkTarget;
  readonly version: number;
}

/**
 * A plugin package's entry point: a name (usually the npm package name) and a synchronous
 * `register` that adds benchmarks, models and metrics to the registry it is given.
 *
 * @example
 * export const plugin: VvsPlugin = {
 *   name: '@vvs/benchmarks-it',
 *   register(registry) {
 *     registry.registerBenchmark(() => new MajajHong2015IT(), { id: 'MajajHong2015public.IT-pls', target: 'IT', version: 3 });
 *   },
 * };
 */
export interface VvsPlugin {
  readonly name: string;
  register(registry: PluginRegistry): void;
}

/** Fields of a plugin instance that must agree with the meta it was registered with. */
const AGREEING_FIELDS: Readonly<Record<PluginKind, readonly string[]>> = {
  benchmark: ['id', 'target', 'version', 'metric'],
  model: ['id'],
  metric: ['id'],
};

/** Shape validation of a built plugin, per kind. */
const INSTANCE_PROBLEMS: Readonly<Record<PluginKind, (value: unknown) => string[]>> = {
  benchmark: benchmarkProblems,
  model: modelProblems,
  metric: metricProblems,
};

interface Entry {
  readonly kind: PluginKind;
  readonly id: string;
  readonly meta: Readonly<Record<string, unknown>>;
  readonly registrant?: string;
  readonly factory?: PluginFactory<unknown>;
  instance?: unknown;
}

/**
 * The catalogue of benchmarks, models and metrics one program (or one test) works with: Brain-Score's
 * `benchmark_registry` / `model_registry`, with validation, lazy construction and plugin packages.
 *
 * - Registrations are validated at once: ids must be non-empty and match `[A-Za-z0-9._-]+` (models
 *   may also use `:`), benchmarks need a valid target and integer version, objects need their
 *   methods; a duplicate id is refused, naming both registrants.
 * - A factory runs on the first lookup of its id and never again; its product is validated then.
 * - Plugins are installed atomically: if `register` throws, nothing it registered remains.
 *
 * Get one from a container (`createContainer().resolve(PluginRegistry)`), so that each container,
 * and so each test, has its own.
 *
 * @example
 * const registry = createContainer().resolve(PluginRegistry);
 * registry.registerMetric(plsMetric);
 * registry.registerBenchmark(() => new MajajHong2015IT(), { id: 'MajajHong2015public.IT-pls', target: 'IT', version: 3 });
 * const score = await registry.benchmark('MajajHong2015public.IT-pls').score(registry.model('alexnet'));
 */
export class PluginRegistry {
  /** The container factories are given; it resolves this registry too. */
  readonly container: DependencyContainer;

  readonly #entries: Record<PluginKind, Map<string, Entry>> = {
    benchmark: new Map(),
    model: new Map(),
    metric: new Map(),
  };

  /** Names of the installed plugins, in installation order. */
  readonly #plugins: string[] = [];

  #dataSets = new DataCatalog();

  /** The data sets the installed plugins read (see {@link registerDataSet}). */
  get dataSets(): DataCatalog {
    return this.#dataSets;
  }

  /** The cache built on first use when the container provides none. */
  #defaultCache: DataCache | undefined;

  /** Region → the benchmark that selects a model's layer for it. */
  readonly #selection = new Map<Region, { region: Region; benchmarkId: string; registrant?: string }>();

  /** The plugin whose `register` is running, and what it has added so far (for rollback). */
  #installing: { name: string; added: Entry[]; selections: Region[]; dataSets: string[] } | undefined;

  constructor(container: DependencyContainer) {
    this.container = container;
  }

  /**
   * Registers a benchmark: an instance, validated now, or a factory, validated (against `meta`) when
   * first looked up.
   *
   * @throws RegistrationError for a malformed or duplicate registration.
   * @example
   * registry.registerBenchmark(() => new FreemanZiemba2013V1(), {
   *   id: 'FreemanZiemba2013public.V1-pls', target: 'V1', version: 2,
   * });
   */
  registerBenchmark(benchmark: Benchmark, meta?: Partial<BenchmarkMeta>): this;
  registerBenchmark(factory: PluginFactory<Benchmark>, meta: BenchmarkMeta): this;
  registerBenchmark(plugin: Benchmark | PluginFactory<Benchmark>, meta?: Partial<BenchmarkMeta>): this {
    return this.#register('benchmark', plugin, meta);
  }

  /**
   * Registers a model committed to brain regions (a {@link BrainModel}): an instance or a factory.
   *
   * @throws RegistrationError for a malformed or duplicate registration.
   * @example
   * registry.registerModel(() => commit(loadOnnx('resnet18.onnx'), commitment), { id: 'resnet18_imagenet_full_seed-0' });
   */
  registerModel(model: BrainModel, meta?: Partial<PluginMeta>): this;
  registerModel(factory: PluginFactory<BrainModel>, meta: PluginMeta): this;
  registerModel(plugin: BrainModel | PluginFactory<BrainModel>, meta?: Partial<PluginMeta>): this {
    return this.#register('model', plugin, meta);
  }

  /**
   * Registers a metric: an instance or a factory.
   *
   * @throws RegistrationError for a malformed or duplicate registration.
   * @example
   * registry.registerMetric({ id: 'pls', compute: crossValidatedPls });
   */
  registerMetric(metric: AnyMetric, meta?: Partial<PluginMeta>): this;
  registerMetric(factory: PluginFactory<AnyMetric>, meta: PluginMeta): this;
  registerMetric(plugin: AnyMetric | PluginFactory<AnyMetric>, meta?: Partial<PluginMeta>): this {
    return this.#register('metric', plugin, meta);
  }

  /**
   * The benchmark registered as `id`, built on first use.
   *
   * @throws UnknownPluginError (suggesting the closest ids) when none is; RegistrationError when its
   * factory throws or builds something invalid.
   * @example
   * const ceiling = await registry.benchmark('MajajHong2015public.IT-pls').ceiling();
   */
  benchmark(id: string): Benchmark {
    return this.#resolve('benchmark', id) as Benchmark;
  }

  /**
   * The model registered as `id`, built on first use.
   *
   * @throws UnknownPluginError or RegistrationError, as for {@link benchmark}.
   * @example
   * const it = await registry.model('alexnet_imagenet_full_seed-0').record('IT', stimuli);
   */
  model(id: string): BrainModel {
    return this.#resolve('model', id) as BrainModel;
  }

  /**
   * The metric registered as `id`, built on first use. The type parameters are the caller's claim
   * about the metric's inputs; the registry cannot check them.
   *
   * @throws UnknownPluginError or RegistrationError, as for {@link benchmark}.
   * @example
   * const raw = await registry.metric<Assembly, Assembly>('pls').compute(activations, neural);
   */
  metric<TSource = Assembly, TTarget = Assembly>(id: string): Metric<TSource, TTarget> {
    return this.#resolve('metric', id) as Metric<TSource, TTarget>;
  }

  /**
   * Whether an id is registered for `kind` (without building it).
   *
   * @example
   * if (!registry.has('metric', 'pls')) registry.registerMetric(pls);
   */
  has(kind: PluginKind, id: string): boolean {
    return this.#entriesOf(kind).has(id);
  }

  /**
   * The registrations of one kind, in registration order, without building any.
   *
   * @example
   * registry.list('benchmark').map((b) => `${b.id} (${b.target}, v${b.version})`);
   */
  list(kind: 'benchmark'): BenchmarkInfo[];
  list(kind: PluginKind): PluginInfo[];
  list(kind: PluginKind): PluginInfo[] {
    return [...this.#entriesOf(kind).values()].map((entry) => {
      const info: Record<string, unknown> = { kind, id: entry.id, constructed: entry.instance !== undefined };
      if (entry.meta.description !== undefined) info.description = entry.meta.description;
      if (entry.registrant !== undefined) info.registrant = entry.registrant;
      if (kind === 'benchmark') {
        info.target = entry.meta.target;
        info.version = entry.meta.version;
      }
      return info as unknown as PluginInfo;
    });
  }

  /**
   * Runs a plugin's `register` against this registry, recording the plugin as the registrant of what
   * it adds. All or nothing: if `register` throws, its registrations are removed again.
   *
   * @throws RegistrationError when the plugin is malformed, already installed, returns a promise, or
   * its `register` throws (wrapped, naming the plugin, with the original as `cause`).
   * @example
   * registry.install({ name: 'my-metrics', register: (r) => r.registerMetric(myMetric) });
   */
  install(plugin: VvsPlugin): void {
    const candidate = plugin as unknown as Record<string, unknown> | null;
    const name = candidate?.name;
    if (typeof name !== 'string' || name.trim() === '') {
      throw new RegistrationError(`plugin name must be a non-empty string (got ${describeValue(name)})`);
    }
    const label = `plugin "${name}"`;
    if (typeof candidate?.register !== 'function') {
      throw new RegistrationError(`${label}: missing method register(registry)`, { plugin: name });
    }
    if (this.#plugins.includes(name)) {
      throw new RegistrationError(`${label} is already installed; install each plugin once`, { plugin: name });
    }
    if (this.#installing !== undefined) {
      throw new RegistrationError(
        `${label} cannot be installed while plugin "${this.#installing.name}" is registering; ` +
          'install them one after the other',
        { plugin: name },
      );
    }
    const installing = { name, added: [] as Entry[], selections: [] as Region[], dataSets: [] as string[] };
    this.#installing = installing;
    try {
      const returned: unknown = plugin.register(this);
      if (isThenable(returned)) {
        // The rejection, if any, is reported by the error below; keep it from crashing the process.
        returned.then(undefined, () => undefined);
        throw new RegistrationError(
          `${label}: register() returned a promise; it must register synchronously (defer slow work to factories)`,
          { plugin: name },
        );
      }
    } catch (e) {
      for (const entry of installing.added) this.#entriesOf(entry.kind).delete(entry.id);
      for (const region of installing.selections) this.#selection.delete(region);
      if (installing.dataSets.length > 0) this.#dropDataSets(installing.dataSets);
      if (e instanceof RegistrationError) throw e;
      throw new RegistrationError(`${label}: register() threw: ${messageOf(e)}`, { plugin: name, cause: e });
    } finally {
      this.#installing = undefined;
    }
    this.#plugins.push(name);
  }

  /**
   * Adds a published data set to {@link dataSets}, so that `vvs data pull` can fetch it and
   * benchmarks can read it through {@link fetchData}. Two plugins that read one data set (the V4 and
   * IT benchmarks both read MajajHong2015) may both register it: an entry equal to the one already
   * there is accepted once; a different entry under the same id is refused.
   *
   * @throws RegistrationError naming the data set, the plugin and the field at fault.
   * @example
   * registry.registerDataSet(MAJAJHONG2015_PUBLIC);
   */
  registerDataSet(entry: DataSetEntry): this {
    const registrant = this.#installing?.name;
    if (entry !== null && typeof entry === 'object' && typeof entry.id === 'string' && this.dataSets.has(entry.id)) {
      const existing = this.dataSets.get(entry.id);
      if (sameDataSet(existing, entry)) return this;
      throw new RegistrationError(
        `data set ${describeValue(entry.id)}${registrant === undefined ? '' : ` (plugin "${registrant}")`}: a different entry with this id is ` +
          `already registered${this.dataSets.source(entry.id) === undefined ? '' : ` by plugin "${this.dataSets.source(entry.id)}"`}`,
        { plugin: registrant },
      );
    }
    this.dataSets.add(entry, registrant === undefined ? {} : { source: registrant });
    this.#installing?.dataSets.push(entry.id);
    return this;
  }

  /**
   * The cache benchmarks fetch their data through: the container's {@link TOKENS.DataCache} when one
   * is registered (the CLI registers one with the user's `--cache-dir` and `--offline`), otherwise a
   * cache of {@link dataSets} in the default folder, built on first use.
   *
   * @example
   * registry.dataCache().root; // '/home/u/.cache/vvs'
   */
  dataCache(): DataCache {
    if (this.container.isRegistered(TOKENS.DataCache, true)) return this.container.resolve<DataCache>(TOKENS.DataCache);
    this.#defaultCache ??= new DataCache({ catalog: this.dataSets });
    return this.#defaultCache;
  }

  /**
   * Fetches a registered data set into the cache (unless it is there) and resolves to its files'
   * paths: what plugins hand their benchmarks as `fetchData`.
   *
   * @example
   * new NeuralBenchmark(spec, { fetchData: registry.fetchData });
   */
  readonly fetchData: DataFetcher = (dataSetId) => this.dataCache().ensure(dataSetId);

  /**
   * Names `benchmarkId` as the benchmark that picks a model's layer for `region` (Brain-Score's and
   * the seed's layer selection: V1 → FreemanZiemba2013public.V1-pls, …, IT → MajajHong2015public.IT-pls).
   * The benchmark need not be registered yet; {@link selectionBenchmark} resolves it. One entry per
   * region: a second one is refused, naming who set the first.
   *
   * @throws RegistrationError for an unknown region, a malformed id, or a region already mapped.
   * @example
   * registry.registerSelectionBenchmark('IT', 'MajajHong2015public.IT-pls');
   */
  registerSelectionBenchmark(region: Region, benchmarkId: string): this {
    const registrant = this.#installing?.name;
    const label = `selection benchmark for ${describeValue(region)}${registrant === undefined ? '' : ` (plugin "${registrant}")`}`;
    if (!isRegion(region)) {
      throw new RegistrationError(`${label}: region must be one of ${REGIONS.join(', ')} (got ${describeValue(region)})`, { plugin: registrant });
    }
    const problem = idProblem('benchmark', benchmarkId);
    if (problem !== undefined) throw new RegistrationError(`${label}: benchmark ${problem}`, { plugin: registrant });
    const existing = this.#selection.get(region);
    if (existing !== undefined) {
      throw new RegistrationError(
        `${label}: ${region} already selects with "${existing.benchmarkId}" (set ${byWhom(existing.registrant)}); ` +
          'install only one plugin that maps each region',
        { plugin: registrant },
      );
    }
    const entry = { region, benchmarkId, registrant };
    this.#selection.set(region, entry);
    this.#installing?.selections.push(region);
    return this;
  }

  /**
   * The benchmark registered to select layers for `region`.
   *
   * @throws UnknownPluginError when no plugin mapped the region or its benchmark is not registered.
   * @example
   * const it = registry.selectionBenchmark('IT'); // MajajHong2015public.IT-pls
   */
  selectionBenchmark(region: Region): Benchmark {
    const entry = this.#selection.get(region);
    if (entry === undefined) {
      throw new UnknownPluginError('selection benchmark', region, [], this.#selection.size);
    }
    return this.benchmark(entry.benchmarkId);
  }

  /**
   * The region → selection-benchmark map, for the regions mapped so far.
   *
   * @example
   * registry.selectionBenchmarks(); // { V1: 'FreemanZiemba2013public.V1-pls', …, IT: 'MajajHong2015public.IT-pls' }
   */
  selectionBenchmarks(): Partial<Record<Region, string>> {
    return Object.fromEntries([...this.#selection].map(([region, entry]) => [region, entry.benchmarkId]));
  }

  /**
   * Names of the installed plugins, in installation order.
   *
   * @example
   * registry.plugins(); // ['@vvs/benchmarks-neural', '@vvs/benchmarks-behavior']
   */
  plugins(): string[] {
    return [...this.#plugins];
  }

  /** Rolls back data sets a failed plugin added (the catalog has no removal, so it is rebuilt). */
  #dropDataSets(ids: readonly string[]): void {
    const dropped = new Set(ids);
    const previous = this.#dataSets;
    this.#dataSets = new DataCatalog();
    for (const entry of previous.list().filter((e) => !dropped.has(e.id))) {
      const source = previous.source(entry.id);
      this.#dataSets.add(entry, source === undefined ? {} : { source });
    }
  }

  #entriesOf(kind: PluginKind): Map<string, Entry> {
    const entries = this.#entries[kind];
    if (entries === undefined) {
      throw new TypeError(`kind must be one of ${Object.keys(this.#entries).join(', ')} (got ${describeValue(kind)})`);
    }
    return entries;
  }

  #register(kind: PluginKind, plugin: unknown, meta: Readonly<Record<string, unknown>> | undefined): this {
    const registrant = this.#installing?.name;
    const isFactory = typeof plugin === 'function';
    const claimedId = meta?.id ?? (isFactory ? undefined : (plugin as Record<string, unknown> | null)?.id);
    const label = describePlugin(kind, claimedId, registrant);

    if (meta !== undefined && (typeof meta !== 'object' || meta === null)) {
      throw new RegistrationError(`${label}: meta must be an object (got ${describeValue(meta)})`, {
        plugin: registrant,
      });
    }
    let problems: string[];
    let entryMeta: Readonly<Record<string, unknown>>;
    if (isFactory) {
      if (meta === undefined) {
        const needed = kind === 'benchmark' ? 'id, target, version and metric' : 'an id';
        throw new RegistrationError(
          `${label}: a factory needs meta with ${needed}, since it is not built until first use`,
          { plugin: registrant },
        );
      }
      problems = kind === 'benchmark' ? benchmarkMetaProblems(meta) : idProblems(kind, meta.id);
      entryMeta = meta;
    } else {
      problems = INSTANCE_PROBLEMS[kind](plugin);
      if (problems.length === 0 && meta !== undefined) problems = disagreements(kind, meta, plugin);
      entryMeta = { ...meta, ...pick(plugin as Record<string, unknown>, AGREEING_FIELDS[kind]) };
    }
    if (problems.length > 0) {
      throw new RegistrationError(`${label}: ${problems.join('; ')}`, { plugin: registrant });
    }

    const id = entryMeta.id as string;
    const entries = this.#entriesOf(kind);
    const existing = entries.get(id);
    if (existing !== undefined) {
      throw new RegistrationError(
        `${kind} "${id}" is already registered ${byWhom(existing.registrant)}; ` +
          `${registrant === undefined ? 'a direct registration' : `plugin "${registrant}"`} tried to register it again`,
        { plugin: registrant },
      );
    }
    const entry: Entry = isFactory
      ? { kind, id, meta: entryMeta, registrant, factory: plugin as PluginFactory<unknown> }
      : { kind, id, meta: entryMeta, registrant, instance: plugin };
    entries.set(id, entry);
    this.#installing?.added.push(entry);
    return this;
  }

  #resolve(kind: PluginKind, id: string): unknown {
    const entries = this.#entriesOf(kind);
    const entry = entries.get(id);
    if (entry === undefined) {
      throw new UnknownPluginError(kind, id, closestMatches(String(id), entries.keys()), entries.size);
    }
    if (entry.instance !== undefined) return entry.instance;

    const label = describePlugin(kind, id, entry.registrant);
    let built: unknown;
    try {
      built = entry.factory!(this.container);
    } catch (e) {
      throw new RegistrationError(`${label}: factory threw: ${messageOf(e)}`, { plugin: entry.registrant, cause: e });
    }
    let problems = INSTANCE_PROBLEMS[kind](built);
    if (problems.length === 0) problems = disagreements(kind, entry.meta, built);
    if (problems.length > 0) {
      throw new RegistrationError(`${label}: factory built an invalid ${kind}: ${problems.join('; ')}`, {
        plugin: entry.registrant,
      });
    }
    entry.instance = built;
    return built;
  }
}

function idProblems(kind: PluginKind, id: unknown): string[] {
  const problem = idProblem(kind, id);
  return problem === undefined ? [] : [problem];
}

/** Where the instance's own fields contradict what the registration claimed. */
function disagreements(kind: PluginKind, meta: Readonly<Record<string, unknown>>, instance: unknown): string[] {
  const fields = instance as Record<string, unknown>;
  return AGREEING_FIELDS[kind]
    .filter((field) => meta[field] !== undefined && meta[field] !== fields[field])
    .map(
      (field) =>
        `its ${field} is ${describeValue(fields[field])} but it was registered with ${describeValue(meta[field])}`,
    );
}

function pick(source: Record<string, unknown>, fields: readonly string[]): Record<string, unknown> {
  return Object.fromEntries(fields.map((field) => [field, source[field]]));
}

function describePlugin(kind: PluginKind, id: unknown, registrant: string | undefined): string {
  const what = typeof id === 'string' ? `${kind} ${JSON.stringify(id)}` : kind;
  return registrant === undefined ? what : `${what} (plugin "${registrant}")`;
}

function byWhom(registrant: string | undefined): string {
  return registrant === undefined ? 'directly' : `by plugin "${registrant}"`;
}

function messageOf(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return typeof (value as { then?: unknown } | null)?.then === 'function';
}
