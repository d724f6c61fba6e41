/**
 * The one list of ops: every op definition, by name. The gradient-check table is checked against
 * it, so an op added here without a test case fails the suite.
 *
 * One calling convention for every builder (test/ops/convention.test.ts holds each to it):
 * 1. tensors positional: a Node or number (Operand), or one list of them (addN, concat, group);
 * 2. then the op's required defining parameters, when it has any: reshape's and broadcastTo's
 *    shape, cast's dtype, oneHot's depth, slice's begin and size, pad's paddings, expandDims' axes
 *    (placeholder(name, shape) and variable(name, initial) keep their name first: it is required);
 * 3. then ONE optional options object with everything else: axis/axes, keepDims, perm, transposeA/B,
 *    value, an optional dtype, and `name`:  sum(x, { axes: 1, keepDims: true, name: 'total' }).
 * Ops whose two same-typed tensors are easy to swap take one named-arguments object instead:
 * softmaxCrossEntropyWithLogits({ labels, logits, axis?, name? }), so a swap cannot pass silently.
 */
import type { OpDef } from '../graph/op.js';
import { Abs } from './abs.js';
import { Add } from './add.js';
import { AddN } from './addN.js';
import { Assign, AssignAdd, AssignSub } from './assign.js';
import { BroadcastLike, BroadcastTo, SumLike } from './broadcast.js';
import { Cast } from './cast.js';
import { CheckNumerics } from './checkNumerics.js';
import { Equal, Greater, GreaterEqual, Less, LessEqual } from './compare.js';
import { Constant } from '../graph/constant.js';
import { Div } from './div.js';
import { Exp } from './exp.js';
import { ExpandDims } from './expandDims.js';
import { Group } from './group.js';
import { Identity, StopGradient } from './identity.js';
import { OnesLike, ZerosLike } from './like.js';
import { Log } from './log.js';
import { Matmul } from './matmul.js';
import { Maximum } from './maximum.js';
import { Minimum } from './minimum.js';
import { Mul } from './mul.js';
import { Neg } from './neg.js';
import { Placeholder } from './placeholder.js';
import { Pow } from './pow.js';
import { Relu } from './relu.js';
import { Reshape } from './reshape.js';
import { Sigmoid } from './sigmoid.js';
import { Softplus } from './softplus.js';
import { Sqrt } from './sqrt.js';
import { Square } from './square.js';
import { Squeeze } from './squeeze.js';
import { Sub } from './sub.js';
import { Sum } from './sum.js';
import { Tanh } from './tanh.js';
import { Transpose } from './transpose.js';
import { Variable } from './variable.js';
import { Where } from './where.js';
import { Argmax } from './argmax.js';
import { Concat } from './concat.js';
import { SigmoidCrossEntropyWithLogits, SoftmaxCrossEntropyWithLogits } from './crossEntropy.js';
import { Gather } from './gather.js';
import { LogSoftmax } from './logSoftmax.js';
import { Max } from './max.js';
import { Mean } from './mean.js';
import { Min } from './min.js';
import { OneHot } from './oneHot.js';
import { Pad } from './pad.js';
import { ScatterAdd } from './scatterAdd.js';
import { Size } from './size.js';
import { Slice } from './slice.js';
import { Softmax } from './softmax.js';
import { Conv2d, Conv2dBackpropFilter, Conv2dTranspose } from './conv2d.js';
import { DropoutMask, RandomDraw } from './random.js';
import { Cos, Sin } from './trig.js';
import { Erf } from './erf.js';
import { Expm1, Log1p } from './log1p.js';
import { Floor, Round, Sign } from './rounding.js';
import { Cumsum } from './cumsum.js';
import { SparseSoftmaxCrossEntropyWithLogits } from './sparseCrossEntropy.js';
import { AvgPool2d, AvgPool2dBackprop, MaxPool2d, MaxPool2dBackprop, MaxPool2dSelect } from './pool.js';

