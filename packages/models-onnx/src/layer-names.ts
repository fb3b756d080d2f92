/**
 * PyTorch module paths (`layer2.0.downsample.0`) recovered from the node names of a torch-exported
 * ONNX graph, so that layers can be named the way Brain-Score's PyTorch hooks name them.
 *
 * The naming rule is torch's (1.13+, `torch/csrc/jit/passes/onnx/naming.cpp` with the scope names of
 * `torch.onnx.utils._setup_trace_module_map`): a node is named `<scope>/<Op>`, where the scope lists
 * one segment per module from the root, each segment being the module's attribute name followed by
 * any numeric container indices (`layer2.0.downsample.0` → `/layer2/layer2.0/downsample/downsample.0`).
 * A scope seen before gets a `_<k>` suffix (`…/relu_1` is the second call of `relu`).
 */
import type onnxProto from 'onnx-proto';

/** Separator between the scope segments of a node name, and between the scope and the op type. */
const SCOPE_SEPARATOR = '/';

/** torch's de-duplicating suffix of a repeated scope: `<scope>_<k>` for the (k + 1)-th call. */
const CALL_SUFFIX = /^(.*)_(\d+)$/;

/** The output tensor of one PyTorch module in an exported graph. */
export interface ModuleTensor {
  /** Dotted module path as `model.named_modules()` lists it, e.g. `layer1.0.relu`. */
  readonly path: string;
  /**
   * The tensor carrying the module's output: the first output of the last node (in graph order)
   * inside the module's scope or any scope below it, for the module's last call — the call
   * Brain-Score's forward hooks keep, since each call overwrites the previous record.
   */
  readonly tensor: string;
  /** True when no other module lies below this one (a PyTorch leaf module such as `Conv2d`). */
  readonly leaf: boolean;
}

/**
 * The module path a scope string denotes: the last dotted atom of each segment, joined by dots.
 * A segment is the module's attribute name plus the numeric indices of enclosing containers
 * (`downsample.0`), so its last atom is exactly the module's own name within its parent.
 */
function modulePathOfScope(scope: string): string {
  return scope
    .split(SCOPE_SEPARATOR)
    .filter((segment) => segment.length > 0)
    .map((segment) => segment.slice(segment.lastIndexOf('.') + 1))
    .join('.');
}

/**
 * Maps every PyTorch module of a torch-exported ONNX graph to the tensor holding its output, in the
 * order of `torch.nn.Module.named_modules()` restricted to modules that produce nodes (a parent
 * precedes its children; siblings follow their first execution). Containers (`layer1`, `layer1.0`,
 * `features`) are included: their output is the output of the last node in their subtree, which is
 * what a container's forward returns for the sequential torchvision blocks.
 *
 * Reproduces the `module → hook output` correspondence of Brain-Score's `PytorchWrapper`
 * (`register_forward_hook` per module, last call wins). Nodes without a scope — root-level ops such
 * as `/Flatten` and the exporter's parameter `Identity` nodes — belong to no module and are skipped.
 * A graph not exported by torch (no `/`-scoped node names) yields an empty map.
 *
 * @example
 * const model = onnx.ModelProto.decode(readFileSync('resnet18.onnx'));
 * moduleTensors(model.graph!).get('layer1.0.relu')?.tensor; // '/layer1/layer1.0/relu_1/Relu_output_0'
 */
export function moduleTensors(graph: onnxProto.onnx.IGraphProto): Map<string, ModuleTensor> {
  const seenScopes = new Set<string>();
  const lastOutput = new Map<string, string>();
  for (const node of graph.node ?? []) {
    const name = node.name ?? '';
    const output = node.output?.[0];
    const opSeparator = name.lastIndexOf(SCOPE_SEPARATOR);
    if (!name.startsWith(SCOPE_SEPARATOR) || opSeparator <= 0 || !output) continue;
    let scope = name.slice(0, opSeparator);
    // A suffix counts as a repeated call only when the unsuffixed scope was named first, as torch's
    // counter does; otherwise `_<k>` is part of a module's own name (`conv_1`).
    const repeated = CALL_SUFFIX.exec(scope);
    if (repeated && seenScopes.has(repeated[1])) scope = repeated[1];
    seenScopes.add(scope);
    const path = modulePathOfScope(scope);
    const atoms = path.split('.');
    for (let depth = 1; depth <= atoms.length; depth++) {
      lastOutput.set(atoms.slice(0, depth).join('.'), output);
    }
  }
  const paths = [...lastOutput.keys()];
  const parents = new Set(paths.map((p) => p.slice(0, Math.max(0, p.lastIndexOf('.')))));
  const modules = new Map<string, ModuleTensor>();
  for (const path of paths) {
    modules.set(path, { path, tensor: lastOutput.get(path)!, leaf: !parents.has(path) });
  }
  return modules;
}
