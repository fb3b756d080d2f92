/**
 * An ONNX graph writer that records PyTorch module calls the way `torch.onnx.export` (torch 1.13,
 * opset 13, `do_constant_folding=False`, `training=TrainingMode.PRESERVE`) records them: same
 * operators, same attributes, same node and tensor names. A graph built here is therefore addressed
 * by PyTorch module path through `@vvs/models-onnx`'s `moduleTensors` exactly as a torch export is.
 *
 * Naming (torch's `torch/csrc/jit/passes/onnx/naming.cpp` with the scopes of
 * `torch.onnx.utils._setup_trace_module_map`): a node is named `<scope>/<Op>`; the scope has one
 * segment per module from the root, a segment being the module's name from its last non-numeric
 * atom on (`layer2.0.downsample.0` → `/layer2/layer2.0/downsample/downsample.0`); the k-th repeated
 * call of a module (k ≥ 1) suffixes its last segment with `_k` (`…/relu_1`); a second node of the
 * same op in one scope is `<scope>/<Op>_1`; a node's output is `<node name>_output_0`.
 */
import { endianness } from 'node:os';
import onnxProto from 'onnx-proto';

const { onnx } = onnxProto;

/** ONNX `TensorProto.DataType.FLOAT`: every tensor of the graphs built here is float32. */
const FLOAT_ELEM_TYPE = 1;

/** Opset torch exported the reference models with (and the one every op here is written for). */
export const TORCH_EXPORT_OPSET = 13;

/** ONNX IR version torch 1.13 writes for opset 13. */
const IR_VERSION = 7;

/** Name of the image input, as the seed's models are exported (`input_names=['input']`). */
export const INPUT_NAME = 'input';

/** Symbolic name of the dynamic batch axis (`dynamic_axes={'input': {0: 'batch'}}`). */
export const BATCH_AXIS = 'batch';

/** Separator of scope segments and of the scope and op type in a node name. */
const SCOPE_SEPARATOR = '/';

/**
 * `momentum` attribute torch writes on BatchNormalization: ONNX's running-average factor is
 * `1 − torch_momentum`, with torch's default momentum 0.1. Inference ignores it; it is written so
 * that the nodes equal the exporter's.
 */
const ONNX_BATCHNORM_MOMENTUM = 0.9;

/** A tensor dimension: a size, or the symbolic batch axis. */
export type Dim = number | string;

/** Hyper-parameters of a `torch.nn.Conv2d` that its weight's shape does not carry. */
export interface Conv2dOptions {
  /** Stride along height and width; default 1. */
  stride?: number;
  /** Zero padding on each side of height and width; default 0. */
  padding?: number;
  /** Dilation along height and width; default 1. */
  dilation?: number;
  /** Number of channel groups; default 1. */
  groups?: number;
}

/** Hyper-parameters of a `torch.nn.MaxPool2d` (square kernel, no dilation). */
export interface MaxPool2dOptions {
  kernelSize: number;
  /** Default: the kernel size, as torch's. */
  stride?: number;
  /** Default 0. */
  padding?: number;
}

/** A float32 parameter: its state-dict name, shape and values. */
export interface Parameter {
  readonly name: string;
  readonly shape: readonly number[];
  readonly data: Float32Array;
}

/** True when this host stores floats little-endian, the byte order of `TensorProto.raw_data`. */
const HOST_IS_LITTLE_ENDIAN = endianness() === 'LE';

/**
 * The little-endian bytes of `values` for `TensorProto.raw_data`: a view without copying on a
 * little-endian host (checkpoints are large; a copy would double the memory held), a swapped copy
 * otherwise.
 */
function rawFloat32(values: Float32Array): Uint8Array {
  if (HOST_IS_LITTLE_ENDIAN) return new Uint8Array(values.buffer, values.byteOffset, values.byteLength);
  const bytes = new Uint8Array(values.byteLength);
  const view = new DataView(bytes.buffer);
  for (let i = 0; i < values.length; i++) view.setFloat32(i * Float32Array.BYTES_PER_ELEMENT, values[i], true);
  return bytes;
}

