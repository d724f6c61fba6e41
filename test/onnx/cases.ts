/**
 * One or more cases per op of OPS, in float32 (what models run in), for the ONNX tests: each is
 * exported alone or in a small graph, with static and with unknown leading dims.
 */
import {
  abs, add, addN, argmax, assign, assignAdd, assignSub, broadcastLike, broadcastTo, cast, concat, constant, div, equal, exp,
  expandDims, gather, greater, greaterEqual, group, identity, less, lessEqual, log, logSoftmax, matmul, max, maximum, mean,
  checkNumerics, min, minimum, mul, neg, oneHot, onesLike, pad, pow, relu, reshape, scatterAdd, sigmoid, sigmoidCrossEntropyWithLogits,
  size, slice, softmax, softmaxCrossEntropyWithLogits, sparseSoftmaxCrossEntropyWithLogits, softplus, sqrt, square, squeeze, stopGradient, sub, sum, sumTo, tanh,
  transpose, variable, where, zerosLike, OPS, type Node, type NestedArray, type OpDef,
  cos, cumsum, erf, expm1, floor, log1p, prod, round, sign, sin,
  apply, avgPool2d, conv2d, conv2dTranspose, dropout, maxPool2d, randomNormal, randomUniform,
} from '../../src/index.js';

const byName = new Map(OPS.map((op) => [op.name, op]));
const op = (name: string): OpDef => byName.get(name)!;

export interface OnnxCase {
  readonly op: OpDef;
  readonly name: string;
  readonly shapes: readonly (readonly number[])[];
  readonly dtypes?: readonly ('float32' | 'int32')[];
  /** Explicit values per input (int32 inputs need them). */
  readonly values?: readonly (NestedArray | undefined)[];
  readonly build: (xs: Node[]) => Node;
  readonly range?: readonly [number, number];
  /** Inputs whose leading dim stays static in the unknown-dims variant (say why at the case). */
  readonly keepStatic?: readonly number[];
}

let uid = 0;
const v32 = (shape: number[]) => variable(`onnx_case_v${uid++}`, { data: new Float32Array(shape.reduce((p, d) => p * d, 1)).map((_, i) => 0.5 + 0.25 * i), shape });

