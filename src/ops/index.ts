/**
 * The one list of ops: every op definition, by name. The gradient-check table is checked against
 * it, so an op added here without a test case fails the suite. An op file is one line here, its
 * definitions and builders together; OPS is made from them.
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
import { isOpDef, type OpDef } from '../graph/op.js';
// The list below is this module's own exports: OPS is every op definition among them.
import * as self from './index.js';

export { Abs, abs } from './abs.js';
export { Add, add } from './add.js';
export { AddN, addN } from './addN.js';
export { Assign, AssignAdd, AssignSub, assign, assignAdd, assignSub } from './assign.js';
export { BroadcastLike, BroadcastTo, SumLike, broadcastLike, broadcastTo, sumTo } from './broadcast.js';
export { Cast, cast } from './cast.js';
export { CheckNumerics, checkNumerics } from './checkNumerics.js';
export { Equal, Greater, GreaterEqual, Less, LessEqual, equal, greater, greaterEqual, less, lessEqual } from './compare.js';
export { Constant, constant } from '../graph/constant.js';
export { Div, div } from './div.js';
export { Exp, exp } from './exp.js';
export { ExpandDims, expandDims } from './expandDims.js';
export { Group, group } from './group.js';
export { Identity, StopGradient, identity, stopGradient } from './identity.js';
export { OnesLike, ZerosLike, onesLike, zerosLike } from './like.js';
export { Log, log } from './log.js';
export { Matmul, matmul } from './matmul.js';
export { Maximum, maximum } from './maximum.js';
export { Minimum, minimum } from './minimum.js';
export { Mul, mul } from './mul.js';
export { Neg, neg } from './neg.js';
export { Placeholder, placeholder } from './placeholder.js';
export { Pow, pow } from './pow.js';
export { Relu, relu } from './relu.js';
export { Reshape, reshape } from './reshape.js';
export { Sigmoid, sigmoid } from './sigmoid.js';
export { Softplus, softplus } from './softplus.js';
export { Sqrt, sqrt } from './sqrt.js';
export { Square, square } from './square.js';
export { Squeeze, squeeze } from './squeeze.js';
export { Sub, sub } from './sub.js';
export { Sum, sum } from './sum.js';
export { Tanh, tanh } from './tanh.js';
export { Transpose, transpose } from './transpose.js';
export { Variable, variable } from './variable.js';
export { Where, where } from './where.js';
export { Argmax, argmax } from './argmax.js';
export { Concat, concat } from './concat.js';
export { SigmoidCrossEntropyWithLogits, SoftmaxCrossEntropyWithLogits, sigmoidCrossEntropyWithLogits, softmaxCrossEntropyWithLogits } from './crossEntropy.js';
export { Gather, gather } from './gather.js';
export { LogSoftmax, logSoftmax } from './logSoftmax.js';
export { Max, max } from './max.js';
export { Mean, mean } from './mean.js';
export { Min, min } from './min.js';
export { OneHot, oneHot } from './oneHot.js';
export { Pad, pad } from './pad.js';
export { ScatterAdd, scatterAdd } from './scatterAdd.js';
export { Size, size } from './size.js';
export { Slice, slice } from './slice.js';
export { Softmax, softmax } from './softmax.js';
export { Conv2d, Conv2dBackpropFilter, Conv2dTranspose, conv1d, conv2d, conv2dTranspose, type Conv1dOptions, type Conv2dOptions, type Padding } from './conv2d.js';
export { AvgPool2d, AvgPool2dBackprop, MaxPool2d, MaxPool2dBackprop, MaxPool2dSelect, avgPool2d, globalAvgPool2d, maxPool2d, type Pool2dOptions } from './pool.js';
export { DropoutMask, RandomDraw, dropout, randomNormal, randomUniform, type DropoutOptions, type RandomOptions } from './random.js';
export { batchNormalization, layerNorm, moments } from './normalization.js';
export { Cos, Sin, cos, sin } from './trig.js';
export { Erf, erf } from './erf.js';
export { Expm1, Log1p, expm1, log1p } from './log1p.js';
export { Floor, Round, Sign, floor, round, sign } from './rounding.js';
export { Cumsum, cumsum } from './cumsum.js';
export { SparseSoftmaxCrossEntropyWithLogits, sparseSoftmaxCrossEntropyWithLogits } from './sparseCrossEntropy.js';
export { clip, elu, gelu, leakyRelu, selu } from './activations.js';
export { argmin, logSumExp, norm } from './reductions.js';
export { Prod, prod } from './prod.js';

/**
 * Every op definition exported above, in order of op name (so that no loader's order of a
 * namespace's keys shows through). The names are read without their values (Object.keys would read
 * OPS itself, not defined yet), and OPS is skipped.
 */
export const OPS: readonly OpDef[] = Reflect.ownKeys(self)
  .filter((k): k is string => typeof k === 'string' && k !== 'OPS')
  .map((k) => (self as Record<string, unknown>)[k])
  .filter(isOpDef)
  .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
