import ops from 'ndarray-ops';
import type { NdArray } from 'ndarray';
import { apply, sameDType } from '../graph/apply.js';
import type { Node, Operand } from '../graph/node.js';
import { defineOp } from '../graph/op.js';
import { broadcastShapes } from '../graph/shape.js';
import { map2 } from '../kernels/elementwise.js';

type Strided = (out: NdArray, a: NdArray, b: NdArray) => unknown;

/**
 * An elementwise comparison, NumPy broadcasting. No gradient: the output is piecewise constant.
 * NOTE: the output has the inputs' dtype and holds 1 (true) or 0 (false), not booleans, so a mask
 * multiplies straight into the values it came from (`mul(x, greater(x, 0))`). NaN compares false,
 * as in IEEE 754 (and NumPy).
 */
const comparison = (name: string, f: (x: number, y: number) => boolean, strided: Strided) =>
  defineOp({
    name,
    broadcast: true,
    nondifferentiable: true,
    infer: ([a, b]) => ({ shape: broadcastShapes(a.shape, b.shape), dtype: sameDType([a, b]) }),
    // ndarray-ops assigns the boolean `b > c` into the typed array, which stores it as 1 or 0.
    forward: ([a, b], out) => map2(out, a, b, (x, y) => (f(x, y) ? 1 : 0), strided),
  });

/** a > b, as 1/0 in the inputs' dtype. */
export const Greater = comparison('greater', (x, y) => x > y, ops.gt);
/** a >= b, as 1/0 in the inputs' dtype. */
export const GreaterEqual = comparison('greaterEqual', (x, y) => x >= y, ops.geq);
/** a < b, as 1/0 in the inputs' dtype. */
export const Less = comparison('less', (x, y) => x < y, ops.lt);
/** a <= b, as 1/0 in the inputs' dtype. */
export const LessEqual = comparison('lessEqual', (x, y) => x <= y, ops.leq);
/** a == b, as 1/0 in the inputs' dtype. */
export const Equal = comparison('equal', (x, y) => x === y, ops.eq);

export const greater = (a: Operand, b: Operand, name?: string): Node => apply(Greater, [a, b], {}, name);
export const greaterEqual = (a: Operand, b: Operand, name?: string): Node => apply(GreaterEqual, [a, b], {}, name);
export const less = (a: Operand, b: Operand, name?: string): Node => apply(Less, [a, b], {}, name);
export const lessEqual = (a: Operand, b: Operand, name?: string): Node => apply(LessEqual, [a, b], {}, name);
export const equal = (a: Operand, b: Operand, name?: string): Node => apply(Equal, [a, b], {}, name);
