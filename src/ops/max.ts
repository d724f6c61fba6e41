import { apply } from '../graph/apply.js';
import type { Node, Operand } from '../graph/node.js';
import { defineOp } from '../graph/op.js';
import { bindReduce, reduce, type Reducer } from '../kernels/reduce.js';
import { equal } from './compare.js';
import { div } from './div.js';
import { mul } from './mul.js';
import { reduceAttrs, reducedShape, sum, unreduce, type ReduceAttrs, type ReduceOptions } from './sum.js';

// NOTE: NaN wins (it propagates, as in NumPy); an empty reduction gives -Infinity.
const MAX: Reducer = { init: -Infinity, step: (acc, x) => (x > acc || x !== x ? x : acc) };

/**
 * Where `x` attains its reduced extreme `out`: 1/k at each of the k positions that tie for it,
 * 0 elsewhere. No gradient flows through the selection itself (`equal` has none).
 */
export function selection(x: Node, out: Node, attrs: ReduceAttrs): Node {
  const hit = equal(x, unreduce(out, attrs));
  return div(hit, sum(hit, { axes: attrs.axes, keepDims: true }));
}

/**
 * Largest element over axes (all by default).  d(max x) = dx at the arg-max.
 * NOTE: ties split evenly: when k elements share the maximum, each gets grad / k (TensorFlow's
 * choice), so the gradient is the same whichever tied element a kernel would have picked.
 */
export const Max = defineOp<ReduceAttrs>({
  name: 'max',
  infer: ([x], attrs) => ({ shape: reducedShape(x.shape, attrs), dtype: x.dtype }),
  forward: ([x], out, { axes }) => reduce(out, x, axes, MAX),
  bind: ([x], out, { axes }) => bindReduce(out, x, axes, MAX),
  backward: (grad, out) => [mul(selection(out.inputs[0], out, out.attrs), unreduce(grad, out.attrs))],
  jvp: ([dx], out) => sum(mul(selection(out.inputs[0], out, out.attrs), dx!), { axes: out.attrs.axes, keepDims: out.attrs.keepDims }),
});
export const max = (x: Operand, opts: ReduceOptions = {}): Node =>
  apply(Max, [x], reduceAttrs(x, opts.axes, opts), opts.name);
