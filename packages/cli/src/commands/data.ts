/**
 * `vvs data`: the data sets benchmarks use (Brain-Score assemblies and stimulus sets) — list the
 * catalog, download into the local cache with SHA-1 verification, print where a data set is, and
 * re-verify what is cached.
 */
import { resolve } from 'node:path';
import type { Command } from 'commander';
import { DataCache, DataCatalog, InputError, defaultCacheDir, formatBytes, parseCatalogFile } from '@vvs/core';
import type { DataProgress, DataSetEntry, FileCheck } from '@vvs/core';
import { collect } from '../flags.ts';
import { progressReporter } from '../progress.ts';

/** Options of {@link registerData}. */
export interface RegisterDataOptions {
  /**
   * The built-in catalog, before any `--catalog` file is added. Default: an empty catalog (the
   * benchmarks' `defaultCatalog()` plugs in here).
   */
  readonly catalog?: () => Promise<DataCatalog> | DataCatalog;
}

/** The flags the `data` subcommands share, as commander parses them. */
interface DataFlags {
  cacheDir?: string;
  catalog: string[];
  json?: boolean;
  offline?: boolean;
  force?: boolean;
}

/** Minimum time between two redraws of the live progress line, so a fast download does not flood the terminal. */
const REDRAW_INTERVAL_MS = 100;

/** Commander's collector for a repeatable flag. */
/** Adds the flags every `data` subcommand takes. */
function addDataFlags(command: Command): Command {
  return command
    .option('--cache-dir <dir>', `the cache folder (default: $VVS_CACHE_DIR, $XDG_CACHE_HOME/vvs or the platform's; here ${defaultCacheDir()})`)
    .option('--catalog <file.json>', 'add the data sets of a catalog file ({"dataSets": [...]}); repeatable', collect, [])
    .option('--json', 'print JSON instead of text');
}

/** The built-in catalog plus the entries of every `--catalog` file, in a catalog of its own. */
async function openCatalog(builtIn: () => Promise<DataCatalog> | DataCatalog, files: readonly string[]): Promise<DataCatalog> {
  const base = await builtIn();
  const catalog = new DataCatalog();
  for (const entry of base.list()) catalog.add(entry, { source: base.source(entry.id) });
  for (const file of files) {
    const path = resolve(file);
    for (const entry of parseCatalogFile(path)) catalog.add(entry, { source: path });
  }
  return catalog;
}

async function openCache(builtIn: () => Promise<DataCatalog> | DataCatalog, flags: DataFlags): Promise<DataCache> {
  const catalog = await openCatalog(builtIn, flags.catalog);
  return new DataCache({ catalog, root: flags.cacheDir, ...(flags.offline ? { offline: true } : {}) });
}

/** Total bytes of a data set's files, when every size is known. */
function totalSize(entry: DataSetEntry): number | undefined {
  let total = 0;
  for (const file of entry.files) {
    if (file.size === undefined) return undefined;
    total += file.size;
  }
  return total;
}

/** Rows of text as left-aligned columns separated by two spaces. */
function table(rows: readonly (readonly string[])[]): string {
  const widths = rows[0].map((_, c) => Math.max(...rows.map((row) => row[c].length)));
  return rows.map((row) => `${row.map((cell, c) => (c === row.length - 1 ? cell : cell.padEnd(widths[c]))).join('  ')}\n`).join('');
}

/**
 * Download progress on stderr: on a terminal, one line redrawn in place (`downloading
 * MajajHong2015.public/assy_….nc: 12.3 MB / 283 MB (4%)`); otherwise one log line as each file starts,
 * so logs stay short.
 */
function downloadReporter(stream: NodeJS.WriteStream = process.stderr): { onProgress: (event: DataProgress) => void; done: () => void } {
  const live = progressReporter(true, stream);
  const started = new Set<string>();
  let lastDraw = 0;
  const onProgress = ({ dataSet, file, received, total }: DataProgress) => {
    const key = `${dataSet}/${file}`;
    const first = !started.has(key);
    started.add(key);
    const of = total === undefined ? '' : ` of ${formatBytes(total)}`;
    if (stream.isTTY !== true) {
      if (first) stream.write(received > 0 ? `vvs: resuming ${key} at ${formatBytes(received)}${of}\n` : `vvs: downloading ${key}${total === undefined ? '' : ` (${formatBytes(total)})`}\n`);
      return;
    }
    const now = Date.now();
    const finished = total !== undefined && received >= total;
    if (!first && !finished && now - lastDraw < REDRAW_INTERVAL_MS) return;
    lastDraw = now;
    const percent = total === undefined || total === 0 ? '' : ` (${Math.floor((100 * received) / total)}%)`;
    live(`downloading ${key}: ${formatBytes(received)}${of}${percent}`);
  };
  return { onProgress, done: () => live.done() };
}

/**
 * Adds `data` and its subcommands to a commander program:
 *
 * - `vvs data list`: each data set's id, kind, file count, total size and whether it is cached;
 * - `vvs data pull <id...>`: downloads the missing files (all with `--force`), verified by SHA-1,
 *   progress on stderr; prints the files' paths;
 * - `vvs data path <id>`: prints the data set's folder, downloading it first unless `--offline` (or
 *   `VVS_OFFLINE=1`), in which case a missing data set is an error saying what to pull;
 * - `vvs data verify [id...]`: re-hashes cached files (every cached data set without ids) and prints
 *   `ok`, `missing` or `mismatch` per file; exits 2 when a file does not match.
 *
 * Every subcommand takes `--cache-dir <dir>`, `--catalog <file.json>` (repeatable) and `--json`.
 *
 * @param program - the `vvs` program.
 * @param options - `catalog`: the built-in catalog (default: empty).
 * @example
 * const program = new Command('vvs');
 * registerData(program, { catalog: () => defaultCatalog() });
 * await program.parseAsync(['node', 'vvs', 'data', 'pull', 'MajajHong2015.public']);
 */
