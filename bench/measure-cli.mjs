/**
 * Runs the vvs CLI (its bundle) in this process and reports, on stderr as one JSON line, its wall
 * time and the process's peak resident set size — what `pnpm bench` compares against Python.
 *
 * Usage: node bench/measure-cli.mjs score-features --features … --assembly … --json
 */
import { pathToFileURL } from 'node:url';
import { ensureBuilt } from '../packages/cli/bin/build.mjs';
import { peakRss } from './peak-rss.mjs';

const bundle = pathToFileURL(await ensureBuilt()).href;
const started = performance.now();
const { main } = await import(bundle);
const code = await main(['node', 'vvs', ...process.argv.slice(2)]);
const seconds = (performance.now() - started) / 1000;
process.stderr.write(`${JSON.stringify({ measure: { seconds, peakRssBytes: peakRss(), exitCode: code } })}\n`);
process.exitCode = code;
