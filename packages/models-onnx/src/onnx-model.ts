/**
 * An ONNX vision model whose internal tensors can be read by PyTorch module path, the way
 * Brain-Score's `PytorchWrapper` reads layer activations through forward hooks.
 */
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { InputError, closestMatches } from '@vvs/core';
import ort from 'onnxruntime-node';
import onnxProto from 'onnx-proto';
import { DEFAULT_DEVICE, createDeviceSession } from './device.ts';
import type { Device, DeviceFallback, ExecutionDevice } from './device.ts';
import { moduleTensors } from './layer-names.ts';
import type { ModuleTensor } from './layer-names.ts';

const { onnx } = onnxProto;

/** ONNX `TensorProto.DataType.FLOAT`: the element type declared for added layer outputs. */
const FLOAT_ELEM_TYPE = 1;

/** Session settings a caller may override; the rest are onnxruntime's defaults. */
export interface OnnxModelOptions {
  /**
   * onnxruntime graph optimisation level; default `'all'` (onnxruntime's own default). Fusions never
   * swallow a requested layer: onnxruntime keeps every graph output, and layers are graph outputs here.
   */
  graphOptimizationLevel?: 'disabled' | 'basic' | 'extended' | 'layout' | 'all';
  /** Threads per operator on the CPU (a positive integer); default: onnxruntime's choice (all physical cores). */
  intraOpNumThreads?: number;
  /**
   * Execution device (onnxruntime's execution provider); default {@link DEFAULT_DEVICE} (`'cpu'`).
   * `'auto'` takes the first of CUDA, WebGPU and the CPU that starts ({@link OnnxModel.device} says
   * which); an explicit device that cannot start raises a `DeviceUnavailableError`.
   */
  device?: Device;
  /**
   * Read the graph only (layer names, tensors, content hash) and start no onnxruntime session: for a
   * thread that names layers while other threads run the model, which then holds no copy of the
   * weights there. {@link OnnxModel.run} refuses such a model, and {@link OnnxModel.device} reports
   * `'cpu'` without having settled anything; onnxruntime's own checks happen where the model runs.
   */
  graphOnly?: boolean;
}

/** The model's image input: its name and dimensions (a string for a symbolic axis such as `batch`). */
export interface OnnxInputInfo {
  readonly name: string;
  readonly dims: readonly (number | string)[];
}

/** One activation tensor, row-major (C order) as onnxruntime returns it. */
export interface LayerActivation {
  dims: number[];
  data: Float32Array;
}

/** `dim_value` / `dim_param` of a tensor shape, as protobufjs decodes it (int64 may be a Long). */
function dimOf(dim: onnxProto.onnx.TensorShapeProto.IDimension): number | string {
  if (dim.dimParam) return dim.dimParam;
  return dim.dimValue === undefined || dim.dimValue === null ? '?' : Number(dim.dimValue);
}

/**
 * A torch-exported ONNX model run with onnxruntime-node, whose layers are addressed by PyTorch
 * module path (`layer3.0.conv2`) or by raw ONNX tensor name. Reading a layer adds its tensor as an
 * extra graph output — the ONNX counterpart of a PyTorch forward hook — and one onnxruntime session
 * is cached per distinct set of extra outputs.
 *
 * @example
 * const model = await OnnxModel.load('resnet18.onnx');
 * model.layers().slice(0, 3); // ['conv1', 'bn1', 'relu']
 * const out = await model.run(pixels, [2, 3, 224, 224], ['layer4.0.bn1', 'avgpool']);
 * out.get('avgpool')!.dims; // [2, 512, 1, 1]
 */
export class OnnxModel {
  /** The file the model was read from, or the name given to {@link OnnxModel.fromBytes} (named in errors). */
  readonly path: string;
  /** The image input's name and dimensions. */
  readonly inputInfo: OnnxInputInfo;
  /** Names of the graph's own outputs (`logits`). */
  readonly outputNames: readonly string[];
  /** Hex SHA-256 of the serialized model: identifies its weights and graph in activation cache keys. */
  readonly sha256: string;

  private readonly proto: onnxProto.onnx.ModelProto;
  private readonly modules: Map<string, ModuleTensor>;
  private readonly tensors: Set<string>;
  private readonly options: OnnxModelOptions;
  private readonly sessions = new Map<string, Promise<ort.InferenceSession>>();
  private executionDevice: ExecutionDevice = 'cpu';
  private skippedDevices: readonly DeviceFallback[] = [];

