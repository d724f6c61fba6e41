import { apply, FLOATS, sameDType } from '../graph/apply.js';
import type { Node, Operand } from '../graph/node.js';
import { defineOp, type OpDef } from '../graph/op.js';
import { unary } from '../kernels/elementwise.js';
import { erf as erfOf } from '../kernels/erf.js';
import { exp } from './exp.js';
import { mul } from './mul.js';
import { neg } from './neg.js';
import { square } from './square.js';

const erfInto = unary(erfOf);

const slope = (a: Node): Node => mul(exp(neg(square(a))), 2 / Math.sqrt(Math.PI));

/** Elementwise error function, to about 1e-15 (src/kernels/erf.ts).  d erf(a) = 2/sqrt(pi) e^(-a^2) da */
export const Erf: OpDef = defineOp({
  name: 'erf',
  inplace: true,
  infer: ([a]) => ({ shape: a.shape, dtype: sameDType([a], FLOATS) }),
  forward: ([a], out) => erfInto(out, a),
  backward: (grad, { inputs: [a] }) => [mul(grad, slope(a))],
  jvp: ([da], { inputs: [a] }) => mul(da!, slope(a)),
});
export const erf = (a: Operand, name?: string): Node => apply(Erf, [a], {}, name);