export const CASES: OnnxCase[] = [
  { op: op('placeholder'), name: 'itself', shapes: [[2, 3]], build: ([a]) => a },
  { op: op('constant'), name: 'times a constant', shapes: [[2, 2]], build: ([a]) => mul(a, constant([[1, -2], [3, 0.5]])) },
  { op: op('variable'), name: 'variable times input', shapes: [[3]], build: ([a]) => mul(a, v32([3])) },
  { op: op('assign'), name: 'state update, broadcast value', shapes: [[3]], build: ([a]) => assign(v32([2, 3]), mul(sum(a), a)) },
  { op: op('assignAdd'), name: 'state update', shapes: [[3]], build: ([a]) => assignAdd(v32([3]), sum(a, { keepDims: true })) },
  { op: op('assignSub'), name: 'state update', shapes: [[3]], build: ([a]) => assignSub(v32([3]), mean(a, { keepDims: true })) },
  { op: op('group'), name: 'of two updates', shapes: [[3]], build: ([a]) => { const v = v32([3]); return group([assign(v, mul(v, sum(a))), assignAdd(v32([1]), max(a, { axes: 0, keepDims: true }))]); } },
  { op: op('add'), name: 'broadcast [2,3] + [3]', shapes: [[2, 3], [3]], build: ([a, b]) => add(a, b) },
  { op: op('add'), name: 'broadcast [2,1] + [1,3], scalar lifted', shapes: [[2, 1], [1, 3]], build: ([a, b]) => add(add(a, b), 3) },
  { op: op('sub'), name: 'broadcast [3] - [2,3]', shapes: [[3], [2, 3]], build: ([a, b]) => sub(a, b) },
  { op: op('mul'), name: 'broadcast [2,1,3] * [4,1]', shapes: [[2, 1, 3], [4, 1]], build: ([a, b]) => mul(a, b) },
  { op: op('div'), name: 'broadcast [2,3] / [3]', shapes: [[2, 3], [3]], build: ([a, b]) => div(a, b), range: [0.5, 2] },
  { op: op('neg'), name: 'matrix', shapes: [[2, 3]], build: ([a]) => neg(a) },
  { op: op('exp'), name: 'matrix', shapes: [[2, 3]], build: ([a]) => exp(a) },
  { op: op('log'), name: 'positive matrix', shapes: [[2, 3]], build: ([a]) => log(a), range: [0.2, 3] },
  { op: op('pow'), name: 'broadcast [2,3] ^ [3], a > 0', shapes: [[2, 3], [3]], build: ([a, b]) => pow(a, b), range: [0.5, 2] },
  { op: op('pow'), name: 'constant exponent 3', shapes: [[2, 2]], build: ([a]) => pow(a, 3) },
  { op: op('sqrt'), name: 'positive matrix', shapes: [[2, 3]], build: ([a]) => sqrt(a), range: [0.2, 3] },
  { op: op('square'), name: 'matrix', shapes: [[2, 3]], build: ([a]) => square(a) },
  { op: op('abs'), name: 'away from 0', shapes: [[2, 3]], build: ([a]) => abs(a) },
  { op: op('sigmoid'), name: 'wide range', shapes: [[2, 3]], build: ([a]) => sigmoid(a), range: [-8, 8] },
  { op: op('tanh'), name: 'matrix', shapes: [[2, 3]], build: ([a]) => tanh(a) },
  { op: op('relu'), name: 'matrix', shapes: [[2, 3]], build: ([a]) => relu(a) },
  { op: op('softplus'), name: 'wide range', shapes: [[2, 3]], build: ([a]) => softplus(a), range: [-8, 8] },
  { op: op('maximum'), name: 'broadcast [2,3] vs [3]', shapes: [[2, 3], [3]], build: ([a, b]) => maximum(a, b) },
  { op: op('maximum'), name: 'fan-out ties: maximum(a, a)', shapes: [[3]], build: ([a]) => maximum(a, a) },
  { op: op('minimum'), name: 'broadcast [2,1] vs [1,3]', shapes: [[2, 1], [1, 3]], build: ([a, b]) => minimum(a, b) },
  { op: op('where'), name: 'broadcast cond [2,1], a [1,3], b [3]', shapes: [[2, 1], [1, 3], [3]], build: ([c, a, b]) => where(greater(c, 0), a, b) },
  { op: op('where'), name: 'int32 cond', shapes: [[2, 1], [2, 3], [3]], dtypes: ['int32', 'float32', 'float32'], values: [[[1], [0]]], build: ([c, a, b]) => where(c, a, b) },
  { op: op('greater'), name: 'mask [2,3] > [3] times c', shapes: [[2, 3], [3], [2, 3]], build: ([a, b, c]) => mul(greater(a, b), c) },
  { op: op('greaterEqual'), name: 'a >= a is all ones', shapes: [[3], [3]], build: ([a, b]) => mul(greaterEqual(a, a), b) },
  { op: op('less'), name: 'scalar 0 lifted', shapes: [[2, 2], [2, 2]], build: ([a, b]) => mul(less(a, 0), b) },
  { op: op('lessEqual'), name: 'broadcast [2,1] <= [1,3] alone', shapes: [[2, 1], [1, 3]], build: ([a, b]) => lessEqual(a, b) },
  { op: op('equal'), name: 'a == maximum(a, b), times c', shapes: [[6], [6], [6]], build: ([a, b, c]) => mul(equal(a, maximum(a, b)), c) },
  { op: op('matmul'), name: '[2,3] x [3,4]', shapes: [[2, 3], [3, 4]], build: ([a, b]) => matmul(a, b) },
  { op: op('matmul'), name: 'transposeA', shapes: [[3, 2], [3, 4]], build: ([a, b]) => matmul(a, b, { transposeA: true }) },
  { op: op('matmul'), name: 'transposeB', shapes: [[2, 3], [4, 3]], build: ([a, b]) => matmul(a, b, { transposeB: true }) },
  { op: op('matmul'), name: 'batch broadcast [2,1,3,2]T x [3,2,3]T', shapes: [[2, 1, 3, 2], [3, 2, 3]], build: ([a, b]) => matmul(a, b, { transposeA: true, transposeB: true }) },
  { op: op('transpose'), name: 'perm [1,2,0] into a broadcast mul', shapes: [[2, 3, 4], [4, 2]], build: ([a, b]) => mul(transpose(a, { perm: [1, 2, 0] }), b) },
  { op: op('sum'), name: 'all axes', shapes: [[2, 3]], build: ([a]) => sum(a) },
  { op: op('sum'), name: 'axis -1 keepDims', shapes: [[2, 3, 2]], build: ([a]) => sum(a, { axes: -1, keepDims: true }) },
  { op: op('sum'), name: 'axes [0,2]', shapes: [[2, 3, 2]], build: ([a]) => sum(a, { axes: [0, 2] }) },
  { op: op('mean'), name: 'axis 0 (the batch)', shapes: [[4, 3]], build: ([a]) => mean(a, { axes: 0 }) },
  { op: op('mean'), name: 'all axes keepDims', shapes: [[4, 3]], build: ([a]) => mean(a, { keepDims: true }) },
  { op: op('max'), name: 'axis -1 keepDims', shapes: [[2, 3, 4]], build: ([a]) => max(a, { axes: -1, keepDims: true }) },
  { op: op('max'), name: 'all axes', shapes: [[3, 2]], build: ([a]) => max(a) },
  { op: op('prod'), name: 'axis 1, a row with a zero', shapes: [[3, 2]], build: ([a]) => prod(mul(a, constant([[1, 1], [0, 1], [1, 1]], { dtype: a.dtype })), { axes: 1 }) },
  { op: op('min'), name: 'axes [1,2]', shapes: [[2, 3, 4]], build: ([a]) => min(a, { axes: [1, 2] }) },
  { op: op('argmax'), name: 'through oneHot, axis -1', shapes: [[3, 4]], build: ([a]) => mul(oneHot(argmax(a, { axis: -1 }), 4), a) },
  { op: op('argmax'), name: 'alone, axis 0', shapes: [[3, 4]], build: ([a]) => argmax(a, { axis: 0 }) },
  { op: op('size'), name: 'counts the batch at run time', shapes: [[4, 3]], build: ([a]) => mul(a, size(a, { axes: 0 })) },
  { op: op('reshape'), name: 'with -1', shapes: [[2, 3]], build: ([a]) => reshape(a, [-1, 2]) },
  { op: op('reshape'), name: 'of a transpose', shapes: [[2, 3]], build: ([a]) => reshape(transpose(a), [-1]) },
  // broadcastTo has a fixed target shape: its input keeps its static shape.
  { op: op('broadcastTo'), name: '[3] to [2,3]', shapes: [[3]], keepStatic: [0], build: ([a]) => broadcastTo(a, [2, 3]) },
  { op: op('broadcastLike'), name: '[2,1] like [2,3]', shapes: [[2, 1], [2, 3]], build: ([a, b]) => broadcastLike(a, b) },
  { op: op('sumLike'), name: '[2,3] summed to a [null,3] fed [1,3]', shapes: [[2, 3], [1, 3]], keepStatic: [0], build: ([a, b]) => mul(sumTo(a, b), b) },
  { op: op('sumLike'), name: 'rank-1 like under a batch: [n,3] to [3]', shapes: [[4, 3], [3]], build: ([a, b]) => add(a, b) },
  { op: op('expandDims'), name: 'axis 1', shapes: [[2, 3]], build: ([a]) => expandDims(a, 1) },
  { op: op('squeeze'), name: 'axis 1', shapes: [[3, 1]], build: ([a]) => squeeze(a, { axes: 1 }) },
  { op: op('concat'), name: 'axis 1 with fan-in', shapes: [[2, 1], [2, 3]], build: ([a, b]) => concat([a, b, a], { axis: -1 }) },
  { op: op('concat'), name: 'axis 0', shapes: [[2, 3], [1, 3]], keepStatic: [1], build: ([a, b]) => concat([a, b], { axis: 0 }) },
  { op: op('slice'), name: 'begin [1,0] size [2,-1]', shapes: [[3, 4]], keepStatic: [0], build: ([a]) => slice(a, [1, 0], [2, -1]) },
  { op: op('slice'), name: 'to the end of the batch', shapes: [[4, 3]], build: ([a]) => slice(a, [1, 1], [-1, 2]) },
  { op: op('pad'), name: '[[1,0],[2,1]] with value 5', shapes: [[2, 3]], build: ([a]) => pad(a, [[1, 0], [2, 1]], { value: 5 }) },
  { op: op('gather'), name: 'rows with a repeated index', shapes: [[5, 3], [4]], dtypes: ['float32', 'int32'], values: [undefined, [1, 3, 1, 0]], keepStatic: [0], build: ([p, i]) => gather(p, i) },
  { op: op('gather'), name: 'axis -1 with [2,2] indices', shapes: [[2, 3], [2, 2]], dtypes: ['float32', 'int32'], values: [undefined, [[2, 0], [2, 2]]], build: ([p, i]) => gather(p, i, { axis: -1 }) },
  { op: op('scatterAdd'), name: 'repeated index accumulates', shapes: [[4, 2], [4], [3, 2]], dtypes: ['float32', 'int32', 'float32'], values: [undefined, [2, 0, 2, 1]], keepStatic: [2], build: ([u, i, like]) => mul(scatterAdd(u, i, like), like) },
  { op: op('scatterAdd'), name: 'axis 1 of rank 3', shapes: [[2, 3, 2], [3], [2, 4, 2]], dtypes: ['float32', 'int32', 'float32'], values: [undefined, [3, 3, 0]], build: ([u, i, like]) => scatterAdd(u, i, like, { axis: 1 }) },
  { op: op('softmax'), name: 'axis 1 of rank 3', shapes: [[2, 3, 2]], build: ([a]) => softmax(a, { axis: 1 }) },
  { op: op('logSoftmax'), name: 'last axis', shapes: [[2, 4]], build: ([a]) => logSoftmax(a) },
  { op: op('sigmoidCrossEntropyWithLogits'), name: 'labels [3] over logits [2,3]', shapes: [[3], [2, 3]], build: ([z, x]) => sigmoidCrossEntropyWithLogits({ labels: sigmoid(z), logits: x }), range: [-3, 3] },
  { op: op('softmaxCrossEntropyWithLogits'), name: 'last axis', shapes: [[3, 4], [3, 4]], build: ([z, x]) => softmaxCrossEntropyWithLogits({ labels: softmax(z), logits: x }) },
  { op: op('softmaxCrossEntropyWithLogits'), name: 'axis 0, labels not normalised', shapes: [[3, 2], [3, 2]], build: ([z, x]) => softmaxCrossEntropyWithLogits({ labels: z, logits: x, axis: 0 }) },
  { op: op('sparseSoftmaxCrossEntropyWithLogits'), name: 'int32 labels [3], logits [3,4]', shapes: [[3], [3, 4]], dtypes: ['int32', 'float32'], values: [[0, 3, 1], undefined], build: ([z, x]) => sparseSoftmaxCrossEntropyWithLogits({ labels: z, logits: x }) },
  { op: op('oneHot'), name: 'on 2, off -0.5', shapes: [[2, 2, 3], [2, 2]], dtypes: ['float32', 'int32'], values: [undefined, [[0, 2], [1, 1]]], build: ([a, i]) => mul(oneHot(i, 3, { on: 2, off: -0.5 }), a) },
  { op: op('sin'), name: 'matrix', shapes: [[2, 3]], build: ([a]) => sin(a), range: [-4, 4] },
  { op: op('cos'), name: 'matrix', shapes: [[2, 3]], build: ([a]) => cos(a), range: [-4, 4] },
  { op: op('erf'), name: 'matrix', shapes: [[2, 3]], build: ([a]) => erf(a) },
  // Both sides of |x| = 0.5, where the lowering switches forms, and tiny values where the textbook form cancels.
  { op: op('log1p'), name: 'tiny to large', shapes: [[8]], values: [[1e-7, -3e-8, 0.3, -0.45, 0.6, 3, -0.9, 0]], build: ([a]) => log1p(a) },
  { op: op('expm1'), name: 'tiny to large', shapes: [[8]], values: [[1e-7, -3e-8, 0.3, -0.45, 0.6, 3, -5, 0]], build: ([a]) => expm1(a) },
  { op: op('sign'), name: 'times the input', shapes: [[2, 3]], build: ([a]) => mul(sign(a), a) },
  { op: op('floor'), name: 'plus the input', shapes: [[2, 3]], build: ([a]) => add(floor(mul(a, 3)), a) },
  { op: op('round'), name: 'halves to even', shapes: [[6]], values: [[0.5, 1.5, 2.5, -0.5, -1.5, 1.2]], build: ([a]) => add(round(a), a) },
  { op: op('cumsum'), name: 'axis 1', shapes: [[2, 4]], build: ([a]) => cumsum(a, { axis: 1 }) },
  { op: op('cumsum'), name: 'axis 0, exclusive and reverse', shapes: [[3, 2]], build: ([a]) => cumsum(a, { axis: 0, exclusive: true, reverse: true }) },
  { op: op('cast'), name: 'float32 to int32 (truncates) and back', shapes: [[2, 3]], build: ([a]) => mul(cast(cast(mul(a, 3), 'int32'), 'float32'), a) },
  { op: op('cast'), name: 'int32 labels to float32', shapes: [[2, 2], [2, 2]], dtypes: ['int32', 'float32'], values: [[[0, 3], [-2, 7]]], build: ([i, b]) => mul(cast(i, 'float32'), b) },
  { op: op('cast'), name: 'float32 to float64 and back', shapes: [[3]], build: ([a]) => cast(exp(cast(a, 'float64')), 'float32') },
  { op: op('identity'), name: 'matrix', shapes: [[2, 2]], build: ([a]) => identity(a) },
  { op: op('stopGradient'), name: 'passes no gradient', shapes: [[3]], build: ([a]) => mul(stopGradient(mul(a, a)), a) },
  { op: op('checkNumerics'), name: 'finite values pass through', shapes: [[2, 3]], build: ([a]) => mul(checkNumerics(a, 'a'), a) },
  { op: op('onesLike'), name: 'plus the input', shapes: [[2, 3]], build: ([a]) => add(onesLike(a), a) },
  { op: op('zerosLike'), name: 'plus the input', shapes: [[2, 3]], build: ([a]) => add(zerosLike(a), mul(a, a)) },
  { op: op('addN'), name: 'three, one used twice', shapes: [[2, 2], [2, 2]], build: ([a, b]) => addN([a, b, a]) },
  // Filters are [KH, KW, I, O], all known: they keep their static shape in the unknown-dims variant.
  { op: op('conv2d'), name: "'same', stride 2", shapes: [[2, 5, 5, 3], [3, 3, 3, 4]], keepStatic: [1], build: ([x, f]) => conv2d(x, f, { strides: 2, padding: 'same' }) },
  { op: op('conv2d'), name: 'explicit uneven pads, strides [1,2], dilation 2', shapes: [[2, 6, 7, 2], [2, 3, 2, 3]], keepStatic: [1], build: ([x, f]) => conv2d(x, f, { strides: [1, 2], dilations: 2, padding: [[1, 0], [2, 1]] }) },
  { op: op('conv2d'), name: "2 groups, 'same'", shapes: [[2, 4, 4, 4], [3, 3, 2, 6]], keepStatic: [1], build: ([x, f]) => conv2d(x, f, { groups: 2, padding: 'same' }) },
  { op: op('conv2dTranspose'), name: "stride 2 'same'", shapes: [[2, 3, 3, 4], [3, 3, 2, 4]], keepStatic: [1], build: ([x, f]) => conv2dTranspose(x, f, { strides: 2, padding: 'same' }) },
  { op: op('conv2dTranspose'), name: "stride 2 'valid' to a size one row past the last window", shapes: [[1, 2, 2, 3], [3, 3, 2, 3]], keepStatic: [1], build: ([x, f]) => conv2dTranspose(x, f, { strides: 2, outputSize: [6, 6] }) },
  { op: op('conv2dBackpropFilter'), name: 'stride 2, pads 1', shapes: [[2, 5, 5, 3], [2, 3, 3, 4]], build: ([x, dy]) => apply(op('conv2dBackpropFilter'), [x, dy], { strides: [2, 2], dilations: [1, 1], pads: [1, 1, 1, 1], groups: 1, size: [3, 3] }) },
  { op: op('conv2dBackpropFilter'), name: '2 groups, a row no window reaches', shapes: [[2, 7, 7, 4], [2, 3, 3, 6]], build: ([x, dy]) => apply(op('conv2dBackpropFilter'), [x, dy], { strides: [2, 2], dilations: [1, 1], pads: [0, 0, 0, 0], groups: 2, size: [2, 2] }) },
  { op: op('maxPool2d'), name: "window 3, stride 2, 'same'", shapes: [[2, 5, 5, 3]], build: ([x]) => maxPool2d(x, 3, { strides: 2, padding: 'same' }) },
  { op: op('maxPool2d'), name: 'window [2,3], valid', shapes: [[2, 4, 6, 2]], build: ([x]) => maxPool2d(x, [2, 3]) },
  { op: op('maxPool2dBackprop'), name: 'overlapping windows accumulate', shapes: [[2, 4, 4, 2], [2, 4, 4, 2]], build: ([x, g]) => apply(op('maxPool2dBackprop'), [x, g], { window: [3, 3], strides: [1, 1], pads: [1, 1, 1, 1] }) },
  { op: op('maxPool2dBackprop'), name: 'windows that tile the image but for a row and a column', shapes: [[2, 5, 7, 2], [2, 2, 3, 2]], build: ([x, g]) => apply(op('maxPool2dBackprop'), [x, g], { window: [2, 2], strides: [2, 2], pads: [0, 0, 0, 0] }) },
  { op: op('maxPool2dSelect'), name: 'window 2', shapes: [[2, 4, 4, 2], [2, 4, 4, 2]], build: ([x, h]) => apply(op('maxPool2dSelect'), [x, h], { window: [2, 2], strides: [2, 2], pads: [0, 0, 0, 0] }) },
  { op: op('avgPool2d'), name: "window 3, stride 2, 'same' (clipped counts)", shapes: [[2, 5, 5, 3]], build: ([x]) => avgPool2d(x, 3, { strides: 2, padding: 'same' }) },
  { op: op('avgPool2d'), name: 'window [2,3], explicit pads', shapes: [[2, 4, 5, 2]], build: ([x]) => avgPool2d(x, [2, 3], { strides: 1, padding: [[1, 0], [0, 2]] }) },
  { op: op('avgPool2dBackprop'), name: 'pads 1, overlapping', shapes: [[2, 3, 3, 2]], build: ([g]) => apply(op('avgPool2dBackprop'), [g], { window: [3, 3], strides: [2, 2], pads: [1, 1, 1, 1], size: [5, 5] }) },
  { op: op('avgPool2dBackprop'), name: 'a row no window reaches', shapes: [[2, 3, 3, 2]], build: ([g]) => apply(op('avgPool2dBackprop'), [g], { window: [3, 3], strides: [2, 2], pads: [0, 0, 0, 0], size: [8, 8] }) },
  // Draws differ between runtimes: these cases use them where any draw gives the same result
  // (test/onnx/random.test.ts checks the draws' distribution in ONNX Runtime).
  { op: op('random'), name: 'uniform like x, used as u >= 0', shapes: [[2, 3]], build: ([a]) => mul(a, greaterEqual(randomUniform(a, { min: 0, max: 1 }), 0)) },
  { op: op('random'), name: 'uniform of a fixed shape in [-3, -1), used as u < 0', shapes: [[2, 3]], build: ([a]) => mul(a, less(randomUniform([2, 3], { min: -3, max: -1 }), 0)) },
  { op: op('random'), name: 'normal like x, times 0', shapes: [[2, 3]], build: ([a]) => sub(a, mul(randomNormal(a), 0)) },
  { op: op('random'), name: 'normal of a fixed shape, times 0', shapes: [[2, 3]], build: ([a]) => add(a, mul(randomNormal([2, 3], { stddev: 2 }), 0)) },
  { op: op('dropoutMask'), name: 'training flag fed 0 (all ones)', shapes: [[2, 3], []], values: [undefined, 0], build: ([a, t]) => dropout(a, 0.5, { training: t }) },
];