  private constructor(path: string, proto: onnxProto.onnx.ModelProto, sha256: string, options: OnnxModelOptions) {
    this.path = path;
    this.proto = proto;
    this.sha256 = sha256;
    this.options = options;
    const graph = proto.graph!;
    // protobufjs leaves absent fields undefined; a decoded repeated field defaults to [].
    const initializers = new Set((graph.initializer ?? []).map((t) => t.name ?? ''));
    const inputs = (graph.input ?? []).filter((i) => !initializers.has(i.name ?? ''));
    if (inputs.length !== 1) {
      throw new InputError(`${path}: expected a model with one image input, found ${inputs.length} (${inputs.map((i) => i.name).join(', ')})`, { file: path });
    }
    const shape = inputs[0].type?.tensorType?.shape?.dim ?? [];
    this.inputInfo = { name: inputs[0].name ?? '', dims: shape.map(dimOf) };
    this.outputNames = (graph.output ?? []).map((o) => o.name ?? '');
    this.modules = moduleTensors(graph);
    this.tensors = new Set((graph.node ?? []).flatMap((n) => n.output ?? []).filter((t) => t.length > 0));
  }

  /**
   * Reads and validates an `.onnx` file; a missing, unreadable, truncated or otherwise invalid file
   * raises an {@link InputError} naming it (onnxruntime parses the model once here, so a corrupt
   * file fails at load rather than at the first batch).
   *
   * @example
   * const model = await OnnxModel.load('alexnet.onnx', { intraOpNumThreads: 1 });
   */
  static async load(path: string, options: OnnxModelOptions = {}): Promise<OnnxModel> {
    let bytes: Uint8Array;
    try {
      bytes = await readFile(path);
    } catch (cause) {
      const reason = (cause as NodeJS.ErrnoException).code === 'ENOENT' ? 'file not found' : String(cause);
      throw new InputError(`cannot read ONNX model ${path}: ${reason}`, { file: path, cause });
    }
    return OnnxModel.fromBytes(bytes, path, options);
  }

  /**
   * Validates a serialized ONNX model held in memory (such as a generated built-in model) and loads
   * it; `name` stands for the file in {@link path} and in errors. Invalid bytes raise an
   * {@link InputError} naming it, exactly as {@link OnnxModel.load} does for a file; a device that
   * cannot start raises a `DeviceUnavailableError`, and an `intraOpNumThreads` that is not a
   * positive integer a RangeError.
   *
   * @example
   * const model = await OnnxModel.fromBytes(builtinModel('gabor'), 'builtin:gabor');
   * model.layers(); // ['grayscale', 'filters', 'simple', 'complex']
   */
  static async fromBytes(bytes: Uint8Array, name: string, options: OnnxModelOptions = {}): Promise<OnnxModel> {
    const { intraOpNumThreads } = options;
    if (intraOpNumThreads !== undefined && (!Number.isSafeInteger(intraOpNumThreads) || intraOpNumThreads < 1)) {
      throw new RangeError(`intraOpNumThreads: expected a positive integer, got ${intraOpNumThreads}`);
    }
    let proto: onnxProto.onnx.ModelProto;
    try {
      proto = onnx.ModelProto.decode(bytes);
    } catch (cause) {
      throw new InputError(`${name} is not a valid ONNX model (truncated or corrupt file?): ${(cause as Error).message}`, { file: name, cause });
    }
    if (!proto.graph?.node?.length) {
      throw new InputError(`${name} is not a valid ONNX model: it holds no graph`, { file: name });
    }
    const model = new OnnxModel(name, proto, createHash('sha256').update(bytes).digest('hex'), options);
    if (options.graphOnly === true) return model;
    // The first session settles the device (trying each for 'auto'); later sessions reuse it.
    const { session, device, fallbacks } = await createDeviceSession(bytes, options.device ?? DEFAULT_DEVICE, model.sessionOptions()).catch(
      (cause: unknown) => {
        throw model.loadError(cause);
      },
    );
    model.sessions.set('', Promise.resolve(session));
    model.executionDevice = device;
    model.skippedDevices = fallbacks;
    return model;
  }

  /** The device the model runs on: the one asked for, or what `'auto'` resolved to. */
  get device(): ExecutionDevice {
    return this.executionDevice;
  }

  /** The devices `'auto'` tried before {@link device} and why each did not start (empty otherwise). */
  get deviceFallbacks(): readonly DeviceFallback[] {
    return this.skippedDevices;
  }

  /** Module paths of the model in `named_modules()` order (containers before their children). */
  layers(): string[] {
    return [...this.modules.keys()];
  }

  /** Module paths of the leaf modules only (those Brain-Score layer lists usually name). */
  leafLayers(): string[] {
    return [...this.modules.values()].filter((m) => m.leaf).map((m) => m.path);
  }

