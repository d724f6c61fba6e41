import { apply } from '../graph/apply.js';
import type { Node, Operand } from '../graph/node.js';
import { elementwise } from './elementwise.js';
import { bySlope } from './slope.js';
import { mul } from './mul.js';

/** Elementwise a^2.  d(a^2) = 2a da */
export const Square = elementwise({ name: 'square', arity: 1, expr: 'a * a', ...bySlope(({ inputs: [a] }) => mul(a, 2)) });
export const square = (a: Operand, opts: { name?: string } = {}): Node => apply(Square, [a], {}, opts.name);
