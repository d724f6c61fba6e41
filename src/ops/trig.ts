import { apply, FLOATS } from '../graph/apply.js';
import type { Node, Operand } from '../graph/node.js';
import { elementwise } from './elementwise.js';
import { neg } from './neg.js';
import { bySlope } from './slope.js';

/** Elementwise sine.  d sin(a) = cos(a) da */
export const Sin = elementwise({ name: 'sin', arity: 1, expr: 'Math.sin(a)', dtypes: FLOATS, ...bySlope(({ inputs: [a] }) => cos(a)) });
export const sin = (a: Operand, opts: { name?: string } = {}): Node => apply(Sin, [a], {}, opts.name);

/** Elementwise cosine.  d cos(a) = -sin(a) da */
export const Cos = elementwise({ name: 'cos', arity: 1, expr: 'Math.cos(a)', dtypes: FLOATS, ...bySlope(({ inputs: [a] }) => neg(sin(a))) });
export const cos = (a: Operand, opts: { name?: string } = {}): Node => apply(Cos, [a], {}, opts.name);
