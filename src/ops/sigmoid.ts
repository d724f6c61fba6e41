import { apply, FLOATS } from '../graph/apply.js';
import type { Node, Operand } from '../graph/node.js';
import { elementwise } from './elementwise.js';
import { bySlope } from './slope.js';
import { mul } from './mul.js';
import { sub } from './sub.js';

/**
 * The logistic function 1 / (1 + e^-x).
 * NOTE: e^x is only ever taken of a non-positive number, so nothing overflows: sigmoid(1000) = 1,
 * sigmoid(-1000) = 0, never NaN.
 */
export function logistic(x: number): number {
  if (x >= 0) return 1 / (1 + Math.exp(-x));
  const e = Math.exp(x);
  return e / (1 + e);
}

/** Elementwise logistic sigmoid.  d sigmoid(a) = out (1 - out) da, reusing the output. */
export const Sigmoid = elementwise({
  name: 'sigmoid',
  arity: 1,
  expr: 'logistic(a)',
  lib: { logistic },
  dtypes: FLOATS,
  ...bySlope((out) => mul(out, sub(1, out))),
});
export const sigmoid = (a: Operand, opts: { name?: string } = {}): Node => apply(Sigmoid, [a], {}, opts.name);
