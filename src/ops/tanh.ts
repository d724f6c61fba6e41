import { apply, FLOATS, sameDType } from '../graph/apply.js';
import type { Node, Operand } from '../graph/node.js';
import { defineOp } from '../graph/op.js';
import { unary } from '../kernels/elementwise.js';
import { mul } from './mul.js';
import { square } from './square.js';
import { sub } from './sub.js';

const tanhInto = unary(Math.tanh);

/** Elementwise hyperbolic tangent (Math.tanh saturates to ±1, no overflow).  d tanh(a) = (1 - out^2) da, reusing the output. */
export const Tanh = defineOp({
  name: 'tanh',
  inplace: true,
  infer: ([a]) => ({ shape: a.shape, dtype: sameDType([a], FLOATS) }),
  forward: ([a], out) => tanhInto(out, a),
  backward: (grad, out) => [mul(grad, sub(1, square(out)))],
  jvp: ([da], out) => mul(da!, sub(1, square(out))),
});
export const tanh = (a: Operand, name?: string): Node => apply(Tanh, [a], {}, name);