export function registerData(program: Command, options: RegisterDataOptions = {}): void {
  const builtIn = options.catalog ?? (() => new DataCatalog());
  const data = program
    .command('data')
    .description('list, download (verified by SHA-1) and check the data sets benchmarks use: Brain-Score assemblies and stimulus sets');

  addDataFlags(data.command('list').description('list the data sets of the catalog: id, kind, files, size, and whether they are cached')).action(
    async (flags: DataFlags) => {
      const cache = await openCache(builtIn, flags);
      const entries = cache.catalog.list();
      if (flags.json) {
        const dataSets = entries.map((entry) => {
          const size = totalSize(entry);
          return {
            ...entry,
            size: size ?? null,
            cached: cache.isCached(entry.id),
            directory: cache.directory(entry.id),
          };
        });
        process.stdout.write(`${JSON.stringify({ cacheDir: cache.root, dataSets })}\n`);
        return;
      }
      if (entries.length === 0) {
        process.stderr.write('vvs: the catalog is empty (add data sets with --catalog <file.json>)\n');
        return;
      }
      const rows = entries.map((entry) => {
        const size = totalSize(entry);
        return [entry.id, entry.kind, String(entry.files.length), size === undefined ? '?' : formatBytes(size), cache.isCached(entry.id) ? 'yes' : 'no'];
      });
      process.stdout.write(table([['ID', 'KIND', 'FILES', 'SIZE', 'CACHED'], ...rows]));
    },
  );

  addDataFlags(data.command('pull').description('download data sets into the cache, verifying each file by SHA-1; prints their paths'))
    .argument('<id...>', 'data set ids (see vvs data list)')
    .option('--force', 'download every file again, even those already cached')
    .action(async (ids: string[], flags: DataFlags) => {
      const cache = await openCache(builtIn, flags);
      // Every id is checked before the first byte is downloaded, so a typo fails at once.
      for (const id of ids) cache.catalog.get(id);
      const reporter = downloadReporter();
      const pulled: { id: string; directory: string; files: string[] }[] = [];
      try {
        for (const id of ids) {
          const files = await cache.pull(id, { force: flags.force === true, onProgress: reporter.onProgress });
          pulled.push({ id, directory: cache.directory(id), files });
        }
      } finally {
        reporter.done();
      }
      process.stdout.write(
        flags.json
          ? `${JSON.stringify({ cacheDir: cache.root, dataSets: pulled })}\n`
          : pulled.flatMap((p) => p.files).map((path) => `${path}\n`).join(''),
      );
    });

  addDataFlags(data.command('path').description("print a data set's folder in the cache, downloading it first unless --offline"))
    .argument('<id>', 'a data set id (see vvs data list)')
    .option('--offline', 'never download: a data set that is not cached is an error (also VVS_OFFLINE=1)')
    .action(async (id: string, flags: DataFlags) => {
      const cache = await openCache(builtIn, flags);
      const reporter = downloadReporter();
      let files: string[];
      try {
        files = await cache.ensure(id, { onProgress: reporter.onProgress });
      } finally {
        reporter.done();
      }
      const directory = cache.directory(id);
      process.stdout.write(flags.json ? `${JSON.stringify({ id, directory, files })}\n` : `${directory}\n`);
    });

  addDataFlags(data.command('verify').description('re-hash cached files against the catalog: ok, missing or mismatch per file; exit 2 on a mismatch'))
    .argument('[id...]', 'data set ids (default: every data set with files in the cache)')
    .action(async (ids: string[], flags: DataFlags) => {
      const cache = await openCache(builtIn, flags);
      for (const id of ids) cache.catalog.get(id);
      const checks: FileCheck[] = [];
      if (ids.length === 0) checks.push(...(await cache.verify()));
      for (const id of ids) checks.push(...(await cache.verify(id)));
      const bad = checks.filter((c) => c.status === 'mismatch');
      if (flags.json) {
        process.stdout.write(`${JSON.stringify({ cacheDir: cache.root, files: checks, ok: bad.length === 0 })}\n`);
      } else if (checks.length === 0) {
        process.stderr.write(`vvs: nothing is cached in ${cache.root}\n`);
      } else {
        process.stdout.write(checks.map((c) => `${c.status.padEnd(8)}  ${c.dataSet}/${c.file}\n`).join(''));
      }
      if (bad.length > 0) {
        const names = bad.map((c) => `${c.dataSet}/${c.file}`).join(', ');
        const dataSets = [...new Set(bad.map((c) => c.dataSet))];
        throw new InputError(
          `${bad.length} cached file${bad.length === 1 ? '' : 's'} differ${bad.length === 1 ? 's' : ''} from the catalog's SHA-1 (${names}); ` +
            `run \`${cache.pullCommand(dataSets, { force: true })}\` to download ${bad.length === 1 ? 'it' : 'them'} again`,
          { field: 'sha1' },
        );
      }
    });
}
