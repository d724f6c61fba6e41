import { apply } from '../graph/apply.js';
import type { Node, Operand } from '../graph/node.js';
import { defineOp } from '../graph/op.js';
import { negInto } from '../kernels/elementwise.js';
import { bindUnary } from '../kernels/tiny.js';

/** Elementwise negation.  d(-a) = -da */
export const Neg = defineOp({
  name: 'neg',
  inplace: true,
  bind: bindUnary((x) => -x),
  linear: true,
  infer: ([a]) => a,
  forward: ([a], out) => negInto(out, a),
  backward: (grad) => [neg(grad)],
});
export const neg = (a: Operand, name?: string): Node => apply(Neg, [a], {}, name);
