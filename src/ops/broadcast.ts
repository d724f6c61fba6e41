import { apply } from '../graph/apply.js';
import type { Node, Operand } from '../graph/node.js';
import { defineOp } from '../graph/op.js';
import { broadcastShapes, formatShape, isConcrete, ShapeError, type Dim } from '../graph/shape.js';
import type { NdArray } from 'ndarray';
import { bindReduce, reduce, SUM } from '../kernels/reduce.js';
import { broadcastView, copyInto } from '../graph/tensor.js';
import { add } from './add.js';
import { identity } from './identity.js';
import { sum } from './sum.js';

/**
 * Undoes broadcasting: sums `grad` down to the shape of `like` (leading axes dropped, stretched 1s
 * summed with keepDims). The one helper every binary op's backward uses. When `like` has unknown
 * dimensions, which axes were stretched is only known at run time, so SumLike decides then.
 */
export function sumTo(grad: Node, like: Node, { name }: { name?: string } = {}): Node {
  if (!isConcrete(like.shape)) return apply(SumLike, [grad, like], {}, name);
  const shape = like.shape;
  const lead = grad.rank - shape.length;
  if (lead < 0) throw new ShapeError(`sumTo: cannot reduce ${formatShape(grad.shape)} to ${formatShape(shape)}`);
  let r = lead > 0 ? sum(grad, { axes: Array.from({ length: lead }, (_, i) => i) }) : grad;
  const axes = shape.flatMap((d, i) => (d === 1 && r.shape[i] !== 1 ? [i] : []));
  if (axes.length > 0) r = sum(r, { axes, keepDims: true });
  // NOTE: nothing to undo returns grad itself; a name then needs a node of its own.
  return name === undefined ? r : identity(r, { name });
}

/**
 * `grad` summed down to the run-time shape of `like` (used only for its shape): a view when no axis
 * was stretched, a reduction otherwise.  d = broadcastLike(grad, original grad)
 */
export const SumLike = defineOp({
  name: 'sumLike',
  linear: true,
  infer: ([g, like]) => {
    const lead = g.shape.length - like.shape.length;
    const ok = lead >= 0 && like.shape.every((d, i) => d === null || d === 1 || g.shape[i + lead] === null || g.shape[i + lead] === d);
    if (!ok) throw new ShapeError(`cannot sum ${formatShape(g.shape)} down to ${formatShape(like.shape)}`);
    return { shape: like.shape, dtype: g.dtype };
  },
  view: ([g], _, shape) => (g.shape.length === shape.length && g.shape.every((d, i) => d === shape[i]) ? g : null),
  forward: ([g], out) => reduce(out, g, stretched(g, out), SUM),
  bind: ([g], out) => bindReduce(out, g, stretched(g, out), SUM),
  backward: (grad, { inputs: [g] }) => [broadcastLike(grad, g), null],
  jvp: ([dg], { inputs: [, like] }) => (dg ? sumTo(dg, like) : null),
});

/** The axes of `g` that broadcasting stretched to reach it from `out`'s shape (SumLike sums them). */
function stretched(g: NdArray, out: NdArray): number[] {
  const lead = g.shape.length - out.shape.length;
  return g.shape.flatMap((d, i) => (i < lead || (out.shape[i - lead] === 1 && d !== 1) ? [i] : []));
}

/** Sums two tangents where either may be null (zero). */
export function addTangents(a: Node | null, b: Node | null): Node | null {
  if (!a) return b;
  if (!b) return a;
  return add(a, b);
}

/**
 * `x` stretched to the shape of `like` (whose value is used only for its shape), as a stride-0 view.
 * For rules whose target shape is known only at run time.  d = sumTo(grad, x)
 */
export const BroadcastLike = defineOp({
  name: 'broadcastLike',
  linear: true,
  infer: ([x, like]) => {
    const s = broadcastShapes(x.shape, like.shape);
    if (s.length !== like.shape.length || s.some((d, i) => d !== like.shape[i] && like.shape[i] !== null)) {
      throw new ShapeError(`cannot broadcast ${formatShape(x.shape)} to ${formatShape(like.shape)}`);
    }
    return { shape: like.shape, dtype: x.dtype };
  },
  view: ([x], _, shape) => broadcastView(x, shape),
  forward: ([x], out) => copyInto(out, broadcastView(x, out.shape)),
  backward: (grad, { inputs: [x] }) => [sumTo(grad, x), null],
  jvp: ([dx], { inputs: [, like] }) => (dx ? broadcastLike(dx, like) : null),
});
export const broadcastLike = (x: Operand, like: Node, opts: { name?: string } = {}): Node => apply(BroadcastLike, [x, like], {}, opts.name);

/** NumPy's `broadcast_to`: `x` stretched to a fixed shape, as a view.  d = sumTo(grad, x) */
export const BroadcastTo = defineOp<{ shape: readonly Dim[] }>({
  name: 'broadcastTo',
  linear: true,
  infer: ([x], { shape }) => {
    const s = broadcastShapes(x.shape, shape);
    if (s.length !== shape.length || s.some((d, i) => d !== shape[i] && shape[i] !== null)) {
      throw new ShapeError(`cannot broadcast ${formatShape(x.shape)} to ${formatShape(shape)}`);
    }
    return { shape, dtype: x.dtype };
  },
  view: ([x], _, shape) => broadcastView(x, shape),
  forward: ([x], out) => copyInto(out, broadcastView(x, out.shape)),
  backward: (grad, { inputs: [x] }) => [sumTo(grad, x)],
});
export const broadcastTo = (x: Operand, shape: readonly number[], opts: { name?: string } = {}): Node =>
  apply(BroadcastTo, [x], { shape: shape.slice() }, opts.name);
