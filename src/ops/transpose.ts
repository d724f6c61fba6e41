import { apply } from '../graph/apply.js';
import type { Node, Operand } from '../graph/node.js';
import { defineOp } from '../graph/op.js';
import { formatShape, ShapeError } from '../graph/shape.js';

/** Permutes axes, as a strided view (no copy). Default: reverse them.  d = transpose(grad, inverse perm) */
export const Transpose = defineOp<{ perm: readonly number[] }>({
  name: 'transpose',
  linear: true,
  infer: ([x], { perm }) => {
    const ok = perm.length === x.shape.length && [...perm].sort((a, b) => a - b).every((p, i) => p === i);
    if (!ok) throw new ShapeError(`perm [${perm.join(',')}] is not a permutation of the axes of ${formatShape(x.shape)}`);
    return { shape: perm.map((p) => x.shape[p]), dtype: x.dtype };
  },
  view: ([x], { perm }) => x.transpose(...perm),
  backward: (grad, { attrs: { perm } }) => [transpose(grad, { perm: inverse(perm) })],
});

const inverse = (perm: readonly number[]): number[] => {
  const inv = new Array<number>(perm.length);
  perm.forEach((p, i) => (inv[p] = i));
  return inv;
};

export const transpose = (x: Operand, { perm, name }: { perm?: readonly number[]; name?: string } = {}): Node => {
  const rank = typeof x === 'number' ? 0 : x.rank;
  const p = (perm ?? Array.from({ length: rank }, (_, i) => rank - 1 - i)).map((a) => (a < 0 ? a + rank : a));
  return apply(Transpose, [x], { perm: p }, name);
};
