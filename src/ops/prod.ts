import { apply } from '../graph/apply.js';
import type { Node, Operand } from '../graph/node.js';
import { defineOp } from '../graph/op.js';
import { reduce, type Reducer } from '../kernels/reduce.js';
import { equal } from './compare.js';
import { div } from './div.js';
import { mul } from './mul.js';
import { reduceAttrs, reducedShape, sum, unreduce, type ReduceAttrs, type ReduceOptions } from './sum.js';
import { where } from './where.js';

// An empty product is 1 (NumPy's choice).
const PROD: Reducer = { init: 1, step: (acc, x) => acc * x };

/**
 * d out / d x_i, the product of the other reduced elements, shaped like x.
 * NOTE: out / x_i would be 0/0 = NaN at a zero, so the product of the nonzero elements p and the
 * count of zeros z decide instead: with no zero it is p / x_i; with one zero it is p at the zero
 * and 0 elsewhere; with two or more it is 0 everywhere. Zeros are divided as 1, so no branch
 * computes an infinity that `where` would then have to discard (its gradient would be 0 * inf).
 */
function others(x: Node, attrs: ReduceAttrs): Node {
  const isZero = equal(x, 0);
  const safe = where(isZero, 1, x);
  const p = apply(Prod, [safe], { axes: attrs.axes, keepDims: true });
  const z = sum(isZero, { axes: attrs.axes, keepDims: true });
  return where(isZero, where(equal(z, 1), p, 0), where(equal(z, 0), div(p, safe), 0));
}

/** Product over axes (all by default).  d(prod x) = sum over the reduced axes of (product of the others) dx_i. */
export const Prod = defineOp<ReduceAttrs>({
  name: 'prod',
  infer: ([x], attrs) => ({ shape: reducedShape(x.shape, attrs), dtype: x.dtype }),
  forward: ([x], out, { axes }) => reduce(out, x, axes, PROD),
  backward: (grad, { inputs: [x], attrs }) => [mul(others(x, attrs), unreduce(grad, attrs))],
  jvp: ([dx], { inputs: [x], attrs }) => sum(mul(others(x, attrs), dx!), { axes: attrs.axes, keepDims: attrs.keepDims }),
});
export const prod = (x: Operand, opts: ReduceOptions = {}): Node =>
  apply(Prod, [x], reduceAttrs(x, opts.axes, opts), opts.name);
