import { apply, FLOATS, sameDType } from '../graph/apply.js';
import type { Node, Operand } from '../graph/node.js';
import { defineOp } from '../graph/op.js';
import { bindReduce, reduce, type Reducer } from '../kernels/reduce.js';
import { broadcastLike } from './broadcast.js';
import { div } from './div.js';
import { size } from './size.js';
import { reduceAttrs, reducedShape, unreduce, type ReduceAttrs, type ReduceOptions } from './sum.js';

// NOTE: an empty reduction gives 0/0 = NaN, as NumPy's mean does.
const MEAN: Reducer = { init: 0, step: (acc, x) => acc + x, finish: (acc, n) => acc / n };

/**
 * Arithmetic mean over axes (all by default), floats only.  d(mean x) = mean dx; its gradient is
 * grad / n stretched over the reduced axes. NOTE: n, the number of elements averaged, is a
 * constant when those dimensions are known statically, else a `size` node counts it at run time
 * (an unknown batch dimension).
 */
export const Mean = defineOp<ReduceAttrs>({
  name: 'mean',
  linear: true,
  infer: ([x], attrs) => ({ shape: reducedShape(x.shape, attrs), dtype: sameDType([x], FLOATS) }),
  forward: ([x], out, { axes }) => reduce(out, x, axes, MEAN),
  bind: ([x], out, { axes }) => bindReduce(out, x, axes, MEAN),
  backward: (grad, { inputs: [x], attrs }) => [broadcastLike(div(unreduce(grad, attrs), size(x, { axes: attrs.axes })), x)],
});
export const mean = (x: Operand, opts: ReduceOptions = {}): Node =>
  apply(Mean, [x], reduceAttrs(x, opts.axes, opts), opts.name);
