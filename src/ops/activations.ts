/**
 * Activations and clipping built from ops, so their derivatives (of every order) come from the ops':
 * leakyRelu, elu, selu, gelu, clip.
 */
import type { Node } from '../graph/node.js';
import { ShapeError } from '../graph/shape.js';
import { add } from './add.js';
import { greater } from './compare.js';
import { erf } from './erf.js';
import { expm1 } from './log1p.js';
import { maximum } from './maximum.js';
import { minimum } from './minimum.js';
import { mul } from './mul.js';
import { where } from './where.js';

/** x for x > 0, alpha x otherwise (alpha default 0.2, as Keras). NOTE: at 0 the slope is alpha. */
export const leakyRelu = (x: Node, { alpha = 0.2, name }: { alpha?: number; name?: string } = {}): Node => where(greater(x, 0), x, mul(x, alpha), { name });

/** x for x > 0, alpha (e^x - 1) otherwise (alpha default 1). */
export const elu = (x: Node, { alpha = 1, name }: { alpha?: number; name?: string } = {}): Node => where(greater(x, 0), x, mul(expm1(x), alpha), { name });

/** scale * elu(x, alpha) with the self-normalising constants of Klambauer et al. (2017). */
export const SELU_ALPHA = 1.6732632423543772, SELU_SCALE = 1.0507009873554805;
export const selu = (x: Node, { name }: { name?: string } = {}): Node => mul(elu(x, { alpha: SELU_ALPHA }), SELU_SCALE, { name });

/** x Phi(x) = x (1 + erf(x / sqrt 2)) / 2, the exact GELU (not the tanh approximation). */
export const gelu = (x: Node, { name }: { name?: string } = {}): Node => mul(mul(x, 0.5), add(erf(mul(x, Math.SQRT1_2)), 1), { name });

/**
 * x limited to [lo, hi]. NOTE: the gradient is 1 strictly inside and 0 outside; at a bound it is
 * split as maximum and minimum split ties.
 */
export function clip(x: Node, lo: number, hi: number, { name }: { name?: string } = {}): Node {
  if (!(lo <= hi)) throw new ShapeError(`clip${name ? ` '${name}'` : ''}: lo ${lo} must not exceed hi ${hi} (input ${x})`);
  return minimum(maximum(x, lo), hi, { name });
}
