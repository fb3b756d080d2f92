// ONNX models addressed by their authors' layer names.
export { OnnxModel } from './onnx-model.ts';
export type { OnnxModelOptions, OnnxInputInfo, LayerActivation } from './onnx-model.ts';
export { moduleTensors } from './layer-names.ts';
export type { ModuleTensor } from './layer-names.ts';

// Brain-Score's image preprocessing (and the scaling-laws seed's variant).
export {
  DEFAULT_INPUT_SIZE,
  DEFAULT_VISUAL_DEGREES,
  IMAGENET_MEAN,
  IMAGENET_STD,
  SCREEN_GRAY,
  SHORTER_SIDE_RATIO,
  preprocessImage,
  preprocessBatch,
} from './preprocess.ts';
export type { ResizeMode, PreprocessOptions, PreprocessedBatch } from './preprocess.ts';
