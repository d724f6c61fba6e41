import { apply } from '../graph/apply.js';
import type { Node, Operand } from '../graph/node.js';
import { elementwise } from './elementwise.js';

/** Elementwise negation.  d(-a) = -da */
export const Neg = elementwise({
  name: 'neg',
  arity: 1,
  expr: '-a',
  linear: true,
  backward: (grad) => [neg(grad)],
});
export const neg = (a: Operand, opts: { name?: string } = {}): Node => apply(Neg, [a], {}, opts.name);
