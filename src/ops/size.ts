import { apply } from '../graph/apply.js';
import type { Node } from '../graph/node.js';
import { defineOp } from '../graph/op.js';
import { normalizeAxes } from '../graph/shape.js';
import { fill } from '../kernels/elementwise.js';
import { constant } from '../graph/constant.js';

/**
 * NumPy's `size`: how many elements `x` has over `axes` (all by default), as a scalar of x's
 * dtype. Only the input's shape is read. No gradient: a count is piecewise constant.
 */
export const Size = defineOp<{ axes: readonly number[] }>({
  name: 'size',
  nondifferentiable: true,
  infer: ([x]) => ({ shape: [], dtype: x.dtype }),
  forward: ([x], out, { axes }) => fill(out, axes.reduce((p, a) => p * x.shape[a], 1)),
});

/** A constant when the counted dimensions are known statically; otherwise a Size node counts at run time. */
export function size(x: Node, { axes, name }: { axes?: number | readonly number[]; name?: string } = {}): Node {
  const list = normalizeAxes(axes, x.shape);
  const dims = list.map((a) => x.shape[a]);
  if (dims.every((d) => d !== null)) {
    return constant(dims.reduce((p: number, d) => p * d!, 1), { dtype: x.dtype, name });
  }
  return apply(Size, [x], { axes: list }, name);
}