/** `floor((size + 2·padding − dilation·(kernel − 1) − 1) / stride) + 1`, torch's output size of a conv or pool. */
function slidingOutputSize(size: Dim, kernel: number, stride: number, padding: number, dilation: number, what: string): number {
  if (typeof size !== 'number') throw new TypeError(`${what}: spatial size must be static, got '${size}'`);
  const out = Math.floor((size + 2 * padding - dilation * (kernel - 1) - 1) / stride) + 1;
  if (out < 1) {
    throw new RangeError(`${what}: input of size ${size} is too small for kernel ${kernel} (stride ${stride}, padding ${padding}, dilation ${dilation})`);
  }
  return out;
}

/** The torch scope of a module path: one segment per module, numeric container atoms kept with their parent's name. */
function scopeOf(modulePath: string): string {
  const segments: string[] = [];
  for (const atom of modulePath.split('.')) {
    const numeric = /^\d+$/.test(atom) && segments.length > 0;
    segments.push(numeric ? `${segments[segments.length - 1]}.${atom}` : atom);
  }
  return segments.map((s) => `${SCOPE_SEPARATOR}${s}`).join('');
}

/** One ONNX attribute, typed the way the exporter types it (INT, INTS, FLOAT, or a Constant's TENSOR). */
type Attribute =
  | { name: string; int: number }
  | { name: string; ints: readonly number[] }
  | { name: string; float: number }
  | { name: string; tensor: onnxProto.onnx.ITensorProto };

function attributeProto(a: Attribute): onnxProto.onnx.IAttributeProto {
  const { INT, INTS, FLOAT, TENSOR } = onnx.AttributeProto.AttributeType;
  if ('int' in a) return { name: a.name, type: INT, i: a.int };
  if ('ints' in a) return { name: a.name, type: INTS, ints: [...a.ints] };
  if ('tensor' in a) return { name: a.name, type: TENSOR, t: a.tensor };
  return { name: a.name, type: FLOAT, f: a.float };
}

/**
 * The shape of an elementwise op's result under ONNX's multidirectional (numpy) broadcasting:
 * shapes aligned on their last axis, each pair of sizes equal or one of them 1.
 */
function broadcastShape(a: readonly Dim[], b: readonly Dim[], what: string): Dim[] {
  const rank = Math.max(a.length, b.length);
  const out: Dim[] = [];
  for (let i = 1; i <= rank; i++) {
    const da = a.length - i >= 0 ? a[a.length - i] : 1;
    const db = b.length - i >= 0 ? b[b.length - i] : 1;
    if (da !== db && da !== 1 && db !== 1) {
      throw new RangeError(`${what}: shapes [${a.join(', ')}] and [${b.join(', ')}] do not broadcast`);
    }
    out.unshift(da === 1 ? db : da);
  }
  return out;
}

/** `x.permute(0, 2, 3, 1)`: NCHW → NHWC, as torchvision's `LayerNorm2d` and `Permute` modules apply it. */
export const CHANNELS_LAST = [0, 2, 3, 1] as const;

/** `x.permute(0, 3, 1, 2)`: NHWC → NCHW, the inverse of {@link CHANNELS_LAST}. */
export const CHANNELS_FIRST = [0, 3, 1, 2] as const;

/** The exponent of the variance in torch's layer-norm decomposition, `ReduceMean((x − mean)^2)`. */
const SQUARE_EXPONENT = 2;

/** √2, the divisor of `erf(x / √2)` in the exact GELU (torch's `_sqrt2` constant). */
const SQRT2 = Math.SQRT2;

/** The `1` and `0.5` of `GELU(x) = x · (1 + erf(x / √2)) · 0.5` as torch's symbolic writes it. */
const GELU_ONE = 1;
const GELU_HALF = 0.5;

/**
 * Builds a float32 ONNX graph with one `[batch, …]` image input from PyTorch module calls, one
 * method per module type, each emitting exactly the node(s) `torch.onnx.export` emits for it, and
 * tracking every tensor's shape so that a parameter of the wrong shape fails here, naming the
 * parameter, rather than in onnxruntime. Parameters become initializers named after their
 * state-dict keys (without the exporter's de-duplication of equal tensors, which only saves space).
 *
 * @example
 * const g = new TorchOnnxGraph('tiny', [3, 32, 32]);
 * let x = g.conv2d('conv1', g.input, { name: 'conv1.weight', shape: [8, 3, 3, 3], data: w }, undefined, { padding: 1 });
 * x = g.relu('relu', x);                 // node '/relu/Relu', output '/relu/Relu_output_0'
 * x = g.flatten(g.adaptiveAvgPool2d('avgpool', x, 1));
 * const bytes = g.encode(x, 'flatten');  // a model whose output 'flatten' is [batch, 8]
 */
