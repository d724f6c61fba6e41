/**
 * Normalisation, built from ops (so their derivatives of every order come from the ops'):
 * moments (mean and variance over axes), batchNormalization (normalise with given statistics,
 * tf.nn.batch_normalization) and layerNorm. Layers that own the scale, offset and moving
 * averages are in src/nn/.
 */
import type { Node } from '../graph/node.js';
import { normalizeAxes, ShapeError } from '../graph/shape.js';
import { add } from './add.js';
import { div } from './div.js';
import { mean } from './mean.js';
import { mul } from './mul.js';
import { sqrt } from './sqrt.js';
import { square } from './square.js';
import { squeeze } from './squeeze.js';
import { sub } from './sub.js';

/**
 * The mean and the (biased, divide-by-n) variance of x over `axes`, as tf.nn.moments: kept as size-1
 * axes with keepDims, dropped otherwise.
 */
export function moments(x: Node, axes: number | readonly number[], opts: { keepDims?: boolean; name?: string } = {}): { mean: Node; variance: Node } {
  const ax = normalizeAxes(axes, x.rank);
  const prefix = opts.name ? `${opts.name}/` : '';
  // The returned nodes carry the names `${name}/mean` and `${name}/variance`.
  const kept = (what: string) => (opts.keepDims ? `${prefix}${what}` : undefined);
  const m = mean(x, { axes: ax, keepDims: true, name: kept('mean') });
  const v = mean(square(sub(x, m)), { axes: ax, keepDims: true, name: kept('variance') });
  if (opts.keepDims) return { mean: m, variance: v };
  return { mean: squeeze(m, { axes: ax, name: `${prefix}mean` }), variance: squeeze(v, { axes: ax, name: `${prefix}variance` }) };
}

/**
 * (x - mean) / sqrt(variance + epsilon) * scale + offset, every operand broadcast against x
 * (scale and offset optional).
 */
export function batchNormalization(x: Node, mean: Node, variance: Node, opts: { offset?: Node; scale?: Node; epsilon?: number; name?: string } = {}): Node {
  const eps = opts.epsilon ?? 1e-3;
  if (!(eps > 0)) throw new ShapeError(`batchNormalization${opts.name ? ` '${opts.name}'` : ''}: epsilon ${eps} must be > 0`);
  // The last op built carries the name.
  const named = (last: boolean) => (last ? { name: opts.name } : {});
  let y = div(sub(x, mean), sqrt(add(variance, eps)), named(!opts.scale && !opts.offset));
  if (opts.scale) y = mul(y, opts.scale, named(!opts.offset));
  return opts.offset ? add(y, opts.offset, named(true)) : y;
}

/**
 * Layer normalisation: each sample normalised over `axes` (default: the last) by its own mean and
 * variance, then scaled and offset (optional, broadcast against x).
 */
export function layerNorm(x: Node, opts: { axes?: number | readonly number[]; scale?: Node; offset?: Node; epsilon?: number; name?: string } = {}): Node {
  const { mean: m, variance: v } = moments(x, opts.axes ?? -1, { keepDims: true });
  return batchNormalization(x, m, v, { scale: opts.scale, offset: opts.offset, epsilon: opts.epsilon ?? 1e-5, name: opts.name });
}
