import ndarray from 'ndarray';
import { apply } from '../graph/apply.js';
import type { Node, Operand } from '../graph/node.js';
import { defineOp } from '../graph/op.js';
import { formatShape, normalizeAxes, ShapeError } from '../graph/shape.js';
import { expandDims } from './expandDims.js';

/** Removes size-1 axes, as a view.  d = expandDims(grad, axes) */
export const Squeeze = defineOp<{ axes: readonly number[] }>({
  name: 'squeeze',
  linear: true,
  infer: ([x], { axes }) => {
    for (const a of axes) {
      if (x.shape[a] !== 1 && x.shape[a] !== null) {
        throw new ShapeError(`axis ${a} of ${formatShape(x.shape)} has size ${x.shape[a]}, not 1`);
      }
    }
    return { shape: x.shape.filter((_, i) => !axes.includes(i)), dtype: x.dtype };
  },
  view: ([x], { axes }, shape) =>
    ndarray(x.data, shape.slice(), x.stride.filter((_, i) => !axes.includes(i)), x.offset),
  backward: (grad, { attrs: { axes } }) => [expandDims(grad, axes)],
});
/** Without axes, every axis statically known to be 1 is removed. */
export const squeeze = (x: Operand, { axes, name }: { axes?: number | readonly number[]; name?: string } = {}): Node =>
  apply(Squeeze, [x], ([v]) => ({
    axes: axes === undefined ? v.shape.flatMap((d, i) => (d === 1 ? [i] : [])) : normalizeAxes(axes, v.shape),
  }), name);
