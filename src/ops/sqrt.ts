import { apply, FLOATS, sameDType } from '../graph/apply.js';
import type { Node, Operand } from '../graph/node.js';
import { defineOp } from '../graph/op.js';
import { unary } from '../kernels/elementwise.js';
import { div } from './div.js';
import { mul } from './mul.js';

const sqrtInto = unary(Math.sqrt);

/**
 * Elementwise square root (NaN below 0).  d(sqrt a) = da / (2 sqrt a), reusing the output.
 * NOTE: the derivative is +Infinity at 0; keep inputs positive where gradients are wanted.
 */
export const Sqrt = defineOp({
  name: 'sqrt',
  inplace: true,
  infer: ([a]) => ({ shape: a.shape, dtype: sameDType([a], FLOATS) }),
  forward: ([a], out) => sqrtInto(out, a),
  backward: (grad, out) => [div(grad, mul(out, 2))],
  jvp: ([da], out) => div(da!, mul(out, 2)),
});
export const sqrt = (a: Operand, name?: string): Node => apply(Sqrt, [a], {}, name);
