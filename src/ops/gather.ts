import { apply } from '../graph/apply.js';
import type { Node } from '../graph/node.js';
import { defineOp, type TensorType } from '../graph/op.js';
import { axisAttrs, checkAxis, formatShape, ShapeError, type Shape } from '../graph/shape.js';
import { gatherInto } from '../kernels/gather.js';
import { scatterAdd } from './scatterAdd.js';

/** The shape of `params` gathered at `indices` along `axis`; checks the axis and the indices' dtype. */
export function gatheredShape(params: TensorType, indices: TensorType, axis: number): Shape {
  checkAxis(axis, params.shape);
  if (indices.dtype !== 'int32') throw new ShapeError(`indices ${formatShape(indices.shape)} are ${indices.dtype}, not int32`);
  return [...params.shape.slice(0, axis), ...indices.shape, ...params.shape.slice(axis + 1)];
}

/**
 * Slices of `params` along `axis` picked by int32 `indices` (embedding rows, labels' scores):
 * NumPy's `take`. An index outside [0, n) is an error.  d params = scatterAdd(grad) at the same
 * indices (a repeated index sums its gradients); indices get none.
 */
export const Gather = defineOp<{ axis: number }>({
  name: 'gather',
  infer: ([params, indices], { axis }) => ({ shape: gatheredShape(params, indices, axis), dtype: params.dtype }),
  forward: ([params, indices], out, { axis }) => gatherInto(out, params, indices, axis),
  backward: (grad, { inputs: [params, indices], attrs: { axis } }) => [scatterAdd(grad, indices, params, { axis }), null],
  jvp: ([dp], { inputs: [, indices], attrs: { axis } }) => dp && gather(dp, indices, { axis }),
});
export const gather = (params: Node, indices: Node, opts: { axis?: number; name?: string } = {}): Node =>
  apply(Gather, [params, indices], axisAttrs(opts.axis ?? 0), opts.name);