export const OPS: readonly OpDef[] = [
  // sources and state
  Constant, Placeholder, Variable, Assign, AssignAdd, AssignSub, Group,
  // elementwise
  Add, Sub, Mul, Div, Neg, Exp, Log,
  Pow, Sqrt, Square, Abs, Sigmoid, Tanh, Relu, Softplus, Maximum, Minimum, Where,
  // comparisons (no gradient)
  Greater, GreaterEqual, Less, LessEqual, Equal,
  // linear algebra
  Matmul, Transpose,
  // reductions
  Sum,
  Mean, Max, Min, Argmax, Size,
  // shape
  Reshape, BroadcastTo, BroadcastLike, SumLike, ExpandDims, Squeeze,
  Concat, Slice, Pad, Gather, ScatterAdd,
  // neural networks
  Softmax, LogSoftmax, SigmoidCrossEntropyWithLogits, SoftmaxCrossEntropyWithLogits, OneHot,
  // convolution and pooling
  Conv2d, Conv2dTranspose, Conv2dBackpropFilter, MaxPool2d, MaxPool2dBackprop, MaxPool2dSelect, AvgPool2d, AvgPool2dBackprop,
  // more elementwise, scans, sparse labels
  Sin, Cos, Erf, Log1p, Expm1, Sign, Floor, Round, Cumsum, SparseSoftmaxCrossEntropyWithLogits,
  // random (stateful)
  RandomDraw, DropoutMask,
  // dtype
  Cast,
  // structural
  Identity, StopGradient, OnesLike, ZerosLike, AddN,
  // debugging
  CheckNumerics,
];

export { abs } from './abs.js';
export { add } from './add.js';
export { addN } from './addN.js';
export { assign, assignAdd, assignSub } from './assign.js';
export { broadcastLike, broadcastTo, sumTo } from './broadcast.js';
export { cast } from './cast.js';
export { checkNumerics } from './checkNumerics.js';
export { equal, greater, greaterEqual, less, lessEqual } from './compare.js';
export { constant } from '../graph/constant.js';
export { div } from './div.js';
export { exp } from './exp.js';
export { expandDims } from './expandDims.js';
export { group } from './group.js';
export { identity, stopGradient } from './identity.js';
export { onesLike, zerosLike } from './like.js';
export { log } from './log.js';
export { matmul } from './matmul.js';
export { maximum } from './maximum.js';
export { minimum } from './minimum.js';
export { mul } from './mul.js';
export { neg } from './neg.js';
export { placeholder } from './placeholder.js';
export { pow } from './pow.js';
export { relu } from './relu.js';
export { reshape } from './reshape.js';
export { sigmoid } from './sigmoid.js';
export { softplus } from './softplus.js';
export { sqrt } from './sqrt.js';
export { square } from './square.js';
export { squeeze } from './squeeze.js';
export { sub } from './sub.js';
export { sum } from './sum.js';
export { tanh } from './tanh.js';
export { transpose } from './transpose.js';
export { variable } from './variable.js';
export { where } from './where.js';
export { argmax } from './argmax.js';
export { concat } from './concat.js';
export { sigmoidCrossEntropyWithLogits, softmaxCrossEntropyWithLogits } from './crossEntropy.js';
export { gather } from './gather.js';
export { logSoftmax } from './logSoftmax.js';
export { max } from './max.js';
export { mean } from './mean.js';
export { min } from './min.js';
export { oneHot } from './oneHot.js';
export { pad } from './pad.js';
export { scatterAdd } from './scatterAdd.js';
export { size } from './size.js';
export { slice } from './slice.js';
export { softmax } from './softmax.js';
export { conv1d, conv2d, conv2dTranspose, type Conv1dOptions, type Conv2dOptions, type Padding } from './conv2d.js';
export { avgPool2d, globalAvgPool2d, maxPool2d, type Pool2dOptions } from './pool.js';
export { dropout, randomNormal, randomUniform, type DropoutOptions, type RandomOptions } from './random.js';
export { batchNormalization, layerNorm, moments } from './normalization.js';
export { cos, sin } from './trig.js';
export { erf } from './erf.js';
export { expm1, log1p } from './log1p.js';
export { floor, round, sign } from './rounding.js';
export { cumsum } from './cumsum.js';
export { sparseSoftmaxCrossEntropyWithLogits } from './sparseCrossEntropy.js';
export { clip, elu, gelu, leakyRelu, selu } from './activations.js';
export { argmin, logSumExp, norm } from './reductions.js';
