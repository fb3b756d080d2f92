/**
 * The built CLI (`bin/vvs.js`) in a child process, as users run it: its exit code and its output.
 * Asynchronous, so that a server the test runs in this process keeps answering meanwhile.
 */
import { spawn } from 'node:child_process';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The CLI's entry point. */
export const BIN = resolve(dirname(fileURLToPath(import.meta.url)), '../bin/vvs.js');

/** How a CLI run ended. */
export interface Exit {
  /** The exit code (-1 when the process was killed by a signal). */
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/**
 * Runs `vvs …args` with `env` added to this process's environment.
 *
 * @example
 * const { code, stdout } = await spawnVvs(['seed', 'models', '--json'], { VVS_OFFLINE: '1' });
 */
export function spawnVvs(args: readonly string[], env: NodeJS.ProcessEnv = {}): Promise<Exit> {
  return new Promise((done, fail) => {
    const child = spawn(process.execPath, [BIN, ...args], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    child.on('error', fail);
    child.on('close', (code) => done({ code: code ?? -1, stdout, stderr }));
  });
}
