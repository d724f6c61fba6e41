import { apply } from '../graph/apply.js';
import type { Node, Operand } from '../graph/node.js';
import { elementwise } from './elementwise.js';

/**
 * An elementwise comparison, NumPy broadcasting. No gradient: the output is piecewise constant.
 * NOTE: the output has the inputs' dtype and holds 1 (true) or 0 (false), not booleans, so a mask
 * multiplies straight into the values it came from (`mul(x, greater(x, 0))`). NaN compares false,
 * as in IEEE 754 (and NumPy).
 */
const comparison = (name: string, test: string) =>
  elementwise({ name, arity: 2, expr: `${test} ? 1 : 0`, nondifferentiable: true });

/** a > b, as 1/0 in the inputs' dtype. */
export const Greater = comparison('greater', 'a > b');
/** a >= b, as 1/0 in the inputs' dtype. */
export const GreaterEqual = comparison('greaterEqual', 'a >= b');
/** a < b, as 1/0 in the inputs' dtype. */
export const Less = comparison('less', 'a < b');
/** a <= b, as 1/0 in the inputs' dtype. */
export const LessEqual = comparison('lessEqual', 'a <= b');
/** a == b, as 1/0 in the inputs' dtype. */
export const Equal = comparison('equal', 'a === b');

export const greater = (a: Operand, b: Operand, opts: { name?: string } = {}): Node => apply(Greater, [a, b], {}, opts.name);
export const greaterEqual = (a: Operand, b: Operand, opts: { name?: string } = {}): Node => apply(GreaterEqual, [a, b], {}, opts.name);
export const less = (a: Operand, b: Operand, opts: { name?: string } = {}): Node => apply(Less, [a, b], {}, opts.name);
export const lessEqual = (a: Operand, b: Operand, opts: { name?: string } = {}): Node => apply(LessEqual, [a, b], {}, opts.name);
export const equal = (a: Operand, b: Operand, opts: { name?: string } = {}): Node => apply(Equal, [a, b], {}, opts.name);
