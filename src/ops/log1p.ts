import { apply, FLOATS } from '../graph/apply.js';
import type { Node, Operand } from '../graph/node.js';
import { add } from './add.js';
import { div } from './div.js';
import { elementwise } from './elementwise.js';
import { bySlope } from './slope.js';

/** Elementwise log(1 + a), accurate for tiny a.  d log1p(a) = da / (1 + a) */
export const Log1p = elementwise({ name: 'log1p', arity: 1, expr: 'Math.log1p(a)', dtypes: FLOATS, ...bySlope(({ inputs: [a] }) => div(1, add(a, 1))) });
export const log1p = (a: Operand, opts: { name?: string } = {}): Node => apply(Log1p, [a], {}, opts.name);

/** Elementwise e^a - 1, accurate for tiny a.  d expm1(a) = (expm1(a) + 1) da, reusing the output. */
export const Expm1 = elementwise({ name: 'expm1', arity: 1, expr: 'Math.expm1(a)', dtypes: FLOATS, ...bySlope((out) => add(out, 1)) });
export const expm1 = (a: Operand, opts: { name?: string } = {}): Node => apply(Expm1, [a], {}, opts.name);
