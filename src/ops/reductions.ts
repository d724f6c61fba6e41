/** Reductions built from ops: logSumExp, argmin, norm. */
import type { Node } from '../graph/node.js';
import { normalizeAxes, ShapeError } from '../graph/shape.js';
import { abs } from './abs.js';
import { add } from './add.js';
import { argmax } from './argmax.js';
import { exp } from './exp.js';
import { stopGradient } from './identity.js';
import { log } from './log.js';
import { max } from './max.js';
import { neg } from './neg.js';
import { sqrt } from './sqrt.js';
import { square } from './square.js';
import { squeeze } from './squeeze.js';
import { sub } from './sub.js';
import { sum } from './sum.js';

/**
 * log(sum(exp(x))) over axes (all by default).  d = softmax(x) dx.
 * NOTE: shifted by the max (held constant, stopGradient; the result does not depend on it), so
 * large inputs do not overflow.
 */
export function logSumExp(x: Node, opts: { axes?: number | readonly number[]; keepDims?: boolean; name?: string } = {}): Node {
  const ax = normalizeAxes(opts.axes, x.rank);
  const m = stopGradient(max(x, { axes: ax, keepDims: true }));
  const y = add(log(sum(exp(sub(x, m)), { axes: ax, keepDims: true })), m, { name: opts.keepDims ? opts.name : undefined });
  return opts.keepDims ? y : squeeze(y, { axes: ax, name: opts.name });
}

/** The index of the smallest element along an axis (int32; the first on ties). No gradient. */
export const argmin = (x: Node, opts: { axis?: number; name?: string } = {}): Node => argmax(neg(x), opts);

/**
 * The vector norm over axes (all by default): ord 2 (Euclidean, default), 1, or Infinity.
 * NOTE: the 2-norm's gradient x / |x| is NaN at x = 0 (as in TensorFlow).
 */
export function norm(x: Node, opts: { ord?: 1 | 2 | typeof Infinity; axes?: number | readonly number[]; keepDims?: boolean; name?: string } = {}): Node {
  const ord = opts.ord ?? 2, o = { keepDims: opts.keepDims, name: opts.name };
  if (ord === 2) return sqrt(sum(square(x), { axes: opts.axes, keepDims: opts.keepDims }), { name: opts.name });
  if (ord === 1) return sum(abs(x), { axes: opts.axes, ...o });
  if (ord === Infinity) return max(abs(x), { axes: opts.axes, ...o });
  throw new ShapeError(`norm: ord ${ord} is not 1, 2 or Infinity (input ${x})`);
}
