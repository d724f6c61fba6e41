import { apply } from '../graph/apply.js';
import type { Node, Operand } from '../graph/node.js';
import { addTangents, sumTo } from './broadcast.js';
import { elementwise } from './elementwise.js';
import { largerWeight } from './maximum.js';
import { mul } from './mul.js';

/**
 * Elementwise smaller of a and b, NumPy broadcasting; NaN propagates.  d min(a, b) = [a < b] da + [a > b] db
 * NOTE: ties split the gradient half and half, as maximum's do; a is the smaller where b is the larger.
 */
export const Minimum = elementwise({
  name: 'minimum',
  arity: 2,
  expr: 'Math.min(a, b)',
  backward: (grad, { inputs: [a, b] }) => [sumTo(mul(grad, largerWeight(b, a)), a), sumTo(mul(grad, largerWeight(a, b)), b)],
  jvp: ([da, db], { inputs: [a, b] }) => addTangents(da && mul(da, largerWeight(b, a)), db && mul(db, largerWeight(a, b))),
});
export const minimum = (a: Operand, b: Operand, opts: { name?: string } = {}): Node => apply(Minimum, [a, b], {}, opts.name);
