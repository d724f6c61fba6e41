import { apply, FLOATS, sameDType } from '../graph/apply.js';
import type { Node, Operand } from '../graph/node.js';
import { defineOp } from '../graph/op.js';
import { expInto } from '../kernels/elementwise.js';
import { mul } from './mul.js';
import { bindUnary } from '../kernels/tiny.js';

/** Elementwise e^x.  d(exp a) = exp(a) da, reusing the output. */
export const Exp = defineOp({
  name: 'exp',
  inplace: true,
  bind: bindUnary(Math.exp),
  infer: ([a]) => ({ shape: a.shape, dtype: sameDType([a], FLOATS) }),
  forward: ([a], out) => expInto(out, a),
  backward: (grad, out) => [mul(grad, out)],
  jvp: ([da], out) => mul(da!, out),
});
export const exp = (a: Operand, name?: string): Node => apply(Exp, [a], {}, name);
