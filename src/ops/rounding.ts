/**
 * Piecewise-constant elementwise ops: sign, floor, round. Their derivative is zero wherever it
 * exists (and undefined at the jumps), so they are `nondifferentiable`: no gradient or tangent flows
 * through them, as in TensorFlow and JAX. Use a straight-through estimator of your own (x +
 * stopGradient(round(x) - x)) if you want one.
 */
import { apply, sameDType } from '../graph/apply.js';
import type { Node, Operand } from '../graph/node.js';
import { defineOp, type OpDef } from '../graph/op.js';
import { unary } from '../kernels/elementwise.js';

/** Round half to even (NumPy's and TensorFlow's rule): 0.5 -> 0, 1.5 -> 2, -2.5 -> -2. */
export function roundHalfEven(x: number): number {
  const r = Math.round(x);
  return r - x === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

const piecewise = (name: string, f: (x: number) => number): OpDef => {
  const kernel = unary(f);
  return defineOp({
    name,
    inplace: true,
    nondifferentiable: true,
    infer: ([a]) => ({ shape: a.shape, dtype: sameDType([a]) }),
    forward: ([a], out) => kernel(out, a),
  });
};

/** Elementwise sign: -1, 0 or 1 (NaN stays NaN). Zero gradient. */
export const Sign = piecewise('sign', (x) => (x > 0 ? 1 : x < 0 ? -1 : x));
/** Elementwise floor. Zero gradient. */
export const Floor = piecewise('floor', Math.floor);
/** Elementwise rounding to the nearest integer, half to even. Zero gradient. */
export const Round = piecewise('round', roundHalfEven);

export const sign = (a: Operand, name?: string): Node => apply(Sign, [a], {}, name);
export const floor = (a: Operand, name?: string): Node => apply(Floor, [a], {}, name);
export const round = (a: Operand, name?: string): Node => apply(Round, [a], {}, name);
