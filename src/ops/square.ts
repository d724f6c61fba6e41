import { apply, sameDType } from '../graph/apply.js';
import type { Node, Operand } from '../graph/node.js';
import { defineOp } from '../graph/op.js';
import { unary } from '../kernels/elementwise.js';
import { mul } from './mul.js';

const squareInto = unary((x) => x * x);

/** Elementwise a^2.  d(a^2) = 2a da */
export const Square = defineOp({
  name: 'square',
  inplace: true,
  infer: ([a]) => ({ shape: a.shape, dtype: sameDType([a]) }),
  forward: ([a], out) => squareInto(out, a),
  backward: (grad, { inputs: [a] }) => [mul(grad, mul(a, 2))],
  jvp: ([da], { inputs: [a] }) => mul(da!, mul(a, 2)),
});
export const square = (a: Operand, name?: string): Node => apply(Square, [a], {}, name);
