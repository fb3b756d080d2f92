/**
 * `vvs convert`: a PyTorch checkpoint (`.pt`) to an ONNX model, without Python — the state dict read
 * by `@vvs/models-zoo`, the architecture built from it with the tensor names torch's exporter gives.
 */
import type { Command } from 'commander';
import { formatBytes, InputError, writeFileAtomic } from '@vvs/core';
import { ARCHITECTURES, buildOnnx, readCheckpoint, type Architecture, type StateDictPreference } from '@vvs/models-zoo';

interface ConvertFlags {
  checkpoint: string;
  out: string;
  arch?: string;
  prefer: string;
  inputSize?: string;
}

const PREFERENCES: readonly StateDictPreference[] = ['model', 'ema'];

/**
 * Adds `convert` to a commander program.
 *
 * @example
 * registerConvert(program);
 * await program.parseAsync(['node', 'vvs', 'convert', '--checkpoint', 'ep100.pt', '--out', 'resnet18.onnx']);
 */
export function registerConvert(program: Command): void {
  program
    .command('convert')
    .description('convert a PyTorch checkpoint (.pt, torch.save zip format) to ONNX: ResNet family and AlexNet, architecture recognised from the state dict')
    .requiredOption('--checkpoint <file.pt>', 'the checkpoint: a state dict, or one under model / state.model / state_dict / an EMA key')
    .requiredOption('--out <file.onnx>', 'the ONNX file to write')
    .option('--arch <name>', `the architecture (default: recognised from the state dict): ${ARCHITECTURES.join(', ')}`)
    .option('--prefer <which>', "the trained weights ('model') or their moving average ('ema') when the checkpoint has both", 'model')
    .option('--input-size <pixels>', 'side of the square input the graph is built for (default 224)')
    .action(async (flags: ConvertFlags) => {
      if (flags.arch !== undefined && !ARCHITECTURES.includes(flags.arch as Architecture)) {
        throw new InputError(`--arch: expected one of ${ARCHITECTURES.join(', ')}, got '${flags.arch}'`, { field: 'arch' });
      }
      if (!PREFERENCES.includes(flags.prefer as StateDictPreference)) {
        throw new InputError(`--prefer: expected model or ema, got '${flags.prefer}'`, { field: 'prefer' });
      }
      const inputSize = flags.inputSize === undefined ? undefined : Number(flags.inputSize);
      if (inputSize !== undefined && !(Number.isSafeInteger(inputSize) && inputSize > 0)) {
        throw new InputError(`--input-size: expected a positive integer, got '${flags.inputSize}'`, { field: 'input-size' });
      }
      const started = performance.now();
      const { stateDict, keyPath } = await readCheckpoint(flags.checkpoint, { prefer: flags.prefer as StateDictPreference });
      let built;
      try {
        built = buildOnnx(stateDict, { ...(flags.arch ? { arch: flags.arch as Architecture } : {}), ...(inputSize ? { inputSize } : {}) });
      } catch (error) {
        // The builders speak of the state dict; say which file it came from.
        if (!(error instanceof Error)) throw error;
        throw new InputError(`${flags.checkpoint}: ${error.message}`, { file: flags.checkpoint, cause: error });
      }
      await writeFileAtomic(flags.out, built.bytes);
      const where = keyPath.length > 0 ? ` (state dict at ${keyPath.join('.')})` : '';
      process.stderr.write(
        `vvs: ${flags.checkpoint}${where}: ${stateDict.size} tensors, ${built.architecture} → ${flags.out} (${formatBytes(built.bytes.byteLength)}) in ${((performance.now() - started) / 1000).toFixed(1)} s\n`,
      );
    });
}
