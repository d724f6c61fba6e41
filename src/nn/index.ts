/** Layers (as functions and as classes), a sequential model, a summary and the training loop. */
export {
  dense, conv2d, batchNorm, layerNorm, dropout, embedding, chain, trainingFlag, layerOf, layersOf, updatesOf, trainingFlagsOf, activate,
  type Activation, type BatchNormLayerOptions, type Conv2dLayerFnOptions, type DenseLayerOptions, type LayerRecord,
} from './functional.js';
export {
  Layer, Dense, Conv2D, MaxPool2D, AvgPool2D, GlobalAvgPool2D, Flatten, Dropout, BatchNorm, LayerNorm, Embedding, ActivationLayer,
  type CallContext, type DenseOptions, type Conv2dLayerOptions, type BatchNormOptions,
} from './layers.js';
export { Sequential, sequential } from './sequential.js';
export { summary } from './summary.js';
export {
  fit, evaluate, predict, type BatchLogs, type CustomLoss, type Data, type EarlyStopping, type EpochLogs, type FitOptions, type FunctionalModel,
  type History, type Loss, type Model, type ProgressSink,
} from './fit.js';
