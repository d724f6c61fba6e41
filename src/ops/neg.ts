import ops from 'ndarray-ops';
import { apply } from '../graph/apply.js';
import type { Node, Operand } from '../graph/node.js';
import { defineOp } from '../graph/op.js';
import { map1 } from '../kernels/elementwise.js';

/** Elementwise negation.  d(-a) = -da */
export const Neg = defineOp({
  name: 'neg',
  linear: true,
  infer: ([a]) => a,
  forward: ([a], out) => map1(out, a, (x) => -x, ops.neg),
  backward: (grad) => [neg(grad)],
});
export const neg = (a: Operand, name?: string): Node => apply(Neg, [a], {}, name);
