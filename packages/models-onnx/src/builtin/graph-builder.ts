/**
 * A small ONNX graph writer for vvs's built-in models. Nodes are named the way the torch exporter
 * names them (`/<module>/<Op>`, output `/<module>/<Op>_output_0`), so {@link moduleTensors} finds
 * every layer by its module-like name exactly as it does in a torch-exported file.
 */
import onnxProto from 'onnx-proto';

const { onnx } = onnxProto;

/** ONNX `TensorProto.DataType.FLOAT`: every tensor of the built-in models is float32. */
const FLOAT_ELEM_TYPE = 1;

/** Opset of the generated graphs (the one torch exports by default for these operators). */
export const BUILTIN_OPSET = 13;

/** ONNX IR version written (onnx 1.10+); opset 13 needs IR 7 or later, and onnxruntime reads 8. */
const IR_VERSION = 8;

/** Name of the image input, as torch exports name it when `input_names` is not given. */
export const BUILTIN_INPUT_NAME = 'input';

/** Symbolic name of the batch axis of the input and outputs. */
const BATCH_AXIS = 'batch';

/** Attribute values a node may carry: an integer, a float, or a list of integers. */
export type AttributeValue = number | readonly number[];

/** Attributes and output count of one node. */
export interface NodeOptions {
  /** Integer (or integer list) attributes, such as `kernel_shape` or `strides`. */
  ints?: Record<string, AttributeValue>;
  /** Number of outputs (Split); default 1. */
  outputs?: number;
}

/** Little-endian float32 bytes of `values`, the byte order `TensorProto.raw_data` requires on any host. */
function float32LittleEndian(values: Float32Array): Uint8Array {
  const bytes = new Uint8Array(values.length * Float32Array.BYTES_PER_ELEMENT);
  const view = new DataView(bytes.buffer);
  for (let i = 0; i < values.length; i++) view.setFloat32(i * Float32Array.BYTES_PER_ELEMENT, values[i], true);
  return bytes;
}

/**
 * Accumulates nodes and initializers of one float32 graph with a single `[batch, …]` image input,
 * then serializes it to ONNX bytes. Serialization is deterministic: the same calls give the same
 * bytes (protobuf fields are written in declaration order, tensors as little-endian `raw_data`).
 *
 * @example
 * const g = new GraphBuilder('vvs_pixels', 'downsampled pixels', [3, 224, 224]);
 * const out = g.node('pixels', 'AveragePool', [g.input], { ints: { kernel_shape: [8, 8], strides: [8, 8] } })[0];
 * const bytes = g.encode(out, [3, 28, 28]);
 */
export class GraphBuilder {
  /** Name of the graph's image input tensor. */
  readonly input = BUILTIN_INPUT_NAME;

  private readonly nodes: onnxProto.onnx.INodeProto[] = [];
  private readonly initializers: onnxProto.onnx.ITensorProto[] = [];
  /** Per scope, how many nodes of each op type it already holds (torch suffixes repeats `_1`, `_2`). */
  private readonly opCounts = new Map<string, number>();

  /**
   * @param name - the graph's name.
   * @param docString - what the model computes (kept in the file for anyone inspecting it).
   * @param inputShape - input dimensions after the batch axis, e.g. `[3, 224, 224]`.
   */
  constructor(
    private readonly name: string,
    private readonly docString: string,
    private readonly inputShape: readonly number[],
  ) {}

  /**
   * Adds a node in module scope `module` (dotted path, `stage1.conv`) and returns its output names.
   * The node is named `/stage1/conv/Conv` (`…/Conv_1` for a second Conv in the same scope) and its
   * k-th output `<node name>_output_<k>`, as the torch exporter names them.
   */
  node(module: string, opType: string, inputs: readonly string[], options: NodeOptions = {}): string[] {
    // Plain attribute names (no numeric container indices) make one scope segment each.
    const scope = `/${module.split('.').join('/')}`;
    const key = `${scope}/${opType}`;
    const count = this.opCounts.get(key) ?? 0;
    this.opCounts.set(key, count + 1);
    const nodeName = count === 0 ? key : `${key}_${count}`;
    const output = Array.from({ length: options.outputs ?? 1 }, (_, k) => `${nodeName}_output_${k}`);
    const { INT, INTS } = onnx.AttributeProto.AttributeType;
    const attribute = Object.entries(options.ints ?? {}).map(([attrName, value]) =>
      typeof value === 'number'
        ? onnx.AttributeProto.create({ name: attrName, type: INT, i: value })
        : onnx.AttributeProto.create({ name: attrName, type: INTS, ints: [...value] }),
    );
    this.nodes.push(onnx.NodeProto.create({ name: nodeName, opType, input: [...inputs], output, attribute }));
    return output;
  }

  /** Adds a float32 constant (a weight) named `name` with shape `dims`, and returns its name. */
  initializer(name: string, dims: readonly number[], values: Float32Array): string {
    const expected = dims.reduce((a, b) => a * b, 1);
    if (values.length !== expected) {
      throw new RangeError(`initializer ${name}: expected ${expected} values for dims [${dims.join(', ')}], got ${values.length}`);
    }
    this.initializers.push(onnx.TensorProto.create({ name, dims: [...dims], dataType: FLOAT_ELEM_TYPE, rawData: float32LittleEndian(values) }));
    return name;
  }

  /** Serializes the graph with `output` (of shape `[batch, ...outputShape]`) as its graph output. */
  encode(output: string, outputShape: readonly number[]): Uint8Array {
    const valueInfo = (name: string, shape: readonly number[]) =>
      onnx.ValueInfoProto.create({
        name,
        type: { tensorType: { elemType: FLOAT_ELEM_TYPE, shape: { dim: [{ dimParam: BATCH_AXIS }, ...shape.map((dimValue) => ({ dimValue }))] } } },
      });
    const graph = onnx.GraphProto.create({
      name: this.name,
      node: this.nodes,
      initializer: this.initializers,
      input: [valueInfo(this.input, this.inputShape)],
      output: [valueInfo(output, outputShape)],
    });
    const model = onnx.ModelProto.create({
      irVersion: IR_VERSION,
      producerName: 'vvs',
      docString: this.docString,
      opsetImport: [{ domain: '', version: BUILTIN_OPSET }],
      graph,
    });
    return onnx.ModelProto.encode(model).finish();
  }
}
