import { apply, defineOp, FLOATS, map1, maximum, minimum, mul, sameDType, type Node, type Operand } from '../../src/index.js';

export interface HuberAttrs {
  readonly delta: number;
}

/** Huber's psi: the residual clipped to [-delta, delta], which is the loss's derivative. */
const psi = (r: Node, delta: number): Node => minimum(maximum(r, -delta), delta);

/**
 * The Huber loss of a residual, elementwise: r^2/2 where |r| <= delta, delta (|r| - delta/2)
 * beyond, so outliers pull linearly, not quadratically.  d huber(r) = clip(r, -delta, delta) dr
 * NOTE: one pass over the data; composing it from where/abs/square would compute both branches
 * for every element and keep a mask.
 */
export const Huber = defineOp<HuberAttrs>({
  name: 'huber',
  infer: ([r]) => ({ shape: r.shape, dtype: sameDType([r], FLOATS) }),
  forward: ([r], out, { delta }) =>
    map1(out, r, (x) => {
      const a = Math.abs(x);
      return a <= delta ? 0.5 * x * x : delta * (a - 0.5 * delta);
    }),
  backward: (grad, { inputs: [r], attrs: { delta } }) => [mul(grad, psi(r, delta))],
  jvp: ([dr], { inputs: [r], attrs: { delta } }) => mul(dr!, psi(r, delta)),
});

export function huber(r: Operand, delta = 1, name?: string): Node {
  if (!(delta > 0) || !Number.isFinite(delta)) throw new RangeError(`huber: delta must be a positive number, not ${delta}`);
  return apply(Huber, [r], { delta }, name);
}
