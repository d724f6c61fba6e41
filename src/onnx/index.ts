/**
 * dagrad/onnx: ONNX as dagrad's graph file. toOnnx writes a graph (inference, gradients, or a whole
 * training step with the optimizer's state as inputs and outputs) as standard ONNX for ONNX Runtime;
 * fromOnnx reads it back (or a common inference model from elsewhere) as dagrad nodes.
 */
export { toOnnx, toOnnxModel, OPSET, DAGRAD_DOMAIN, type ToOnnxOptions } from './toOnnx.js';
export { LOWERINGS } from './lowerings.js';
export type { OnnxAttr, OnnxEmitter } from '../graph/op.js';
export { initialState, type StateValue } from './state.js';
export { fromOnnx, OnnxImportError, type FromOnnxOptions, type OnnxGraph } from './fromOnnx.js';
