/** Layers, a sequential model and its training loop. */
export {
  Layer, Dense, Conv2D, MaxPool2D, AvgPool2D, GlobalAvgPool2D, Flatten, Dropout, BatchNorm, LayerNorm, Embedding, ActivationLayer,
  activate, type Activation, type CallContext, type DenseOptions, type Conv2dLayerOptions, type BatchNormOptions,
} from './layers.js';
export { Sequential, sequential } from './sequential.js';
export { fit, evaluate, predict, type Data, type EarlyStopping, type EpochLogs, type FitOptions, type History, type Loss, type ProgressSink } from './fit.js';
