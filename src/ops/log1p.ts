import { apply, FLOATS, sameDType } from '../graph/apply.js';
import type { Node, Operand } from '../graph/node.js';
import { defineOp, type OpDef } from '../graph/op.js';
import { unary } from '../kernels/elementwise.js';
import { add } from './add.js';
import { div } from './div.js';
import { mul } from './mul.js';

const log1pInto = unary(Math.log1p);
const expm1Into = unary(Math.expm1);

/** Elementwise log(1 + a), accurate for tiny a.  d log1p(a) = da / (1 + a) */
export const Log1p: OpDef = defineOp({
  name: 'log1p',
  inplace: true,
  infer: ([a]) => ({ shape: a.shape, dtype: sameDType([a], FLOATS) }),
  forward: ([a], out) => log1pInto(out, a),
  backward: (grad, { inputs: [a] }) => [div(grad, add(a, 1))],
  jvp: ([da], { inputs: [a] }) => div(da!, add(a, 1)),
});
export const log1p = (a: Operand, name?: string): Node => apply(Log1p, [a], {}, name);

/** Elementwise e^a - 1, accurate for tiny a.  d expm1(a) = (expm1(a) + 1) da, reusing the output. */
export const Expm1: OpDef = defineOp({
  name: 'expm1',
  inplace: true,
  infer: ([a]) => ({ shape: a.shape, dtype: sameDType([a], FLOATS) }),
  forward: ([a], out) => expm1Into(out, a),
  backward: (grad, out) => [mul(grad, add(out, 1))],
  jvp: ([da], out) => mul(da!, add(out, 1)),
});
export const expm1 = (a: Operand, name?: string): Node => apply(Expm1, [a], {}, name);
