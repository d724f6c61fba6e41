import { apply, FLOATS, sameDType } from '../graph/apply.js';
import type { Node, Operand } from '../graph/node.js';
import { defineOp } from '../graph/op.js';
import { unary } from '../kernels/elementwise.js';
import { mul } from './mul.js';
import { sub } from './sub.js';

/**
 * The logistic function 1 / (1 + e^-x).
 * NOTE: e^x is only ever taken of a non-positive number, so nothing overflows: sigmoid(1000) = 1,
 * sigmoid(-1000) = 0, never NaN.
 */
export function logistic(x: number): number {
  if (x >= 0) return 1 / (1 + Math.exp(-x));
  const e = Math.exp(x);
  return e / (1 + e);
}

const sigmoidInto = unary(logistic, 'sigmoid');

/** sigmoid' from sigmoid's output. */
const slope = (out: Node): Node => mul(out, sub(1, out));

/** Elementwise logistic sigmoid.  d sigmoid(a) = out (1 - out) da, reusing the output. */
export const Sigmoid = defineOp({
  name: 'sigmoid',
  inplace: true,
  infer: ([a]) => ({ shape: a.shape, dtype: sameDType([a], FLOATS) }),
  forward: ([a], out) => sigmoidInto(out, a),
  backward: (grad, out) => [mul(grad, slope(out))],
  jvp: ([da], out) => mul(da!, slope(out)),
});
export const sigmoid = (a: Operand, name?: string): Node => apply(Sigmoid, [a], {}, name);
