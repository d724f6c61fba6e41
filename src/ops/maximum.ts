import { apply } from '../graph/apply.js';
import type { Node, Operand } from '../graph/node.js';
import { addTangents, sumTo } from './broadcast.js';
import { elementwise } from './elementwise.js';
import { greater, greaterEqual } from './compare.js';
import { add } from './add.js';
import { mul } from './mul.js';

/**
 * How much of a gradient goes to `a` for being the larger of a and b: 1 where a > b, 0 where a < b.
 * NOTE: at a tie each side gets 1/2 ((gt + ge) / 2), as in PyTorch and JAX: the rule is symmetric
 * (maximum(a, b) and maximum(b, a) have the same gradients) and the halves still sum to the true
 * derivative when both sides move together, as in maximum(x, x). Where either is NaN, both get 0.
 */
export const largerWeight = (a: Node, b: Node): Node => mul(add(greater(a, b), greaterEqual(a, b)), 0.5);

/** Elementwise larger of a and b, NumPy broadcasting; NaN propagates.  d max(a, b) = [a > b] da + [a < b] db (ties: half each) */
export const Maximum = elementwise({
  name: 'maximum',
  arity: 2,
  expr: 'Math.max(a, b)',
  backward: (grad, { inputs: [a, b] }) => [sumTo(mul(grad, largerWeight(a, b)), a), sumTo(mul(grad, largerWeight(b, a)), b)],
  jvp: ([da, db], { inputs: [a, b] }) => addTangents(da && mul(da, largerWeight(a, b)), db && mul(db, largerWeight(b, a))),
});
export const maximum = (a: Operand, b: Operand, opts: { name?: string } = {}): Node => apply(Maximum, [a, b], {}, opts.name);
