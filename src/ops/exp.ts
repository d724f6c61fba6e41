import ops from 'ndarray-ops';
import { apply, FLOATS, sameDType } from '../graph/apply.js';
import type { Node, Operand } from '../graph/node.js';
import { defineOp } from '../graph/op.js';
import { map1 } from '../kernels/elementwise.js';
import { mul } from './mul.js';

/** Elementwise e^x.  d(exp a) = exp(a) da, reusing the output. */
export const Exp = defineOp({
  name: 'exp',
  infer: ([a]) => ({ shape: a.shape, dtype: sameDType([a], FLOATS) }),
  forward: ([a], out) => map1(out, a, Math.exp, ops.exp),
  backward: (grad, out) => [mul(grad, out)],
  jvp: ([da], out) => mul(da!, out),
});
export const exp = (a: Operand, name?: string): Node => apply(Exp, [a], {}, name);
