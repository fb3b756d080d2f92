/** Test helper: the `vvs` CLI run in-process, with what it prints captured. */
import { vi } from 'vitest';
import { main } from '../src/index.ts';

/** Runs the CLI in-process; returns the exit code and what it printed. */
export async function vvs(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const out = vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => ((stdout += String(chunk)), true));
  const err = vi.spyOn(process.stderr, 'write').mockImplementation((chunk) => ((stderr += String(chunk)), true));
  try {
    const code = await main(['node', 'vvs', ...args]);
    return { code, stdout, stderr };
  } finally {
    out.mockRestore();
    err.mockRestore();
  }
}
