import { apply, FLOATS } from '../graph/apply.js';
import type { Node, Operand } from '../graph/node.js';
import { elementwise } from './elementwise.js';
import { bySlope } from './slope.js';
import { square } from './square.js';
import { sub } from './sub.js';

/** Elementwise hyperbolic tangent (Math.tanh saturates to ±1, no overflow).  d tanh(a) = (1 - out^2) da, reusing the output. */
export const Tanh = elementwise({ name: 'tanh', arity: 1, expr: 'Math.tanh(a)', dtypes: FLOATS, ...bySlope((out) => sub(1, square(out))) });
export const tanh = (a: Operand, opts: { name?: string } = {}): Node => apply(Tanh, [a], {}, opts.name);
