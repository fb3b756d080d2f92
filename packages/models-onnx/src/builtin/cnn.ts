/**
 * `cnn`: a small four-stage convolutional network with seeded random weights — an untrained
 * hierarchical baseline whose layers can be compared with trained networks' without downloading any.
 */
import { GraphBuilder } from './graph-builder.ts';
import { BUILTIN_INPUT_SHAPE } from './input.ts';
import { mulberry32, normalFill } from './random.ts';

/** One stage: `Conv(kernel, stride, padding = kernel/2) → ReLU → MaxPool(2, stride 2)`. */
interface CnnStage {
  readonly channels: number;
  readonly kernel: number;
  readonly stride: number;
}

/**
 * The stages, widening as resolution falls, like the first stages of a ResNet/VGG: a 7×7 stride-2
 * stem, then 3×3 convolutions. With the 2×2 pooling of every stage the grid goes 224 → 56 → 28 → 14 → 7.
 */
const CNN_STAGES: readonly CnnStage[] = [
  { channels: 16, kernel: 7, stride: 2 },
  { channels: 32, kernel: 3, stride: 1 },
  { channels: 64, kernel: 3, stride: 1 },
  { channels: 128, kernel: 3, stride: 1 },
];

/** Window and stride of each stage's max pooling. */
const CNN_POOL = 2;

/** Seed of the weights when none is given. */
export const DEFAULT_CNN_SEED = 0;

/** Shapes after the batch axis of the `cnn` model's stage outputs and final average pooling. */
export const CNN_SHAPES = {
  stage1: [16, 56, 56],
  stage2: [32, 28, 28],
  stage3: [64, 14, 14],
  stage4: [128, 7, 7],
  avgpool: [128, 1, 1],
} as const;

/**
 * Serializes the `cnn` model with weights drawn from `seed`. Each stage `stage<k>` is a module with
 * children `conv` (no bias), `relu` and `pool`; the stage's output is its pool's. The final `avgpool`
 * is a global average pooling. Shapes (batch first) are in {@link CNN_SHAPES}.
 *
 * Weights are He-normal (He et al., 2015, `torch.nn.init.kaiming_normal_` with fan_in and ReLU gain):
 * N(0, 2 / fan_in) with fan_in = in_channels · kernel², which keeps activation variance roughly
 * constant through the ReLU stages. They are drawn stage by stage, in row-major weight order, by
 * Box–Muller from mulberry32 seeded with `seed`, so the same seed gives byte-identical models.
 *
 * @example
 * const model = await OnnxModel.fromBytes(cnnModel(1), 'builtin:cnn');
 * model.leafLayers(); // ['stage1.conv', 'stage1.relu', 'stage1.pool', 'stage2.conv', …, 'avgpool']
 */
export function cnnModel(seed: number = DEFAULT_CNN_SEED): Uint8Array {
  const uniform = mulberry32(seed);
  const graph = new GraphBuilder('vvs_cnn', `4-stage CNN with He-normal random weights (seed ${seed})`, BUILTIN_INPUT_SHAPE);
  let activation = graph.input;
  let inChannels: number = BUILTIN_INPUT_SHAPE[0];
  CNN_STAGES.forEach(({ channels, kernel, stride }, index) => {
    const stage = `stage${index + 1}`;
    const fanIn = inChannels * kernel * kernel;
    const weights = normalFill(new Float32Array(channels * fanIn), Math.sqrt(2 / fanIn), uniform);
    const weight = graph.initializer(`${stage}.conv.weight`, [channels, inChannels, kernel, kernel], weights);
    const padding = Math.floor(kernel / 2);
    [activation] = graph.node(`${stage}.conv`, 'Conv', [activation, weight], {
      ints: { kernel_shape: [kernel, kernel], strides: [stride, stride], pads: [padding, padding, padding, padding] },
    });
    [activation] = graph.node(`${stage}.relu`, 'Relu', [activation]);
    [activation] = graph.node(`${stage}.pool`, 'MaxPool', [activation], {
      ints: { kernel_shape: [CNN_POOL, CNN_POOL], strides: [CNN_POOL, CNN_POOL] },
    });
    inChannels = channels;
  });
  const [avgpool] = graph.node('avgpool', 'GlobalAveragePool', [activation]);
  return graph.encode(avgpool, CNN_SHAPES.avgpool);
}
