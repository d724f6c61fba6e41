import { apply, sameDType } from '../graph/apply.js';
import type { Node, Operand } from '../graph/node.js';
import { defineOp } from '../graph/op.js';
import { unary } from '../kernels/elementwise.js';
import { greater, less } from './compare.js';
import { mul } from './mul.js';
import { sub } from './sub.js';

const absInto = unary(Math.abs);

/** sign(a) as 1, 0 or -1 in a's dtype, from two masks; piecewise constant, so nothing flows through it. */
const signOf = (a: Node): Node => sub(greater(a, 0), less(a, 0));

/**
 * Elementwise absolute value.  d|a| = sign(a) da
 * NOTE: abs'(0) = 0 (sign(0) = 0), the midpoint of the subgradient [-1, 1], as in PyTorch and JAX.
 */
export const Abs = defineOp({
  name: 'abs',
  inplace: true,
  infer: ([a]) => ({ shape: a.shape, dtype: sameDType([a]) }),
  forward: ([a], out) => absInto(out, a),
  backward: (grad, { inputs: [a] }) => [mul(grad, signOf(a))],
  jvp: ([da], { inputs: [a] }) => mul(da!, signOf(a)),
});
export const abs = (a: Operand, name?: string): Node => apply(Abs, [a], {}, name);
