import type { NdArray } from 'ndarray';
import { apply, FLOATS, sameDType } from '../graph/apply.js';
import type { Node } from '../graph/node.js';
import { defineOp } from '../graph/op.js';
import { formatShape, ShapeError } from '../graph/shape.js';
import type { Data } from '../graph/tensor.js';
import { alongAxis, lanes } from '../kernels/lanes.js';
import { namedArgs } from './crossEntropy.js';
import { expandDims } from './expandDims.js';
import { mul } from './mul.js';
import { oneHot } from './oneHot.js';
import { softmax } from './softmax.js';
import { sub } from './sub.js';
import { sum } from './sum.js';

/** out[r] = logSumExp(x[r, :]) - x[r, labels[r]] along the last axis; a label outside [0, classes) throws. */
function sparseSoftmaxCrossEntropyInto(out: NdArray, labels: NdArray, logits: NdArray): void {
  const axis = logits.shape.length - 1, n = logits.shape[axis], sx = logits.stride[axis];
  const z = labels.data as Data, x = logits.data as Data, dst = out.data as Data;
  lanes([alongAxis(labels, axis, n), logits, alongAxis(out, axis, n)], axis, (off) => {
    const k = z[off[0]], xo = off[1];
    if (!(k >= 0 && k < n)) throw new RangeError(`label ${k} is out of range [0, ${n}) for logits ${formatShape(logits.shape)}`);
    let m = -Infinity;
    for (let j = 0; j < n; j++) m = Math.max(m, x[xo + j * sx]);
    let s = 0;
    for (let j = 0; j < n; j++) s += Math.exp(x[xo + j * sx] - m);
    dst[off[2]] = Math.log(s) - (x[xo + k * sx] - m);
  });
}

/**
 * -logSoftmax(x)[labels] along the last axis, for int32 class indices `labels` (shape: logits' without
 * the last axis).  d/dx = softmax(x) - oneHot(labels); labels get no gradient.
 * NOTE: log-sum-exp is shifted by each row's max, so logits of +-1000 give finite losses.
 */
export const SparseSoftmaxCrossEntropyWithLogits = defineOp({
  name: 'sparseSoftmaxCrossEntropyWithLogits',
  infer: ([z, x]) => {
    if (z.dtype !== 'int32') throw new ShapeError(`labels ${formatShape(z.shape)} are ${z.dtype}, not int32 class indices (for probabilities, use softmaxCrossEntropyWithLogits)`);
    const rows = x.shape.slice(0, -1);
    const ok = x.shape.length >= 1 && z.shape.length === rows.length && z.shape.every((d, i) => d === null || rows[i] === null || d === rows[i]);
    if (!ok) throw new ShapeError(`labels ${formatShape(z.shape)} must have the shape of logits ${formatShape(x.shape)} without its last axis`);
    return { shape: rows.map((d, i) => d ?? z.shape[i]), dtype: sameDType([x], FLOATS) };
  },
  forward: ([z, x], out) => sparseSoftmaxCrossEntropyInto(out, z, x),
  backward: (grad, { inputs: [z, x] }) => [null, mul(expandDims(grad, -1), slope(z, x))],
  jvp: ([, dx], { inputs: [z, x] }) => (dx ? sum(mul(slope(z, x), dx), { axes: -1 }) : null),
});

function slope(z: Node, x: Node): Node {
  const classes = x.shape[x.rank - 1];
  if (classes === null) throw new ShapeError(`sparseSoftmaxCrossEntropyWithLogits: the gradient needs a known number of classes, logits are ${formatShape(x.shape)}`);
  return sub(softmax(x), oneHot(z, classes, { dtype: x.dtype }));
}

/** Named arguments, so labels and logits cannot be swapped silently (int32 labels, float logits). */
export const sparseSoftmaxCrossEntropyWithLogits = (args: { labels: Node; logits: Node; name?: string }): Node => {
  const { labels, logits, name } = namedArgs('sparseSoftmaxCrossEntropyWithLogits', args);
  return apply(SparseSoftmaxCrossEntropyWithLogits, [labels, logits], {}, name);
};
