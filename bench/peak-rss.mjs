/**
 * This process's peak resident set size, for benchmarks. Linux's VmHWM counts this program's own
 * memory only; getrusage's maxrss (process.resourceUsage) also carries the parent's peak across
 * fork + exec, which would charge a benchmark driver's generated data to the measured child.
 */
import { readFileSync } from 'node:fs';

/** Peak RSS in bytes (VmHWM on Linux, getrusage elsewhere). */
export function peakRss() {
  try {
    const hwm = /^VmHWM:\s+(\d+) kB$/m.exec(readFileSync('/proc/self/status', 'utf8'));
    if (hwm) return Number(hwm[1]) * 1024;
  } catch {
    // not Linux: fall back below
  }
  return process.resourceUsage().maxRSS * 1024;
}
