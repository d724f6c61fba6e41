import { apply, sameDType } from '../graph/apply.js';
import type { Node, Operand } from '../graph/node.js';
import { defineOp } from '../graph/op.js';
import { compatible, formatShape, ShapeError } from '../graph/shape.js';
import { copyInto } from '../graph/tensor.js';
import { addInto } from './add.js';

/** Sum of any number of same-shaped arrays (how fan-out gradients are summed).  d = sum of the d's */
export const AddN = defineOp({
  name: 'addN',
  linear: true,
  infer: (xs) => {
    if (xs.length === 0) throw new ShapeError('needs at least one input');
    const dtype = sameDType(xs);
    const shape = xs[0].shape.map((d, i) => xs.reduce<number | null>((k, x) => k ?? x.shape[i], d));
    for (const x of xs) {
      if (!compatible(x.shape, shape)) throw new ShapeError(`shapes differ: ${xs.map((y) => formatShape(y.shape)).join(', ')}`);
    }
    return { shape, dtype };
  },
  forward: (xs, out) => {
    copyInto(out, xs[0]);
    for (let i = 1; i < xs.length; i++) addInto(out, out, xs[i]);
  },
  backward: (grad, { inputs }) => inputs.map(() => grad),
});
export const addN = (xs: readonly Operand[], opts: { name?: string } = {}): Node => apply(AddN, xs, {}, opts.name);
