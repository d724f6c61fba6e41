import { apply } from '../graph/apply.js';
import type { DType } from '../graph/dtype.js';
import type { Node } from '../graph/node.js';
import { defineOp } from '../graph/op.js';
import { formatShape, ShapeError } from '../graph/shape.js';
import type { Data } from '../graph/tensor.js';
import { fill, odometer } from '../kernels/elementwise.js';

export interface OneHotAttrs {
  readonly depth: number;
  readonly on: number;
  readonly off: number;
  readonly dtype: DType;
}

/**
 * `on` at position indices[...] of a new last axis of length `depth`, `off` elsewhere. No gradient.
 * NOTE: an index outside [0, depth) is an error, not a row of `off` as in TensorFlow: a label out of
 * range is far more often a bug (labels counted from 1, a wrong depth) than a deliberate "no class".
 */
export const OneHot = defineOp<OneHotAttrs>({
  name: 'oneHot',
  nondifferentiable: true,
  infer: ([indices], { depth, dtype }) => {
    if (indices.dtype !== 'int32') throw new ShapeError(`indices ${formatShape(indices.shape)} are ${indices.dtype}, not int32`);
    if (!Number.isInteger(depth) || depth < 0) throw new ShapeError(`depth ${depth} is not an integer >= 0`);
    return { shape: [...indices.shape, depth], dtype };
  },
  forward: ([indices], out, { depth, on, off }) => {
    fill(out, off);
    const idx = indices.data as Data, dst = out.data as Data;
    // out is fresh and contiguous; the odometer visits the indices in row-major order.
    let row = 0;
    odometer([indices], (o) => {
      const i = idx[o[0]];
      if (!(i >= 0 && i < depth)) throw new RangeError(`index ${i} (element ${row} of the indices) is outside [0, ${depth})`);
      dst[row * depth + i] = on;
      row++;
    });
  },
});
export const oneHot = (indices: Node, depth: number, opts: { on?: number; off?: number; dtype?: DType; name?: string } = {}): Node =>
  apply(OneHot, [indices], { depth, on: opts.on ?? 1, off: opts.off ?? 0, dtype: opts.dtype ?? 'float32' }, opts.name);
