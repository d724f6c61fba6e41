import { apply } from '../graph/apply.js';
import type { Node, Operand } from '../graph/node.js';
import { defineOp } from '../graph/op.js';
import { reduce, type Reducer } from '../kernels/reduce.js';
import { equal } from './compare.js';
import { div } from './div.js';
import { mul } from './mul.js';
import { sub } from './sub.js';
import { reduceAttrs, reducedShape, sum, unreduce, type ReduceAttrs, type ReduceOptions } from './sum.js';
import { where } from './where.js';

// An empty product is 1 (NumPy's choice).
const PROD: Reducer = { init: 1, step: (acc, x) => acc * x };

/**
 * d out / d x_i, the product of the other reduced elements, shaped like x.
 * NOTE: out / x_i is 0/0 = NaN at a zero, so zeros are counted (z) and divided as 1 (`safe`), and
 * p is the product of the nonzero elements. A nonzero x_i gets out / x_i, exact to every order
 * (out keeps the zeros). A zero x_i gets p when it is the only zero, p (s - x_i) when there are two
 * (s, the sum of the zero entries, is 0 but its derivative is not: d/dx_k of the product of the others
 * is p there), and 0 with three or more; so first and second derivatives are exact everywhere,
 * and nothing computes an infinity that `where` would have to discard.
 */
function others(x: Node, out: Node, attrs: ReduceAttrs): Node {
  const isZero = equal(x, 0);
  const safe = where(isZero, 1, x);
  const keep = { axes: attrs.axes, keepDims: true };
  const p = apply(Prod, [safe], keep);
  const z = sum(isZero, keep);
  const s = sum(where(isZero, x, 0), keep);
  const atZero = where(equal(z, 1), p, where(equal(z, 2), mul(p, sub(s, x)), 0));
  return where(isZero, atZero, div(unreduce(out, attrs), safe));
}

/** Product over axes (all by default).  d(prod x) = sum over the reduced axes of (product of the others) dx_i. */
export const Prod = defineOp<ReduceAttrs>({
  name: 'prod',
  infer: ([x], attrs) => ({ shape: reducedShape(x.shape, attrs), dtype: x.dtype }),
  forward: ([x], out, { axes }) => reduce(out, x, axes, PROD),
  backward: (grad, out) => [mul(others(out.inputs[0], out, out.attrs), unreduce(grad, out.attrs))],
  jvp: ([dx], out) => sum(mul(others(out.inputs[0], out, out.attrs), dx!), { axes: out.attrs.axes, keepDims: out.attrs.keepDims }),
});
export const prod = (x: Operand, opts: ReduceOptions = {}): Node =>
  apply(Prod, [x], reduceAttrs(x, opts.axes, opts), opts.name);
