import { apply, FLOATS } from '../graph/apply.js';
import type { Node, Operand } from '../graph/node.js';
import { erf as erfOf } from '../kernels/erf.js';
import { elementwise } from './elementwise.js';
import { exp } from './exp.js';
import { mul } from './mul.js';
import { neg } from './neg.js';
import { bySlope } from './slope.js';
import { square } from './square.js';

/** Elementwise error function, to about 1e-15 (src/kernels/erf.ts).  d erf(a) = 2/sqrt(pi) e^(-a^2) da */
export const Erf = elementwise({
  name: 'erf',
  arity: 1,
  expr: 'erf(a)',
  lib: { erf: erfOf },
  dtypes: FLOATS,
  ...bySlope(({ inputs: [a] }) => mul(exp(neg(square(a))), 2 / Math.sqrt(Math.PI))),
});
export const erf = (a: Operand, opts: { name?: string } = {}): Node => apply(Erf, [a], {}, opts.name);
