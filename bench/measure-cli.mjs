/**
 * Runs the vvs CLI (its bundle) in this process and reports, on stderr as one JSON line, its wall
 * time and the process's peak resident set size — what `pnpm bench` compares against Python.
 *
 * Usage: node bench/measure-cli.mjs score-features --features … --assembly … --json
 */
import { readFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { ensureBuilt } from '../packages/cli/bin/build.mjs';

const bundle = pathToFileURL(await ensureBuilt()).href;
const started = performance.now();
const { main } = await import(bundle);
const code = await main(['node', 'vvs', ...process.argv.slice(2)]);
const seconds = (performance.now() - started) / 1000;
process.stderr.write(`${JSON.stringify({ measure: { seconds, peakRssBytes: peakRss(), exitCode: code } })}\n`);
process.exitCode = code;

/**
 * This process's peak resident set size. Linux's VmHWM counts this program's own memory only;
 * getrusage's maxrss (process.resourceUsage) also carries the parent's peak across fork + exec, which
 * would charge the benchmark driver's gigabyte of generated data to vvs.
 */
function peakRss() {
  try {
    const hwm = /^VmHWM:\s+(\d+) kB$/m.exec(readFileSync('/proc/self/status', 'utf8'));
    if (hwm) return Number(hwm[1]) * 1024;
  } catch {
    // not Linux: fall back below
  }
  return process.resourceUsage().maxRSS * 1024;
}
