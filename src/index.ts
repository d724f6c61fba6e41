/** dagrad's public API, by name: the table of contents. */
export type { DType, TypedArray } from './graph/dtype.js';
export type { Dim, Shape, ConcreteShape } from './graph/shape.js';
export { ShapeError, broadcastShapes, formatShape } from './graph/shape.js';
export { isOp, Node, type Operand } from './graph/node.js';
export { defineOp, type OpDef, type OpKind, type TensorType } from './graph/op.js';
export { apply, sameDType } from './graph/apply.js';
export { topoSort } from './graph/topo.js';
export { gradients, jvp, GradientError, type GradientsOptions } from './autodiff/gradients.js';
export { NumericsError } from './session/numerics.js';
export { captureCreationSites } from './graph/debug.js';
export {
  Session, evaluate, type Feeds, type Fetches, type Plan, type PlanMemory, type Results, type RunOptions, type SessionOptions, type Step,
} from './session/session.js';
export { toNdArray, toNested, toFlat, type Input, type NestedArray } from './graph/tensor.js';
export { Rng } from './graph/random.js';
export type { Initializer } from './init/initializers.js';
import * as init from './init/initializers.js';
export { init };
export { gradcheck, type GradcheckOptions, type GradcheckReport, type InputReport } from './check/gradcheck.js';
export {
  OPS,
  add, addN, assign, assignAdd, assignSub, broadcastLike, broadcastTo, cast, checkNumerics, constant, div, exp, expandDims, group,
  identity, log, matmul, mul, neg, onesLike, placeholder, reshape, squeeze, stopGradient, sub, sum, sumTo,
  transpose, variable, zerosLike,
  abs, equal, greater, greaterEqual, less, lessEqual, maximum, minimum, pow, relu, sigmoid, softplus, sqrt,
  square, tanh, where,
  argmax, concat, gather, logSoftmax, max, mean, min, oneHot, pad, scatterAdd, sigmoidCrossEntropyWithLogits, size,
  slice, softmax, softmaxCrossEntropyWithLogits,
} from './ops/index.js';
export {
  Optimizer, SGD, Adagrad, RMSProp, Adam, AdamW, clipByGlobalNorm, stepDecay, exponentialDecay, cosineDecay, isSchedule,
  trainableVariables, variablesOf,
  type GradAndVar, type LearningRate, type OptimizerOptions, type UpdateContext, type SGDOptions, type AdagradOptions,
  type RMSPropOptions, type AdamOptions, type AdamWOptions, type ClippedGradients, type Schedule,
} from './optim/index.js';
export { jacobian, type JacobianOptions } from './autodiff/jacobian.js';
export { hessian, hessianVectorProduct, derivative } from './autodiff/hessian.js';
export { modeCost, type ModeCost, type ModeRun } from './check/modeCost.js';
export {
  checkOp, OpCheckError, type OpCase, type CheckOpOptions, type OpCaseReport, type OpCheckReport,
} from './check/checkOp.js';
export { toExpression, countNodes, type ExpressionOptions } from './symbolic/print.js';
export { differentiate, type DifferentiateOptions } from './symbolic/differentiate.js';
export { fromNode, formatExpr, evaluateExpr, exprSize, type Expr } from './symbolic/expr.js';
export { forwardTrace, tangentTrace, adjointTrace, traceLabel, type Trace, type TraceRow, type TraceKind, type TraceOptions } from './trace/trace.js';
export { formatTrace, formatTable, formatValue } from './trace/format.js';
export { setWasmEnabled, wasmEnabled, wasmArena, defaultArena, WasmArena } from './wasm/runtime.js';
export { toDot, type DotOptions } from './visualize/dot.js';
export { FLOATS } from './graph/apply.js';
export { map1, map2, map3, unary, binary, type UnaryKernel, type BinaryKernel, type Formula } from './kernels/elementwise.js';
export { elementwise, type ElementwiseOp, type ElementwiseSpec } from './ops/elementwise.js';
export { bySlope } from './ops/slope.js';
export {
  saveCheckpointBytes, loadCheckpointBytes, readCheckpointBytes, CheckpointError,
  type LoadOptions, type CheckpointNameOptions,
} from './checkpoint/checkpoint.js';
export { crc32 } from './checkpoint/crc32.js';
export { scope, currentScope, scopedName } from './graph/scope.js';
export {
  conv1d, conv2d, conv2dTranspose, maxPool2d, avgPool2d, globalAvgPool2d, randomUniform, randomNormal, dropout,
  moments, batchNormalization, layerNorm,
  type Conv1dOptions, type Conv2dOptions, type Padding, type Pool2dOptions, type DropoutOptions, type RandomOptions,
} from './ops/index.js';
import * as nn from './nn/index.js';
export { nn };
export {
  sin, cos, erf, log1p, expm1, sign, floor, round, cumsum, sparseSoftmaxCrossEntropyWithLogits, clip, elu, gelu, leakyRelu, selu,
  argmin, logSumExp, norm, prod,
} from './ops/index.js';
