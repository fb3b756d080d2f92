/**
 * The `vvs` command line: builds the commander program and maps errors to exit codes (2 for bad
 * input, with a one-line message naming the file and the problem; 1 for anything unexpected).
 */
import { Command, CommanderError } from 'commander';
import { VvsError } from '@vvs/core';
import { registerScoreFeatures } from './commands/score-features.ts';
import { registerLayers } from './commands/layers.ts';
import { registerActivations } from './commands/activations.ts';
import { registerSelectLayers } from './commands/select-layers.ts';
import { registerData } from './commands/data.ts';
import { createRegistry } from './plugins.ts';
import { registerScore } from './commands/score.ts';
import { registerBenchmarks } from './commands/benchmarks.ts';
import { registerRun } from './commands/run.ts';
import { registerResults } from './commands/results.ts';
import { registerReport } from './commands/report.ts';
import { registerErrorConsistency } from './commands/error-consistency.ts';
import { registerFit } from './commands/fit.ts';
import { registerConvert } from './commands/convert.ts';
import { registerSeed } from './commands/seed.ts';

/**
 * The `vvs` program with every command registered; errors surface as exceptions (see {@link main}).
 *
 * @example
 * await buildProgram().parseAsync(['node', 'vvs', 'score-features', '--example', '--json']);
 */
export function buildProgram(): Command {
  const program = new Command('vvs')
    .description('Score vision models against the primate ventral visual stream (Brain-Score metrics, in Node)')
    .exitOverride()
    .showHelpAfterError();
  registerScoreFeatures(program);
  registerLayers(program);
  registerActivations(program);
  registerSelectLayers(program);
  registerScore(program);
  registerBenchmarks(program);
  registerRun(program);
  registerResults(program);
  registerReport(program);
  registerData(program, { catalog: async () => (await createRegistry()).dataSets });
  registerErrorConsistency(program);
  registerFit(program);
  registerConvert(program);
  registerSeed(program);
  return program;
}

/**
 * Runs the CLI on `argv` (process.argv shape) and resolves to the process exit code: 0, 2 for bad
 * input (one line on stderr), 1 for an unexpected failure (with its stack).
 *
 * @example
 * process.exitCode = await main(process.argv);
 */
export async function main(argv: string[]): Promise<number> {
  try {
    await buildProgram().parseAsync(argv);
    return 0;
  } catch (error) {
    if (error instanceof CommanderError) return error.exitCode === 0 ? 0 : 2;
    if (error instanceof VvsError || error instanceof RangeError) {
      process.stderr.write(`vvs: ${error.message}\n`);
      return error instanceof VvsError ? error.exitCode : 2;
    }
    process.stderr.write(`vvs: unexpected error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    return 1;
  }
}
