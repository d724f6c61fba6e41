import ndarray from 'ndarray';
import { apply } from '../graph/apply.js';
import type { Node, Operand } from '../graph/node.js';
import { defineOp } from '../graph/op.js';
import { formatShape, isConcrete, ShapeError, sizeOf, stridesOf, type Dim } from '../graph/shape.js';
import { copyInto, isContiguous } from '../graph/tensor.js';

/**
 * The same elements in row-major order, in a new shape; one dimension may be -1 (inferred).
 * A view when the input is contiguous, a copy otherwise.  d = reshape(grad, input's shape)
 */
export const Reshape = defineOp<{ shape: readonly number[] }>({
  name: 'reshape',
  linear: true,
  infer: ([x], { shape }) => {
    const known = shape.filter((d) => d !== -1).reduce((p, d) => p * d, 1);
    const holes = shape.filter((d) => d === -1).length;
    if (holes > 1 || shape.some((d) => !Number.isInteger(d) || d < -1)) {
      throw new ShapeError(`bad target shape ${formatShape(shape)}: sizes are integers >= 0, with at most one -1`);
    }
    if (!isConcrete(x.shape)) return { shape: shape.map((d) => (d === -1 ? null : d)), dtype: x.dtype };
    const size = sizeOf(x.shape);
    const fill = holes === 1 && known > 0 && size % known === 0 ? size / known : -1;
    const out: Dim[] = shape.map((d) => (d === -1 ? fill : d));
    if ((holes === 1 && fill < 0) || (holes === 0 && known !== size)) {
      throw new ShapeError(`cannot reshape ${formatShape(x.shape)} (${size} elements) to ${formatShape(shape)}`);
    }
    return { shape: out, dtype: x.dtype };
  },
  view: ([x], _, shape) => (isContiguous(x) ? ndarray(x.data, shape.slice(), stridesOf(shape), x.offset) : null),
  forward: ([x], out) => copyInto(ndarray(out.data, x.shape.slice(), stridesOf(x.shape), out.offset), x),
  backward: (grad, { inputs: [x] }) => [reshape(grad, targetOf(x))],
});

/** A node's static shape as a reshape target; one unknown dimension becomes -1. */
function targetOf(x: Node): number[] {
  if (x.shape.filter((d) => d === null).length > 1) {
    throw new ShapeError(`reshape: cannot restore shape ${formatShape(x.shape)} of '${x.name}' with more than one unknown dimension`);
  }
  return x.shape.map((d) => d ?? -1);
}

export const reshape = (x: Operand, shape: readonly number[], opts: { name?: string } = {}): Node =>
  apply(Reshape, [x], { shape: shape.slice() }, opts.name);
