import { apply } from '../graph/apply.js';
import type { Node, Operand } from '../graph/node.js';
import { defineOp } from '../graph/op.js';
import { normalizeAxes, type Dim } from '../graph/shape.js';
import ndarray from 'ndarray';
import { squeeze } from './squeeze.js';

/** Inserts size-1 axes at `axes` (positions in the output), as a view.  d = squeeze(grad, axes) */
export const ExpandDims = defineOp<{ axes: readonly number[] }>({
  name: 'expandDims',
  linear: true,
  infer: ([x], { axes }) => {
    const shape: Dim[] = [];
    let j = 0;
    for (let i = 0; i < x.shape.length + axes.length; i++) shape.push(axes.includes(i) ? 1 : x.shape[j++]);
    return { shape, dtype: x.dtype };
  },
  view: ([x], { axes }, shape) => {
    const stride: number[] = [];
    let j = 0;
    for (let i = 0; i < shape.length; i++) stride.push(axes.includes(i) ? 0 : x.stride[j++]);
    return ndarray(x.data, shape.slice(), stride, x.offset);
  },
  backward: (grad, { attrs: { axes } }) => [squeeze(grad, { axes })],
});
/** Axes are positions in the result; negative ones count from its end. */
export const expandDims = (x: Operand, axes: number | readonly number[], { name }: { name?: string } = {}): Node => {
  const n = typeof axes === 'number' ? 1 : axes.length;
  return apply(ExpandDims, [x], ([v]) => ({ axes: normalizeAxes(axes, v.rank + n) }), name);
};
