import { apply } from '../graph/apply.js';
import type { Node, Operand } from '../graph/node.js';
import { addTangents, sumTo } from './broadcast.js';
import { elementwise } from './elementwise.js';

/** Elementwise product, NumPy broadcasting.  d(a*b) = da*b + a*db */
export const Mul = elementwise({
  name: 'mul',
  arity: 2,
  expr: 'a * b',
  backward: (grad, { inputs: [a, b] }) => [sumTo(mul(grad, b), a), sumTo(mul(grad, a), b)],
  jvp: ([da, db], { inputs: [a, b] }) => addTangents(da && mul(da, b), db && mul(a, db)),
});
export const mul = (a: Operand, b: Operand, opts: { name?: string } = {}): Node => apply(Mul, [a, b], {}, opts.name);