export class TorchOnnxGraph {
  /** Name of the graph's image input tensor. */
  readonly input = INPUT_NAME;

  private readonly nodes: onnxProto.onnx.INodeProto[] = [];
  private readonly initializers: onnxProto.onnx.ITensorProto[] = [];
  private readonly shapes = new Map<string, readonly Dim[]>();
  /** Calls so far of each module path (the k-th repeated call gets scope suffix `_k`). */
  private readonly calls = new Map<string, number>();
  /** Node names used so far (a second `<scope>/<Op>` becomes `<scope>/<Op>_1`). */
  private readonly nodeNames = new Map<string, number>();

  /**
   * @param name - the graph's name.
   * @param inputShape - input dimensions after the batch axis, e.g. `[3, 224, 224]`.
   */
  constructor(
    private readonly name: string,
    private readonly inputShape: readonly number[],
  ) {
    this.shapes.set(INPUT_NAME, [BATCH_AXIS, ...inputShape]);
  }

  /** The shape of a tensor produced so far (the batch axis as `'batch'`). */
  shapeOf(tensor: string): readonly Dim[] {
    const shape = this.shapes.get(tensor);
    if (!shape) throw new RangeError(`tensor '${tensor}': not produced by this graph`);
    return shape;
  }

  /** `torch.nn.Conv2d` (square kernel): one `Conv` node, with the bias as third input when there is one. */
  conv2d(module: string, x: string, weight: Parameter, bias: Parameter | undefined, options: Conv2dOptions = {}): string {
    const { stride = 1, padding = 0, dilation = 1, groups = 1 } = options;
    const [n, c, h, w] = this.spatialShape(x, module);
    const [outChannels, inPerGroup, kh, kw] = this.expectRank(weight, 4);
    if (inPerGroup * groups !== c) {
      throw new RangeError(`${weight.name}: shape [${weight.shape.join(', ')}] takes ${inPerGroup * groups} input channels (groups ${groups}), but its input has ${c}`);
    }
    if (bias) this.expectShape(bias, [outChannels]);
    const inputs = [x, this.initializer(weight), ...(bias ? [this.initializer(bias)] : [])];
    const out = [
      n,
      outChannels,
      slidingOutputSize(h, kh, stride, padding, dilation, module),
      slidingOutputSize(w, kw, stride, padding, dilation, module),
    ];
    return this.call(module, 'Conv', inputs, out, [
      { name: 'dilations', ints: [dilation, dilation] },
      { name: 'group', int: groups },
      { name: 'kernel_shape', ints: [kh, kw] },
      { name: 'pads', ints: [padding, padding, padding, padding] },
      { name: 'strides', ints: [stride, stride] },
    ]);
  }

  /**
   * `torch.nn.BatchNorm2d` in eval mode: one `BatchNormalization` node on the running statistics,
   * kept separate from the conv before it as `TrainingMode.PRESERVE` exports it.
   */
  batchNorm2d(module: string, x: string, params: { weight: Parameter; bias: Parameter; runningMean: Parameter; runningVar: Parameter }, epsilon: number): string {
    const channels = this.shapeOf(x)[1];
    const { weight, bias, runningMean, runningVar } = params;
    for (const p of [weight, bias, runningMean, runningVar]) this.expectShape(p, [channels as number]);
    const inputs = [x, ...[weight, bias, runningMean, runningVar].map((p) => this.initializer(p))];
    return this.call(module, 'BatchNormalization', inputs, this.shapeOf(x), [
      { name: 'epsilon', float: epsilon },
      { name: 'momentum', float: ONNX_BATCHNORM_MOMENTUM },
    ]);
  }

  /** `torch.nn.ReLU`: one `Relu` node (a module applied twice gets scopes `relu` and `relu_1`). */
  relu(module: string, x: string): string {
    return this.call(module, 'Relu', [x], this.shapeOf(x), []);
  }

