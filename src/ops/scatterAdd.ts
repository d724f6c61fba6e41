import { apply } from '../graph/apply.js';
import type { Node } from '../graph/node.js';
import { defineOp } from '../graph/op.js';
import { axisAttrs, compatible, formatShape, ShapeError } from '../graph/shape.js';
import { fill } from '../kernels/elementwise.js';
import { scatterAddInto } from '../kernels/gather.js';
import { gather, gatheredShape } from './gather.js';

/**
 * Zeros shaped like `like` (only its shape is read) with `updates` added at `indices` along
 * `axis`; a repeated index accumulates. The transpose of gather, and its gradient.
 * d updates = gather(grad) at the same indices; indices and like get none.
 */
export const ScatterAdd = defineOp<{ axis: number }>({
  name: 'scatterAdd',
  infer: ([updates, indices, like], { axis }) => {
    const want = gatheredShape(like, indices, axis);
    if (!compatible(updates.shape, want)) {
      throw new ShapeError(`updates ${formatShape(updates.shape)} do not fit indices ${formatShape(indices.shape)} into ${formatShape(like.shape)} along axis ${axis} (expected ${formatShape(want)})`);
    }
    return { shape: like.shape, dtype: updates.dtype };
  },
  forward: ([updates, indices], out, { axis }) => {
    fill(out, 0);
    scatterAddInto(out, updates, indices, axis);
  },
  backward: (grad, { inputs: [, indices], attrs: { axis } }) => [gather(grad, indices, { axis }), null, null],
  jvp: ([du], { inputs: [, indices, like], attrs: { axis } }) => du && scatterAdd(du, indices, like, { axis }),
});
export const scatterAdd = (updates: Node, indices: Node, like: Node, opts: { axis?: number; name?: string } = {}): Node =>
  apply(ScatterAdd, [updates, indices, like], axisAttrs(opts.axis ?? 0, 2), opts.name);
