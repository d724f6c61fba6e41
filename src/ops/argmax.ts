import { apply } from '../graph/apply.js';
import type { Node } from '../graph/node.js';
import { defineOp } from '../graph/op.js';
import { axisAttrs, checkAxis, formatShape, ShapeError } from '../graph/shape.js';
import type { Data } from '../graph/tensor.js';
import { alongAxis, lanes } from '../kernels/lanes.js';

/**
 * Index of the largest element along one axis, as int32; the axis is removed. No gradient: the
 * output is piecewise constant. NOTE: ties go to the first index and a NaN counts as largest
 * (its first occurrence wins), as in NumPy.
 */
export const Argmax = defineOp<{ axis: number }>({
  name: 'argmax',
  nondifferentiable: true,
  infer: ([x], { axis }) => {
    checkAxis(axis, x.shape);
    if (x.shape[axis] === 0) throw new ShapeError(`axis ${axis} of ${formatShape(x.shape)} is empty`);
    return { shape: x.shape.filter((_, i) => i !== axis), dtype: 'int32' };
  },
  forward: ([x], out, { axis }) => {
    const n = x.shape[axis], s = x.stride[axis];
    const src = x.data as Data, dst = out.data as Data;
    lanes([x, alongAxis(out, axis, n)], axis, (off) => {
      let best = 0;
      let top = src[off[0]];
      for (let j = 1; j < n && top === top; j++) {
        const v = src[off[0] + j * s];
        if (v > top || v !== v) {
          best = j;
          top = v;
        }
      }
      dst[off[1]] = best;
    });
  },
});
export const argmax = (x: Node, opts: { axis?: number; name?: string } = {}): Node => apply(Argmax, [x], axisAttrs(opts.axis ?? -1), opts.name);