  /**
   * `torch.nn.SiLU` (`x·σ(x)`) as torch's opset-9 `silu` symbolic exports it: a `Sigmoid` node, then
   * `Mul(x, sigmoid)`, both in the module's scope, so the module's output is the `Mul`'s.
   */
  silu(module: string, x: string): string {
    const scope = this.callScope(module);
    const gate = this.node(scope, 'Sigmoid', [x], this.shapeOf(x), []);
    return this.node(scope, 'Mul', [x, gate], this.shapeOf(x), []);
  }

  /** `torch.nn.Sigmoid`: one `Sigmoid` node. */
  sigmoid(module: string, x: string): string {
    return this.call(module, 'Sigmoid', [x], this.shapeOf(x), []);
  }

  /** `torch.nn.MaxPool2d` with `ceil_mode=False` and no dilation: one `MaxPool` node. */
  maxPool2d(module: string, x: string, options: MaxPool2dOptions): string {
    const { kernelSize, stride = kernelSize, padding = 0 } = options;
    const [n, c, h, w] = this.spatialShape(x, module);
    const out = [n, c, slidingOutputSize(h, kernelSize, stride, padding, 1, module), slidingOutputSize(w, kernelSize, stride, padding, 1, module)];
    return this.call(module, 'MaxPool', [x], out, [
      { name: 'ceil_mode', int: 0 },
      { name: 'kernel_shape', ints: [kernelSize, kernelSize] },
      { name: 'pads', ints: [padding, padding, padding, padding] },
      { name: 'strides', ints: [stride, stride] },
    ]);
  }

  /**
   * `torch.nn.AdaptiveAvgPool2d(outputSize)` as torch's `_adaptive_pool` symbolic exports it: a
   * `GlobalAveragePool` for output 1×1, otherwise an `AveragePool` whose kernel and stride are
   * `input / output` — which needs the input size to be a multiple of the output size (torch's
   * exporter refuses other sizes too).
   */
  adaptiveAvgPool2d(module: string, x: string, outputSize: number): string {
    const [n, c, h, w] = this.spatialShape(x, module);
    if (outputSize === 1) return this.call(module, 'GlobalAveragePool', [x], [n, c, 1, 1], []);
    for (const size of [h, w]) {
      if (typeof size !== 'number' || size % outputSize !== 0) {
        throw new RangeError(
          `${module}: AdaptiveAvgPool2d(${outputSize}) is exported only for an input size that is a multiple of ${outputSize}, got ${h}×${w} (choose another input size)`,
        );
      }
    }
    const kernel = [(h as number) / outputSize, (w as number) / outputSize];
    return this.call(module, 'AveragePool', [x], [n, c, outputSize, outputSize], [
      { name: 'kernel_shape', ints: kernel },
      { name: 'strides', ints: kernel },
    ]);
  }

  /** `torch.nn.Linear` on a `[batch, features]` input: one `Gemm` node (`transB = 1`). */
  linear(module: string, x: string, weight: Parameter, bias: Parameter | undefined): string {
    const [n, features] = this.shapeOf(x);
    const [outFeatures, inFeatures] = this.expectRank(weight, 2);
    if (inFeatures !== features) {
      throw new RangeError(`${weight.name}: shape [${weight.shape.join(', ')}] takes ${inFeatures} features, but its input has ${features}`);
    }
    if (!bias) throw new TypeError(`${module}: a Linear without bias is not supported (torch exports it as MatMul)`);
    this.expectShape(bias, [outFeatures]);
    return this.call(module, 'Gemm', [x, this.initializer(weight), this.initializer(bias)], [n, outFeatures], [
      { name: 'alpha', float: 1 },
      { name: 'beta', float: 1 },
      { name: 'transB', int: 1 },
    ]);
  }

  /** `a + b` (same shapes) in the forward of the module at `scope` (`''` for the root): an `Add` node. */
  add(scope: string, a: string, b: string): string {
    const shapeA = this.shapeOf(a);
    const shapeB = this.shapeOf(b);
    if (shapeA.join() !== shapeB.join()) {
      throw new RangeError(`${scope || 'root'}: cannot add tensors of shapes [${shapeA.join(', ')}] and [${shapeB.join(', ')}]`);
    }
    return this.node(scope === '' ? '' : scopeOf(scope), 'Add', [a, b], shapeA, []);
  }

