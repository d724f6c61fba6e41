import { apply, FLOATS } from '../graph/apply.js';
import type { Node, Operand } from '../graph/node.js';
import { elementwise } from './elementwise.js';
import { bySlope } from './slope.js';

/** Elementwise e^x.  d(exp a) = exp(a) da, reusing the output. */
export const Exp = elementwise({ name: 'exp', arity: 1, expr: 'Math.exp(a)', dtypes: FLOATS, ...bySlope((out) => out) });
export const exp = (a: Operand, opts: { name?: string } = {}): Node => apply(Exp, [a], {}, opts.name);
