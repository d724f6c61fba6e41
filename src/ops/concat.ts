import { apply, sameDType } from '../graph/apply.js';
import type { Node } from '../graph/node.js';
import { defineOp } from '../graph/op.js';
import { axisAttrs, checkAxis, formatShape, ShapeError, type Dim } from '../graph/shape.js';
import { copyInto } from '../graph/tensor.js';
import { zerosLike } from './like.js';
import { sliceBounds } from './slice.js';

const total = (ds: readonly Dim[]): Dim => (ds.some((d) => d === null) ? null : ds.reduce<number>((p, d) => p + d!, 0));

/**
 * Joins arrays along an existing axis; every other dimension must match.
 * d = the slice of grad where each input sits.
 */
export const Concat = defineOp<{ axis: number }>({
  name: 'concat',
  linear: true,
  infer: (xs, { axis }) => {
    const fail = (why: string): never => {
      throw new ShapeError(`cannot join ${xs.map((x) => formatShape(x.shape)).join(', ')} along axis ${axis}: ${why}`);
    };
    if (xs.length === 0) fail('nothing to join');
    const rank = xs[0].shape.length;
    if (xs.some((x) => x.shape.length !== rank)) fail('ranks differ');
    checkAxis(axis, xs[0].shape);
    const shape = xs[0].shape.map((_, i) => {
      if (i === axis) return total(xs.map((x) => x.shape[i]));
      const known = xs.map((x) => x.shape[i]).filter((d) => d !== null);
      return known.some((d) => d !== known[0]) ? fail(`sizes differ on axis ${i}`) : (known[0] ?? null);
    });
    return { shape, dtype: sameDType(xs) };
  },
  forward: (xs, out, { axis }) => {
    let at = 0;
    for (const x of xs) {
      copyInto(out.lo(...x.shape.map((_, i) => (i === axis ? at : 0))).hi(...x.shape), x);
      at += x.shape[axis];
    }
  },
  // NOTE: an input's place is counted from the front, or from the back when a size before it is
  // unknown statically; only a run with two unknown sizes around an input has no static slice.
  backward: (grad, { inputs, attrs: { axis }, name }) =>
    inputs.map((x, i) => {
      const dims = inputs.map((y) => y.shape[axis]);
      const own = dims[i], before = total(dims.slice(0, i)), after = total(dims.slice(i + 1));
      if (own === 0) return zerosLike(x);
      const begin = before ?? (own !== null && after !== null ? -(own + after) : null);
      const end = after === 0 ? null : after !== null ? -after : before !== null && own !== null ? before + own : undefined;
      if (begin === null || end === undefined) {
        throw new ShapeError(`concat '${name}': the gradient of input ${i} has no static place along axis ${axis}: ${inputs.map((y) => formatShape(y.shape)).join(', ')}`);
      }
      return sliceBounds(grad, x.shape.map((_, k) => (k === axis ? begin : 0)), x.shape.map((_, k) => (k === axis ? end : null)));
    }),
});

/** NumPy's concatenate (axis 0 by default; negative axes count from the end). */
export function concat(xs: readonly Node[], { axis = 0, name }: { axis?: number; name?: string } = {}): Node {
  if (xs.length === 0) throw new ShapeError(`concat${name ? ` '${name}'` : ''}: needs at least one input`);
  return apply(Concat, xs, axisAttrs(axis), name);
}
