/**
 * Piecewise-constant elementwise ops: sign, floor, round. Their derivative is zero wherever it
 * exists (and undefined at the jumps), so they are `nondifferentiable`: no gradient or tangent flows
 * through them, as in TensorFlow and JAX. Use a straight-through estimator of your own (x +
 * stopGradient(round(x) - x)) if you want one.
 */
import { apply } from '../graph/apply.js';
import type { Node, Operand } from '../graph/node.js';
import { elementwise } from './elementwise.js';

/** Round half to even (NumPy's and TensorFlow's rule): 0.5 -> 0, 1.5 -> 2, -2.5 -> -2. */
export function roundHalfEven(x: number): number {
  const r = Math.round(x);
  return r - x === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

/** Elementwise sign: -1, 0 or 1 (NaN stays NaN). Zero gradient. */
export const Sign = elementwise({ name: 'sign', arity: 1, expr: '(a > 0 ? 1 : a < 0 ? -1 : a)', nondifferentiable: true });
/** Elementwise floor. Zero gradient. */
export const Floor = elementwise({ name: 'floor', arity: 1, expr: 'Math.floor(a)', nondifferentiable: true });
/** Elementwise rounding to the nearest integer, half to even. Zero gradient. */
export const Round = elementwise({ name: 'round', arity: 1, expr: 'roundHalfEven(a)', lib: { roundHalfEven }, nondifferentiable: true });

export const sign = (a: Operand, opts: { name?: string } = {}): Node => apply(Sign, [a], {}, opts.name);
export const floor = (a: Operand, opts: { name?: string } = {}): Node => apply(Floor, [a], {}, opts.name);
export const round = (a: Operand, opts: { name?: string } = {}): Node => apply(Round, [a], {}, opts.name);