  /**
   * `a * b` with NumPy broadcasting (equal dimensions, or 1 on either side: a `[batch, C, 1, 1]`
   * gate times a `[batch, C, H, W]` map) in the forward of the module at `scope` (`''` for the
   * root): a `Mul` node.
   */
  mul(scope: string, a: string, b: string): string {
    const shape = broadcastShape(this.shapeOf(a), this.shapeOf(b), scope || 'root');
    return this.node(scope === '' ? '' : scopeOf(scope), 'Mul', [a, b], shape, []);
  }

  /** `torch.flatten(x, 1)` in the root module's forward: a `/Flatten` node with `axis = 1`. */
  flatten(x: string): string {
    const [n, ...rest] = this.shapeOf(x);
    const features = rest.reduce<number>((p, d) => p * (d as number), 1);
    return this.node('', 'Flatten', [x], [n, features], [{ name: 'axis', int: 1 }]);
  }

  /**
   * `torch.nn.LayerNorm(features)` over the last axis (elementwise affine), as torch 1.13 exports
   * it at opset 13: no `LayerNormalization` op before opset 17, so the decomposition of
   * `native_layer_norm` — `ReduceMean`, `Sub`, `Constant`, `Pow`, `ReduceMean_1`, `Constant_1`,
   * `Add`, `Sqrt`, `Div`, `Mul`, `Add_1` — all in the module's scope; the output is `Add_1`'s.
   */
  layerNorm(module: string, x: string, params: { weight: Parameter; bias: Parameter }, epsilon: number): string {
    return this.layerNormNodes(this.callScope(module), x, params.weight, params.bias, epsilon);
  }

  /**
   * torchvision's `LayerNorm2d` (`torchvision.models.convnext`): a LayerNorm over the channels of
   * an NCHW tensor, whose forward permutes to NHWC, normalizes the last axis and permutes back —
   * `Transpose`, the {@link layerNorm} nodes, `Transpose_1`, in the module's scope.
   */
  layerNorm2d(module: string, x: string, params: { weight: Parameter; bias: Parameter }, epsilon: number): string {
    this.spatialShape(x, module);
    const scope = this.callScope(module);
    const normalized = this.layerNormNodes(scope, this.transposeNode(scope, x, CHANNELS_LAST), params.weight, params.bias, epsilon);
    return this.transposeNode(scope, normalized, CHANNELS_FIRST);
  }

  /** torchvision's `Permute(dims)` module (`torchvision.ops.misc`): one `Transpose` node. */
  permute(module: string, x: string, dims: readonly number[]): string {
    return this.transposeNode(this.callScope(module), x, dims);
  }

  /**
   * `torch.nn.Linear` on an input of rank > 2 (features on the last axis), as torch's `linear`
   * symbolic exports it when it cannot use `Gemm`: `Transpose` of the weight, `MatMul`, then
   * `Add(bias, ·)` — bias first, as the symbolic writes `add(g, bias, output)`.
   */
  linearOnLastAxis(module: string, x: string, weight: Parameter, bias: Parameter): string {
    const shape = this.shapeOf(x);
    if (shape.length < 3) throw new RangeError(`${module}: expected an input of rank 3 or more (use linear for [batch, features]), got [${shape.join(', ')}]`);
    const [outFeatures, inFeatures] = this.expectRank(weight, 2);
    if (inFeatures !== shape[shape.length - 1]) {
      throw new RangeError(`${weight.name}: shape [${weight.shape.join(', ')}] takes ${inFeatures} features, but its input has ${shape[shape.length - 1]}`);
    }
    this.expectShape(bias, [outFeatures]);
    const scope = this.callScope(module);
    const transposed = this.node(scope, 'Transpose', [this.initializer(weight)], [inFeatures, outFeatures], [{ name: 'perm', ints: [1, 0] }]);
    const product = this.node(scope, 'MatMul', [x, transposed], [...shape.slice(0, -1), outFeatures], []);
    return this.elementwise(scope, 'Add', this.initializer(bias), product);
  }

