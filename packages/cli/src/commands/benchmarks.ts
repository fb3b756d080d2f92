/**
 * `vvs benchmarks`: the registered benchmarks — id, target, version, metric, the data they read and
 * whether it is in the cache — from the built-in plugins and any `--plugin`.
 */
import type { Command } from 'commander';
import { collect } from '../flags.ts';
import { createRegistry } from '../plugins.ts';

interface BenchmarksFlags {
  plugin: string[];
  cacheDir?: string;
  json?: boolean;
}

/**
 * Adds `benchmarks` to a commander program.
 *
 * @example
 * const program = new Command('vvs');
 * registerBenchmarks(program);
 * await program.parseAsync(['node', 'vvs', 'benchmarks', '--json']);
 */
export function registerBenchmarks(program: Command): void {
  program
    .command('benchmarks')
    .description('list the registered benchmarks: id, region, version, metric, data and whether the data are cached')
    .option('--plugin <module>', 'load a benchmark plugin (package name or path); repeatable', collect, [])
    .option('--cache-dir <dir>', 'the data cache to check (default: $VVS_CACHE_DIR or the user cache folder)')
    .option('--json', 'print a JSON array instead of a table')
    .action(async (flags: BenchmarksFlags) => {
      const registry = await createRegistry({ plugins: flags.plugin, ...(flags.cacheDir !== undefined ? { cacheDir: flags.cacheDir } : {}) });
      const cache = registry.dataCache();
      const selection = new Set(Object.values(registry.selectionBenchmarks()));
      const rows = registry.list('benchmark').map((info) => {
        const b = registry.benchmark(info.id);
        const dataSets = b.dataSets ?? [];
        return {
          id: b.id,
          target: b.target,
          version: b.version,
          metric: b.metric,
          synthetic: b.synthetic === true,
          selectsLayers: selection.has(b.id),
          dataSets,
          cached: dataSets.every((id) => cache.isCached(id)),
          ...(info.registrant !== undefined ? { plugin: info.registrant } : {}),
        };
      });
      if (flags.json) {
        process.stdout.write(`${JSON.stringify(rows)}\n`);
        return;
      }
      const width = Math.max(...rows.map((r) => r.id.length), 9);
      const lines = rows.map(
        (r) =>
          `${r.id.padEnd(width)}  ${r.target.padEnd(8)}  v${String(r.version).padEnd(3)} ${r.metric.padEnd(17)} ` +
          `${r.synthetic ? 'built-in (synthetic)' : r.cached ? 'cached' : `vvs data pull ${r.dataSets.join(' ')}`}`,
      );
      process.stdout.write(`${'benchmark'.padEnd(width)}  target    version metric            data\n${lines.join('\n')}\n`);
    });
}
