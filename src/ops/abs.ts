import { apply } from '../graph/apply.js';
import type { Node, Operand } from '../graph/node.js';
import { greater, less } from './compare.js';
import { elementwise } from './elementwise.js';
import { bySlope } from './slope.js';
import { sub } from './sub.js';

/** sign(a) as 1, 0 or -1 in a's dtype, from two masks; piecewise constant, so nothing flows through it. */
const signOf = (a: Node): Node => sub(greater(a, 0), less(a, 0));

/**
 * Elementwise absolute value.  d|a| = sign(a) da
 * NOTE: abs'(0) = 0 (sign(0) = 0), the midpoint of the subgradient [-1, 1], as in PyTorch and JAX.
 */
export const Abs = elementwise({ name: 'abs', arity: 1, expr: 'Math.abs(a)', ...bySlope(({ inputs: [a] }) => signOf(a)) });
export const abs = (a: Operand, opts: { name?: string } = {}): Node => apply(Abs, [a], {}, opts.name);
