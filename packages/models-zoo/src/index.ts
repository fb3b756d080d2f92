/**
 * `@vvs/models-zoo`: the scaling-laws seed's models without Python — its PyTorch checkpoints read in
 * TypeScript (zip container, the pickle subset `torch.save` writes), its architectures built as ONNX
 * graphs from their state dicts with the tensor names torch's exporter gives (so the seed's layer
 * names address them), and `loadModel` / `loadBrainModel` by the seed's model ids.
 *
 * @example
 * import { loadBrainModel, readCheckpoint, buildOnnx } from '@vvs/models-zoo';
 *
 * const { stateDict } = await readCheckpoint('resnet18-seed0.pt');
 * const { architecture, bytes } = buildOnnx(stateDict); // 'resnet', an ONNX model
 * const { adapter, commitment } = await loadBrainModel('resnet18_imagenet_full'); // downloads, converts once, caches
 *
 * @packageDocumentation
 */

// PyTorch checkpoints, read and written.
export { readCheckpoint, writeCheckpoint } from './torch/checkpoint.ts';
export type { Checkpoint, ReadCheckpointOptions, StateDictPreference, TensorView, CheckpointValue } from './torch/checkpoint.ts';
export { tensor, numel, contiguousStrides, isFloatDtype, DTYPE_ITEM_SIZE } from './torch/tensor.ts';
export type { Tensor, Dtype, FloatDtype, FloatTensor, Int64Tensor, Int32Tensor, ByteTensor, TensorData } from './torch/tensor.ts';

// Architectures as ONNX graphs.
export { buildOnnx, inferArchitecture, ARCHITECTURES } from './builders/build-onnx.ts';
export type { Architecture, BuildOnnxOptions, BuiltModel } from './builders/build-onnx.ts';
export { buildResNet, inferResNetConfig, looksLikeResNet } from './builders/resnet.ts';
export type { ResNetConfig } from './builders/resnet.ts';
export { buildAlexNet, looksLikeAlexNet } from './builders/alexnet.ts';
export { buildConvNeXt, inferConvNeXtConfig, looksLikeConvNeXt } from './builders/convnext.ts';
export type { ConvNeXtConfig } from './builders/convnext.ts';
export { buildEfficientNet, inferEfficientNetConfig, looksLikeEfficientNet, EFFICIENTNET_STAGE_STRIDES } from './builders/efficientnet.ts';
export type { EfficientNetConfig, MBConvConfig } from './builders/efficientnet.ts';
export type { BuilderOptions } from './builders/options.ts';
export { describeKeys, floatParameter } from './builders/state-dict.ts';
export type { StateDict, StateDictTensor } from './builders/state-dict.ts';
export { TorchOnnxGraph, TORCH_EXPORT_OPSET, INPUT_NAME, BATCH_AXIS, CHANNELS_LAST, CHANNELS_FIRST } from './onnx/graph.ts';
export type { Conv2dOptions, MaxPool2dOptions, Parameter, Dim } from './onnx/graph.ts';

// The seed's models by id.
export { loadModel, SEED_PREPROCESS, ONNX_CACHE_FOLDER } from './load-model.ts';
export type { LoadModelOptions } from './load-model.ts';
export { loadBrainModel, seedCommitment } from './load-brain-model.ts';
export type { SeedBrainModel, SeedCommitment } from './load-brain-model.ts';
export { checkpointFile, checkpointRow, CHECKPOINT_CACHE_FOLDER } from './checkpoint-file.ts';
export type { CheckpointFileOptions } from './checkpoint-file.ts';