  /**
   * `torch.nn.GELU()` (exact, `approximate='none'`), as torch's `gelu` symbolic exports it before
   * opset 20: `x · (1 + erf(x / √2)) · 0.5` — `Constant`, `Div`, `Erf`, `Constant_1`, `Add`, `Mul`,
   * `Constant_2`, `Mul_1`; the output is `Mul_1`'s.
   */
  gelu(module: string, x: string): string {
    const scope = this.callScope(module);
    const erf = this.node(scope, 'Erf', [this.elementwise(scope, 'Div', x, this.scalarConstant(scope, SQRT2))], this.shapeOf(x), []);
    const onePlusErf = this.elementwise(scope, 'Add', erf, this.scalarConstant(scope, GELU_ONE));
    return this.elementwise(scope, 'Mul', this.elementwise(scope, 'Mul', x, onePlusErf), this.scalarConstant(scope, GELU_HALF));
  }

  /**
   * `parameter * x` in the forward of the module at `scope` (`''` for the root): a `Mul` node with
   * the parameter first and numpy broadcasting, e.g. ConvNeXt's `self.layer_scale * self.block(x)`
   * with a `[channels, 1, 1]` layer scale.
   */
  mulParameter(scope: string, parameter: Parameter, x: string): string {
    return this.mul(scope, this.initializer(parameter), x);
  }

  /** The module `torch.nn.Flatten(1)` (unlike the root-level {@link flatten}): a `Flatten` node with `axis = 1` in its scope. */
  flattenModule(module: string, x: string): string {
    const [n, ...rest] = this.shapeOf(x);
    const features = rest.reduce<number>((p, d) => p * (d as number), 1);
    return this.call(module, 'Flatten', [x], [n, features], [{ name: 'axis', int: 1 }]);
  }

  /**
   * Serializes the graph with `tensor` as its only output, renamed `outputName` (torch's
   * `output_names`), with the dynamic batch axis of the input and output.
   */
  encode(tensor: string, outputName: string): Uint8Array {
    const shape = this.shapeOf(tensor);
    const nodes = this.nodes.map((node) => ({
      ...node,
      input: node.input!.map((t) => (t === tensor ? outputName : t)),
      output: node.output!.map((t) => (t === tensor ? outputName : t)),
    }));
    const valueInfo = (name: string, dims: readonly Dim[]) =>
      onnx.ValueInfoProto.create({
        name,
        type: { tensorType: { elemType: FLOAT_ELEM_TYPE, shape: { dim: dims.map((d) => (typeof d === 'number' ? { dimValue: d } : { dimParam: d })) } } },
      });
    const graph = onnx.GraphProto.create({
      name: this.name,
      node: nodes,
      initializer: this.initializers,
      input: [valueInfo(INPUT_NAME, [BATCH_AXIS, ...this.inputShape])],
      output: [valueInfo(outputName, shape)],
    });
    const model = onnx.ModelProto.create({
      irVersion: IR_VERSION,
      producerName: 'vvs',
      opsetImport: [{ domain: '', version: TORCH_EXPORT_OPSET }],
      graph,
    });
    return onnx.ModelProto.encode(model).finish();
  }

  /** One call of the leaf module at `modulePath`, emitting one node in that call's scope. */
  private call(modulePath: string, opType: string, inputs: string[], shape: readonly Dim[], attributes: Attribute[]): string {
    return this.node(this.callScope(modulePath), opType, inputs, shape, attributes);
  }

  /** The scope of the next call of the module at `modulePath` (`<scope>`, then `<scope>_1`, …), counting the call. */
  private callScope(modulePath: string): string {
    const count = this.calls.get(modulePath) ?? 0;
    this.calls.set(modulePath, count + 1);
    const scope = scopeOf(modulePath);
    return count === 0 ? scope : `${scope}_${count}`;
  }

  /**
   * A 0-d float32 `Constant` in `scope`, placed (as torch's scalar-type analysis re-emits a
   * wrapped Python number in the type of the op that consumes it) right before that op.
   */
  private scalarConstant(scope: string, value: number): string {
    const bytes = rawFloat32(Float32Array.of(value));
    return this.node(scope, 'Constant', [], [], [{ name: 'value', tensor: { dims: [], dataType: FLOAT_ELEM_TYPE, rawData: bytes } }]);
  }

  /** An elementwise binary op (`Add`, `Sub`, `Mul`, `Div`, `Pow`) in `scope`, with its broadcast result shape. */
  private elementwise(scope: string, opType: string, a: string, b: string): string {
    return this.node(scope, opType, [a, b], broadcastShape(this.shapeOf(a), this.shapeOf(b), `${scope}/${opType}`), []);
  }

