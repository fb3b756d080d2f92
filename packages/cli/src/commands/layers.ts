/**
 * `vvs layers`: the layers of an ONNX model, named by PyTorch module path — and the `--model`,
 * `--device` and `--threads` flags every command that runs a model shares.
 */
import type { Command } from 'commander';
import { InputError } from '@vvs/core';
import { DEFAULT_DEVICE, DEVICES, describeDevice, loadModel, parseDevice } from '@vvs/models-onnx';
import type { OnnxModel } from '@vvs/models-onnx';
import { parseCount } from '../flags.ts';

/** The flags {@link addModelFlags} adds, as commander parses them. */
export interface ModelFlags {
  model: string;
  device: string;
  threads?: string;
}

interface LayersFlags extends ModelFlags {
  json?: boolean;
}

/**
 * Adds `--model` (a file or `builtin:<name>[@seed]`), `--device` and `--threads` to a command.
 *
 * @example
 * addModelFlags(program.command('layers')).action(async (flags: ModelFlags) => openModel(flags));
 */
export function addModelFlags(command: Command): Command {
  return command
    .requiredOption('--model <model>', 'the model: an .onnx file exported from PyTorch, or builtin:<pixels|gabor|cnn>[@seed]')
    .option(
      '--device <device>',
      `where onnxruntime runs the model: ${DEVICES.join(', ')} (auto: the first of cuda, webgpu, cpu that starts)`,
      DEFAULT_DEVICE,
    )
    .option('--threads <n>', "CPU threads per operator (default: onnxruntime's choice, all physical cores)");
}

/**
 * Loads the model the flags name on the device they ask for; with `--device auto`, says on stderr
 * which device it got and why the others were skipped (`using cpu (cuda unavailable: …)`).
 *
 * @throws InputError for a bad `--device` or `--threads`, a missing or invalid model, or a device that cannot start.
 * @example
 * const model = await openModel({ model: 'builtin:cnn@3', device: 'auto' });
 */
export async function openModel(flags: ModelFlags): Promise<OnnxModel> {
  const device = parseDevice(flags.device);
  const intraOpNumThreads = flags.threads === undefined ? undefined : parseCount(flags.threads, '--threads');
  const model = await loadModel(flags.model, { device, intraOpNumThreads });
  if (device === 'auto') process.stderr.write(`vvs: ${describeDevice(model.device, model.deviceFallbacks)}\n`);
  return model;
}

/**
 * Adds `layers` to a commander program: prints the model's module paths (in `named_modules()`
 * order, one per line), the names `vvs activations --layers` accepts.
 *
 * @example
 * const program = new Command('vvs');
 * registerLayers(program);
 * await program.parseAsync(['node', 'vvs', 'layers', '--model', 'builtin:cnn']);
 */
export function registerLayers(program: Command): void {
  addModelFlags(
    program.command('layers').description("list an ONNX model's layers by PyTorch module path (the names --layers accepts)"),
  )
    .option('--json', 'print one JSON object: the model file, its input, its outputs and its layers')
    .action(async (flags: LayersFlags) => {
      const model = await openModel(flags);
      try {
        const layers = model.layers();
        process.stdout.write(
          flags.json
            ? `${JSON.stringify({ model: flags.model, input: model.inputInfo, outputs: model.outputNames, layers })}\n`
            : layers.map((layer) => `${layer}\n`).join(''),
        );
      } finally {
        await model.dispose();
      }
    });
}
