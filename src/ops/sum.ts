import { apply } from '../graph/apply.js';
import type { Node, Operand } from '../graph/node.js';
import { defineOp } from '../graph/op.js';
import { normalizeAxes, type Shape } from '../graph/shape.js';
import { bindReduce, reduce, SUM } from '../kernels/reduce.js';
import { broadcastLike } from './broadcast.js';
import { expandDims } from './expandDims.js';

export interface ReduceAttrs {
  /** Sorted, non-negative axes (builders normalise them). */
  readonly axes: readonly number[];
  readonly keepDims: boolean;
}
export interface ReduceOptions {
  /** One axis, several, negative from the end; all when absent. */
  axes?: number | readonly number[];
  keepDims?: boolean;
  name?: string;
}

/** The output shape of a reduction over `axes`. */
export function reducedShape(shape: Shape, { axes, keepDims }: ReduceAttrs): Shape {
  return keepDims ? shape.map((d, i) => (axes.includes(i) ? 1 : d)) : shape.filter((_, i) => !axes.includes(i));
}

/**
 * Attrs of a reduction, from what a builder is given: axes may be one, many, negative or all
 * (undefined). Normalised against the input's rank inside `apply`, so a bad axis names the node.
 */
export function reduceAttrs(_x: Operand, axes: number | readonly number[] | undefined, opts: ReduceOptions): (inputs: readonly Node[]) => ReduceAttrs {
  return ([x]) => ({ axes: normalizeAxes(axes, x.shape), keepDims: opts.keepDims ?? false });
}

/** `grad` of a reduction's output, shaped back to broadcast against its input (the reduced axes as 1s). */
export function unreduce(grad: Node, { axes, keepDims }: ReduceAttrs): Node {
  return keepDims || axes.length === 0 ? grad : expandDims(grad, axes);
}

/** Sum over axes (all by default).  d(sum x) = sum dx; its gradient is grad stretched over the summed axes. */
export const Sum = defineOp<ReduceAttrs>({
  name: 'sum',
  linear: true,
  infer: ([x], attrs) => ({ shape: reducedShape(x.shape, attrs), dtype: x.dtype }),
  forward: ([x], out, { axes }) => reduce(out, x, axes, SUM),
  bind: ([x], out, { axes }) => bindReduce(out, x, axes, SUM),
  backward: (grad, { inputs: [x], attrs }) => [broadcastLike(unreduce(grad, attrs), x)],
});
export const sum = (x: Operand, opts: ReduceOptions = {}): Node =>
  apply(Sum, [x], reduceAttrs(x, opts.axes, opts), opts.name);