  /**
   * The ONNX tensor holding a layer's output: a module path resolves to its last call's output
   * (see {@link moduleTensors}), a raw tensor name (`/layer1/layer1.0/relu/Relu_output_0`) to itself.
   * An unknown name raises an {@link InputError} suggesting up to three close valid names.
   *
   * @example
   * model.resolveLayer('layer1.0.relu'); // '/layer1/layer1.0/relu_1/Relu_output_0'
   */
  resolveLayer(name: string): string {
    const module = this.modules.get(name);
    if (module) return module.tensor;
    if (this.tensors.has(name)) return name;
    const suggestions = closestMatches(name, [...this.modules.keys(), ...this.tensors]);
    const hint = suggestions.length > 0 ? `; did you mean ${suggestions.map((s) => `'${s}'`).join(', ')}?` : '';
    throw new InputError(`unknown layer '${name}' in ${this.path} (${this.modules.size} module paths, or any tensor name)${hint}`, {
      file: this.path,
      field: 'layers',
    });
  }

  /**
   * Runs the model on a float32 batch and returns the requested layers' activations, keyed by the
   * names as requested. Rejects with a RangeError when `input` does not hold `dims`' element count.
   *
   * @example
   * const out = await model.run(pixels, [2, 3, 224, 224], ['features.4', 'avgpool']);
   * out.get('features.4')!.dims; // [2, 192, 27, 27]
   */
  async run(input: Float32Array, dims: readonly number[], layers: readonly string[]): Promise<Map<string, LayerActivation>> {
    const expected = dims.reduce((a, b) => a * b, 1);
    if (input.length !== expected) {
      throw new RangeError(`input: expected ${expected} values for dims [${dims.join(', ')}], got ${input.length}`);
    }
    if (this.options.graphOnly === true) throw new Error(`${this.path} was opened graph-only (graphOnly: true) and cannot run`);
    const tensorOf = new Map(layers.map((layer) => [layer, this.resolveLayer(layer)]));
    const fetches = [...new Set(tensorOf.values())];
    const session = await this.sessionFor(fetches.filter((t) => !this.outputNames.includes(t)));
    const results = await session.run({ [this.inputInfo.name]: new ort.Tensor('float32', input, [...dims]) }, fetches);
    const activations = new Map<string, LayerActivation>();
    for (const [layer, tensor] of tensorOf) {
      const value = results[tensor];
      if (!(value.data instanceof Float32Array)) {
        throw new TypeError(`layer '${layer}' (${tensor}): expected a float32 tensor, got ${value.type}`);
      }
      activations.set(layer, { dims: [...value.dims], data: value.data });
    }
    return activations;
  }

  /** Releases every cached onnxruntime session. */
  async dispose(): Promise<void> {
    const sessions = [...this.sessions.values()];
    this.sessions.clear();
    await Promise.all(sessions.map(async (s) => (await s).release()));
  }

  private sessionOptions(): ort.InferenceSession.SessionOptions {
    const { graphOptimizationLevel, intraOpNumThreads } = this.options;
    return {
      ...(graphOptimizationLevel ? { graphOptimizationLevel } : {}),
      ...(intraOpNumThreads ? { intraOpNumThreads } : {}),
    };
  }

  /** onnxruntime's refusal of the model as an InputError naming it; device errors pass unchanged. */
  private loadError(cause: unknown): unknown {
    if (cause instanceof InputError) return cause;
    return new InputError(`${this.path}: onnxruntime cannot load the model: ${(cause as Error).message}`, { file: this.path, cause });
  }

  /** A session for a variant of the model (extra outputs) on the device the first session settled. */
  private createSession(bytes: Uint8Array): Promise<ort.InferenceSession> {
    return ort.InferenceSession.create(bytes, { ...this.sessionOptions(), executionProviders: [this.executionDevice] }).catch((cause: unknown) => {
      throw this.loadError(cause);
    });
  }

  /** The session whose graph outputs include `extraOutputs` (cached by the sorted set). */
  private sessionFor(extraOutputs: string[]): Promise<ort.InferenceSession> {
    const sorted = [...extraOutputs].sort();
    const key = sorted.join('\n');
    let session = this.sessions.get(key);
    if (!session) {
      const graph = onnx.GraphProto.create({
        ...this.proto.graph!,
        output: [
          ...(this.proto.graph!.output ?? []),
          ...sorted.map((name) => onnx.ValueInfoProto.create({ name, type: { tensorType: { elemType: FLOAT_ELEM_TYPE } } })),
        ],
      });
      const model = onnx.ModelProto.create({ ...this.proto, graph });
      session = this.createSession(onnx.ModelProto.encode(model).finish());
      this.sessions.set(key, session);
    }
    return session;
  }
}
