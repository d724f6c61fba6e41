import { apply, FLOATS, sameDType } from '../graph/apply.js';
import { Node, type Operand } from '../graph/node.js';
import { defineOp } from '../graph/op.js';
import { axisAttrs, broadcastShapes, checkAxis, compatible, formatShape, ShapeError } from '../graph/shape.js';
import { binary } from '../kernels/elementwise.js';
import { softmaxCrossEntropyInto } from '../kernels/softmax.js';
import { addTangents, sumTo } from './broadcast.js';
import { expandDims } from './expandDims.js';
import { logSoftmax } from './logSoftmax.js';
import { mul } from './mul.js';
import { neg } from './neg.js';
import { sigmoid } from './sigmoid.js';
import { softmax } from './softmax.js';
import { sub } from './sub.js';
import { sum } from './sum.js';

const logisticLossInto = binary((zi, xi) => Math.max(xi, 0) - xi * zi + Math.log1p(Math.exp(-Math.abs(xi))), 'logisticLoss');

/**
 * Elementwise logistic loss of logits x against labels z (probabilities of 1), broadcasting:
 * -z log sigmoid(x) - (1-z) log(1 - sigmoid(x)).  d/dx = sigmoid(x) - z,  d/dz = -x.
 * NOTE: computed as TensorFlow does, max(x,0) - x z + log(1 + e^-|x|): e^ sees only non-positive
 * numbers, so logits of +-1000 give finite losses.
 */
export const SigmoidCrossEntropyWithLogits = defineOp({
  name: 'sigmoidCrossEntropyWithLogits',
  inplace: true,
  broadcast: true,
  infer: ([z, x]) => ({ shape: broadcastShapes(z.shape, x.shape), dtype: sameDType([z, x], FLOATS) }),
  forward: ([z, x], out) => logisticLossInto(out, z, x),
  backward: (grad, { inputs: [z, x] }) => [sumTo(mul(grad, neg(x)), z), sumTo(mul(grad, sub(sigmoid(x), z)), x)],
  jvp: ([dz, dx], { inputs: [z, x] }) => addTangents(dz && mul(neg(x), dz), dx && mul(sub(sigmoid(x), z), dx)),
});
/** A JavaScript caller passing (labels, logits) positionally gets told, not a bare 'input 0 is undefined'. */
export function namedArgs<T extends object>(op: string, args: T): T {
  if (args instanceof Node || args === null || typeof args !== 'object') {
    throw new TypeError(`${op}: takes one object { labels, logits, ... } (named, so the two cannot be swapped), got ${args instanceof Node ? `the node '${args.name}'` : String(args)}`);
  }
  return args;
}

/** Named arguments, as TensorFlow 2 requires: `labels` and `logits` swapped would train silently to a wrong loss. */
export const sigmoidCrossEntropyWithLogits = (args: { labels: Operand; logits: Operand; name?: string }): Node => {
  const { labels, logits, name } = namedArgs('sigmoidCrossEntropyWithLogits', args);
  return apply(SigmoidCrossEntropyWithLogits, [labels, logits], {}, name);
};

/** d/dlogits of the softmax cross-entropy: softmax(x) sum(z) - z, which is softmax(x) - z for labels that sum to 1. */
const logitsSlope = (z: Node, x: Node, axis: number): Node => sub(mul(softmax(x, { axis }), sum(z, { axes: axis, keepDims: true })), z);

/**
 * -sum(z * logSoftmax(x)) along an axis (the last by default, which the output loses), for labels z
 * (a probability distribution per row) and logits x of the same shape.
 * d/dx = softmax(x) sum(z) - z (softmax(x) - z for distributions),  d/dz = -logSoftmax(x).
 * NOTE: log-sum-exp is shifted by each row's max, so logits of +-1000 give finite losses.
 */
export const SoftmaxCrossEntropyWithLogits = defineOp<{ axis: number }>({
  name: 'softmaxCrossEntropyWithLogits',
  infer: ([z, x], { axis }) => {
    const pair = `labels ${formatShape(z.shape)} and logits ${formatShape(x.shape)}`;
    if (!compatible(z.shape, x.shape)) throw new ShapeError(`${pair} must have the same shape`);
    checkAxis(axis, x.shape);
    return { shape: x.shape.filter((_, i) => i !== axis), dtype: sameDType([z, x], FLOATS) };
  },
  forward: ([z, x], out, { axis }) => softmaxCrossEntropyInto(out, z, x, axis),
  backward: (grad, { inputs: [z, x], attrs: { axis } }) => {
    const g = expandDims(grad, axis);
    return [mul(g, neg(logSoftmax(x, { axis }))), mul(g, logitsSlope(z, x, axis))];
  },
  jvp: ([dz, dx], { inputs: [z, x], attrs: { axis } }) =>
    addTangents(dz && sum(mul(neg(logSoftmax(x, { axis })), dz), { axes: axis }), dx && sum(mul(logitsSlope(z, x, axis), dx), { axes: axis })),
});
/** Named arguments (see sigmoidCrossEntropyWithLogits); for int32 class indices, sparseSoftmaxCrossEntropyWithLogits. */
export const softmaxCrossEntropyWithLogits = (args: { labels: Node; logits: Node; axis?: number; name?: string }): Node => {
  const { labels, logits, axis = -1, name } = namedArgs('softmaxCrossEntropyWithLogits', args);
  return apply(SoftmaxCrossEntropyWithLogits, [labels, logits], axisAttrs(axis, 1), name);
};
