import type { NdArray } from 'ndarray';
import { apply, FLOATS } from '../graph/apply.js';
import type { Data } from '../graph/layout.js';
import type { Node } from '../graph/node.js';
import { defineOp, type OpDef } from '../graph/op.js';
import { compatible, formatShape, ShapeError } from '../graph/shape.js';
import { contiguous, isContiguous } from '../graph/tensor.js';
import { namedArgs } from './crossEntropy.js';
import { expandDims } from './expandDims.js';
import { mul } from './mul.js';
import { oneHot } from './oneHot.js';
import { softmax } from './softmax.js';
import { sub } from './sub.js';
import { sum } from './sum.js';

/** loss[i] = logsumexp(x[i, :]) - x[i, label[i]] over rows of C logits; a label outside [0, C) throws. */
function sparseCrossEntropyInto(out: NdArray, labels: NdArray, logits: NdArray): void {
  const x = isContiguous(logits) ? logits : contiguous(logits);
  const l = isContiguous(labels) ? labels : contiguous(labels);
  const C = x.shape[x.shape.length - 1], rows = out.size;
  const xd = x.data as Data, ld = l.data as Data, od = out.data as Data;
  for (let r = 0; r < rows; r++) {
    const label = ld[l.offset + r];
    if (!(label >= 0 && label < C)) throw new RangeError(`label ${label} at position ${r} is outside [0, ${C})`);
    const p = x.offset + r * C;
    let m = -Infinity;
    for (let c = 0; c < C; c++) if (xd[p + c] > m) m = xd[p + c];
    let s = 0;
    for (let c = 0; c < C; c++) s += Math.exp(xd[p + c] - m);
    od[out.offset + r] = m + Math.log(s) - xd[p + label];
  }
}

/** d/dlogits = softmax(logits) - oneHot(labels). */
const slope = (labels: Node, logits: Node): Node => sub(softmax(logits), oneHot(labels, logits.shape.at(-1)!, { dtype: logits.dtype }));

/**
 * Softmax cross-entropy against int32 class ids: labels [...], logits [..., C] -> [...], each
 * -log softmax(logits)[label]; a label outside [0, C) is an error at run time.
 * d/dlogits = softmax(logits) - oneHot(labels), labels get none.
 * NOTE: log-sum-exp is shifted by each row's max, so logits of +-1000 give finite losses.
 */
export const SparseSoftmaxCrossEntropyWithLogits: OpDef = defineOp({
  name: 'sparseSoftmaxCrossEntropyWithLogits',
  infer: ([labels, logits]) => {
    const pair = `labels ${formatShape(labels.shape)} ${labels.dtype} and logits ${formatShape(logits.shape)}`;
    if (labels.dtype !== 'int32') throw new ShapeError(`${pair}: labels must be int32 class ids`);
    if (!FLOATS.includes(logits.dtype)) throw new ShapeError(`${pair}: logits must be float`);
    const c = logits.shape.at(-1);
    if (logits.shape.length < 1 || c === null || c === undefined) throw new ShapeError(`${pair}: logits need a known class axis (the last)`);
    if (!compatible(labels.shape, logits.shape.slice(0, -1))) throw new ShapeError(`${pair}: labels must be shaped like the logits without their last axis`);
    return { shape: logits.shape.slice(0, -1), dtype: logits.dtype };
  },
  forward: ([labels, logits], out) => sparseCrossEntropyInto(out, labels, logits),
  backward: (grad, { inputs: [labels, logits] }) => [null, mul(expandDims(grad, -1), slope(labels, logits))],
  jvp: ([, dx], { inputs: [labels, logits] }) => dx && sum(mul(slope(labels, logits), dx), { axes: -1 }),
});
/** Named arguments, so labels and logits cannot be swapped silently (int32 labels, float logits). */
export const sparseSoftmaxCrossEntropyWithLogits = (args: { labels: Node; logits: Node; name?: string }): Node => {
  const { labels, logits, name } = namedArgs('sparseSoftmaxCrossEntropyWithLogits', args);
  return apply(SparseSoftmaxCrossEntropyWithLogits, [labels, logits], {}, name);
};
