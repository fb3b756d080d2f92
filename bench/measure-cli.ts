/**
 * Runs the vvs CLI in this process and reports, on stderr as one JSON line, its wall time and the
 * process's peak resident set size — what `pnpm bench` compares against the Python reference.
 *
 * Usage: node --import tsx bench/measure-cli.ts score-features --features … --assembly … --json
 */
import { main } from '@vvs/cli';

const started = performance.now();
const code = await main(['node', 'vvs', ...process.argv.slice(2)]);
const seconds = (performance.now() - started) / 1000;
process.stderr.write(`${JSON.stringify({ measure: { seconds, peakRssBytes: process.resourceUsage().maxRSS * 1024, exitCode: code } })}\n`);
process.exitCode = code;