  /** A `Transpose` of `x` by `perm` in `scope`. */
  private transposeNode(scope: string, x: string, perm: readonly number[]): string {
    const shape = this.shapeOf(x);
    if (perm.length !== shape.length || [...perm].sort((p, q) => p - q).some((p, i) => p !== i)) {
      throw new RangeError(`${scope}: permutation [${perm.join(', ')}] does not fit a tensor of shape [${shape.join(', ')}]`);
    }
    return this.node(scope, 'Transpose', [x], perm.map((p) => shape[p]), [{ name: 'perm', ints: perm }]);
  }

  /**
   * The nodes of `F.layer_norm` over the last axis, as torch's `native_layer_norm` symbolic emits
   * them below opset 17 (`torch/onnx/symbolic_opset9.py`): `mean = ReduceMean(x)`, `d = x − mean`,
   * `ReduceMean(d ^ 2)`, `+ eps`, `Sqrt`, `d / …`, `· weight`, `+ bias`.
   */
  private layerNormNodes(scope: string, x: string, weight: Parameter, bias: Parameter, epsilon: number): string {
    const shape = this.shapeOf(x);
    const features = shape[shape.length - 1];
    if (typeof features !== 'number') throw new TypeError(`${scope}: the normalized (last) axis must be static, got '${features}'`);
    this.expectShape(weight, [features]);
    this.expectShape(bias, [features]);
    const reduced = [...shape.slice(0, -1), 1];
    const lastAxis: Attribute[] = [{ name: 'axes', ints: [-1] }];
    const mean = this.node(scope, 'ReduceMean', [x], reduced, lastAxis);
    const centred = this.elementwise(scope, 'Sub', x, mean);
    const squared = this.elementwise(scope, 'Pow', centred, this.scalarConstant(scope, SQUARE_EXPONENT));
    const variance = this.node(scope, 'ReduceMean', [squared], reduced, lastAxis);
    const std = this.node(scope, 'Sqrt', [this.elementwise(scope, 'Add', variance, this.scalarConstant(scope, epsilon))], reduced, []);
    const normalized = this.elementwise(scope, 'Div', centred, std);
    return this.elementwise(scope, 'Add', this.elementwise(scope, 'Mul', normalized, this.initializer(weight)), this.initializer(bias));
  }

  private node(scope: string, opType: string, inputs: string[], shape: readonly Dim[], attributes: Attribute[]): string {
    const base = `${scope}${SCOPE_SEPARATOR}${opType}`;
    const count = this.nodeNames.get(base) ?? 0;
    this.nodeNames.set(base, count + 1);
    const name = count === 0 ? base : `${base}_${count}`;
    const output = `${name}_output_0`;
    this.nodes.push({ name, opType, input: inputs, output: [output], attribute: attributes.map(attributeProto) });
    this.shapes.set(output, shape);
    return output;
  }

  private initializer(p: Parameter): string {
    const expected = p.shape.reduce((a, b) => a * b, 1);
    if (p.data.length !== expected) {
      throw new RangeError(`${p.name}: expected ${expected} values for shape [${p.shape.join(', ')}], got ${p.data.length}`);
    }
    if (!this.shapes.has(p.name)) {
      this.initializers.push({ name: p.name, dims: [...p.shape], dataType: FLOAT_ELEM_TYPE, rawData: rawFloat32(p.data) });
      this.shapes.set(p.name, p.shape);
    }
    return p.name;
  }

  /** `[batch, channels, height, width]` of a 4-D activation. */
  private spatialShape(x: string, module: string): Dim[] {
    const shape = this.shapeOf(x);
    if (shape.length !== 4) throw new RangeError(`${module}: expected a 4-D input [batch, channels, height, width], got [${shape.join(', ')}]`);
    return [...shape];
  }

  private expectRank(p: Parameter, rank: number): number[] {
    if (p.shape.length !== rank) throw new RangeError(`${p.name}: expected a ${rank}-D tensor, got shape [${p.shape.join(', ')}]`);
    return [...p.shape];
  }

  private expectShape(p: Parameter, shape: readonly number[]): void {
    if (p.shape.join() !== shape.join()) throw new RangeError(`${p.name}: expected shape [${shape.join(', ')}], got [${p.shape.join(', ')}]`);
  }
}
