/**
 * `vvs layers`: the layers of an ONNX model, named by PyTorch module path.
 */
import type { Command } from 'commander';
import { OnnxModel } from '@vvs/models-onnx';

interface LayersFlags {
  model: string;
  json?: boolean;
}

/**
 * Adds `layers` to a commander program: prints the model's module paths (in `named_modules()`
 * order, one per line), the names `vvs activations --layers` accepts.
 *
 * @example
 * const program = new Command('vvs');
 * registerLayers(program);
 * await program.parseAsync(['node', 'vvs', 'layers', '--model', 'resnet18.onnx']);
 */
export function registerLayers(program: Command): void {
  program
    .command('layers')
    .description("list an ONNX model's layers by PyTorch module path (the names --layers accepts)")
    .requiredOption('--model <file>', 'the model: an .onnx file exported from PyTorch')
    .option('--json', 'print one JSON object: the model file, its input, its outputs and its layers')
    .action(async (flags: LayersFlags) => {
      const model = await OnnxModel.load(flags.model);
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
