import { apply, FLOATS, sameDType } from '../graph/apply.js';
import type { Node, Operand } from '../graph/node.js';
import { defineOp, type OpDef } from '../graph/op.js';
import { unary } from '../kernels/elementwise.js';
import { mul } from './mul.js';
import { neg } from './neg.js';

const sinInto = unary(Math.sin);
const cosInto = unary(Math.cos);

/** Elementwise sine.  d sin(a) = cos(a) da */
export const Sin: OpDef = defineOp({
  name: 'sin',
  inplace: true,
  infer: ([a]) => ({ shape: a.shape, dtype: sameDType([a], FLOATS) }),
  forward: ([a], out) => sinInto(out, a),
  backward: (grad, { inputs: [a] }) => [mul(grad, cos(a))],
  jvp: ([da], { inputs: [a] }) => mul(da!, cos(a)),
});
export const sin = (a: Operand, name?: string): Node => apply(Sin, [a], {}, name);

/** Elementwise cosine.  d cos(a) = -sin(a) da */
export const Cos: OpDef = defineOp({
  name: 'cos',
  inplace: true,
  infer: ([a]) => ({ shape: a.shape, dtype: sameDType([a], FLOATS) }),
  forward: ([a], out) => cosInto(out, a),
  backward: (grad, { inputs: [a] }) => [mul(grad, neg(sin(a)))],
  jvp: ([da], { inputs: [a] }) => mul(da!, neg(sin(a))),
});
export const cos = (a: Operand, name?: string): Node => apply(Cos, [a], {}, name);
