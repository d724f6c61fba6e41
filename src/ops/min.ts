import { apply } from '../graph/apply.js';
import type { Node, Operand } from '../graph/node.js';
import { defineOp } from '../graph/op.js';
import { bindReduce, reduce, type Reducer } from '../kernels/reduce.js';
import { selection } from './max.js';
import { mul } from './mul.js';
import { reduceAttrs, reducedShape, sum, unreduce, type ReduceAttrs, type ReduceOptions } from './sum.js';

// NOTE: NaN wins (it propagates, as in NumPy); an empty reduction gives +Infinity.
const MIN: Reducer = { init: Infinity, step: (acc, x) => (x < acc || x !== x ? x : acc) };

/**
 * Smallest element over axes (all by default).  d(min x) = dx at the arg-min.
 * NOTE: ties split evenly, as for max: k elements sharing the minimum get grad / k each.
 */
export const Min = defineOp<ReduceAttrs>({
  name: 'min',
  infer: ([x], attrs) => ({ shape: reducedShape(x.shape, attrs), dtype: x.dtype }),
  forward: ([x], out, { axes }) => reduce(out, x, axes, MIN),
  bind: ([x], out, { axes }) => bindReduce(out, x, axes, MIN),
  backward: (grad, out) => [mul(selection(out.inputs[0], out, out.attrs), unreduce(grad, out.attrs))],
  jvp: ([dx], out) => sum(mul(selection(out.inputs[0], out, out.attrs), dx!), { axes: out.attrs.axes, keepDims: out.attrs.keepDims }),
});
export const min = (x: Operand, opts: ReduceOptions = {}): Node =>
  apply(Min, [x], reduceAttrs(x, opts.axes, opts), opts.name);
