import { describe, Node } from '../graph/node.js';
import { add } from '../ops/add.js';
import { addN } from '../ops/addN.js';
import { cast } from '../ops/cast.js';
import { constant } from '../graph/constant.js';
import { div } from '../ops/div.js';
import { maximum } from '../ops/maximum.js';
import { mul } from '../ops/mul.js';
import { sqrt } from '../ops/sqrt.js';
import { square } from '../ops/square.js';
import { sum } from '../ops/sum.js';

export interface ClippedGradients {
  /** Each gradient times `maxNorm / max(norm, maxNorm)`; null entries stay null. */
  readonly grads: (Node | null)[];
  /** The global norm before clipping, sqrt(sum of every gradient's squared entries): a float64 scalar node. */
  readonly norm: Node;
}

/**
 * Clipping by global norm (TensorFlow's clip_by_global_norm): when the gradients taken together, as
 * one long vector, are longer than `maxNorm`, all are scaled down by the same factor, so the
 * direction of the update is kept. Use it between computeGradients and applyGradients, or through
 * an optimizer's `clipGlobalNorm` option. `maxNorm` is a positive number or a scalar float64 node.
 * NOTE: the norm is summed in float64 whatever the gradients' dtypes (mixed float32/float64 models
 * are fine). A NaN or infinite norm makes every clipped gradient NaN, as in TensorFlow, so a
 * diverging run shows instead of being quietly clipped to a finite step.
 */
export function clipByGlobalNorm(grads: readonly (Node | null)[], maxNorm: number | Node): ClippedGradients {
  if (typeof maxNorm === 'number' && !(maxNorm > 0 && Number.isFinite(maxNorm))) {
    throw new RangeError(`clipByGlobalNorm: maxNorm must be a positive number, got ${maxNorm}`);
  }
  if (maxNorm instanceof Node && (maxNorm.dtype !== 'float64' || maxNorm.rank !== 0)) {
    throw new TypeError(`clipByGlobalNorm: maxNorm ${describe(maxNorm)} must be a scalar float64 node`);
  }
  const present = grads.filter((g): g is Node => g !== null);
  for (const g of present) {
    if (!(g instanceof Node) || g.dtype === 'int32') {
      throw new TypeError(`clipByGlobalNorm: ${g instanceof Node ? `${describe(g)} is int32` : `${typeof g} is not a node`}; gradients are float nodes`);
    }
  }
  if (present.length === 0) return { grads: grads.slice(), norm: constant(0, { dtype: 'float64' }) };
  const squares = present.map((g) => cast(sum(square(g)), 'float64'));
  const norm = sqrt(squares.length === 1 ? squares[0] : addN(squares), { name: 'global_norm' });
  const limit = typeof maxNorm === 'number' ? constant(maxNorm, { dtype: 'float64' }) : maxNorm;
  // NOTE: norm * 0 is 0 for a finite norm and NaN otherwise: that is how a bad norm poisons the scale.
  const scale = add(div(limit, maximum(norm, limit)), mul(norm, 0));
  const scales = new Map<string, Node>();
  const scaleAs = (dtype: string): Node => {
    let s = scales.get(dtype);
    if (!s) scales.set(dtype, (s = dtype === 'float64' ? scale : cast(scale, 'float32')));
    return s;
  };
  return { grads: grads.map((g) => g && mul(g, scaleAs(g.dtype))), norm };
}
